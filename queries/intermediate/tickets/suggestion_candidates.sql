-- Which unlinked tickets may be suggested, or tell the usual rate of a term: those on window days.
-- grain:   one row per unlinked ticket created on a day of a suggestion window or its baseline
-- key:     ticket_id
-- params:  none
-- columns: ticket_id, account_id, created_at, created_day
-- Days, not exact windows: the exact window filter runs later on the few tickets that share a
-- term with an incident, so no range join touches raw ticket rows.

with

ticket_rows as (
    select * from tickets
),

ticket_link_rows as (
    select * from ticket_links
),

suggestion_window_day_rows as (
    select * from suggestion_window_days
),

suggestion_baseline_day_rows as (
    select * from suggestion_baseline_days
),

final as (
    select
        ticket_rows.ticket_id,
        ticket_rows.account_id,
        ticket_rows.created_at,
        date_trunc('day', ticket_rows.created_at) as created_day
    from ticket_rows
    left join ticket_link_rows on ticket_link_rows.ticket_id = ticket_rows.ticket_id
    where
        ticket_link_rows.ticket_id is null
        and (
            date_trunc('day', ticket_rows.created_at)
            in (select day from suggestion_window_day_rows)
            or cast(ticket_rows.created_at as date)
            in (select day from suggestion_baseline_day_rows)
        )
)

select * from final

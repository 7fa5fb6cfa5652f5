-- Which unlinked tickets may be suggested, or tell the usual rate of a term: those on window days.
-- grain:   one row per unlinked ticket created on a day of a suggestion window or its baseline
-- key:     ticket_id
-- params:  none
-- columns: ticket_id, account_id, created_at, created_day
-- Days, not exact windows: the exact window filter runs later on the few tickets that share a
-- term with an incident, so no range join touches raw ticket rows.

with

final as (
    select
        tickets.ticket_id,
        tickets.account_id,
        tickets.created_at,
        date_trunc('day', tickets.created_at) as created_day
    from tickets
    left join ticket_links on ticket_links.ticket_id = tickets.ticket_id
    where
        ticket_links.ticket_id is null
        and (
            date_trunc('day', tickets.created_at) in (select day from suggestion_window_days)
            or cast(tickets.created_at as date) in (select day from suggestion_baseline_days)
        )
)

select * from final

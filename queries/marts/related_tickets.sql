-- Which tickets belong to each incident: linked in the help desk, or suggested for CS to review.
-- grain:   one row per incident and related ticket
-- key:     incident_id, ticket_id
-- params:  none
-- columns: incident_id, ticket_id, account_id, created_at, link, reason, signals
-- link: 'linked' (ticket_links) or 'suggested' (suggested_tickets). A link the help desk made to
-- an incident the ticket predates by far is not a related ticket: it is in suspect_links. A ticket
-- may relate to several overlapping incidents (suggested for one only at a large help desk,
-- suggested_tickets).
-- signals: the ticket's signals (ticket_signals), sorted; [] for
-- none.

with

ticket_link_rows as (
    select * from ticket_links
),

ticket_rows as (
    select * from tickets
),

ticket_signal_rows as (
    select * from ticket_signals
),

suggested_ticket_rows as (
    select * from suggested_tickets
),

linked as (
    select
        ticket_link_rows.incident_id,
        ticket_rows.ticket_id,
        ticket_rows.account_id,
        ticket_rows.created_at,
        'linked' as link,
        case
            when ticket_link_rows.via = 'incident' then 'linked in the help desk'
            else 'linked to postmortem ' || ticket_rows.incident_id
        end as reason
    from ticket_link_rows
    inner join ticket_rows on ticket_rows.ticket_id = ticket_link_rows.ticket_id
    where not ticket_link_rows.is_suspect
),

signal_lists as (
    select ticket_id, array_agg(distinct signal order by signal) as signals
    from ticket_signal_rows
    group by ticket_id
),

final as (
    select
        related.incident_id,
        related.ticket_id,
        related.account_id,
        related.created_at,
        related.link,
        related.reason,
        coalesce(signal_lists.signals, cast([] as varchar[])) as signals
    from (
        select incident_id, ticket_id, account_id, created_at, link, reason
        from linked
        union all
        select incident_id, ticket_id, account_id, created_at, 'suggested', reason
        from suggested_ticket_rows
    ) as related
    left join signal_lists on signal_lists.ticket_id = related.ticket_id
    -- Stored by incident: a page reading one incident's rows then skips the other row groups.
    order by related.incident_id, related.created_at
)

select * from final

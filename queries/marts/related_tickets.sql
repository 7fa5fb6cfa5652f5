-- Which tickets belong to each incident: linked in the help desk, or suggested for CS to review.
-- grain:   one row per incident and related ticket
-- key:     incident_id, ticket_id
-- params:  $link_before_hours
-- columns: incident_id, ticket_id, account_id, created_at, link, reason, signals
-- link: 'linked' (ticket_links), 'suggested' (suggested_tickets) or 'suspect': linked in the help
-- desk but created more than $link_before_hours hours before the incident started, so it moves
-- no window and counts in no total; it is listed for CS to fix the link. A ticket may relate to
-- several overlapping incidents (suggested for one only at a large help desk, suggested_tickets).
-- signals: the ticket's signals (ticket_signals), sorted; [] for
-- none.

with

ticket_link_rows as (
    select * from ticket_links
),

ticket_rows as (
    select * from tickets
),

incident_rows as (
    select * from incidents
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
        case when ticket_link_rows.is_suspect then 'suspect' else 'linked' end as link,
        case
            when ticket_link_rows.is_suspect
                then
                    'linked in the help desk, but created '
                    || round(epoch(incident_rows.started_at - ticket_rows.created_at) / 86400.0, 1)
                    || ' days before the incident started (more than '
                    || $link_before_hours
                    || ' hours): check the link'
            when ticket_link_rows.via = 'incident' then 'linked in the help desk'
            else 'linked to postmortem ' || ticket_rows.incident_id
        end as reason
    from ticket_link_rows
    inner join ticket_rows on ticket_rows.ticket_id = ticket_link_rows.ticket_id
    inner join incident_rows on incident_rows.incident_id = ticket_link_rows.incident_id
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

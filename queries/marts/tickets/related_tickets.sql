-- Which tickets belong to each incident: linked in the help desk, or suggested for CS to review.
-- grain:   one row per incident and related ticket
-- key:     incident_id, ticket_id
-- params:  none
-- columns: incident_id, ticket_id, account_id, created_at, link, reason, signals
-- ticket_relations (where linked and suggested tickets are told apart) with each ticket's
-- signals (ticket_signals), sorted; [] for none. A link the help desk made to an incident the
-- ticket predates by far is not a related ticket: it is in suspect_links.

with

ticket_relation_rows as (
    select * from ticket_relations
),

ticket_signal_rows as (
    select * from ticket_signals
),

signal_lists as (
    select ticket_id, array_agg(distinct signal order by signal) as signals
    from ticket_signal_rows
    group by ticket_id
),

final as (
    select
        ticket_relation_rows.incident_id,
        ticket_relation_rows.ticket_id,
        ticket_relation_rows.account_id,
        ticket_relation_rows.created_at,
        ticket_relation_rows.link,
        ticket_relation_rows.reason,
        coalesce(signal_lists.signals, cast([] as varchar[])) as signals
    from ticket_relation_rows
    left join signal_lists on signal_lists.ticket_id = ticket_relation_rows.ticket_id
    -- Stored by incident: a page reading one incident's rows then skips the other row groups.
    order by ticket_relation_rows.incident_id, ticket_relation_rows.created_at
)

select * from final

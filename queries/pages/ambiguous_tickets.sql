-- Which tickets should CS link by hand: they fit two incidents equally, so neither suggests them.
-- grain:   one row per incident and ambiguous ticket
-- params:  $incident_id
-- columns: incident_id, ticket_id, account_id, created_at, subject, reason, other_reasons
-- ambiguous_tickets as stored (the subject with them); all incidents when $incident_id is empty. Newest
-- incident first.

with

ambiguous_ticket_rows as (
    select * from ambiguous_tickets
),

incident_rows as (
    select * from incidents
),

final as (
    select
        ambiguous.incident_id,
        ambiguous.ticket_id,
        ambiguous.account_id,
        ambiguous.created_at,
        ambiguous.subject,
        ambiguous.reason,
        ambiguous.other_reasons
    from ambiguous_ticket_rows as ambiguous
    inner join incident_rows on incident_rows.incident_id = ambiguous.incident_id
    where $incident_id is null or ambiguous.incident_id = $incident_id
    order by incident_rows.started_at desc, ambiguous.created_at
)

select * from final

-- Which links should CS fix in the help desk: tickets linked to an incident they predate by far.
-- grain:   one row per suspect link
-- params:  $incident_id
-- columns: incident_id, ticket_id, account_id, created_at, subject, reason
-- related_tickets with link = 'suspect' (see ticket_links); all incidents when $incident_id is
-- empty. Newest incident first.

with

related_ticket_rows as (
    select * from related_tickets
),

ticket_rows as (
    select * from tickets
),

incident_rows as (
    select * from incidents
),

final as (
    select
        related.incident_id,
        related.ticket_id,
        related.account_id,
        related.created_at,
        ticket_rows.subject,
        related.reason
    from related_ticket_rows as related
    inner join ticket_rows on ticket_rows.ticket_id = related.ticket_id
    inner join incident_rows on incident_rows.incident_id = related.incident_id
    where
        related.link = 'suspect'
        and ($incident_id is null or related.incident_id = $incident_id)
    order by incident_rows.started_at desc, related.created_at
)

select * from final

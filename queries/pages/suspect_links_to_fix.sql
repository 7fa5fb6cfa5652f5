-- Which links should CS fix in the help desk: tickets linked to an incident they predate by far.
-- grain:   one row per suspect link
-- params:  $incident_id
-- columns: incident_id, ticket_id, account_id, created_at, subject, reason
-- suspect_links with the ticket's subject; all incidents when $incident_id is empty. Newest
-- incident first.

with

suspect_link_rows as (
    select * from suspect_links
),

ticket_rows as (
    select * from tickets
),

incident_rows as (
    select * from incidents
),

final as (
    select
        suspect.incident_id,
        suspect.ticket_id,
        suspect.account_id,
        suspect.created_at,
        ticket_rows.subject,
        suspect.reason
    from suspect_link_rows as suspect
    inner join ticket_rows on ticket_rows.ticket_id = suspect.ticket_id
    inner join incident_rows on incident_rows.incident_id = suspect.incident_id
    where $incident_id is null or suspect.incident_id = $incident_id
    order by incident_rows.started_at desc, suspect.created_at
)

select * from final

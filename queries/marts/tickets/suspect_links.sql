-- Which help-desk links should CS fix: tickets linked to an incident they predate by far.
-- grain:   one row per incident and suspect link
-- key:     incident_id, ticket_id
-- params:  $link_before_hours
-- columns: incident_id, ticket_id, account_id, created_at, reason
-- A suspect link (ticket_links.is_suspect) is linked in the help desk but created more than
-- $link_before_hours hours before the incident started: it moves no window and counts in no
-- total, so it is kept here and not in related_tickets. epoch() of an interval is DuckDB's.

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

final as (
    select
        ticket_link_rows.incident_id,
        ticket_rows.ticket_id,
        ticket_rows.account_id,
        ticket_rows.created_at,
        'linked in the help desk, but created '
        || round(epoch(incident_rows.started_at - ticket_rows.created_at) / 86400.0, 1)
        || ' days before the incident started (more than '
        || $link_before_hours
        || ' hours): check the link' as reason
    from ticket_link_rows
    inner join ticket_rows on ticket_rows.ticket_id = ticket_link_rows.ticket_id
    inner join incident_rows on incident_rows.incident_id = ticket_link_rows.incident_id
    where ticket_link_rows.is_suspect
    order by ticket_link_rows.incident_id, ticket_rows.created_at
)

select * from final

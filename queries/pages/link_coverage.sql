-- How reliably CS links tickets to incidents: linked against suggested tickets per incident.
-- grain:   one row per incident
-- params:  none
-- columns: incident_id, title, started_at, linked_tickets, suggested_tickets, linked_pct
-- linked_pct is empty for an incident without related tickets.

with

incident_impact_rows as (
    select * from incident_impact
),

final as (
    select
        incident_id,
        title,
        started_at,
        linked_tickets,
        suggested_tickets,
        100.0 * linked_tickets / nullif(linked_tickets + suggested_tickets, 0) as linked_pct
    from incident_impact_rows
    order by started_at
)

select * from final

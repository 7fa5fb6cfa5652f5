-- What one incident cost the customers: its headline numbers and its postmortem's hygiene.
-- grain:   one row (none when $incident_id names no incident)
-- params:  $incident_id
-- columns: incident_id, title, severity, started_at, resolved_at, ongoing, outage_minutes,
--          customer_impact_start, customer_impact_end, customer_impact_minutes, impact_ratio,
--          comms_gap_minutes, customers_first_minutes, linked_tickets, suggested_tickets,
--          tickets_after_resolved, long_tail_tickets, excess_tickets, affected_accounts,
--          exposed_accounts, quiet_accounts, silent_quiet_accounts, quiet_mrr,
--          suggested_severity, severity_gap, postmortem_published_at,
--          postmortem_days_after_resolved, postmortem_status, stated_ticket_count,
--          stated_accounts, suspect_links, customer_impact_reason, comms_gap_reason,
--          customers_first_reason
-- Quiet accounts come from incident_quiet (empty while the incident is not judged); silent ones
-- never opened a related ticket. The *_reason columns say why a figure is empty (incident_impact). postmortem_status: 'on time', 'late', 'missing' (due
-- date passed in the data without one), 'not due yet', or 'ongoing'.

with

incident_impact_rows as (
    select * from incident_impact
),

incident_quiet_rows as (
    select * from incident_quiet
),

final as (
    select
        impact.incident_id,
        impact.title,
        impact.severity,
        impact.started_at,
        impact.resolved_at,
        impact.ongoing,
        impact.outage_minutes,
        impact.customer_impact_start,
        impact.customer_impact_end,
        impact.customer_impact_minutes,
        impact.impact_ratio,
        impact.comms_gap_minutes,
        impact.customers_first_minutes,
        impact.linked_tickets,
        impact.suggested_tickets,
        impact.tickets_after_resolved,
        impact.long_tail_tickets,
        impact.excess_tickets,
        impact.affected_accounts,
        quiet.exposed_accounts,
        quiet.quiet_accounts,
        quiet.silent_quiet_accounts,
        quiet.quiet_mrr,
        impact.suggested_severity,
        impact.severity_gap,
        impact.postmortem_published_at,
        impact.postmortem_days_after_resolved,
        case
            when impact.ongoing then 'ongoing'
            when impact.postmortem_on_time then 'on time'
            when impact.postmortem_published_at is not null then 'late'
            when impact.postmortem_on_time is not null then 'missing'
            else 'not due yet'
        end as postmortem_status,
        impact.stated_ticket_count,
        impact.stated_accounts,
        impact.suspect_links,
        impact.customer_impact_reason,
        impact.comms_gap_reason,
        impact.customers_first_reason
    from incident_impact_rows as impact
    left join incident_quiet_rows as quiet on quiet.incident_id = impact.incident_id
    where impact.incident_id = $incident_id
)

select * from final

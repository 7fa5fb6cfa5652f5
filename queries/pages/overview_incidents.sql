-- How long each incident hurt customers next to how long it ran, for the overview's filters.
-- grain:   one row per incident that passes the filters (an empty filter keeps every incident)
-- params:  $started_from, $started_before, $service, $severities
-- columns: incident_id, title, severity, services, started_at, resolved_at, is_ongoing,
--          outage_minutes, customer_impact_minutes, impact_ratio, related_tickets,
--          linked_tickets, suggested_tickets, affected_accounts, quiet_accounts, quiet_mrr,
--          suggested_severity, severity_gap, comms_gap_minutes
-- quiet_accounts and quiet_mrr come from incident_quiet: empty while an incident is not judged
-- (ongoing, or outside the usage data).
-- array_to_string is DuckDB's (Spark: array_join); is_picked_incident: queries/macros/.

with

incident_rows as (
    select * from incidents
),

incident_impact_rows as (
    select * from incident_impact
),

incident_quiet_rows as (
    select * from incident_quiet
),

chosen as (
    select
        incident_id,
        array_to_string(services, ', ') as services
    from incident_rows
    where
        ($started_from is null or started_at >= $started_from)
        and ($started_before is null or started_at < $started_before)
        and is_picked_incident(services, severity, $service, $severities)
),

final as (
    select
        impact.incident_id,
        impact.title,
        impact.severity,
        chosen.services,
        impact.started_at,
        impact.resolved_at,
        impact.ongoing as is_ongoing,
        impact.outage_minutes,
        impact.customer_impact_minutes,
        impact.impact_ratio,
        impact.linked_tickets + impact.suggested_tickets as related_tickets,
        impact.linked_tickets,
        impact.suggested_tickets,
        coalesce(impact.affected_accounts, 0) as affected_accounts,
        quiet.quiet_accounts,
        quiet.quiet_mrr,
        impact.suggested_severity,
        impact.severity_gap,
        impact.comms_gap_minutes
    from incident_impact_rows as impact
    inner join chosen on chosen.incident_id = impact.incident_id
    left join incident_quiet_rows as quiet on quiet.incident_id = impact.incident_id
    order by impact.started_at desc
)

select * from final

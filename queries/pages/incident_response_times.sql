-- How fast was each incident detected, acknowledged, mitigated and resolved, and by customers?
-- grain:   one row per incident that passes the filters
-- params:  $service, $severities
-- columns: incident_id, title, severity, started_at, time_to_detect_minutes,
--          time_to_acknowledge_minutes, time_to_mitigate_minutes, time_to_resolve_minutes,
--          customers_time_to_detect_minutes, customer_impact_minutes
-- Newest first. Filters as on the Overview. Negative customers_time_to_detect_minutes: customers
-- wrote in before the declared start.

with

incident_response_time_rows as (
    select * from incident_response_times
),

incident_rows as (
    select * from incidents
),

final as (
    select
        times.incident_id,
        incident_rows.title,
        incident_rows.severity,
        times.started_at,
        times.time_to_detect_minutes,
        times.time_to_acknowledge_minutes,
        times.time_to_mitigate_minutes,
        times.time_to_resolve_minutes,
        times.customers_time_to_detect_minutes,
        times.customer_impact_minutes
    from incident_response_time_rows as times
    inner join incident_rows on incident_rows.incident_id = times.incident_id
    where
        is_picked_incident(incident_rows.services, incident_rows.severity, $service, $severities)
    order by times.started_at desc
)

select * from final

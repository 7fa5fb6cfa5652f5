-- How far the status page's "resolved" ran ahead of the customers, incident by incident over time.
-- grain:   one row per incident
-- params:  none
-- columns: incident_id, title, severity, started_at, comms_gap_minutes, customers_first_minutes
-- Positive comms_gap_minutes: customers still hurting after "resolved" was posted; positive
-- customers_first_minutes: customers wrote before the first status update.

with

incident_impact_rows as (
    select * from incident_impact
),

final as (
    select
        incident_id,
        title,
        severity,
        started_at,
        comms_gap_minutes,
        customers_first_minutes
    from incident_impact_rows
    order by started_at
)

select * from final

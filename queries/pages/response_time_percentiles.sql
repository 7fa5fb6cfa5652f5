-- How fast, typically and at worst, do we detect, acknowledge, mitigate and resolve, and customers?
-- grain:   one row per response time
-- params:  $service, $severities
-- columns: response_time, measured_incidents, median_minutes, p90_minutes
-- Over the incidents that pass the filters (as on the Overview) and have the time measured
-- (incident_response_times); a time none of them has shows 0 measured and empty figures. The
-- median and the 90th percentile interpolate between incidents (percentile_cont), so with 3
-- incidents of 10, 20 and 40 minutes the median is 20 and the p90 36.
-- The service and severity filter: is_picked_incident (queries/macros/incident_filters.sql).

with

incident_response_time_rows as (
    select * from incident_response_times
),

incident_rows as (
    select * from incidents
),

chosen as (
    select times.*
    from incident_response_time_rows as times
    inner join incident_rows on incident_rows.incident_id = times.incident_id
    where
        is_picked_incident(incident_rows.services, incident_rows.severity, $service, $severities)
),

measures as (
    select 1 as position, 'time to detect' as response_time, time_to_detect_minutes as minutes
    from chosen
    union all
    select 2, 'time to acknowledge', time_to_acknowledge_minutes from chosen
    union all
    select 3, 'time to mitigate', time_to_mitigate_minutes from chosen
    union all
    select 4, 'time to resolve', time_to_resolve_minutes from chosen
    union all
    select 5, 'customers noticed', customers_time_to_detect_minutes from chosen
    union all
    select 6, 'customer impact', customer_impact_minutes from chosen
),

names as (
    select listed.position, listed.response_time
    from (
        values
            (1, 'time to detect'), (2, 'time to acknowledge'), (3, 'time to mitigate'),
            (4, 'time to resolve'), (5, 'customers noticed'), (6, 'customer impact')
    ) as listed (position, response_time)
),

final as (
    select
        names.response_time,
        count(measures.minutes) as measured_incidents,
        percentile_cont(0.5) within group (order by measures.minutes) as median_minutes,
        percentile_cont(0.9) within group (order by measures.minutes) as p90_minutes
    from names
    left join measures on measures.position = names.position
    group by names.position, names.response_time
    order by names.position
)

select * from final

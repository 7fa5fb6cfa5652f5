-- When each incident ran, and when an unlinked ticket may be suggested as related to it.
-- grain:   one row per incident
-- key:     incident_id
-- params:  $suggest_before_minutes, $suggest_after_hours
-- columns: incident_id, started_at, resolved_at, ended_at, is_ongoing, data_end_at,
--          suggest_from, suggest_until
-- An incident without resolved_at is still ongoing: it is measured up to the newest timestamp in
-- the data (load_info.data_end_at), so ended_at is never empty. The suggestion window includes
-- both of its edges.

with

incident_rows as (
    select * from incidents
),

load_info_rows as (
    select * from load_info
),

incidents_with_data_end as (
    select
        incident_rows.incident_id,
        incident_rows.started_at,
        incident_rows.resolved_at,
        load_info_rows.data_end_at
    from incident_rows
    cross join load_info_rows
),

final as (
    select
        incident_id,
        started_at,
        resolved_at,
        coalesce(resolved_at, greatest(data_end_at, started_at)) as ended_at,
        resolved_at is null as is_ongoing,
        data_end_at,
        started_at - $suggest_before_minutes * interval '1 minute' as suggest_from,
        coalesce(resolved_at, greatest(data_end_at, started_at))
        + $suggest_after_hours * interval '1 hour' as suggest_until
    from incidents_with_data_end
)

select * from final

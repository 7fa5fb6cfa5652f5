-- When the status page first spoke about each incident, and when it first said "resolved".
-- grain:   one row per incident with a status update
-- key:     incident_id
-- params:  none
-- columns: incident_id, first_update_at, status_resolved_at
-- status_resolved_at is empty when no update of the incident says "resolved".

with

status_update_rows as (
    select * from status_updates
),

final as (
    select
        incident_id,
        min(posted_at) as first_update_at,
        min(posted_at) filter (where status = 'resolved') as status_resolved_at
    from status_update_rows
    group by incident_id
)

select * from final

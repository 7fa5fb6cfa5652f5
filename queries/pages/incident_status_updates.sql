-- What the status page told customers during one incident, and when.
-- grain:   one row per status update
-- params:  $incident_id
-- columns: posted_at, status, body, is_resolved
-- is_resolved: the update says "resolved", as incident_status_times reads it (the timeline's
-- star).

with

status_update_rows as (
    select * from status_updates
),

final as (
    select
        posted_at,
        status,
        body,
        status = 'resolved' as is_resolved
    from status_update_rows
    where incident_id = $incident_id
    order by posted_at
)

select * from final

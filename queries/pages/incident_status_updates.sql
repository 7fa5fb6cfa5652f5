-- What the status page told customers during one incident, and when.
-- grain:   one row per status update
-- params:  $incident_id
-- columns: posted_at, status, body

with

status_update_rows as (
    select * from status_updates
),

final as (
    select
        posted_at,
        status,
        body
    from status_update_rows
    where incident_id = $incident_id
    order by posted_at
)

select * from final

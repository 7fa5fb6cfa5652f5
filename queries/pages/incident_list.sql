-- Which incidents there are, newest first, to pick one on the incident page.
-- grain:   one row per incident
-- params:  none
-- columns: incident_id, title, severity, started_at

with

incident_rows as (
    select * from incidents
),

final as (
    select
        incident_id,
        title,
        severity,
        started_at
    from incident_rows
    order by started_at desc, incident_id
)

select * from final

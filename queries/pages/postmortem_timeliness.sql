-- Which incidents got their postmortem within the due days of resolution, late, or not at all.
-- grain:   one row per resolved incident
-- params:  none
-- columns: incident_id, title, resolved_at, postmortem_published_at,
--          postmortem_days_after_resolved, postmortem_status
-- postmortem_status: 'on time', 'late', 'missing' (due date passed in the data without one) or
-- 'not due yet', following incident_impact.postmortem_on_time.

with

incident_impact_rows as (
    select * from incident_impact
),

final as (
    select
        incident_id,
        title,
        resolved_at,
        postmortem_published_at,
        postmortem_days_after_resolved,
        case
            when postmortem_on_time then 'on time'
            when postmortem_published_at is not null then 'late'
            when postmortem_on_time is not null then 'missing'
            else 'not due yet'
        end as postmortem_status
    from incident_impact_rows
    where not ongoing
    order by resolved_at
)

select * from final

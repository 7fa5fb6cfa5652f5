-- When the first and the last incident started, the bounds of the overview's date filter.
-- grain:   one row
-- params:  none
-- columns: first_started_at, last_started_at, incidents

with

incident_rows as (
    select * from incidents
),

final as (
    select
        min(started_at) as first_started_at,
        max(started_at) as last_started_at,
        count(*) as incidents
    from incident_rows
)

select * from final

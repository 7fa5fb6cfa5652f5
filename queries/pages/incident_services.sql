-- Which services the incidents touched, for the overview's service filter.
-- grain:   one row per service
-- params:  none
-- columns: service, incidents
-- unnest of the services list is DuckDB's (Spark: explode).

with

incident_rows as (
    select * from incidents
),

incident_services as (
    select
        incident_id,
        unnest(services) as service
    from incident_rows
),

final as (
    select
        service,
        count(distinct incident_id) as incidents
    from incident_services
    where service <> ''
    group by service
    order by service
)

select * from final

-- Which services' incidents cost the customers most, month by month?
-- grain:   one row per month and service with an incident
-- params:  $severities
-- columns: month, service, incidents, outage_hours, customer_impact_hours, quiet_mrr,
--          late_postmortems
-- An incident of several services counts for each of them; one without a service under
-- '(none)'. Incidents count in the month of their started_at (UTC). Finished incidents only: an
-- ongoing one's figures are "so far" (monthly_trends counts it apart). Empty where nothing was
-- measured, as in monthly_trends. DuckDB-only: unnest of a list (Spark: explode).

with

incident_rows as (
    select * from incidents
),

incident_impact_rows as (
    select * from incident_impact
),

incident_quiet_rows as (
    select * from incident_quiet
),

chosen as (
    select
        incident_id,
        unnest(case when len(services) > 0 then services else ['(none)'] end) as service
    from incident_rows
    where
        resolved_at is not null
        and ($severities is null or len($severities) = 0 or list_contains($severities, severity))
),

final as (
    select
        date_trunc('month', impact.started_at) as month,
        chosen.service,
        count(*) as incidents,
        sum(impact.outage_minutes) / 60.0 as outage_hours,
        sum(impact.customer_impact_minutes) / 60.0 as customer_impact_hours,
        sum(quiet.quiet_mrr) as quiet_mrr,
        count(*) filter (where not impact.postmortem_on_time) as late_postmortems
    from incident_impact_rows as impact
    inner join chosen on chosen.incident_id = impact.incident_id
    left join incident_quiet_rows as quiet on quiet.incident_id = impact.incident_id
    group by date_trunc('month', impact.started_at), chosen.service
    order by month, service
)

select * from final

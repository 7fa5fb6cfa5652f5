-- How did incidents and what they cost the customers move month by month?
-- grain:   one row per month from the first to the last month with an incident or a ticket
-- params:  $service, $severities
-- columns: month, incidents, ongoing_incidents, outage_hours, customer_impact_hours, quiet_mrr,
--          median_comms_gap_minutes, late_postmortems, undeclared_surges
-- Incidents count in the month of their started_at (UTC) and pass the filters as on the
-- Overview (an empty filter keeps every incident). incidents and every sum are the finished
-- incidents'; an ongoing one (its figures "so far") only counts in ongoing_incidents. Sums are
-- empty where nothing was measured (quiet_mrr where no incident was judged, never $0):
-- customer_impact_hours without tickets, quiet_mrr without usage, median_comms_gap_minutes
-- without a "resolved" status update. late_postmortems: published more than postmortem_due_days
-- after resolution. undeclared_surges (ticket_surges without an incident) name no service or
-- severity, so the filters leave them as they are.
-- The service and severity filter: is_picked_incident (queries/macros/incident_filters.sql).

with

incident_rows as not materialized (
    select * from incidents
),

ticket_history_span_rows as (
    select * from ticket_history_span
),

incident_impact_rows as (
    select * from incident_impact
),

incident_quiet_rows as (
    select * from incident_quiet
),

ticket_surge_rows as (
    select * from ticket_surges
),

chosen as (
    select incident_id
    from incident_rows
    where
        is_picked_incident(services, severity, $service, $severities)
),

span as (
    select
        date_trunc('month', least(
            (select min(started_at) from incident_rows),
            ticket_history_span_rows.first_hour
        )) as first_month,
        date_trunc('month', greatest(
            (select max(started_at) from incident_rows),
            ticket_history_span_rows.last_hour
        )) as last_month
    from ticket_history_span_rows
),

months as (
    select unnest(generate_series(first_month, last_month, interval '1 month')) as month
    from span
),

incident_months as (
    select
        date_trunc('month', impact.started_at) as month,
        count(*) filter (where not impact.ongoing) as incidents,
        count(*) filter (where impact.ongoing) as ongoing_incidents,
        sum(impact.outage_minutes) filter (where not impact.ongoing) / 60.0 as outage_hours,
        sum(impact.customer_impact_minutes) filter (where not impact.ongoing)
        / 60.0 as customer_impact_hours,
        sum(quiet.quiet_mrr) filter (where not impact.ongoing) as quiet_mrr,
        median(impact.comms_gap_minutes) filter (
            where not impact.ongoing
        ) as median_comms_gap_minutes,
        count(*) filter (where not impact.postmortem_on_time) as late_postmortems
    from incident_impact_rows as impact
    inner join chosen on chosen.incident_id = impact.incident_id
    left join incident_quiet_rows as quiet on quiet.incident_id = impact.incident_id
    group by date_trunc('month', impact.started_at)
),

surge_months as (
    select date_trunc('month', started_at) as month, count(*) as undeclared_surges
    from ticket_surge_rows
    where incident_id is null
    group by date_trunc('month', started_at)
),

final as (
    select
        months.month,
        coalesce(incident_months.incidents, 0) as incidents,
        coalesce(incident_months.ongoing_incidents, 0) as ongoing_incidents,
        coalesce(incident_months.outage_hours, 0) as outage_hours,
        incident_months.customer_impact_hours,
        incident_months.quiet_mrr,
        incident_months.median_comms_gap_minutes,
        coalesce(incident_months.late_postmortems, 0) as late_postmortems,
        coalesce(surge_months.undeclared_surges, 0) as undeclared_surges
    from months
    left join incident_months on incident_months.month = months.month
    left join surge_months on surge_months.month = months.month
    where months.month is not null
    order by months.month
)

select * from final

-- How fast did we detect, acknowledge, mitigate and resolve each incident, and the customers?
-- grain:   one row per incident
-- key:     incident_id
-- params:  none
-- columns: incident_id, started_at, detected_at, acknowledged_at, mitigated_at, resolved_at,
--          time_to_detect_minutes, time_to_acknowledge_minutes, time_to_mitigate_minutes,
--          time_to_resolve_minutes, first_ticket_at, surge_first_ticket_at,
--          customers_noticed_at, customers_time_to_detect_minutes, customer_impact_minutes
-- Every time_to_* counts minutes from the declared started_at, and is empty when its moment is
-- not in the record (acknowledged_at comes from PagerDuty, or a column of incidents.csv;
-- time_to_resolve_minutes is empty while ongoing). The customers' own time to detect:
-- customers_noticed_at is the earlier of the first related ticket (customer_impact_windows) and
-- the first ticket of a surge attached to the incident (ticket_surges, surge_tickets: a surge's
-- own start is the top of an hour, before anyone wrote); customers_time_to_detect_minutes is it
-- minus started_at, negative when customers wrote in before the declared start. Empty without
-- tickets. customer_impact_minutes is customer_impact_windows', empty without tickets.

with

ticket_rows as (
    select * from tickets
),

ticket_surge_rows as (
    select * from ticket_surges
),

surge_ticket_rows as (
    select * from surge_tickets
),

incident_rows as not materialized (
    select * from incidents
),

customer_impact_window_rows as (
    select * from customer_impact_windows
),

has_tickets as (
    select count(*) > 0 as yes
    from ticket_rows
),

first_surges as (
    select ticket_surge_rows.incident_id, min(surge_ticket_rows.created_at) as surge_first_ticket_at
    from ticket_surge_rows
    inner join surge_ticket_rows on surge_ticket_rows.surge_id = ticket_surge_rows.surge_id
    where ticket_surge_rows.incident_id is not null
    group by ticket_surge_rows.incident_id
),

noticed as (
    select
        incident_rows.incident_id,
        customer_impact_window_rows.first_ticket_at,
        first_surges.surge_first_ticket_at,
        least(customer_impact_window_rows.first_ticket_at, first_surges.surge_first_ticket_at)
        as customers_noticed_at,
        case when has_tickets.yes then customer_impact_window_rows.customer_impact_minutes end
        as customer_impact_minutes
    from incident_rows
    cross join has_tickets
    left join customer_impact_window_rows
        on customer_impact_window_rows.incident_id = incident_rows.incident_id
    left join first_surges on first_surges.incident_id = incident_rows.incident_id
),

final as (
    select
        incident_rows.incident_id,
        incident_rows.started_at,
        incident_rows.detected_at,
        incident_rows.acknowledged_at,
        incident_rows.mitigated_at,
        incident_rows.resolved_at,
        epoch(incident_rows.detected_at - incident_rows.started_at) / 60.0
        as time_to_detect_minutes,
        epoch(incident_rows.acknowledged_at - incident_rows.started_at) / 60.0
        as time_to_acknowledge_minutes,
        epoch(incident_rows.mitigated_at - incident_rows.started_at) / 60.0
        as time_to_mitigate_minutes,
        epoch(incident_rows.resolved_at - incident_rows.started_at) / 60.0
        as time_to_resolve_minutes,
        noticed.first_ticket_at,
        noticed.surge_first_ticket_at,
        noticed.customers_noticed_at,
        epoch(noticed.customers_noticed_at - incident_rows.started_at) / 60.0
        as customers_time_to_detect_minutes,
        noticed.customer_impact_minutes
    from incident_rows
    inner join noticed on noticed.incident_id = incident_rows.incident_id
)

select * from final

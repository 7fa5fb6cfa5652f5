-- Which candidate tickets use an incident's term inside its window, in an hour the term surges?
-- grain:   one row per incident, candidate ticket and term
-- key:     incident_id, ticket_id, term
-- params:  $suggest_min_lift
-- columns: incident_id, ticket_id, term
-- Only surges count: a term matches a ticket only when, in the hour the ticket was created, more
-- candidate tickets use the term than $suggest_min_lift times its usual hourly count, the median
-- day (days without one count as 0) of the incident's baseline days
-- (suggestion_baseline_days), / 24. A term no ordinary ticket uses has a usual count of 0, so
-- one ticket is a surge; at thousands of tickets a day a service word surges in the incident's
-- hours and not in the days after. Tickets meet windows by an equality join on term and day
-- (suggestion_window_days), then the exact window filter (both edges included).

with

candidate_term_hit_rows as (
    select * from candidate_term_hits
),

incident_term_rows as not materialized (
    select * from incident_terms
),

suggestion_baseline_day_rows as (
    select * from suggestion_baseline_days
),

suggestion_window_day_rows as (
    select * from suggestion_window_days
),

ticket_terms as materialized (
    select distinct ticket_id, term, created_at, created_day
    from candidate_term_hit_rows
),

term_hours as (
    -- How many candidate tickets use each term, hour by hour.
    select term, date_trunc('hour', created_at) as hour, count(*) as tickets
    from ticket_terms
    group by term, date_trunc('hour', created_at)
),

term_days as (
    select term, cast(hour as date) as day, sum(tickets) as tickets
    from term_hours
    group by term, cast(hour as date)
),

usual_rates as (
    select
        suggestion_baseline_day_rows.incident_id,
        incident_term_list.term,
        median(coalesce(term_days.tickets, 0)) / 24.0 as usual_hourly
    from (select distinct incident_id, term from incident_term_rows) as incident_term_list
    inner join suggestion_baseline_day_rows
        on suggestion_baseline_day_rows.incident_id = incident_term_list.incident_id
    left join term_days
        on
            term_days.term = incident_term_list.term
            and term_days.day = suggestion_baseline_day_rows.day
    group by suggestion_baseline_day_rows.incident_id, incident_term_list.term
),

window_terms as materialized (
    select distinct
        suggestion_window_day_rows.incident_id,
        suggestion_window_day_rows.day,
        suggestion_window_day_rows.suggest_from,
        suggestion_window_day_rows.suggest_until,
        incident_term_rows.term
    from suggestion_window_day_rows
    inner join incident_term_rows
        on incident_term_rows.incident_id = suggestion_window_day_rows.incident_id
),

final as (
    select window_terms.incident_id, ticket_terms.ticket_id, ticket_terms.term
    from ticket_terms
    inner join window_terms
        on
            window_terms.day = ticket_terms.created_day
            and window_terms.term = ticket_terms.term
    inner join term_hours
        on
            term_hours.term = ticket_terms.term
            and term_hours.hour = date_trunc('hour', ticket_terms.created_at)
    inner join usual_rates
        on
            usual_rates.incident_id = window_terms.incident_id
            and usual_rates.term = window_terms.term
    where
        ticket_terms.created_at between window_terms.suggest_from and window_terms.suggest_until
        and term_hours.tickets > $suggest_min_lift * usual_rates.usual_hourly
)

select * from final

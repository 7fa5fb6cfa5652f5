-- Which past hours make the usual level of each hour: the same hour of the week, weeks before.
-- grain:   one row per hour and past hour that counts for its baseline
-- key:     hour, past_hour
-- params:  $baseline_weeks
-- columns: hour, past_hour
-- storage: a temporary table
-- Every hour of ticket_hours (the first ticket's hour to the data's end) looks back
-- 1 .. $baseline_weeks weeks. A past hour counts only when the data already covered it (not
-- before the first ticket's hour) and no incident was running in it (from the hour of its
-- started_at to its ended_at). Hourly volume (ticket_volume) and surges (ticket_surges) both take
-- their median over these hours, of all tickets or of one word's tickets. DuckDB-only:
-- generate_series with unnest (Spark: sequence with explode).

with

ticket_hour_rows as not materialized (
    select * from ticket_hours
),

incident_window_rows as (
    select * from incident_windows
),

first_hour as (
    select min(hour) as first_hour from ticket_hour_rows
),

incident_hours as (
    select distinct
        unnest(
            generate_series(date_trunc('hour', started_at), ended_at, interval '1 hour')
        ) as hour
    from incident_window_rows
),

weeks_back as (
    select unnest(generate_series(1, $baseline_weeks)) as weeks
),

past_hours as (
    select
        hours.hour,
        hours.hour - weeks_back.weeks * interval '7 days' as past_hour
    from ticket_hour_rows as hours
    cross join weeks_back
),

final as (
    select past_hours.hour, past_hours.past_hour
    from past_hours
    cross join first_hour
    left join incident_hours on incident_hours.hour = past_hours.past_hour
    where
        incident_hours.hour is null
        and past_hours.past_hour >= first_hour.first_hour
)

select * from final

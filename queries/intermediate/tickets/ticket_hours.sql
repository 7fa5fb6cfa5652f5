-- Which hours does the ticket record cover: every hour from the first ticket's to the data's end.
-- grain:   one row per hour
-- key:     hour
-- params:  none
-- columns: hour
-- storage: a temporary table
-- From the hour of the first ticket to the later of the last ticket's hour and the hour of the
-- data's end (load_info.data_end_at), so the quiet hours after the last ticket count too. Empty
-- without tickets. Read by baseline_hours and hourly_baselines, which both span these hours.
-- DuckDB-only: generate_series with unnest (Spark: sequence with explode).

with

tickets_hourly_rows as (
    select * from tickets_hourly
),

load_info_rows as (
    select * from load_info
),

span as (
    select
        min(tickets_hourly_rows.hour) as first_hour,
        greatest(max(tickets_hourly_rows.hour), date_trunc('hour', min(load_info_rows.data_end_at)))
        as last_hour
    from tickets_hourly_rows
    cross join load_info_rows
),

final as (
    select unnest(generate_series(first_hour, last_hour, interval '1 hour')) as hour
    from span
)

select * from final

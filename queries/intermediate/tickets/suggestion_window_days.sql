-- Which days each incident's suggestion window touches, to meet tickets by an equality join on day.
-- grain:   one row per incident and day
-- key:     incident_id, day
-- params:  none
-- columns: incident_id, day, suggest_from, suggest_until
-- Joining tickets to these rows on the day a ticket was created, then keeping those between
-- suggest_from and suggest_until, finds the tickets in a window without a range join on raw
-- ticket rows. DuckDB-only: generate_series with unnest (Spark: sequence with explode).

with

incident_window_rows as (
    select * from incident_windows
),

final as (
    select
        incident_id,
        unnest(
            generate_series(date_trunc('day', suggest_from), suggest_until, interval '1 day')
        ) as day,
        suggest_from,
        suggest_until
    from incident_window_rows
)

select * from final

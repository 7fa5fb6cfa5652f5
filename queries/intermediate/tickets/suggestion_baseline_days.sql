-- Which days before each incident's suggestion window tell how often its terms are usually used.
-- grain:   one row per incident and day
-- key:     incident_id, day
-- params:  $baseline_weeks
-- columns: incident_id, day
-- The 7 x $baseline_weeks days before the day the suggestion window opens. DuckDB-only:
-- generate_series with unnest.

with

incident_window_rows as (
    select * from incident_windows
),

final as (
    select
        incident_id,
        cast(
            unnest(
                generate_series(
                    cast(suggest_from as date) - 7 * $baseline_weeks::integer,
                    cast(suggest_from as date) - 1,
                    interval '1 day'
                )
            ) as date
        ) as day
    from incident_window_rows
)

select * from final

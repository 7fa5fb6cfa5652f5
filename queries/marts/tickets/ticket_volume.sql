-- How many tickets came in each hour around each incident, against the usual level for that hour.
-- grain:   one row per incident and hour
-- key:     incident_id, hour
-- params:  $volume_days_before, $volume_days_after
-- columns: incident_id, hour, related_tickets, all_tickets, baseline_tickets
-- Hours run from $volume_days_before days before started_at to $volume_days_after days after
-- ended_at (resolved_at, or the data's end while ongoing) and stop at the data's end.
-- baseline_tickets is hourly_baselines' (the median of the same hour of the week over the
-- baseline_weeks before, hours inside incidents left out; empty when no past hour counts), the
-- level ticket_surges judges too. DuckDB-only: generate_series with unnest (Spark: sequence with
-- explode).

with

incident_window_rows as (
    select * from incident_windows
),

related_ticket_rows as (
    select * from related_tickets
),

hourly_baseline_rows as (
    select * from hourly_baselines
),

volume_hours as (
    select
        incident_id,
        unnest(
            generate_series(
                date_trunc('hour', started_at - $volume_days_before * interval '1 day'),
                least(ended_at + $volume_days_after * interval '1 day', data_end_at),
                interval '1 hour'
            )
        ) as hour
    from incident_window_rows
),

related_hourly as (
    select
        incident_id,
        date_trunc('hour', created_at) as hour,
        count(*) as related_tickets
    from related_ticket_rows
    group by incident_id, date_trunc('hour', created_at)
),

final as (
    select
        volume_hours.incident_id,
        volume_hours.hour,
        coalesce(related_hourly.related_tickets, 0) as related_tickets,
        coalesce(hourly_baseline_rows.all_tickets, 0) as all_tickets,
        hourly_baseline_rows.baseline_tickets
    from volume_hours
    left join related_hourly
        on
            related_hourly.incident_id = volume_hours.incident_id
            and related_hourly.hour = volume_hours.hour
    left join hourly_baseline_rows on hourly_baseline_rows.hour = volume_hours.hour
)

select * from final

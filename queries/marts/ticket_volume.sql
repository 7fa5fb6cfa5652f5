-- How many tickets came in each hour around each incident, against the usual level for that hour.
-- grain:   one row per incident and hour
-- key:     incident_id, hour
-- params:  $volume_days_before, $volume_days_after, $baseline_weeks
-- columns: incident_id, hour, related_tickets, all_tickets, baseline_tickets
-- Hours run from $volume_days_before days before started_at to $volume_days_after days after
-- ended_at (resolved_at, or the data's end while ongoing) and stop at the data's end.
-- baseline_tickets is the median of all_tickets in the same hour of the week over the
-- $baseline_weeks weeks before. A past hour counts only when the data already covered it (not
-- before the first ticket's hour) and no incident was running in it (from the hour of its
-- started_at to its ended_at); empty when no past hour counts. Computed once per hour from the
-- hourly counts, never from raw ticket rows. DuckDB-only: generate_series with unnest (Spark:
-- sequence with explode).

with

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
    from incident_windows
),

incident_hours as (
    select distinct
        unnest(
            generate_series(date_trunc('hour', started_at), ended_at, interval '1 hour')
        ) as hour
    from incident_windows
),

data_start as (
    select min(hour) as first_hour
    from tickets_hourly
),

weeks_back as (
    select unnest(generate_series(1, $baseline_weeks)) as weeks
),

past_hours as (
    select
        shown.hour,
        shown.hour - weeks_back.weeks * interval '7 days' as past_hour
    from (select distinct hour from volume_hours) as shown
    cross join weeks_back
),

past_counts as (
    select
        past_hours.hour,
        coalesce(tickets_hourly.all_tickets, 0) as all_tickets
    from past_hours
    cross join data_start
    left join tickets_hourly on tickets_hourly.hour = past_hours.past_hour
    left join incident_hours on incident_hours.hour = past_hours.past_hour
    where
        incident_hours.hour is null
        and past_hours.past_hour >= data_start.first_hour
),

baselines as (
    select
        hour,
        percentile_cont(0.5) within group (order by all_tickets) as baseline_tickets
    from past_counts
    group by hour
),

related_hourly as (
    select
        incident_id,
        date_trunc('hour', created_at) as hour,
        count(*) as related_tickets
    from related_tickets
    where link <> 'suspect'
    group by incident_id, date_trunc('hour', created_at)
),

final as (
    select
        volume_hours.incident_id,
        volume_hours.hour,
        coalesce(related_hourly.related_tickets, 0) as related_tickets,
        coalesce(tickets_hourly.all_tickets, 0) as all_tickets,
        baselines.baseline_tickets
    from volume_hours
    left join related_hourly
        on
            related_hourly.incident_id = volume_hours.incident_id
            and related_hourly.hour = volume_hours.hour
    left join tickets_hourly on tickets_hourly.hour = volume_hours.hour
    left join baselines on baselines.hour = volume_hours.hour
)

select * from final

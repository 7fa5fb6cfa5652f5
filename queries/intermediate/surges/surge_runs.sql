-- Which surge each surging hour belongs to: surging hours merged into runs.
-- grain:   one row per surging hour
-- key:     hour
-- params:  $surge_merge_gap_hours
-- columns: hour, surge_id, started_at, ended_at
-- storage: a temporary table
-- A surging hour starts a new surge when more than $surge_merge_gap_hours hours without a surge
-- lie between it and the surging hour before it (1: 09:00 and 11:00 make one surge, 09:00 and
-- 12:00 two). started_at is the first surging hour, ended_at the end of the last one; the hours
-- between merged runs count for neither tickets nor baseline. surge_id names the surge by its
-- start, 'S-YYYYMMDD-HH' (UTC), stable across loads of the same data.

with

surge_hour_rows as (
    select * from surge_hours
),

gaps as (
    select
        hour,
        hour - lag(hour) over (order by hour) as since_last
    from surge_hour_rows
),

numbered as (
    select
        hour,
        sum(
            case
                when since_last is null then 1
                when since_last > ($surge_merge_gap_hours + 1) * interval '1 hour' then 1
                else 0
            end
        ) over (order by hour rows between unbounded preceding and current row) as run_number
    from gaps
),

runs as (
    select
        hour,
        min(hour) over (partition by run_number) as started_at,
        max(hour) over (partition by run_number) + interval '1 hour' as ended_at
    from numbered
),

final as (
    select
        hour,
        'S-' || strftime(started_at, '%Y%m%d-%H') as surge_id,
        started_at,
        ended_at
    from runs
)

select * from final

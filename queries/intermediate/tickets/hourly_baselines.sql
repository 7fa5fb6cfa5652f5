-- How many tickets came in each hour, against the usual level for that hour of the week.
-- grain:   one row per hour from the first ticket's hour to the data's end
-- key:     hour
-- params:  none
-- columns: hour, all_tickets, baseline_tickets
-- baseline_tickets is the median of all_tickets over the hour's baseline_hours (the same hour of
-- the week, in the weeks before, outside incidents, once the data had begun); hours without a
-- ticket count as 0. Empty when no past hour counts. Computed from the hourly counts, never from
-- raw ticket rows.

with

baseline_hour_rows as (
    select * from baseline_hours
),

tickets_hourly_rows as not materialized (
    select * from tickets_hourly
),

ticket_hour_rows as (
    select * from ticket_hours
),

past_counts as (
    select
        baseline_hour_rows.hour,
        coalesce(tickets_hourly_rows.all_tickets, 0) as all_tickets
    from baseline_hour_rows
    left join tickets_hourly_rows on tickets_hourly_rows.hour = baseline_hour_rows.past_hour
),

baselines as (
    select
        hour,
        percentile_cont(0.5) within group (order by all_tickets) as baseline_tickets
    from past_counts
    group by hour
),

final as (
    select
        every_hour.hour,
        coalesce(tickets_hourly_rows.all_tickets, 0) as all_tickets,
        baselines.baseline_tickets
    from ticket_hour_rows as every_hour
    left join tickets_hourly_rows on tickets_hourly_rows.hour = every_hour.hour
    left join baselines on baselines.hour = every_hour.hour
)

select * from final

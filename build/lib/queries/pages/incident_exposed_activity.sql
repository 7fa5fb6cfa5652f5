-- How active the accounts exposed to one incident were each day of its timeline.
-- grain:   one row per day of the incident's timeline (ticket_volume's hours)
-- params:  $incident_id
-- columns: day, exposed_accounts, active_accounts, usage_total
-- Exposed accounts are quiet_accounts' rows for the incident; usage is account_daily_usage (all
-- features of a day together). Days without a usage row count as 0, so a drop shows. Days are
-- UTC days. generate_series is DuckDB's (Spark: sequence).

with

span as (
    select
        min(hour)::date as first_day,
        max(hour)::date as last_day
    from ticket_volume
    where incident_id = $incident_id
),

days as (
    select unnest(generate_series(first_day, last_day, interval '1 day'))::date as day
    from span
    where first_day is not null
),

exposed as (
    select account_id
    from quiet_accounts
    where incident_id = $incident_id
),

daily as (
    select
        usage.day,
        count(*) filter (where usage.daily_usage > 0) as active_accounts,
        sum(usage.daily_usage) as usage_total
    from account_daily_usage as usage
    inner join exposed on exposed.account_id = usage.account_id
    inner join span on usage.day between span.first_day and span.last_day
    group by usage.day
),

final as (
    select
        days.day,
        (select count(*) from exposed) as exposed_accounts,
        coalesce(daily.active_accounts, 0) as active_accounts,
        coalesce(daily.usage_total, 0) as usage_total
    from days
    left join daily on daily.day = days.day
    order by days.day
)

select * from final

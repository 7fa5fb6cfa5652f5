-- How the accounts quiet after one incident used the product each day, beside the other exposed ones.
-- grain:   one row per day of the incident's timeline (ticket_volume's hours) and group
-- params:  $incident_id
-- columns: day, is_quiet, accounts, active_accounts, usage_total, usage_pct_of_baseline
-- Exposed accounts are quiet_accounts' rows for the incident, in two groups: quiet (is_quiet)
-- and every other exposed account. usage_pct_of_baseline: the group's usage that day as a share
-- of its baseline (the sum of its accounts' baseline daily means), so a small quiet group's fall
-- shows beside the weekend dip of the rest; empty when the group has no baseline. Usage is
-- account_daily_usage (all features of a day together); days without a row count as 0. Days are
-- UTC days. generate_series is DuckDB's (Spark: sequence).

with

ticket_volume_rows as (
    select * from ticket_volume
),

quiet_account_rows as (
    select * from quiet_accounts
),

account_daily_usage_rows as (
    select * from account_daily_usage
),

span as (
    select
        min(hour)::date as first_day,
        max(hour)::date as last_day
    from ticket_volume_rows
    where incident_id = $incident_id
),

days as (
    select unnest(generate_series(first_day, last_day, interval '1 day'))::date as day
    from span
    where first_day is not null
),

exposed as (
    select
        account_id,
        coalesce(quiet, false) as is_quiet,
        baseline_daily
    from quiet_account_rows
    where incident_id = $incident_id
),

groups as (
    select
        is_quiet,
        count(*) as accounts,
        sum(baseline_daily) as baseline_total
    from exposed
    group by is_quiet
),

daily as (
    select
        usage.day,
        exposed.is_quiet,
        count(*) filter (where usage.daily_usage > 0) as active_accounts,
        sum(usage.daily_usage) as usage_total
    from account_daily_usage_rows as usage
    inner join exposed on exposed.account_id = usage.account_id
    inner join span on usage.day between span.first_day and span.last_day
    group by usage.day, exposed.is_quiet
),

final as (
    select
        days.day,
        groups.is_quiet,
        groups.accounts,
        coalesce(daily.active_accounts, 0) as active_accounts,
        coalesce(daily.usage_total, 0) as usage_total,
        100.0 * coalesce(daily.usage_total, 0) / nullif(groups.baseline_total, 0)
            as usage_pct_of_baseline
    from days
    cross join groups
    left join daily on daily.day = days.day and daily.is_quiet = groups.is_quiet
    order by groups.is_quiet desc, days.day
)

select * from final

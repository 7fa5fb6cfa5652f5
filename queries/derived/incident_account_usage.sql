-- How each account's usage around each incident compares with its own normal, and its placebo.
-- grain:   one row per incident and account with usage in the incident's span of days
-- params:  $usage_baseline_days, $exposure_days, $quiet_after_days, $quiet_drop_pct, $min_baseline_daily, $recovered_pct, $recovery_until_day, $placebo_offset_days, $week_later_days
-- columns: incident_id, account_id, baseline_daily, after_daily, recovery_daily, has_baseline,
--          is_already_quiet, has_dropped, has_recovered, has_dropped_by_week,
--          placebo_has_baseline, placebo_is_already_quiet, placebo_has_dropped
-- Means are window sums over the window's length in days (days without rows count as 0); windows
-- as in quiet_windows. The flags apply the rule without judging eligibility (quiet_accounts and
-- incident_quiet do): has_baseline = baseline mean >= $min_baseline_daily; a drop = mean at least
-- $quiet_drop_pct % below the baseline mean (is_already_quiet: over the days before the start;
-- has_dropped: days 1..$quiet_after_days after resolution; has_dropped_by_week: days
-- 1..$week_later_days); has_recovered = mean over the recovery days back to at least
-- $recovered_pct % of baseline. Comparisons are on sums, cross-multiplied, so a drop of exactly
-- the threshold is exact. Window sums come from prefix sums: each account's usage to date over a
-- dense day index, kept as one list, so a window is two list lookups per incident and account,
-- not one joined row per day (at 100,000 accounts and 2,000 incidents the per-day join was
-- billions of rows). An account is listed for an incident when it has a usage row in the
-- incident's span of days (quiet_windows.first_day..last_day). A window an ongoing incident does
-- not have yet (after resolution) sums to 0. DuckDB-only: list indexing.


with

bounds as (
    select
        min(day) as first_day,
        max(day) as last_day,
        date_diff('day', min(day), max(day)) + 1 as day_count
    from account_daily_usage
),

days as (
    select
        cast(unnest(generate_series(first_day, last_day, interval '1 day')) as date)
        as day
    from bounds
),

usage_accounts as (
    select distinct account_id
    from account_daily_usage
),

running as (
    select
        usage_accounts.account_id,
        days.day,
        sum(coalesce(account_daily_usage.daily_usage, 0)) over (
            partition by usage_accounts.account_id order by days.day
        ) as usage_to_date,
        count(account_daily_usage.day) over (
            partition by usage_accounts.account_id order by days.day
        ) as rows_to_date
    from usage_accounts
    cross join days
    left join account_daily_usage
        on
            account_daily_usage.account_id = usage_accounts.account_id
            and account_daily_usage.day = days.day
),

cumulative as (
    -- cum[i + 2]: usage up to and including day i (day 0 = the first day); cum[1] = 0
    select
        account_id,
        [0.0] || list(usage_to_date order by day) as cum,
        [0] || list(rows_to_date order by day) as rows_cum
    from running
    group by account_id
),

incident_indexes as (
    select
        quiet_windows.incident_id,
        date_diff('day', bounds.first_day, quiet_windows.start_day) as s,
        date_diff('day', bounds.first_day, quiet_windows.resolved_day) as r,
        date_diff('day', bounds.first_day, quiet_windows.first_day) as span_first,
        date_diff('day', bounds.first_day, quiet_windows.last_day) as span_last,
        bounds.day_count
    from quiet_windows
    cross join bounds
    where quiet_windows.first_day is not null
),

pairs as (
    select
        incident_indexes.*,
        cumulative.account_id,
        cumulative.cum,
        cumulative.rows_cum
    from incident_indexes
    cross join cumulative
),

window_sums as (
    select
        incident_id,
        account_id,
        case when (s - $usage_baseline_days) is null or (s - 1) is null then 0
            when greatest(s - $usage_baseline_days, 0) > least(s - 1, day_count - 1) then 0
            else cum[least(s - 1, day_count - 1) + 2] - cum[greatest(s - $usage_baseline_days, 0) + 1] end as baseline_usage,
        case when (s - $exposure_days) is null or (s - 1) is null then 0
            when greatest(s - $exposure_days, 0) > least(s - 1, day_count - 1) then 0
            else cum[least(s - 1, day_count - 1) + 2] - cum[greatest(s - $exposure_days, 0) + 1] end as before_usage,
        case when (r + 1) is null or (r + $quiet_after_days) is null then 0
            when greatest(r + 1, 0) > least(r + $quiet_after_days, day_count - 1) then 0
            else cum[least(r + $quiet_after_days, day_count - 1) + 2] - cum[greatest(r + 1, 0) + 1] end as after_usage,
        case when (r + $quiet_after_days + 1) is null or (r + $recovery_until_day) is null then 0
            when greatest(r + $quiet_after_days + 1, 0) > least(r + $recovery_until_day, day_count - 1) then 0
            else cum[least(r + $recovery_until_day, day_count - 1) + 2] - cum[greatest(r + $quiet_after_days + 1, 0) + 1] end as recovery_usage,
        case when (r + 1) is null or (r + $week_later_days) is null then 0
            when greatest(r + 1, 0) > least(r + $week_later_days, day_count - 1) then 0
            else cum[least(r + $week_later_days, day_count - 1) + 2] - cum[greatest(r + 1, 0) + 1] end as week_usage,
        case when (s - $usage_baseline_days - $placebo_offset_days) is null or (s - 1 - $placebo_offset_days) is null then 0
            when greatest(s - $usage_baseline_days - $placebo_offset_days, 0) > least(s - 1 - $placebo_offset_days, day_count - 1) then 0
            else cum[least(s - 1 - $placebo_offset_days, day_count - 1) + 2] - cum[greatest(s - $usage_baseline_days - $placebo_offset_days, 0) + 1] end as placebo_baseline_usage,
        case when (s - $exposure_days - $placebo_offset_days) is null or (s - 1 - $placebo_offset_days) is null then 0
            when greatest(s - $exposure_days - $placebo_offset_days, 0) > least(s - 1 - $placebo_offset_days, day_count - 1) then 0
            else cum[least(s - 1 - $placebo_offset_days, day_count - 1) + 2] - cum[greatest(s - $exposure_days - $placebo_offset_days, 0) + 1] end as placebo_before_usage,
        case when (r + 1 - $placebo_offset_days) is null or (r + $quiet_after_days - $placebo_offset_days) is null then 0
            when greatest(r + 1 - $placebo_offset_days, 0) > least(r + $quiet_after_days - $placebo_offset_days, day_count - 1) then 0
            else cum[least(r + $quiet_after_days - $placebo_offset_days, day_count - 1) + 2] - cum[greatest(r + 1 - $placebo_offset_days, 0) + 1] end as placebo_after_usage
    from pairs
    where
        (case when (span_first) is null or (span_last) is null then 0
            when greatest(span_first, 0) > least(span_last, day_count - 1) then 0
            else rows_cum[least(span_last, day_count - 1) + 2] - rows_cum[greatest(span_first, 0) + 1] end) > 0
),

final as (
    select
        incident_id,
        account_id,
        baseline_usage / $usage_baseline_days as baseline_daily,
        after_usage / $quiet_after_days as after_daily,
        recovery_usage / ($recovery_until_day - $quiet_after_days) as recovery_daily,
        baseline_usage >= $min_baseline_daily * $usage_baseline_days as has_baseline,
        before_usage * $usage_baseline_days * 100
        <= baseline_usage * $exposure_days * (100 - $quiet_drop_pct) as is_already_quiet,
        after_usage * $usage_baseline_days * 100
        <= baseline_usage * $quiet_after_days * (100 - $quiet_drop_pct) as has_dropped,
        recovery_usage * $usage_baseline_days * 100
        >= baseline_usage * ($recovery_until_day - $quiet_after_days)
        * $recovered_pct as has_recovered,
        week_usage * $usage_baseline_days * 100
        <= baseline_usage * $week_later_days * (100 - $quiet_drop_pct) as has_dropped_by_week,
        placebo_baseline_usage >= $min_baseline_daily * $usage_baseline_days
        as placebo_has_baseline,
        placebo_before_usage * $usage_baseline_days * 100
        <= placebo_baseline_usage * $exposure_days * (100 - $quiet_drop_pct)
        as placebo_is_already_quiet,
        placebo_after_usage * $usage_baseline_days * 100
        <= placebo_baseline_usage * $quiet_after_days * (100 - $quiet_drop_pct)
        as placebo_has_dropped
    from window_sums
)

select * from final

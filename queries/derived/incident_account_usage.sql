-- How each account's usage around each incident compares with its own normal, and its placebo.
-- grain:   one row per incident and account with usage in the incident's span of days
-- params:  $usage_baseline_days, $exposure_days, $quiet_after_days, $quiet_drop_pct, $min_baseline_daily, $recovered_pct, $recovery_until_day, $placebo_offset_days, $week_later_days
-- columns: incident_id, account_id, baseline_daily, before_daily, after_daily, recovery_daily,
--          week_daily, has_baseline, is_already_quiet, has_dropped, has_recovered,
--          has_dropped_by_week, placebo_baseline_daily, placebo_after_daily,
--          placebo_has_baseline, placebo_is_already_quiet, placebo_has_dropped
-- Means are window sums over the window's length in days (days without rows count as 0); windows
-- as in quiet_windows. The flags apply the rule without judging eligibility (quiet_accounts and
-- incident_quiet do): has_baseline = baseline mean >= $min_baseline_daily; a drop = mean at least
-- $quiet_drop_pct % below the baseline mean (is_already_quiet: over the days before the start;
-- has_dropped: days 1..$quiet_after_days after resolution; has_dropped_by_week: days
-- 1..$week_later_days); has_recovered = mean over the recovery days back to at least
-- $recovered_pct % of baseline. Comparisons are on sums, cross-multiplied, so a drop of exactly
-- the threshold is exact. Usage rows meet the incident's days through an equality join on the day
-- (one pass over account_daily_usage per incident span), never a range join.

with

incident_days as (
    select
        incident_id,
        start_day,
        resolved_day,
        cast(unnest(generate_series(first_day, last_day, interval '1 day')) as date) as day
    from quiet_windows
),

sums as (
    select
        incident_days.incident_id,
        account_daily_usage.account_id,
        date_diff('day', incident_days.start_day, incident_days.day) as start_offset,
        date_diff('day', incident_days.resolved_day, incident_days.day) as resolved_offset,
        account_daily_usage.daily_usage
    from incident_days
    inner join account_daily_usage on account_daily_usage.day = incident_days.day
),

window_sums as (
    select
        incident_id,
        account_id,
        coalesce(sum(daily_usage) filter (
            where start_offset between -$usage_baseline_days and -1
        ), 0) as baseline_usage,
        coalesce(sum(daily_usage) filter (
            where start_offset between -$exposure_days and -1
        ), 0) as before_usage,
        coalesce(sum(daily_usage) filter (
            where resolved_offset between 1 and $quiet_after_days
        ), 0) as after_usage,
        coalesce(sum(daily_usage) filter (
            where resolved_offset between $quiet_after_days + 1 and $recovery_until_day
        ), 0) as recovery_usage,
        coalesce(sum(daily_usage) filter (
            where resolved_offset between 1 and $week_later_days
        ), 0) as week_usage,
        coalesce(sum(daily_usage) filter (
            where start_offset + $placebo_offset_days between -$usage_baseline_days and -1
        ), 0) as placebo_baseline_usage,
        coalesce(sum(daily_usage) filter (
            where start_offset + $placebo_offset_days between -$exposure_days and -1
        ), 0) as placebo_before_usage,
        coalesce(sum(daily_usage) filter (
            where resolved_offset + $placebo_offset_days between 1 and $quiet_after_days
        ), 0) as placebo_after_usage
    from sums
    group by incident_id, account_id
),

final as (
    select
        incident_id,
        account_id,
        baseline_usage / $usage_baseline_days as baseline_daily,
        before_usage / $exposure_days as before_daily,
        after_usage / $quiet_after_days as after_daily,
        recovery_usage / ($recovery_until_day - $quiet_after_days) as recovery_daily,
        week_usage / $week_later_days as week_daily,
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
        placebo_baseline_usage / $usage_baseline_days as placebo_baseline_daily,
        placebo_after_usage / $quiet_after_days as placebo_after_daily,
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

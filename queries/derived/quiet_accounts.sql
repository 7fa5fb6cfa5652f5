-- Which exposed accounts went quiet after each incident, and which of them never said a word.
-- grain:   one row per incident and exposed account
-- params:  $min_baseline_daily, $exposure_days, $quiet_drop_pct
-- columns: incident_id, account_id, segment, mrr, baseline_daily, after_daily, drop_pct,
--          already_quiet, quiet, opened_ticket, recovered_by_day_30, is_silent, is_still_quiet,
--          latest_daily, recovery_daily, verdict, has_baseline, is_already_quiet, has_dropped,
--          has_dropped_by_week, placebo_has_baseline, placebo_is_already_quiet,
--          placebo_has_dropped
-- quiet: the mean over the days after resolution fell at least $quiet_drop_pct % below the
-- baseline mean, and the account was not already quiet (its mean over the $exposure_days days
-- before the start already that far below: listed with already_quiet, not counted, so one
-- incident's churn is not blamed on the next). quiet, already_quiet and drop_pct are empty when
-- the account is not judged: an ongoing incident, windows outside the usage data (verdict says
-- which) or a baseline mean under $min_baseline_daily a day. is_silent = quiet and no related
-- ticket. recovered_by_day_30 only for quiet accounts, once the data reaches day 30.
-- is_still_quiet: quiet, and the mean over the latest $exposure_days days of usage data is still
-- at least $quiet_drop_pct % below baseline. Account facts (segment, mrr) are empty for accounts
-- missing from `accounts`. What customer success reads beside a quiet account (its name, why it was
-- exposed, its last ticket) is in call_list, for the quiet rows only: this table has a row per
-- exposed account, tens of millions for a large company. The unjudged flags of
-- incident_account_usage ride along (false or empty for an account without usage in the span),
-- so incident_quiet and week_later count from this table without joining that bigger one again.

with

latest_usage as (
    select
        account_daily_usage.account_id,
        sum(account_daily_usage.daily_usage) as latest_usage
    from account_daily_usage
    cross join (select max(day) as last_day from usage) as usage_end
    where account_daily_usage.day > usage_end.last_day - $exposure_days
    group by account_daily_usage.account_id
),

checked as (
    select
        exposed_accounts.incident_id,
        exposed_accounts.account_id,
        exposed_accounts.opened_ticket,
        quiet_windows.has_baseline_window,
        quiet_windows.is_judged,
        quiet_windows.not_judged_reason,
        quiet_windows.has_recovery_window,
        coalesce(incident_account_usage.baseline_daily, 0) as baseline_daily,
        coalesce(incident_account_usage.after_daily, 0) as after_daily,
        coalesce(incident_account_usage.recovery_daily, 0) as recovery_daily,
        coalesce(incident_account_usage.has_baseline, false) as has_baseline,
        incident_account_usage.is_already_quiet,
        incident_account_usage.has_dropped,
        incident_account_usage.has_recovered,
        coalesce(incident_account_usage.has_dropped_by_week, false) as has_dropped_by_week,
        coalesce(incident_account_usage.placebo_has_baseline, false) as placebo_has_baseline,
        incident_account_usage.placebo_is_already_quiet,
        incident_account_usage.placebo_has_dropped,
        coalesce(latest_usage.latest_usage, 0) as latest_usage
    from exposed_accounts
    inner join quiet_windows on quiet_windows.incident_id = exposed_accounts.incident_id
    left join incident_account_usage
        on
            incident_account_usage.incident_id = exposed_accounts.incident_id
            and incident_account_usage.account_id = exposed_accounts.account_id
    left join latest_usage on latest_usage.account_id = exposed_accounts.account_id
),

judged as (
    select
        *,
        case
            when not is_judged or not has_baseline then null
            else not is_already_quiet and has_dropped
        end as quiet,
        case
            when has_baseline_window and has_baseline then is_already_quiet
        end as already_quiet
    from checked
),

final as (
    select
        judged.incident_id,
        judged.account_id,
        accounts.segment,
        accounts.mrr,
        case when judged.has_baseline_window then judged.baseline_daily end as baseline_daily,
        case when judged.is_judged then judged.after_daily end as after_daily,
        case
            when judged.is_judged and judged.has_baseline
                then 100.0 * (judged.baseline_daily - judged.after_daily) / judged.baseline_daily
        end as drop_pct,
        judged.already_quiet,
        judged.quiet,
        judged.opened_ticket,
        case
            when judged.quiet and judged.has_recovery_window then judged.has_recovered
        end as recovered_by_day_30,
        case
            when judged.quiet is not null then judged.quiet and not judged.opened_ticket
        end as is_silent,
        case
            when judged.quiet
                then
                    judged.latest_usage * 100
                    <= judged.baseline_daily * $exposure_days * (100 - $quiet_drop_pct)
            when judged.quiet is not null then false
        end as is_still_quiet,
        judged.latest_usage / $exposure_days as latest_daily,
        case
            when judged.has_recovery_window then judged.recovery_daily
        end as recovery_daily,
        case
            when not judged.is_judged and not judged.has_baseline_window
                then judged.not_judged_reason
            when not judged.has_baseline then 'baseline under ' || $min_baseline_daily || ' a day'
            when not judged.is_judged then judged.not_judged_reason
            when judged.already_quiet then 'already quiet before the start'
            when judged.quiet then 'quiet'
            else 'not quiet'
        end as verdict,
        judged.has_baseline,
        judged.is_already_quiet,
        judged.has_dropped,
        judged.has_dropped_by_week,
        judged.placebo_has_baseline,
        judged.placebo_is_already_quiet,
        judged.placebo_has_dropped
    from judged
    left join accounts on accounts.account_id = judged.account_id
    -- Stored by incident: a page reading one incident's rows then skips the other row groups.
    order by judged.incident_id
)

select * from final

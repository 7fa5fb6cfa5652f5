-- Which exposed accounts went quiet after each incident, and which of them never said a word.
-- grain:   one row per incident and exposed account that is quiet, already quiet, or opened a
--          related ticket
-- key:     incident_id, account_id
-- params:  $min_baseline_daily, $exposure_days, $quiet_drop_pct
-- columns: incident_id, account_id, segment, mrr, baseline_daily, after_daily, drop_pct,
--          already_quiet, quiet, opened_ticket, recovered_by_day_30, is_silent, is_still_quiet,
--          latest_daily, recovery_daily, verdict, has_baseline, has_dropped_before, has_dropped,
--          has_dropped_by_week, placebo_has_baseline, placebo_has_dropped_before,
--          placebo_has_dropped, active_feature_bits
-- The rows are incident_exposure.kept_accounts: the other exposed accounts (judged not quiet, or
-- not judged, and no related ticket) are counted in incident_quiet and not stored, so no stored
-- table grows with incidents x accounts (contract section 3).
-- quiet: the mean over the days after resolution fell at least $quiet_drop_pct % below the
-- baseline mean, and the account was not already quiet (its mean over the $exposure_days days
-- before the start already that far below: listed with already_quiet, not counted, so one
-- incident's churn is not blamed on the next). quiet, already_quiet and drop_pct are empty when
-- the account is not judged: an ongoing incident, windows outside the usage data (verdict says
-- which) or a baseline mean under $min_baseline_daily a day. is_silent = quiet and no related
-- ticket. recovered_by_day_30 only for quiet accounts, once the data reaches day 30.
-- is_still_quiet: quiet, and the mean over the latest $exposure_days days of usage data is still
-- at least $quiet_drop_pct % below baseline. Account facts (segment, mrr) are empty for accounts
-- missing from `accounts`. What customer success reads beside a quiet account (its name, why to
-- call, its last contact) is in contact_list, for the rows to call only.
-- Exposed: see incident_account_usage (active_feature_bits, opened_ticket); an account that
-- opened a related ticket but has no usage at all is exposed too, with nothing to judge.
-- active_feature_bits: which affected features it used before the start, as bits in
-- feature_bits' order (0: not active before). DuckDB-only: unnest of a list of structs.

with

incident_exposure_rows as (
    select * from incident_exposure
),

quiet_window_rows as (
    select * from quiet_windows
),

account_rows as (
    select * from accounts
),

kept as (
    select
        incident_exposure_rows.incident_id,
        unnest(incident_exposure_rows.kept_accounts, recursive := true)
    from incident_exposure_rows
),

judged as (
    select
        kept.*,
        quiet_window_rows.has_baseline_window,
        quiet_window_rows.is_judged,
        quiet_window_rows.not_judged_reason,
        quiet_window_rows.has_recovery_window
    from kept
    inner join quiet_window_rows on quiet_window_rows.incident_id = kept.incident_id
),

final as (
    select
        judged.incident_id,
        judged.account_id,
        account_rows.segment,
        account_rows.mrr,
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
        judged.has_dropped_before,
        judged.has_dropped,
        judged.has_dropped_by_week,
        judged.placebo_has_baseline,
        judged.placebo_has_dropped_before,
        judged.placebo_has_dropped,
        judged.active_feature_bits
    from judged
    left join account_rows on account_rows.account_id = judged.account_id
    -- Stored by incident: a page reading one incident's rows then skips the other row groups.
    order by judged.incident_id
)

select * from final

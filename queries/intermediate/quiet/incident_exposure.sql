-- How did each incident's exposed accounts fare, counted in one pass over every account?
-- grain:   one row per incident with usage data
-- key:     incident_id
-- params:  $pass_first, $pass_last
-- columns: incident_id, exposed_accounts, eligible_accounts, placebo_accounts,
--          placebo_quiet_accounts, exposed_measured_accounts, exposed_measured_quiet_accounts,
--          measured_accounts, measured_quiet_accounts, accounts_still_quiet,
--          other_exposed_baseline_daily, is_exposed_on_any_feature, kept_accounts
-- storage: a temporary table
-- passes:  100 values of quiet_positions.incident_index at a time (each pass holds the kept rows
--          of its own incidents only)
-- The only reader of incident_account_usage's cross join of incidents and accounts, so the pairs
-- are evaluated once and never stored: each incident gets its counts, and the rows
-- quiet_accounts keeps ride along as a list (kept_accounts: the exposed accounts judged quiet or
-- already quiet, and those that opened a related ticket; contract section 3). quiet and
-- already_quiet are quiet_accounts' rule: quiet = judged (quiet_windows.is_judged), baseline
-- at least the minimum, not dropped before the start and dropped after; already_quiet = the
-- baseline window inside the data, baseline at least the minimum, dropped before the start.
-- Counts over the exposed: exposed_accounts; eligible_accounts (judged, not already quiet);
-- placebo_* (placebo baseline at least the minimum, not dropped before the placebo start; quiet
-- = dropped after it); exposed_measured_* (baseline at least the minimum, not dropped before;
-- quiet = dropped after, judged or not); accounts_still_quiet (those, dropped over the
-- week-later days). measured_*: the same as exposed_measured_* over the exposed accounts and
-- the control sample (incident_account_usage's rows), for the unexposed control. other_exposed_baseline_daily: the sum of the baseline daily
-- means of the exposed accounts not judged quiet (empty when there are none), the Incident
-- page's baseline for them, which it would otherwise read again over every day of the window. is_exposed_on_any_feature: exposure counted usage of any
-- feature (the incident is not feature-scoped, or names a feature past feature_bits' 31st), for
-- the Incident page, which finds one incident's exposed accounts again. DuckDB-only: a list of
-- structs.

with

incident_account_usage_rows as (
    select * from incident_account_usage
),

quiet_window_rows as (
    select * from quiet_windows
),

quiet_position_rows as (
    select * from quiet_positions
),

checked as (
    select
        incident_account_usage_rows.*,
        quiet_window_rows.has_baseline_window,
        quiet_window_rows.is_judged,
        incident_account_usage_rows.active_feature_bits <> 0
        or incident_account_usage_rows.opened_ticket as is_exposed
    from incident_account_usage_rows
    inner join quiet_window_rows
        on quiet_window_rows.incident_id = incident_account_usage_rows.incident_id
    where incident_account_usage_rows.incident_index between $pass_first and $pass_last
),

judged as (
    select
        *,
        case
            when not is_judged or not has_baseline then null
            else not has_dropped_before and has_dropped
        end as quiet,
        case
            when has_baseline_window and has_baseline then has_dropped_before
        end as already_quiet
    from checked
),

counted as (
    select
        incident_id,
        count(*) filter (where is_exposed) as exposed_accounts,
        count(*) filter (
            where is_exposed and quiet is not null and not already_quiet
        ) as eligible_accounts,
        count(*) filter (
            where is_exposed and placebo_has_baseline and not placebo_has_dropped_before
        ) as placebo_accounts,
        count(*) filter (
            where
                is_exposed
                and placebo_has_baseline
                and not placebo_has_dropped_before
                and placebo_has_dropped
        ) as placebo_quiet_accounts,
        count(*) filter (
            where is_exposed and has_baseline and not has_dropped_before
        ) as exposed_measured_accounts,
        count(*) filter (
            where is_exposed and has_baseline and not has_dropped_before and has_dropped
        ) as exposed_measured_quiet_accounts,
        count(*) filter (where has_baseline and not has_dropped_before) as measured_accounts,
        count(*) filter (
            where has_baseline and not has_dropped_before and has_dropped
        ) as measured_quiet_accounts,
        count(*) filter (
            where is_exposed and has_baseline and not has_dropped_before and has_dropped_by_week
        ) as accounts_still_quiet,
        sum(baseline_daily) filter (
            where is_exposed and not coalesce(quiet, false)
        ) as other_exposed_baseline_daily,
        list(
            {
                'account_id': account_id,
                'active_feature_bits': active_feature_bits,
                'opened_ticket': opened_ticket,
                'baseline_daily': baseline_daily,
                'after_daily': after_daily,
                'recovery_daily': recovery_daily,
                'latest_usage': latest_usage,
                'has_baseline': has_baseline,
                'has_dropped_before': has_dropped_before,
                'has_dropped': has_dropped,
                'has_recovered': has_recovered,
                'has_dropped_by_week': has_dropped_by_week,
                'placebo_has_baseline': placebo_has_baseline,
                'placebo_has_dropped_before': placebo_has_dropped_before,
                'placebo_has_dropped': placebo_has_dropped,
                'quiet': quiet,
                'already_quiet': already_quiet
            }
        ) filter (
            where
                is_exposed
                and (coalesce(quiet, false) or coalesce(already_quiet, false) or opened_ticket)
        ) as kept_accounts
    from judged
    group by incident_id
),

final as (
    select
        counted.incident_id,
        counted.exposed_accounts,
        counted.eligible_accounts,
        counted.placebo_accounts,
        counted.placebo_quiet_accounts,
        counted.exposed_measured_accounts,
        counted.exposed_measured_quiet_accounts,
        counted.measured_accounts,
        counted.measured_quiet_accounts,
        counted.accounts_still_quiet,
        counted.other_exposed_baseline_daily,
        quiet_position_rows.feature_mask = 1::uinteger << 31 as is_exposed_on_any_feature,
        coalesce(counted.kept_accounts, []) as kept_accounts
    from counted
    inner join quiet_position_rows on quiet_position_rows.incident_id = counted.incident_id
)

select * from final

-- How many exposed accounts went quiet after each incident, against how many go quiet anyway?
-- grain:   one row per incident
-- key:     incident_id
-- params:  none
-- columns: incident_id, quiet_accounts, silent_quiet_accounts, quiet_mrr, exposed_accounts,
--          already_quiet_accounts, eligible_accounts, quiet_rate_pct, recovered_accounts,
--          placebo_accounts, placebo_quiet_accounts, placebo_quiet_rate_pct,
--          placebo_offset_days, placebo_missing_reason, control_accounts,
--          control_quiet_accounts, control_quiet_rate_pct, excess_quiet_rate_pct,
--          excess_compared_with, not_judged_reason, is_exposed_on_any_feature,
--          other_exposed_baseline_daily, start_day, exposure_first_day, affected_features
-- A rate is quiet accounts / eligible accounts, in percent: eligible = judged, baseline at least
-- the minimum, not already quiet (quiet_accounts' rule). Placebo: the same exposed accounts, the
-- same rule, measured placebo_offset_days earlier (quiet_windows: 28 days, moved further back
-- when that falls in another incident's aftermath; empty, placebo_missing_reason saying why,
-- when no such window fits the usage data). The placebo cohort is known to be active just
-- before the real start, so accounts that left for good in the placebo window are missing from
-- it: its rate is a floor.
-- Control: accounts not exposed, over the incident's own days, only when the incident left some
-- usage feature untouched; measured on the control sample (control_sample_accounts accounts,
-- account_timelines), control_accounts of them. excess_quiet_rate_pct = quiet_rate_pct minus the higher of the two
-- normal rates (the one named in excess_compared_with): the share of quiet the incident explains
-- at most. Counts are empty for incidents not judged (not_judged_reason says why); a rate is
-- empty when its eligible count is 0. The exposed, eligible, placebo and control counts come
-- from incident_exposure (one pass over every incident and account), the quiet ones from
-- quiet_accounts' stored rows. is_exposed_on_any_feature: incident_exposure's (empty without
-- usage data). other_exposed_baseline_daily: the summed baseline daily mean of the exposed
-- accounts not judged quiet (incident_exposure's), for the Incident page's timeline; empty when
-- the baseline window is outside the usage data or no such account was exposed.
-- start_day, exposure_first_day, affected_features: quiet_windows', for the same page to find the
-- exposed accounts again.

with

quiet_account_rows as (
    select * from quiet_accounts
),

incident_exposure_rows as not materialized (
    select * from incident_exposure
),

quiet_window_rows as (
    select * from quiet_windows
),

quiet as (
    -- The quiet and already quiet accounts are stored rows of quiet_accounts.
    select
        incident_id,
        count(*) filter (where already_quiet) as already_quiet_accounts,
        count(*) filter (where quiet) as quiet_accounts,
        count(*) filter (where is_silent) as silent_quiet_accounts,
        coalesce(sum(mrr) filter (where quiet), 0) as quiet_mrr,
        count(*) filter (where recovered_by_day_30) as recovered_accounts
    from quiet_account_rows
    group by incident_id
),

control as (
    -- The unexposed accounts of the control sample (account_timelines.is_control_sample): the
    -- measured accounts (exposed ones and the sample) less the exposed ones, both counted in
    -- incident_exposure's one pass.
    select
        incident_id,
        measured_accounts - exposed_measured_accounts as control_accounts,
        measured_quiet_accounts - exposed_measured_quiet_accounts as control_quiet_accounts
    from incident_exposure_rows
),

counted as (
    select
        quiet_window_rows.incident_id,
        quiet_window_rows.not_judged_reason,
        quiet_window_rows.start_day,
        quiet_window_rows.exposure_first_day,
        quiet_window_rows.affected_features,
        quiet_window_rows.placebo_offset_days,
        quiet_window_rows.placebo_missing_reason,
        incident_exposure_rows.is_exposed_on_any_feature,
        case
            when quiet_window_rows.has_baseline_window
                then incident_exposure_rows.other_exposed_baseline_daily
        end as other_exposed_baseline_daily,
        case when quiet_window_rows.is_judged then coalesce(quiet.quiet_accounts, 0) end
        as quiet_accounts,
        case when quiet_window_rows.is_judged then coalesce(quiet.silent_quiet_accounts, 0) end
        as silent_quiet_accounts,
        case when quiet_window_rows.is_judged then coalesce(quiet.quiet_mrr, 0) end as quiet_mrr,
        coalesce(incident_exposure_rows.exposed_accounts, 0) as exposed_accounts,
        case when quiet_window_rows.is_judged then coalesce(quiet.already_quiet_accounts, 0) end
        as already_quiet_accounts,
        case
            when
                quiet_window_rows.is_judged
                then coalesce(incident_exposure_rows.eligible_accounts, 0)
        end as eligible_accounts,
        case when quiet_window_rows.is_judged then coalesce(quiet.recovered_accounts, 0) end
        as recovered_accounts,
        case
            when quiet_window_rows.has_placebo_window
                then coalesce(incident_exposure_rows.placebo_accounts, 0)
        end as placebo_accounts,
        case
            when quiet_window_rows.has_placebo_window
                then coalesce(incident_exposure_rows.placebo_quiet_accounts, 0)
        end as placebo_quiet_accounts,
        case
            when quiet_window_rows.has_control and quiet_window_rows.is_judged
                then coalesce(control.control_accounts, 0)
        end as control_accounts,
        case
            when quiet_window_rows.has_control and quiet_window_rows.is_judged
                then coalesce(control.control_quiet_accounts, 0)
        end as control_quiet_accounts
    from quiet_window_rows
    left join
        incident_exposure_rows
        on incident_exposure_rows.incident_id = quiet_window_rows.incident_id
    left join quiet on quiet.incident_id = quiet_window_rows.incident_id
    left join control on control.incident_id = quiet_window_rows.incident_id
),

rates as (
    select
        *,
        100.0 * quiet_accounts / nullif(eligible_accounts, 0) as quiet_rate_pct,
        100.0 * placebo_quiet_accounts / nullif(placebo_accounts, 0) as placebo_quiet_rate_pct,
        100.0 * control_quiet_accounts / nullif(control_accounts, 0) as control_quiet_rate_pct
    from counted
),

final as (
    select
        incident_id,
        quiet_accounts,
        silent_quiet_accounts,
        quiet_mrr,
        exposed_accounts,
        already_quiet_accounts,
        eligible_accounts,
        quiet_rate_pct,
        recovered_accounts,
        placebo_accounts,
        placebo_quiet_accounts,
        placebo_quiet_rate_pct,
        placebo_offset_days,
        placebo_missing_reason,
        control_accounts,
        control_quiet_accounts,
        control_quiet_rate_pct,
        quiet_rate_pct - greatest(placebo_quiet_rate_pct, control_quiet_rate_pct)
        as excess_quiet_rate_pct,
        case
            when quiet_rate_pct is null then null
            when control_quiet_rate_pct >= coalesce(placebo_quiet_rate_pct, 0) then 'control'
            when placebo_quiet_rate_pct is not null then 'placebo'
        end as excess_compared_with,
        not_judged_reason,
        is_exposed_on_any_feature,
        other_exposed_baseline_daily,
        start_day,
        exposure_first_day,
        affected_features
    from rates
)

select * from final

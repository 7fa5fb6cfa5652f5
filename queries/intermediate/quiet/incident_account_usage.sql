-- How each account's usage around each incident compares with its own normal, and its placebo.
-- grain:   one row per incident with usage data and account with usage
-- key:     incident_id, account_id
-- params:  none (the rule's settings are quiet_positions' columns: a view takes no parameters)
-- columns: incident_id, incident_index, account_id, active_feature_bits, opened_ticket, baseline_daily,
--          after_daily, recovery_daily, latest_usage, has_baseline, has_dropped_before,
--          has_dropped, has_recovered, has_dropped_by_week, placebo_has_baseline,
--          placebo_has_dropped_before, placebo_has_dropped
-- storage: a view: quiet_accounts keeps the exposed rows, incident_quiet counts the rest
-- Rows: the exposed accounts (active_feature_bits not 0 or opened_ticket) and the control sample
-- (account_timelines.is_control_sample) of each incident; the other unexposed accounts only meet
-- the incident to be found unexposed.
-- Every incident meets every account's timeline in a cross join and reads each window with two
-- lookups (quiet_positions, account_timelines): nothing per day is joined, and readers that
-- filter (exposed accounts) or count (the control) never store the hundreds of millions of pairs
-- of a large company. active_feature_bits: the incident's affected features (feature_bits; bit 31
-- when it is not feature-scoped) with usage above 0 in the exposure_days days before the start
-- day (a row without a feature counts for every feature); not 0 = active before the start. opened_ticket: a related
-- ticket (linked or suggested). Means are window sums over the window's length in days; windows
-- as in quiet_windows; latest_usage: the sum over the last exposure_days days of usage data. The flags apply
-- the rule without judging eligibility (quiet_accounts and incident_quiet do): has_baseline =
-- baseline mean above 0 and at least min_baseline_daily; a drop = mean at least drop_pct %
-- below the baseline mean (has_dropped_before: over the days before the start, which
-- quiet_accounts judges as already_quiet; has_dropped: days 1..after_days after resolution; has_dropped_by_week: days 1..week_days); has_recovered = mean
-- over the recovery days back to at least recovered_pct % of baseline.
-- Comparisons are on sums, cross-multiplied, so a drop of exactly the threshold is exact.

with

quiet_position_rows as (
    select * from quiet_positions
),

account_timeline_rows as (
    select * from account_timelines
),

met as (
    -- Every incident with every account: whether the account was exposed, decided from two
    -- lookups, before any window is read.
    select
        quiet_position_rows.*,
        account_timeline_rows.account_id,
        account_timeline_rows.usage_to_date,
        account_timeline_rows.is_control_sample,
        (
            coalesce(account_timeline_rows.feature_blocks[quiet_position_rows.first_block], 0)
            | coalesce(account_timeline_rows.feature_blocks[quiet_position_rows.last_block], 0)
        )
        & quiet_position_rows.feature_mask as active_feature_bits,
        coalesce(
            get_bit(
                account_timeline_rows.complained_incidents, quiet_position_rows.incident_index
            ) = 1,
            false
        ) as opened_ticket
    from quiet_position_rows
    cross join account_timeline_rows
),

pairs as (
    select
        *,
        window_usage(
            usage_to_date,
            baseline_from,
            baseline_to
        ) as baseline_usage,
        window_usage(
            usage_to_date,
            before_from,
            before_to
        ) as before_usage,
        window_usage(
            usage_to_date,
            after_from,
            after_to
        ) as after_usage,
        window_usage(
            usage_to_date,
            recovery_from,
            recovery_to
        ) as recovery_usage,
        window_usage(
            usage_to_date,
            week_from,
            week_to
        ) as week_usage,
        window_usage(
            usage_to_date,
            placebo_baseline_from,
            placebo_baseline_to
        ) as placebo_baseline_usage,
        window_usage(
            usage_to_date,
            placebo_before_from,
            placebo_before_to
        ) as placebo_before_usage,
        window_usage(
            usage_to_date,
            placebo_after_from,
            placebo_after_to
        ) as placebo_after_usage,
        window_usage(
            usage_to_date,
            latest_from,
            latest_to
        ) as latest_usage
    from met
    -- The windows of the exposed, and of the control sample's unexposed accounts only.
    where active_feature_bits <> 0 or opened_ticket or is_control_sample
),

final as (
    select
        incident_id,
        incident_index,
        account_id,
        active_feature_bits,
        opened_ticket,
        baseline_usage / baseline_days as baseline_daily,
        after_usage / after_days as after_daily,
        recovery_usage / recovery_days as recovery_daily,
        latest_usage,
        baseline_usage > 0 and baseline_usage >= min_baseline_daily * baseline_days
        as has_baseline,
        before_usage * baseline_days * 100
        <= baseline_usage * exposure_days * (100 - drop_pct) as has_dropped_before,
        after_usage * baseline_days * 100
        <= baseline_usage * after_days * (100 - drop_pct) as has_dropped,
        recovery_usage * baseline_days * 100
        >= baseline_usage * recovery_days * recovered_pct as has_recovered,
        week_usage * baseline_days * 100
        <= baseline_usage * week_days * (100 - drop_pct) as has_dropped_by_week,
        placebo_baseline_usage > 0
        and placebo_baseline_usage >= min_baseline_daily * baseline_days
        as placebo_has_baseline,
        placebo_before_usage * baseline_days * 100
        <= placebo_baseline_usage * exposure_days * (100 - drop_pct)
        as placebo_has_dropped_before,
        placebo_after_usage * baseline_days * 100
        <= placebo_baseline_usage * after_days * (100 - drop_pct)
        as placebo_has_dropped
    from pairs
)

select * from final

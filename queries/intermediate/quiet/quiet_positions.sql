-- Where each incident's quiet-check windows sit in the account timelines' lists, and its rule.
-- grain:   one row per incident with usage data
-- key:     incident_id
-- params:  $usage_baseline_days, $exposure_days, $quiet_after_days, $recovery_until_day, $placebo_offset_days, $week_later_days, $quiet_drop_pct, $min_baseline_daily, $recovered_pct
-- columns: incident_id, incident_index, has_baseline_window, is_judged, not_judged_reason,
--          has_recovery_window, feature_mask, first_block, last_block, baseline_from,
--          baseline_to, before_from, before_to, after_from, after_to, recovery_from,
--          recovery_to, week_from, week_to, placebo_baseline_from, placebo_baseline_to,
--          placebo_before_from, placebo_before_to, placebo_after_from, placebo_after_to,
--          latest_from, latest_to, baseline_days, exposure_days, after_days, recovery_days,
--          week_days, drop_pct, min_baseline_daily, recovered_pct
-- storage: a temporary table
-- The windows are quiet_windows' (days relative to the start and resolution days), plus
-- "latest": the last $exposure_days days of the usage data. A window's usage is
-- usage_to_date[x_to] - usage_to_date[x_from] (account_timelines): days outside the usage data
-- count as 0, and a window with no day inside it has x_from = x_to. A window after resolution of
-- an ongoing incident is empty. The $exposure_days days before the start are covered by the two
-- feature blocks at first_block and last_block (0: before the list, nothing used).
-- feature_mask: the bits (feature_bits) of the incident's affected features; bit 31 ("any
-- feature") when it is not feature-scoped or names a feature without a bit. incident_index
-- numbers the incidents from 0 for account_timelines.complained_incidents. The rule's settings
-- ride along as columns (the same on every row) because incident_account_usage, a view, cannot
-- take parameters.

with

quiet_window_rows as (
    select * from quiet_windows
),

feature_bit_rows as (
    select * from feature_bits
),

incidents_indexed as (
    select
        quiet_window_rows.*,
        (row_number() over (order by quiet_window_rows.incident_id) - 1)::integer as incident_index,
        date_diff('day', usage_first_day, start_day) as start_index,
        date_diff('day', usage_first_day, resolved_day) as resolved_index,
        date_diff('day', usage_first_day, usage_last_day) + 1 as day_count,
        -- quiet_windows' offset, moved back past other incidents' aftermaths; without one the
        -- placebo counts are not used (has_placebo_window), the windows only kept in the data.
        coalesce(quiet_window_rows.placebo_offset_days, $placebo_offset_days) as placebo_offset
    from quiet_window_rows
    where usage_first_day is not null
),

masks as (
    select
        incidents_indexed.incident_id,
        case
            when
                not incidents_indexed.is_feature_scoped
                or count(feature_bit_rows.bit) < len(incidents_indexed.affected_features)
                then 1::uinteger << 31
            else bit_or(1::uinteger << feature_bit_rows.bit)
        end as feature_mask
    from incidents_indexed
    left join feature_bit_rows
        on list_contains(incidents_indexed.affected_features, feature_bit_rows.feature)
    group by
        incidents_indexed.incident_id,
        incidents_indexed.is_feature_scoped,
        incidents_indexed.affected_features
),

windows as (
    -- First and last day index of each window; day 0 is the usage data's first day.
    select
        incident_id,
        incident_index,
        has_baseline_window,
        is_judged,
        not_judged_reason,
        has_recovery_window,
        start_index,
        day_count,
        placebo_offset,
        start_index - $usage_baseline_days as baseline_first,
        start_index - 1 as baseline_last,
        start_index - $exposure_days as before_first,
        start_index - 1 as before_last,
        resolved_index + 1 as after_first,
        resolved_index + $quiet_after_days as after_last,
        resolved_index + $quiet_after_days + 1 as recovery_first,
        resolved_index + $recovery_until_day as recovery_last,
        resolved_index + 1 as week_first,
        resolved_index + $week_later_days as week_last,
        start_index - $usage_baseline_days - placebo_offset as placebo_baseline_first,
        start_index - 1 - placebo_offset as placebo_baseline_last,
        start_index - $exposure_days - placebo_offset as placebo_before_first,
        start_index - 1 - placebo_offset as placebo_before_last,
        resolved_index + 1 - placebo_offset as placebo_after_first,
        resolved_index + $quiet_after_days - placebo_offset as placebo_after_last,
        day_count - $exposure_days as latest_first,
        day_count - 1 as latest_last
    from incidents_indexed
),

final as (
    -- x_from and x_to: the list positions of each window (the macros window_from and
    -- window_to, queries/macros/); an empty window (ongoing: no resolution day) has neither,
    -- read as 0 usage.
    select
        windows.incident_id,
        windows.incident_index,
        windows.has_baseline_window,
        windows.is_judged,
        windows.not_judged_reason,
        windows.has_recovery_window,
        masks.feature_mask,
        -- Blocks of B days (the largest power of two up to $exposure_days) start at list
        -- position day + $exposure_days + 1: the block at the window's first day and the one
        -- ending on its last day overlap and cover it.
        greatest(windows.start_index + 1, 0) as first_block,
        greatest(
            windows.start_index + $exposure_days
            - (1 << floor(log2($exposure_days))::integer) + 1,
            0
        ) as last_block,
        window_from(baseline_first, day_count) as baseline_from,
        window_to(baseline_first, baseline_last, day_count) as baseline_to,
        window_from(before_first, day_count) as before_from,
        window_to(before_first, before_last, day_count) as before_to,
        window_from(after_first, day_count) as after_from,
        window_to(after_first, after_last, day_count) as after_to,
        window_from(recovery_first, day_count) as recovery_from,
        window_to(recovery_first, recovery_last, day_count) as recovery_to,
        window_from(week_first, day_count) as week_from,
        window_to(week_first, week_last, day_count) as week_to,
        window_from(placebo_baseline_first, day_count) as placebo_baseline_from,
        window_to(placebo_baseline_first, placebo_baseline_last, day_count) as placebo_baseline_to,
        window_from(placebo_before_first, day_count) as placebo_before_from,
        window_to(placebo_before_first, placebo_before_last, day_count) as placebo_before_to,
        window_from(placebo_after_first, day_count) as placebo_after_from,
        window_to(placebo_after_first, placebo_after_last, day_count) as placebo_after_to,
        window_from(latest_first, day_count) as latest_from,
        window_to(latest_first, latest_last, day_count) as latest_to,
        $usage_baseline_days::integer as baseline_days,
        $exposure_days::integer as exposure_days,
        $quiet_after_days::integer as after_days,
        ($recovery_until_day - $quiet_after_days)::integer as recovery_days,
        $week_later_days::integer as week_days,
        $quiet_drop_pct::double as drop_pct,
        $min_baseline_daily::double as min_baseline_daily,
        $recovered_pct::double as recovered_pct
    from windows
    inner join masks on masks.incident_id = windows.incident_id
)

select * from final

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
-- kept:    for the load only (a temporary table)
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

incidents_indexed as (
    select
        quiet_windows.*,
        (row_number() over (order by quiet_windows.incident_id) - 1)::integer as incident_index,
        date_diff('day', usage_first_day, start_day) as s,
        date_diff('day', usage_first_day, resolved_day) as r,
        date_diff('day', usage_first_day, usage_last_day) + 1 as n
    from quiet_windows
    where usage_first_day is not null
),

masks as (
    select
        incidents_indexed.incident_id,
        case
            when
                not incidents_indexed.is_feature_scoped
                or count(feature_bits.bit) < len(incidents_indexed.affected_features)
                then 1::uinteger << 31
            else bit_or(1::uinteger << feature_bits.bit)
        end as feature_mask
    from incidents_indexed
    left join feature_bits on list_contains(incidents_indexed.affected_features, feature_bits.feature)
    group by incidents_indexed.incident_id, incidents_indexed.is_feature_scoped, incidents_indexed.affected_features
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
        s,
        n,
        s - $usage_baseline_days as baseline_first,
        s - 1 as baseline_last,
        s - $exposure_days as before_first,
        s - 1 as before_last,
        r + 1 as after_first,
        r + $quiet_after_days as after_last,
        r + $quiet_after_days + 1 as recovery_first,
        r + $recovery_until_day as recovery_last,
        r + 1 as week_first,
        r + $week_later_days as week_last,
        s - $usage_baseline_days - $placebo_offset_days as placebo_baseline_first,
        s - 1 - $placebo_offset_days as placebo_baseline_last,
        s - $exposure_days - $placebo_offset_days as placebo_before_first,
        s - 1 - $placebo_offset_days as placebo_before_last,
        r + 1 - $placebo_offset_days as placebo_after_first,
        r + $quiet_after_days - $placebo_offset_days as placebo_after_last,
        n - $exposure_days as latest_first,
        n - 1 as latest_last
    from incidents_indexed
),

final as (
    -- x_from = first day clamped into the data, + 1; x_to = last day clamped, + 2, never below
    -- x_from; an empty window (ongoing: no resolution day) has neither, read as 0 usage.
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
        greatest(windows.s + 1, 0) as first_block,
        greatest(
            windows.s + $exposure_days - (1 << floor(log2($exposure_days))::integer) + 1, 0
        ) as last_block,
        least(greatest(baseline_first, 0), n) + 1 as baseline_from,
        greatest(least(baseline_last, n - 1) + 2, least(greatest(baseline_first, 0), n) + 1)
        as baseline_to,
        least(greatest(before_first, 0), n) + 1 as before_from,
        greatest(least(before_last, n - 1) + 2, least(greatest(before_first, 0), n) + 1)
        as before_to,
        least(greatest(after_first, 0), n) + 1 as after_from,
        greatest(least(after_last, n - 1) + 2, least(greatest(after_first, 0), n) + 1)
        as after_to,
        least(greatest(recovery_first, 0), n) + 1 as recovery_from,
        greatest(least(recovery_last, n - 1) + 2, least(greatest(recovery_first, 0), n) + 1)
        as recovery_to,
        least(greatest(week_first, 0), n) + 1 as week_from,
        greatest(least(week_last, n - 1) + 2, least(greatest(week_first, 0), n) + 1) as week_to,
        least(greatest(placebo_baseline_first, 0), n) + 1 as placebo_baseline_from,
        greatest(
            least(placebo_baseline_last, n - 1) + 2,
            least(greatest(placebo_baseline_first, 0), n) + 1
        ) as placebo_baseline_to,
        least(greatest(placebo_before_first, 0), n) + 1 as placebo_before_from,
        greatest(
            least(placebo_before_last, n - 1) + 2,
            least(greatest(placebo_before_first, 0), n) + 1
        ) as placebo_before_to,
        least(greatest(placebo_after_first, 0), n) + 1 as placebo_after_from,
        greatest(
            least(placebo_after_last, n - 1) + 2, least(greatest(placebo_after_first, 0), n) + 1
        ) as placebo_after_to,
        least(greatest(latest_first, 0), n) + 1 as latest_from,
        greatest(least(latest_last, n - 1) + 2, least(greatest(latest_first, 0), n) + 1)
        as latest_to,
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

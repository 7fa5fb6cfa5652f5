-- Which days each incident's quiet-account check measures, and whether the usage data covers them.
-- grain:   one row per incident
-- key:     incident_id
-- params:  $usage_baseline_days, $exposure_days, $quiet_after_days, $recovery_until_day, $placebo_offset_days, $week_later_days
-- columns: incident_id, start_day, resolved_day, is_ongoing, affected_features,
--          is_feature_scoped, has_control, usage_first_day, usage_last_day,
--          has_baseline_window, is_judged, not_judged_reason, has_recovery_window,
--          has_week_window, has_placebo_window, placebo_offset_days, placebo_missing_reason,
--          first_day, last_day, exposure_first_day, baseline_first_day
-- Days are calendar days (UTC). Relative to start_day: the baseline is days -$usage_baseline_days
-- to -1 and the exposure (and already-quiet) window days -$exposure_days to -1; relative to
-- resolved_day: "after" is days 1..$quiet_after_days, recovery the days after that up to
-- $recovery_until_day, the week-later check days 1..$week_later_days. The placebo measures the
-- same windows placebo_offset_days earlier: $placebo_offset_days, or twice or three times that
-- when the placebo's before and after windows (days -$exposure_days to $quiet_after_days around
-- it) would fall in another incident's aftermath (its start day to $quiet_after_days days after
-- its resolution, the days its own customers go quiet: there they would read as normal churn,
-- as INC-305's did 28 days before INC-306 in the demo). No such offset inside the usage data:
-- no placebo (has_placebo_window false), placebo_missing_reason says why, naming the nearest
-- such incident. The days of the incident itself are in none.
-- Usage beyond the export's last day is unknown, not zero: a window that does not fit between the
-- first and last day of the usage data is not judged (ongoing incidents have no after-window).
-- Feature scope: the incident's services that name a usage feature (case-insensitive). Without
-- such a match (no services, no feature column, or other names) every feature counts as touched;
-- the unexposed control exists only when some usage feature was not touched.
-- first_day..last_day is the span of days incident_account_usage joins on. exposure_first_day and
-- baseline_first_day: where the exposure and baseline windows begin (both end the day before
-- start_day), for the Incident page, which finds one incident's exposed accounts again.

with

usage_rows as not materialized (
    select * from usage
),

incident_rows as not materialized (
    select * from incidents
),

usage_span as (
    select min(day) as usage_first_day, max(day) as usage_last_day
    from usage_rows
),

usage_features as (
    select distinct feature
    from usage_rows
    where feature <> ''
),

incident_services as (
    select distinct incident_id, lower(trim(unnest(services))) as service
    from incident_rows
),

affected as (
    select
        incident_services.incident_id,
        list(usage_features.feature order by usage_features.feature) as affected_features
    from incident_services
    inner join usage_features on usage_features.feature = incident_services.service
    group by incident_services.incident_id
),

days as (
    select
        incident_rows.incident_id,
        cast(incident_rows.started_at as date) as start_day,
        cast(incident_rows.resolved_at as date) as resolved_day,
        incident_rows.resolved_at is null as is_ongoing,
        coalesce(affected.affected_features, []) as affected_features,
        affected.incident_id is not null as is_feature_scoped,
        len(coalesce(affected.affected_features, []))
        < (select count(*) from usage_features) as misses_a_feature,
        usage_span.usage_first_day,
        usage_span.usage_last_day
    from incident_rows
    left join affected on affected.incident_id = incident_rows.incident_id
    cross join usage_span
),

judged as (
    select
        *,
        case
            when is_ongoing then 'ongoing: no after-window yet'
            when usage_last_day is null then 'no usage data'
            when start_day - $usage_baseline_days < usage_first_day
                then 'usage data starts after the baseline window begins'
            when resolved_day + $quiet_after_days > usage_last_day
                then 'usage data ends before the after-window does'
        end as not_judged_reason
    from days
),

placebo_shifts as (
    select 1 as shift
    union all
    select 2 as shift
    union all
    select 3 as shift
),

aftermaths as (
    -- An ongoing incident's aftermath runs on past the usage data.
    select
        incident_id as other_incident_id,
        start_day as other_start_day,
        -- Incidents in order of start, ties by id: "the nearest" is the same on every engine.
        row_number() over (order by start_day, incident_id) as other_start_order,
        coalesce(resolved_day, usage_last_day, start_day) + $quiet_after_days as other_end_day
    from days
),

placebo_candidates as (
    select
        judged.incident_id,
        placebo_shifts.shift,
        judged.start_day - placebo_shifts.shift * $placebo_offset_days - $usage_baseline_days
        >= judged.usage_first_day as is_in_usage_data,
        -- The nearest: the overlapping incident that started last (max_by on Spark).
        arg_max(aftermaths.other_incident_id, aftermaths.other_start_order)
        as overlapped_incident_id
    from judged
    cross join placebo_shifts
    left join aftermaths
        on
            aftermaths.other_incident_id <> judged.incident_id
            and aftermaths.other_start_day
            <= judged.resolved_day - placebo_shifts.shift * $placebo_offset_days
            + $quiet_after_days
            and aftermaths.other_end_day
            >= judged.start_day - placebo_shifts.shift * $placebo_offset_days - $exposure_days
    where judged.not_judged_reason is null
    group by judged.incident_id, placebo_shifts.shift, judged.start_day, judged.usage_first_day
),

placebo_picks as (
    select
        incident_id,
        min(case when is_in_usage_data and overlapped_incident_id is null then shift end)
        as shift,
        min(case when shift = 1 then overlapped_incident_id end) as first_overlapped_incident_id,
        bool_or(is_in_usage_data) as has_usage_for_a_placebo
    from placebo_candidates
    group by incident_id
),

final as (
    select
        judged.incident_id,
        start_day,
        resolved_day,
        is_ongoing,
        affected_features,
        is_feature_scoped,
        is_feature_scoped and misses_a_feature as has_control,
        usage_first_day,
        usage_last_day,
        start_day - $usage_baseline_days >= usage_first_day as has_baseline_window,
        not_judged_reason is null as is_judged,
        not_judged_reason,
        not_judged_reason is null
        and resolved_day + $recovery_until_day <= usage_last_day as has_recovery_window,
        not is_ongoing
        and start_day - $usage_baseline_days >= usage_first_day
        and resolved_day + $week_later_days <= usage_last_day as has_week_window,
        placebo_picks.shift is not null as has_placebo_window,
        placebo_picks.shift * $placebo_offset_days as placebo_offset_days,
        case
            when judged.not_judged_reason is not null or placebo_picks.shift is not null then null
            when not placebo_picks.has_usage_for_a_placebo
                then 'the usage data does not reach back to a placebo window'
            when placebo_picks.first_overlapped_incident_id is not null
                then
                    'the placebo window falls in the aftermath of '
                    || placebo_picks.first_overlapped_incident_id
                    || '; no window up to three times as far back is clear and in the data'
        end as placebo_missing_reason,
        start_day - 3 * $placebo_offset_days - greatest($usage_baseline_days, $exposure_days)
        as first_day,
        coalesce(resolved_day, start_day)
        + greatest($quiet_after_days, $recovery_until_day, $week_later_days) as last_day,
        start_day - $exposure_days as exposure_first_day,
        start_day - $usage_baseline_days as baseline_first_day
    from judged
    left join placebo_picks on placebo_picks.incident_id = judged.incident_id
)

select * from final

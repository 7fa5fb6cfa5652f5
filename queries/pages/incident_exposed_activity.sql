-- How the accounts quiet after one incident used the product each day, beside the other exposed ones.
-- grain:   one row per day of the incident's timeline (ticket_volume's hours) and group
-- params:  $incident_id
-- columns: day, is_quiet, accounts, active_accounts, usage_total, usage_pct_of_baseline
-- Exposed accounts in two groups: quiet (is_quiet: quiet_accounts' quiet rows for the incident)
-- and every other exposed account. Those others are not stored one by one (no stored table grows
-- with incidents x accounts), so they are found again here for the one incident, by the load's
-- rule: usage above 0 on an affected feature (any feature when incident_quiet says so, every
-- feature for a row without one) in the days from incident_quiet.exposure_first_day to the day
-- before the start, or a related ticket. A test holds their count to
-- incident_quiet's. usage_pct_of_baseline: the group's usage that day as a share of its baseline
-- (the sum of its accounts' baseline daily means: quiet_accounts' for the quiet, summed at load
-- into incident_quiet.other_exposed_baseline_daily for the others, so the page reads no baseline
-- window), so a small quiet group's fall shows beside the weekend dip of the rest; empty when the
-- group has no baseline. Usage is the usage table's rows of the timeline's days (stored by day,
-- so the others are skipped), all features of a day together; days without a row count as 0. Days are UTC days. generate_series is DuckDB's (Spark: sequence).

with

ticket_volume_rows as (
    select * from ticket_volume
),

incident_quiet_rows as (
    select * from incident_quiet
),

usage_rows as not materialized (
    select * from usage
),

related_ticket_rows as (
    select * from related_tickets
),

quiet_account_rows as (
    select * from quiet_accounts
),

span as (
    select
        min(hour)::date as first_day,
        max(hour)::date as last_day
    from ticket_volume_rows
    where incident_id = $incident_id
),

days as (
    select unnest(generate_series(first_day, last_day, interval '1 day'))::date as day
    from span
    where first_day is not null
),

incident as (
    select
        start_day,
        exposure_first_day,
        affected_features,
        is_exposed_on_any_feature,
        other_exposed_baseline_daily
    from incident_quiet_rows
    where incident_id = $incident_id
),

exposed_ids as (
    select usage.account_id
    from usage_rows as usage
    inner join incident
        on usage.day between incident.exposure_first_day and incident.start_day - 1
    where
        usage.value > 0
        and (
            incident.is_exposed_on_any_feature
            or usage.feature = ''
            or list_contains(incident.affected_features, usage.feature)
        )
    union
    select account_id
    from related_ticket_rows
    where incident_id = $incident_id and account_id is not null
),

quiet as (
    select
        account_id,
        baseline_daily
    from quiet_account_rows
    where incident_id = $incident_id and quiet
),

exposed as (
    select
        exposed_ids.account_id,
        quiet.account_id is not null as is_quiet,
        quiet.baseline_daily
    from exposed_ids
    left join quiet on quiet.account_id = exposed_ids.account_id
),

groups as (
    select
        exposed.is_quiet,
        count(*) as accounts,
        case
            when exposed.is_quiet then sum(exposed.baseline_daily)
            else any_value(incident.other_exposed_baseline_daily)
        end as baseline_total
    from exposed
    cross join incident
    group by exposed.is_quiet
),

span_usage as (
    -- Each account's usage on each day of the span, all features together.
    select usage_rows.account_id, usage_rows.day, sum(usage_rows.value) as daily_usage
    from usage_rows
    inner join span on usage_rows.day between span.first_day and span.last_day
    group by usage_rows.account_id, usage_rows.day
),

daily as (
    select
        usage.day,
        exposed.is_quiet,
        count(*) filter (where usage.daily_usage > 0) as active_accounts,
        sum(usage.daily_usage) as usage_total
    from span_usage as usage
    inner join exposed on exposed.account_id = usage.account_id
    group by usage.day, exposed.is_quiet
),

final as (
    select
        days.day,
        groups.is_quiet,
        groups.accounts,
        coalesce(daily.active_accounts, 0) as active_accounts,
        coalesce(daily.usage_total, 0) as usage_total,
        100.0 * coalesce(daily.usage_total, 0) / nullif(groups.baseline_total, 0)
            as usage_pct_of_baseline
    from days
    cross join groups
    left join daily on daily.day = days.day and daily.is_quiet = groups.is_quiet
    order by groups.is_quiet desc, days.day
)

select * from final

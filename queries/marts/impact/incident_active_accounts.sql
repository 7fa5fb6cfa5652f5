-- How many accounts were using the product when each incident began?
-- grain:   one row per incident
-- key:     incident_id
-- params:  $usage_baseline_days
-- columns: incident_id, active_accounts
-- Accounts whose usage began before the start and had not ended $usage_baseline_days days before
-- it, from each account's first and last day of use, so counted from a per-day histogram, not per
-- account and incident. 0 without usage then (incident_reach falls back to other counts). A day
-- of use: the account's usage that day, all features together, above 0.

with

usage_rows as (
    select * from usage
),

incident_rows as (
    select * from incidents
),

account_spans as (
    select account_id, min(day) as first_day, max(day) as last_day
    from (
        select account_id, day
        from usage_rows
        group by account_id, day
        having sum(value) > 0
    ) as days_of_use
    group by account_id
),

span_day_counts as (
    select day, sum(started) as started, sum(ended) as ended
    from (
        select first_day as day, 1 as started, 0 as ended
        from account_spans
        union all
        select last_day, 0, 1
        from account_spans
    ) as span_days
    group by day
),

final as (
    -- begun before the start, minus those whose last use was before the baseline period
    select
        incident_rows.incident_id,
        coalesce(
            sum(span_day_counts.started) filter (
                where span_day_counts.day < cast(incident_rows.started_at as date)
            ),
            0
        )
        - coalesce(
            sum(span_day_counts.ended) filter (
                where
                    span_day_counts.day
                    < cast(incident_rows.started_at as date) - $usage_baseline_days
            ),
            0
        ) as active_accounts
    from incident_rows
    left join span_day_counts on true
    group by incident_rows.incident_id
)

select * from final

-- Which incidents there are, newest first, and which one the incident page opens on.
-- grain:   one row per incident
-- params:  $started_from, $started_before
-- columns: incident_id, title, severity, started_at, is_ongoing, is_opening_pick
-- is_opening_pick marks the finished incident that reached the most customers (the accounts
-- that wrote in plus the silent quiet ones; then the longer customer impact, the later start)
-- among those started in [$started_from, $started_before); an empty bound reads as the 90 days
-- up to the newest start, the data's last quarter. An ongoing incident is never the pick: its
-- figures are "so far" and its quiet accounts not judged yet. No finished incident in the
-- period: the newest finished one; none finished at all: the newest.

with

incident_rows as not materialized (
    select * from incidents
),

incident_impact_rows as (
    select * from incident_impact
),

newest as (
    select max(started_at) as newest_started_at
    from incident_rows
),

candidates as (
    select
        incident_rows.incident_id,
        incident_rows.title,
        incident_rows.severity,
        incident_rows.started_at,
        incident_rows.resolved_at is null as is_ongoing,
        incident_rows.started_at
        >= coalesce($started_from, newest.newest_started_at - interval 90 day)
        and (
            $started_before is null or incident_rows.started_at < $started_before
        ) as is_in_period,
        coalesce(impact.affected_accounts, 0)
        + coalesce(impact.silent_quiet_accounts, 0) as reached_accounts,
        impact.customer_impact_minutes
    from incident_rows
    cross join newest
    left join incident_impact_rows as impact on impact.incident_id = incident_rows.incident_id
),

ranked as (
    select
        *,
        row_number() over (
            order by
                is_ongoing,
                is_in_period desc,
                case when is_in_period then reached_accounts end desc nulls last,
                case when is_in_period then customer_impact_minutes end desc nulls last,
                started_at desc,
                incident_id
        ) as pick_rank
    from candidates
),

final as (
    select
        incident_id,
        title,
        severity,
        started_at,
        is_ongoing,
        pick_rank = 1 as is_opening_pick
    from ranked
    order by started_at desc, incident_id
)

select * from final

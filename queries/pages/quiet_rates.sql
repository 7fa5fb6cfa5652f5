-- How much more often did exposed accounts go quiet after each incident than accounts do anyway?
-- grain:   one row per incident
-- params:  none
-- columns: incident_id, title, started_at, quiet_accounts, eligible_accounts, quiet_rate_pct,
--          placebo_quiet_accounts, placebo_accounts, placebo_quiet_rate_pct,
--          placebo_offset_days, placebo_missing_reason, control_quiet_accounts, control_accounts,
--          control_quiet_rate_pct, excess_quiet_rate_pct, excess_compared_with,
--          silent_quiet_accounts, quiet_mrr, already_quiet_accounts, exposed_accounts,
--          not_judged_reason
-- Every rate comes with its counts (quiet / eligible) so a small group is not over-read; rules in
-- incident_quiet. Newest incident first.

with

incident_quiet_rows as (
    select * from incident_quiet
),

incident_rows as (
    select * from incidents
),

final as (
    select
        incident_quiet_rows.incident_id,
        incident_rows.title,
        incident_rows.started_at,
        incident_quiet_rows.quiet_accounts,
        incident_quiet_rows.eligible_accounts,
        incident_quiet_rows.quiet_rate_pct,
        incident_quiet_rows.placebo_quiet_accounts,
        incident_quiet_rows.placebo_accounts,
        incident_quiet_rows.placebo_quiet_rate_pct,
        incident_quiet_rows.placebo_offset_days,
        incident_quiet_rows.placebo_missing_reason,
        incident_quiet_rows.control_quiet_accounts,
        incident_quiet_rows.control_accounts,
        incident_quiet_rows.control_quiet_rate_pct,
        incident_quiet_rows.excess_quiet_rate_pct,
        incident_quiet_rows.excess_compared_with,
        incident_quiet_rows.silent_quiet_accounts,
        incident_quiet_rows.quiet_mrr,
        incident_quiet_rows.already_quiet_accounts,
        incident_quiet_rows.exposed_accounts,
        incident_quiet_rows.not_judged_reason
    from incident_quiet_rows
    inner join incident_rows on incident_rows.incident_id = incident_quiet_rows.incident_id
    order by incident_rows.started_at desc, incident_quiet_rows.incident_id
)

select * from final

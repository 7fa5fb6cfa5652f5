-- How much more often did exposed accounts go quiet after each incident than accounts do anyway?
-- grain:   one row per incident
-- params:  none
-- columns: incident_id, title, started_at, quiet_accounts, eligible_accounts, quiet_rate_pct,
--          placebo_quiet_accounts, placebo_accounts, placebo_quiet_rate_pct,
--          control_quiet_accounts, control_accounts, control_quiet_rate_pct,
--          excess_quiet_rate_pct, excess_compared_with, silent_quiet_accounts, quiet_mrr,
--          already_quiet_accounts, exposed_accounts, not_judged_reason
-- Every rate comes with its counts (quiet / eligible) so a small group is not over-read; rules in
-- incident_quiet. Newest incident first.

with

final as (
    select
        incident_quiet.incident_id,
        incidents.title,
        incidents.started_at,
        incident_quiet.quiet_accounts,
        incident_quiet.eligible_accounts,
        incident_quiet.quiet_rate_pct,
        incident_quiet.placebo_quiet_accounts,
        incident_quiet.placebo_accounts,
        incident_quiet.placebo_quiet_rate_pct,
        incident_quiet.control_quiet_accounts,
        incident_quiet.control_accounts,
        incident_quiet.control_quiet_rate_pct,
        incident_quiet.excess_quiet_rate_pct,
        incident_quiet.excess_compared_with,
        incident_quiet.silent_quiet_accounts,
        incident_quiet.quiet_mrr,
        incident_quiet.already_quiet_accounts,
        incident_quiet.exposed_accounts,
        incident_quiet.not_judged_reason
    from incident_quiet
    inner join incidents on incidents.incident_id = incident_quiet.incident_id
    order by incidents.started_at desc, incident_quiet.incident_id
)

select * from final

-- Which quiet accounts should customer success call first?
-- grain:   one row per incident and quiet account
-- params:  $incident_id, $segment, $min_mrr, $silent_only, $still_quiet_only
-- columns: account_id, account_name, segment, mrr, is_silent, is_still_quiet, incident_id,
--          incident_title, started_at, baseline_daily, after_daily, drop_pct,
--          recovered_by_day_30, exposure, last_ticket_id, last_ticket_at, last_ticket_subject
-- Ordered by MRR (largest first, unknown last), then segment. Every filter is off when its
-- parameter is empty: $silent_only keeps accounts that never opened a related ticket,
-- $still_quiet_only those still quiet over the latest days of usage data.

with

filtered as (
    select quiet_accounts.*
    from quiet_accounts
    where
        quiet_accounts.quiet
        and ($incident_id is null or quiet_accounts.incident_id = $incident_id)
        and ($segment is null or quiet_accounts.segment = lower($segment))
        and ($min_mrr is null or quiet_accounts.mrr >= $min_mrr)
        and (not coalesce($silent_only, false) or quiet_accounts.is_silent)
        and (not coalesce($still_quiet_only, false) or quiet_accounts.is_still_quiet)
),

final as (
    select
        filtered.account_id,
        filtered.account_name,
        filtered.segment,
        filtered.mrr,
        filtered.is_silent,
        filtered.is_still_quiet,
        filtered.incident_id,
        incidents.title as incident_title,
        incidents.started_at,
        filtered.baseline_daily,
        filtered.after_daily,
        filtered.drop_pct,
        filtered.recovered_by_day_30,
        filtered.exposure,
        filtered.last_ticket_id,
        filtered.last_ticket_at,
        filtered.last_ticket_subject
    from filtered
    inner join incidents on incidents.incident_id = filtered.incident_id
    order by
        filtered.mrr desc nulls last,
        filtered.segment nulls last,
        filtered.account_id,
        incidents.started_at
)

select * from final

-- Which quiet accounts should customer success call first?
-- grain:   one row per incident and quiet account, the first $max_rows of them
-- params:  $incident_id, $segment, $min_mrr, $silent_only, $still_quiet_only, $max_rows
-- columns: account_id, account_name, segment, mrr, is_silent, is_still_quiet, incident_id,
--          incident_title, started_at, baseline_daily, after_daily, drop_pct,
--          recovered_by_day_30, exposure, last_ticket_id, last_ticket_at, last_ticket_subject
-- Ordered by MRR (largest first, unknown last), then segment. Every filter is off when its
-- parameter is empty: $silent_only keeps accounts that never opened a related ticket,
-- $still_quiet_only those still quiet over the latest days of usage data. $max_rows keeps the
-- first rows (the page shows the top: every incident holds millions of rows at scale); empty
-- keeps them all (the CSV). The totals are pages/quiet_call_list_totals. Reads the quiet rows
-- only (derived/call_list).

with

final as (
    select
        account_id, account_name, segment, mrr, is_silent, is_still_quiet, incident_id,
        incident_title, started_at, baseline_daily, after_daily, drop_pct,
        recovered_by_day_30, exposure, last_ticket_id, last_ticket_at, last_ticket_subject
    from call_list
    where
        ($incident_id is null or incident_id = $incident_id)
        and ($segment is null or segment = lower($segment))
        and ($min_mrr is null or mrr >= $min_mrr)
        and (not coalesce($silent_only, false) or is_silent)
        and (not coalesce($still_quiet_only, false) or is_still_quiet)
    order by mrr desc nulls last, segment nulls last, account_id, started_at
    limit $max_rows
)

select * from final

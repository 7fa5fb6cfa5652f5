-- How many rows, quiet accounts and MRR the call list holds for its filters, in all?
-- grain:   one row
-- params:  $incident_id, $segment, $min_mrr, $silent_only, $still_quiet_only
-- columns: listed_rows, quiet_accounts, quiet_mrr
-- The same filters as pages/quiet_call_list, of which the page shows only the first rows. An
-- account quiet after two incidents is two rows and one account: its MRR is counted once.

with

listed as (
    select account_id, mrr
    from call_list
    where
        ($incident_id is null or incident_id = $incident_id)
        and ($segment is null or segment = lower($segment))
        and ($min_mrr is null or mrr >= $min_mrr)
        and (not coalesce($silent_only, false) or is_silent)
        and (not coalesce($still_quiet_only, false) or is_still_quiet)
),

per_account as (
    select
        account_id,
        count(*) as listed_rows,
        max(mrr) as mrr
    from listed
    group by account_id
),

final as (
    select
        cast(coalesce(sum(listed_rows), 0) as bigint) as listed_rows,
        count(account_id) as quiet_accounts,
        coalesce(sum(mrr), 0) as quiet_mrr
    from per_account
)

select * from final

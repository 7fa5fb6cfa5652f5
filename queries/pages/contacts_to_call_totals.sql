-- How many accounts, silent quiet ones and MRR the contact list holds for its filters, in all?
-- grain:   one row
-- params:  $incident_id, $segment, $min_mrr, $reason
-- columns: listed_rows, accounts, silent_quiet_accounts, mrr
-- The same filters as pages/contacts_to_call, of which the page shows only the first rows. An
-- account listed after two incidents is two rows and one account: its MRR is counted once.

with

contact_list_rows as (
    select * from contact_list
),

listed as (
    select
        account_id,
        mrr,
        list_contains(reasons, 'silent_quiet') as is_silent_quiet
    from contact_list_rows
    where
        ($incident_id is null or incident_id = $incident_id)
        and ($segment is null or segment = lower($segment))
        and ($min_mrr is null or mrr >= $min_mrr)
        and ($reason is null or list_contains(reasons, $reason))
),

per_account as (
    select
        account_id,
        count(*) as listed_rows,
        max(mrr) as mrr,
        bool_or(is_silent_quiet) as is_silent_quiet
    from listed
    group by account_id
),

final as (
    select
        cast(coalesce(sum(listed_rows), 0) as bigint) as listed_rows,
        count(account_id) as accounts,
        count(*) filter (where is_silent_quiet) as silent_quiet_accounts,
        coalesce(sum(mrr), 0) as mrr
    from per_account
)

select * from final

-- Which accounts one incident reached: those that wrote in, and those that went quiet.
-- grain:   one row per account with a related ticket or a quiet (or already quiet) drop
-- params:  $incident_id
-- columns: account_id, name, segment, mrr, related_tickets, quiet, already_quiet, silent,
--          drop_pct, recovered_by_day_30

with

related_ticket_rows as (
    select * from related_tickets
),

quiet_account_rows as (
    select * from quiet_accounts
),

account_rows as (
    select * from accounts
),

ticket_accounts as (
    select
        account_id,
        count(*) as related_tickets
    from related_ticket_rows
    where incident_id = $incident_id and account_id is not null
    group by account_id
),

quiet as (
    select
        account_id,
        quiet,
        already_quiet,
        drop_pct,
        recovered_by_day_30
    from quiet_account_rows
    where incident_id = $incident_id and (quiet or already_quiet)
),

reached as (
    select account_id from ticket_accounts
    union
    select account_id from quiet
),

final as (
    select
        reached.account_id,
        account_rows.name,
        account_rows.segment,
        account_rows.mrr,
        coalesce(ticket_accounts.related_tickets, 0) as related_tickets,
        coalesce(quiet.quiet, false) as quiet,
        coalesce(quiet.already_quiet, false) as already_quiet,
        coalesce(quiet.quiet, false) and ticket_accounts.account_id is null as silent,
        quiet.drop_pct,
        quiet.recovered_by_day_30
    from reached
    left join account_rows on account_rows.account_id = reached.account_id
    left join ticket_accounts on ticket_accounts.account_id = reached.account_id
    left join quiet on quiet.account_id = reached.account_id
    order by quiet desc, account_rows.mrr desc nulls last, reached.account_id
)

select * from final

-- What did the surges nobody declared add up to, each account writing in counted once?
-- grain:   one row
-- params:  none
-- columns: undeclared_surges, excess_tickets, customer_hours, accounts, mrr
-- Over every ticket surge without an incident (ticket_surges). accounts: the distinct accounts
-- among their tickets (surge_tickets), so an account writing in during two surges counts once,
-- and so does its MRR in mrr (accounts without an MRR count 0); mrr is empty when no accounts are
-- loaded. excess_tickets and customer_hours add up the surges' own.

with

ticket_surge_rows as (
    select * from ticket_surges
),

surge_ticket_rows as (
    select * from surge_tickets
),

account_rows as not materialized (
    select * from accounts
),

undeclared as (
    select surge_id, excess_tickets, customer_hours
    from ticket_surge_rows
    where incident_id is null
),

writers as (
    select distinct surge_ticket_rows.account_id
    from surge_ticket_rows
    inner join undeclared on undeclared.surge_id = surge_ticket_rows.surge_id
    where surge_ticket_rows.account_id is not null
),

has_accounts as (
    select count(*) > 0 as yes
    from account_rows
),

writer_totals as (
    select
        count(*) as accounts,
        coalesce(sum(account_rows.mrr), 0) as mrr
    from writers
    left join account_rows on account_rows.account_id = writers.account_id
),

final as (
    select
        (select count(*) from undeclared) as undeclared_surges,
        (select coalesce(sum(excess_tickets), 0) from undeclared) as excess_tickets,
        (select coalesce(sum(customer_hours), 0) from undeclared) as customer_hours,
        writer_totals.accounts,
        case when has_accounts.yes then writer_totals.mrr end as mrr
    from writer_totals
    cross join has_accounts
)

select * from final

-- What share of the active accounts and of all MRR each incident reached.
-- grain:   one row per incident
-- key:     incident_id
-- params:  none
-- columns: incident_id, reached_accounts, active_accounts, reached_mrr, reached_share_pct,
--          reached_mrr_pct
-- Reached accounts: those of related tickets together with the incident's
-- quiet accounts, since a customer who left without writing was affected too; reached_mrr is
-- their MRR (accounts without one count 0). active_accounts: incident_active_accounts; without
-- usage then, all accounts; without accounts, all that ever opened a ticket; never fewer than the
-- reached ones. Shares are empty when their whole is 0 or unknown.

with

related_ticket_rows as (
    select * from related_tickets
),

quiet_account_rows as (
    select * from quiet_accounts
),

account_rows as not materialized (
    select * from accounts
),

ticket_rows as (
    select * from tickets
),

incident_rows as (
    select * from incidents
),

incident_active_account_rows as (
    select * from incident_active_accounts
),

reached as (
    select incident_id, account_id
    from related_ticket_rows
    where account_id is not null
    union
    select incident_id, account_id
    from quiet_account_rows
    where quiet
),

reached_totals as (
    select
        reached.incident_id,
        count(*) as reached_accounts,
        coalesce(sum(account_rows.mrr), 0) as reached_mrr
    from reached
    left join account_rows on account_rows.account_id = reached.account_id
    group by reached.incident_id
),

account_totals as (
    select
        (select nullif(count(*), 0) from account_rows) as listed_accounts,
        (select nullif(count(distinct account_id), 0) from ticket_rows) as ticket_accounts,
        (select sum(mrr) from account_rows) as total_mrr
),

reach as (
    select
        incident_rows.incident_id,
        coalesce(reached_totals.reached_accounts, 0) as reached_accounts,
        greatest(
            coalesce(
                nullif(incident_active_account_rows.active_accounts, 0),
                account_totals.listed_accounts,
                account_totals.ticket_accounts
            ),
            coalesce(reached_totals.reached_accounts, 0)
        ) as active_accounts,
        coalesce(reached_totals.reached_mrr, 0) as reached_mrr,
        account_totals.total_mrr
    from incident_rows
    cross join account_totals
    left join incident_active_account_rows
        on incident_active_account_rows.incident_id = incident_rows.incident_id
    left join reached_totals on reached_totals.incident_id = incident_rows.incident_id
),

final as (
    select
        incident_id,
        reached_accounts,
        active_accounts,
        reached_mrr,
        100.0 * reached_accounts / nullif(active_accounts, 0) as reached_share_pct,
        100.0 * reached_mrr / nullif(total_mrr, 0) as reached_mrr_pct
    from reach
)

select * from final

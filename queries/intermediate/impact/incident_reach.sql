-- What share of the active accounts and of all MRR each incident reached.
-- grain:   one row per incident
-- key:     incident_id
-- params:  none
-- columns: incident_id, reached_accounts, active_accounts, reached_mrr, reached_share_pct,
--          reached_mrr_pct
-- Reached accounts: those of related tickets (suspect links aside) together with the incident's
-- quiet accounts, since a customer who left without writing was affected too; reached_mrr is
-- their MRR (accounts without one count 0). active_accounts: incident_active_accounts; without
-- usage then, all accounts; without accounts, all that ever opened a ticket; never fewer than the
-- reached ones. Shares are empty when their whole is 0 or unknown.

with

reached as (
    select incident_id, account_id
    from related_tickets
    where account_id is not null and link <> 'suspect'
    union
    select incident_id, account_id
    from quiet_accounts
    where quiet
),

reached_totals as (
    select
        reached.incident_id,
        count(*) as reached_accounts,
        coalesce(sum(accounts.mrr), 0) as reached_mrr
    from reached
    left join accounts on accounts.account_id = reached.account_id
    group by reached.incident_id
),

account_totals as (
    select
        (select nullif(count(*), 0) from accounts) as listed_accounts,
        (select nullif(count(distinct account_id), 0) from tickets) as ticket_accounts,
        (select sum(mrr) from accounts) as total_mrr
),

reach as (
    select
        incidents.incident_id,
        coalesce(reached_totals.reached_accounts, 0) as reached_accounts,
        greatest(
            coalesce(
                nullif(incident_active_accounts.active_accounts, 0),
                account_totals.listed_accounts,
                account_totals.ticket_accounts
            ),
            coalesce(reached_totals.reached_accounts, 0)
        ) as active_accounts,
        coalesce(reached_totals.reached_mrr, 0) as reached_mrr,
        account_totals.total_mrr
    from incidents
    cross join account_totals
    left join incident_active_accounts
        on incident_active_accounts.incident_id = incidents.incident_id
    left join reached_totals on reached_totals.incident_id = incidents.incident_id
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

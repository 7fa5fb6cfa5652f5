-- What did the incident process miss, month by month: the surges nobody declared?
-- grain:   one row per month from the first to the last month with tickets
-- params:  none
-- columns: month, surges, undeclared_surges, undeclared_excess_tickets,
--          undeclared_customer_hours, undeclared_mrr
-- A surge counts in the month of its started_at (UTC). Customer-hours: ticket_surges'
-- customer_hours, summed. undeclared_mrr sums each undeclared surge's mrr (an account in two
-- surges of a month counts twice: pages/undeclared_totals counts each account once); empty when
-- no accounts are loaded.
-- Months without a surge show 0, so the backtest covers the whole history loaded.

with

ticket_history_span_rows as (
    select * from ticket_history_span
),

account_rows as (
    select * from accounts
),

ticket_surge_rows as (
    select * from ticket_surges
),

span as (
    select
        date_trunc('month', first_hour) as first_month,
        date_trunc('month', last_hour) as last_month
    from ticket_history_span_rows
),

months as (
    select unnest(generate_series(first_month, last_month, interval '1 month')) as month
    from span
),

has_accounts as (
    select count(*) > 0 as yes
    from account_rows
),

per_month as (
    select
        date_trunc('month', started_at) as month,
        count(*) as surges,
        count(*) filter (where incident_id is null) as undeclared_surges,
        sum(excess_tickets) filter (where incident_id is null) as undeclared_excess_tickets,
        sum(customer_hours) filter (where incident_id is null) as undeclared_customer_hours,
        sum(mrr) filter (where incident_id is null) as undeclared_mrr
    from ticket_surge_rows
    group by date_trunc('month', started_at)
),

final as (
    select
        months.month,
        coalesce(per_month.surges, 0) as surges,
        coalesce(per_month.undeclared_surges, 0) as undeclared_surges,
        coalesce(per_month.undeclared_excess_tickets, 0) as undeclared_excess_tickets,
        coalesce(per_month.undeclared_customer_hours, 0) as undeclared_customer_hours,
        case when has_accounts.yes then coalesce(per_month.undeclared_mrr, 0) end
        as undeclared_mrr
    from months
    cross join has_accounts
    left join per_month on per_month.month = months.month
    order by months.month
)

select * from final

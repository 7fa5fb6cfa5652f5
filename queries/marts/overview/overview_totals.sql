-- What every incident cost the customers in all: the overview's opening view, before any filter.
-- grain:   one row
-- params:  none
-- columns: incidents, outage_hours, customer_impact_hours, measured_incidents, related_tickets,
--          affected_accounts, quiet_accounts, quiet_mrr
-- pages/overview_headline with no filter set, computed once at load: counting the distinct
-- tickets and accounts of every related ticket is too slow to repeat on each page view at scale.
-- The sums must stay those of pages/overview_headline (a test holds the two equal).
-- customer_impact_hours sums the incidents whose impact was measured (measured_incidents of
-- them: none without tickets, and then it and the ticket counts are empty). Suspect links are
-- not counted. Tickets and
-- accounts are counted once even when they relate to several incidents; an account's MRR once.

with

incident_impact_rows as (
    select * from incident_impact
),

related_ticket_rows as (
    select * from related_tickets
),

contact_list_rows as (
    select * from contact_list
),

hours as (
    select
        count(*) as incidents,
        coalesce(sum(outage_minutes), 0) / 60.0 as outage_hours,
        sum(customer_impact_minutes) / 60.0 as customer_impact_hours,
        count(customer_impact_minutes) as measured_incidents
    from incident_impact_rows
),

ticket_totals as (
    select
        count(distinct ticket_id) as related_tickets,
        count(distinct account_id) as affected_accounts
    from related_ticket_rows
),

quiet_once as (
    select
        account_id,
        max(mrr) as mrr
    from contact_list_rows
    where is_quiet
    group by account_id
),

quiet as (
    select
        count(*) as quiet_accounts,
        coalesce(sum(mrr), 0) as quiet_mrr
    from quiet_once
),

final as (
    select
        hours.incidents,
        hours.outage_hours,
        hours.customer_impact_hours,
        hours.measured_incidents,
        case
            when hours.measured_incidents > 0 then ticket_totals.related_tickets
        end as related_tickets,
        case
            when hours.measured_incidents > 0 then ticket_totals.affected_accounts
        end as affected_accounts,
        quiet.quiet_accounts,
        quiet.quiet_mrr
    from hours
    cross join ticket_totals
    cross join quiet
)

select * from final

-- What every incident cost the customers in all: the overview's opening view, before any filter.
-- grain:   one row
-- params:  none
-- columns: incidents, ongoing_incidents, ongoing_outage_hours, outage_hours,
--          customer_impact_hours, measured_incidents, related_tickets, affected_accounts,
--          quiet_accounts, quiet_mrr
-- pages/overview_headline with no filter set, computed once at load: counting the distinct
-- tickets and accounts of every related ticket is too slow to repeat on each page view at scale.
-- The sums must stay those of pages/overview_headline (a test holds the two equal).
-- An ongoing incident's figures are "so far": they are counted apart (ongoing_incidents, their
-- outage so far in ongoing_outage_hours), and every other sum is over the finished incidents.
-- customer_impact_hours sums the incidents whose impact was measured (measured_incidents of
-- them: none without tickets, and then it and the ticket counts are empty). Suspect links are
-- not counted. Tickets and accounts are counted once even when they relate to several incidents;
-- an account's MRR once.

with

incident_impact_rows as not materialized (
    select * from incident_impact
),

related_ticket_rows as (
    select * from related_tickets
),

contact_list_rows as (
    select * from contact_list
),

finished as (
    select incident_id
    from incident_impact_rows
    where not ongoing
),

hours as (
    select
        count(*) as incidents,
        count(case when ongoing then 1 end) as ongoing_incidents,
        coalesce(sum(case when ongoing then outage_minutes end), 0) / 60.0
        as ongoing_outage_hours,
        coalesce(sum(case when not ongoing then outage_minutes end), 0) / 60.0 as outage_hours,
        sum(case when not ongoing then customer_impact_minutes end) / 60.0
        as customer_impact_hours,
        count(case when not ongoing then customer_impact_minutes end) as measured_incidents
    from incident_impact_rows
),

ticket_totals as (
    select
        count(distinct related.ticket_id) as related_tickets,
        count(distinct related.account_id) as affected_accounts
    from related_ticket_rows as related
    inner join finished on finished.incident_id = related.incident_id
),

quiet_once as (
    select
        quiet.account_id,
        max(quiet.mrr) as mrr
    from contact_list_rows as quiet
    inner join finished on finished.incident_id = quiet.incident_id
    where quiet.is_quiet
    group by quiet.account_id
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
        hours.ongoing_incidents,
        hours.ongoing_outage_hours,
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

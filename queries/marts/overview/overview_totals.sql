-- What the incidents cost the customers in all: outage and customer-impact hours, tickets, accounts.
-- grain:   one row
-- params:  $started_from, $started_before, $service, $severities
-- columns: incidents, ongoing_incidents, ongoing_outage_hours, outage_hours,
--          customer_impact_hours, measured_incidents, related_tickets, affected_accounts,
--          quiet_accounts, quiet_mrr
-- The one place these sums are written. The load builds it with every filter empty (each
-- incident counts): the Overview's opening view, read as a table (pages/overview_headline),
-- because counting the distinct tickets and accounts of every related ticket is too slow to
-- repeat on each page view at scale. With a filter picked the Overview runs this same file on
-- the chosen incidents (dashboard/overview_sections.headline).
-- An ongoing incident's figures are "so far": incidents counts it, ongoing_incidents and
-- ongoing_outage_hours (its outage so far) count it apart, and every other sum is over the
-- finished incidents only.
-- customer_impact_hours sums the incidents whose impact was measured (measured_incidents of
-- them: none without tickets, and then it and the ticket counts are empty). Suspect links are
-- not counted. Tickets and accounts are counted once even when they relate to several
-- incidents; an account's MRR is counted once. Quiet accounts come from contact_list (is_quiet:
-- the quiet rows of quiet_accounts). The service and severity filter: is_picked_incident
-- (queries/macros/incident_filters.sql).

with

incident_rows as (
    select * from incidents
),

incident_impact_rows as not materialized (
    select * from incident_impact
),

related_ticket_rows as (
    select * from related_tickets
),

contact_list_rows as (
    select * from contact_list
),

chosen as (
    select incident_id
    from incident_rows
    where
        ($started_from is null or started_at >= $started_from)
        and ($started_before is null or started_at < $started_before)
        and is_picked_incident(services, severity, $service, $severities)
),

finished as (
    select impact.incident_id
    from incident_impact_rows as impact
    inner join chosen on chosen.incident_id = impact.incident_id
    where not impact.ongoing
),

hours as (
    select
        count(*) as incidents,
        count(case when impact.ongoing then 1 end) as ongoing_incidents,
        coalesce(sum(case when impact.ongoing then impact.outage_minutes end), 0) / 60.0
        as ongoing_outage_hours,
        coalesce(sum(case when not impact.ongoing then impact.outage_minutes end), 0) / 60.0
        as outage_hours,
        sum(case when not impact.ongoing then impact.customer_impact_minutes end) / 60.0
        as customer_impact_hours,
        count(case when not impact.ongoing then impact.customer_impact_minutes end)
        as measured_incidents
    from incident_impact_rows as impact
    inner join chosen on chosen.incident_id = impact.incident_id
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

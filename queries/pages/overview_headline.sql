-- What every incident cost the customers in all: the Overview's opening view, before any filter.
-- grain:   one row
-- params:  none
-- columns: incidents, ongoing_incidents, ongoing_outage_hours, outage_hours,
--          customer_impact_hours, measured_incidents, related_tickets, affected_accounts,
--          quiet_accounts, quiet_mrr
-- The sums of marts/overview/overview_totals as the load computed them with no filter set; with
-- a filter the Overview runs that file itself (dashboard/overview_sections.headline).

with

overview_total_rows as (
    select * from overview_totals
),

final as (
    select * from overview_total_rows
)

select * from final

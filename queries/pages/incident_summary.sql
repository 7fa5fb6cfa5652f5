-- What one incident cost the customers: its headline figures, for its page and its report.
-- grain:   one row (none when $incident_id names no incident)
-- params:  $incident_id
-- columns: incident_id, title, severity, started_at, resolved_at, is_ongoing, ended_at,
--          outage_minutes, customer_impact_start_at, customer_impact_end_at, customer_impact_minutes,
--          impact_ratio,
--          status_resolved_at, comms_gap_minutes, first_ticket_at, first_update_at,
--          customers_first_minutes, linked_tickets, suggested_tickets, suspect_links,
--          tickets_after_resolved, long_tail_tickets, excess_tickets, affected_accounts,
--          affected_mrr, exposed_accounts, quiet_accounts, silent_quiet_accounts, quiet_mrr,
--          not_judged_reason, suggested_severity, severity_gap, postmortem_published_at,
--          postmortem_days_after_resolved, postmortem_status, stated_ticket_count,
--          stated_accounts, customer_impact_reason, comms_gap_reason, customers_first_reason,
--          confusion_tickets, workaround_tickets, action_items, action_item_teams,
--          open_action_items, overdue_action_items, is_engineering_only, data_end_at
-- The Incident page's cards and the postmortem's "Customer impact" section (aftermath report)
-- read this one row. From incident_impact, incident_quiet (quiet counts empty while the incident
-- is not judged, not_judged_reason says why; silent ones never opened a related ticket) and
-- incident_voice. affected_mrr: the MRR of the affected accounts (the distinct accounts of
-- related tickets; accounts without an MRR count 0), empty with them when there are no
-- tickets; incident_impact.reached_mrr adds quiet accounts. The *_reason columns say why a
-- figure is empty (incident_impact). ended_at: where the outage is measured to (resolved_at,
-- or the data's end while ongoing), where the timeline's outage band ends too.
-- postmortem_status: 'on time', 'late', 'missing' (due date passed in the data without one),
-- 'not due yet', or 'ongoing'.

with

related_ticket_rows as (
    select * from related_tickets
),

account_rows as (
    select * from accounts
),

incident_impact_rows as (
    select * from incident_impact
),

load_info_rows as (
    select * from load_info
),

incident_quiet_rows as (
    select * from incident_quiet
),

incident_voice_rows as (
    select * from incident_voice
),

affected as (
    select coalesce(sum(account_rows.mrr), 0) as affected_mrr
    from (
        select distinct account_id
        from related_ticket_rows
        where incident_id = $incident_id
    ) as related_accounts
    inner join account_rows on account_rows.account_id = related_accounts.account_id
),

final as (
    select
        impact.incident_id,
        impact.title,
        impact.severity,
        impact.started_at,
        impact.resolved_at,
        impact.ongoing as is_ongoing,
        impact.ended_at,
        impact.outage_minutes,
        impact.customer_impact_start_at,
        impact.customer_impact_end as customer_impact_end_at,
        impact.customer_impact_minutes,
        impact.impact_ratio,
        impact.status_resolved_at,
        impact.comms_gap_minutes,
        impact.first_ticket_at,
        impact.first_update_at,
        impact.customers_first_minutes,
        impact.linked_tickets,
        impact.suggested_tickets,
        impact.suspect_links,
        impact.tickets_after_resolved,
        impact.long_tail_tickets,
        impact.excess_tickets,
        impact.affected_accounts,
        case when impact.affected_accounts is not null then affected.affected_mrr end
        as affected_mrr,
        quiet.exposed_accounts,
        quiet.quiet_accounts,
        quiet.silent_quiet_accounts,
        quiet.quiet_mrr,
        quiet.not_judged_reason,
        impact.suggested_severity,
        impact.severity_gap,
        impact.postmortem_published_at,
        impact.postmortem_days_after_resolved,
        case
            when impact.ongoing then 'ongoing'
            when impact.postmortem_on_time then 'on time'
            when impact.postmortem_published_at is not null then 'late'
            when impact.postmortem_on_time is not null then 'missing'
            else 'not due yet'
        end as postmortem_status,
        impact.stated_ticket_count,
        impact.stated_accounts,
        impact.customer_impact_reason,
        impact.comms_gap_reason,
        impact.customers_first_reason,
        voice.confusion_tickets,
        voice.workaround_tickets,
        voice.action_items,
        voice.action_item_teams,
        voice.open_action_items,
        voice.overdue_action_items,
        voice.is_engineering_only,
        load_info_rows.data_end_at
    from incident_impact_rows as impact
    cross join affected
    cross join load_info_rows
    left join incident_quiet_rows as quiet on quiet.incident_id = impact.incident_id
    left join incident_voice_rows as voice on voice.incident_id = impact.incident_id
    where impact.incident_id = $incident_id
)

select * from final

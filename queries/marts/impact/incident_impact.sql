-- What each incident cost the customers, next to what the technical record says it was.
-- grain:   one row per incident
-- key:     incident_id
-- params:  $postmortem_due_days
-- columns: incident_id, title, severity, started_at, resolved_at, ongoing, ended_at,
--          outage_minutes, linked_tickets, suggested_tickets, suspect_links, affected_accounts,
--          customer_impact_end, customer_impact_minutes, impact_ratio, tickets_after_resolved,
--          last_related_activity_at, long_tail_tickets, status_resolved_at, comms_gap_minutes,
--          first_ticket_at, first_update_at, customers_first_minutes, excess_tickets,
--          suggested_severity, severity_gap, quiet_accounts, silent_quiet_accounts, quiet_mrr,
--          confusion_tickets, trust_loss_tickets, workaround_tickets, urgent_tickets,
--          action_items, action_item_teams, theme_coverage, postmortem_published_at,
--          postmortem_days_after_resolved, postmortem_on_time, stated_ticket_count,
--          stated_accounts, detected_at, mitigated_at, time_to_detect_minutes,
--          time_to_mitigate_minutes, related_tickets, customer_impact_start_at, active_accounts,
--          reached_accounts, reached_share_pct, reached_mrr, reached_mrr_pct, has_postmortem,
--          postmortem_names_accounts, unnamed_affected_accounts, ticket_count_gap,
--          customer_impact_reason, comms_gap_reason, customers_first_reason, quiet_reason
-- Measured or empty: without any ticket in the data every ticket and customer figure is empty
-- (customer_impact_reason says 'needs tickets'), never 0 or the outage dressed as a measurement;
-- comms_gap_reason and customers_first_reason say why those are empty, quiet_reason why the quiet
-- counts are (incident_quiet.not_judged_reason). Ongoing incidents (no resolved_at) are measured
-- up to the data's end (ended_at, from incident_windows: resolved_at, or the data's end); what only a resolution defines (tickets_after_resolved, long_tail_tickets,
-- the postmortem's timing) is empty for them. Minutes are exact (seconds / 60); positive
-- comms_gap_minutes = customers still hurting after the status page said "resolved" (its first
-- such update); positive customers_first_minutes = customers wrote before the first status
-- update. Affected accounts (the contract column) are those of related tickets; reached accounts
-- add the incident's quiet accounts (incident_reach), behind suggested_severity
-- (incident_severity). suspect_links counts the incident's rows of suspect_links, which no other
-- figure counts.
-- ongoing and customer_impact_end keep the names the data contract (v1) gives other tools; the
-- page queries call them is_ongoing and customer_impact_end_at, as the other columns are named.
-- postmortem: the first one published (first_postmortems). postmortem_on_time is false when it
-- came later than $postmortem_due_days days after resolved_at, or when none came and the due date
-- is past the data's end; empty while not yet due. ticket_count_gap = related_tickets -
-- stated_ticket_count (positive = the postmortem counts fewer tickets than were related).
-- time_to_detect_minutes and time_to_mitigate_minutes are incident_response_times'.
-- epoch() of an interval and len() of a list are DuckDB's.

with

ticket_rows as (
    select * from tickets
),

incident_rows as (
    select * from incidents
),

incident_window_rows as (
    select * from incident_windows
),

customer_impact_window_rows as (
    select * from customer_impact_windows
),

incident_ticket_count_rows as (
    select * from incident_ticket_counts
),

incident_status_time_rows as (
    select * from incident_status_times
),

incident_excess_ticket_rows as (
    select * from incident_excess_tickets
),

incident_reach_rows as (
    select * from incident_reach
),

incident_severity_rows as (
    select * from incident_severity
),

first_postmortem_rows as (
    select * from first_postmortems
),

incident_quiet_rows as (
    select * from incident_quiet
),

incident_voice_rows as (
    select * from incident_voice
),

incident_response_time_rows as (
    select * from incident_response_times
),

suspect_link_rows as (
    select * from suspect_links
),

suspect_counts as (
    select incident_id, count(*) as suspect_links
    from suspect_link_rows
    group by incident_id
),

has_tickets as (
    select exists(select 1 from ticket_rows) as yes
),

windows as (
    select
        incident_rows.incident_id,
        incident_rows.title,
        incident_rows.severity,
        incident_rows.started_at,
        incident_rows.detected_at,
        incident_rows.mitigated_at,
        incident_rows.resolved_at,
        incident_window_rows.ended_at,
        incident_window_rows.is_ongoing,
        incident_window_rows.data_end_at,
        customer_impact_window_rows.first_ticket_at,
        customer_impact_window_rows.customer_impact_start_at,
        customer_impact_window_rows.customer_impact_end_at,
        customer_impact_window_rows.customer_impact_minutes,
        has_tickets.yes as has_tickets
    from incident_rows
    cross join has_tickets
    inner join incident_window_rows on incident_window_rows.incident_id = incident_rows.incident_id
    inner join customer_impact_window_rows
        on customer_impact_window_rows.incident_id = incident_rows.incident_id
),

final as (
    select
        windows.incident_id,
        windows.title,
        windows.severity,
        windows.started_at,
        windows.resolved_at,
        windows.is_ongoing as ongoing,
        windows.ended_at,
        epoch(windows.ended_at - windows.started_at) / 60.0 as outage_minutes,
        case when windows.has_tickets then coalesce(counts.linked_tickets, 0) end
        as linked_tickets,
        case when windows.has_tickets then coalesce(counts.suggested_tickets, 0) end
        as suggested_tickets,
        case when windows.has_tickets then coalesce(suspect_counts.suspect_links, 0) end
        as suspect_links,
        case when windows.has_tickets then coalesce(counts.affected_accounts, 0) end
        as affected_accounts,
        windows.customer_impact_end_at as customer_impact_end,
        windows.customer_impact_minutes,
        windows.customer_impact_minutes
        / nullif(epoch(windows.ended_at - windows.started_at) / 60.0, 0) as impact_ratio,
        case
            when windows.has_tickets and not windows.is_ongoing
                then coalesce(counts.tickets_after_resolved, 0)
        end as tickets_after_resolved,
        counts.last_related_activity_at,
        case
            when windows.has_tickets and not windows.is_ongoing
                then coalesce(counts.long_tail_tickets, 0)
        end as long_tail_tickets,
        status_times.status_resolved_at,
        epoch(windows.customer_impact_end_at - status_times.status_resolved_at) / 60.0
        as comms_gap_minutes,
        windows.first_ticket_at,
        status_times.first_update_at,
        epoch(status_times.first_update_at - windows.first_ticket_at) / 60.0
        as customers_first_minutes,
        incident_excess_ticket_rows.excess_tickets,
        incident_severity_rows.suggested_severity,
        windows.severity - incident_severity_rows.suggested_severity as severity_gap,
        incident_quiet_rows.quiet_accounts,
        incident_quiet_rows.silent_quiet_accounts,
        incident_quiet_rows.quiet_mrr,
        case when windows.has_tickets then incident_voice_rows.confusion_tickets end
        as confusion_tickets,
        case when windows.has_tickets then incident_voice_rows.trust_loss_tickets end
        as trust_loss_tickets,
        case when windows.has_tickets then incident_voice_rows.workaround_tickets end
        as workaround_tickets,
        case when windows.has_tickets then incident_voice_rows.urgent_tickets end as urgent_tickets,
        incident_voice_rows.action_items,
        incident_voice_rows.action_item_teams,
        incident_voice_rows.theme_coverage,
        first_postmortem_rows.published_at as postmortem_published_at,
        epoch(first_postmortem_rows.published_at - windows.resolved_at) / 86400.0
        as postmortem_days_after_resolved,
        case
            when first_postmortem_rows.published_at is not null
                then
                    first_postmortem_rows.published_at
                    <= windows.resolved_at + $postmortem_due_days * interval '1 day'
            when windows.resolved_at + $postmortem_due_days * interval '1 day'
                < windows.data_end_at
                then false
        end as postmortem_on_time,
        first_postmortem_rows.stated_ticket_count,
        case
            when first_postmortem_rows.postmortem_id is not null
                then coalesce(len(list_distinct(first_postmortem_rows.named_accounts)), 0)
        end as stated_accounts,
        windows.detected_at,
        windows.mitigated_at,
        incident_response_time_rows.time_to_detect_minutes,
        incident_response_time_rows.time_to_mitigate_minutes,
        case when windows.has_tickets then coalesce(counts.related_tickets, 0) end
        as related_tickets,
        windows.customer_impact_start_at,
        incident_reach_rows.active_accounts,
        incident_reach_rows.reached_accounts,
        incident_reach_rows.reached_share_pct,
        incident_reach_rows.reached_mrr,
        incident_reach_rows.reached_mrr_pct,
        first_postmortem_rows.postmortem_id is not null as has_postmortem,
        case
            when first_postmortem_rows.postmortem_id is not null
                then coalesce(len(first_postmortem_rows.named_accounts), 0) > 0
        end as postmortem_names_accounts,
        case
            when windows.has_tickets then first_postmortem_rows.unnamed_affected_accounts
        end as unnamed_affected_accounts,
        case when windows.has_tickets then coalesce(counts.related_tickets, 0) end
        - first_postmortem_rows.stated_ticket_count as ticket_count_gap,
        case when not windows.has_tickets then 'needs tickets' end as customer_impact_reason,
        case
            when not windows.has_tickets then 'needs tickets'
            when status_times.first_update_at is null then 'no status-page update'
            when status_times.status_resolved_at is null then 'no "resolved" status update'
        end as comms_gap_reason,
        case
            when not windows.has_tickets then 'needs tickets'
            when status_times.first_update_at is null then 'no status-page update'
            when windows.first_ticket_at is null then 'no related ticket'
        end as customers_first_reason,
        incident_quiet_rows.not_judged_reason as quiet_reason
    from windows
    left join incident_ticket_count_rows as counts on counts.incident_id = windows.incident_id
    left join incident_status_time_rows as status_times
        on status_times.incident_id = windows.incident_id
    left join incident_excess_ticket_rows
        on incident_excess_ticket_rows.incident_id = windows.incident_id
    left join incident_reach_rows on incident_reach_rows.incident_id = windows.incident_id
    left join incident_severity_rows on incident_severity_rows.incident_id = windows.incident_id
    left join first_postmortem_rows on first_postmortem_rows.incident_id = windows.incident_id
    left join incident_quiet_rows on incident_quiet_rows.incident_id = windows.incident_id
    left join incident_voice_rows on incident_voice_rows.incident_id = windows.incident_id
    left join incident_response_time_rows
        on incident_response_time_rows.incident_id = windows.incident_id
    left join suspect_counts on suspect_counts.incident_id = windows.incident_id
)

select * from final

-- What each incident cost the customers, next to what the technical record says it was.
-- grain:   one row per incident
-- key:     incident_id
-- params:  $long_tail_days, $postmortem_due_days, $usage_baseline_days
-- columns: incident_id, title, severity, started_at, resolved_at, ongoing, outage_minutes,
--          linked_tickets, suggested_tickets, affected_accounts, customer_impact_end,
--          customer_impact_minutes, impact_ratio, tickets_after_resolved,
--          last_related_activity_at, long_tail_tickets, status_resolved_at, comms_gap_minutes,
--          first_ticket_at, first_update_at, customers_first_minutes, excess_tickets,
--          suggested_severity, severity_gap, quiet_accounts, silent_quiet_accounts, quiet_mrr,
--          confusion_tickets, trust_loss_tickets, workaround_tickets, urgent_tickets,
--          action_items, action_item_teams, theme_coverage, postmortem_published_at,
--          postmortem_days_after_resolved, postmortem_on_time, stated_ticket_count,
--          stated_accounts, detected_at, mitigated_at, detect_minutes, mitigate_minutes,
--          related_tickets, customer_impact_start, active_accounts, affected_share_pct,
--          affected_mrr, affected_mrr_pct, has_postmortem, postmortem_names_accounts,
--          unnamed_affected_accounts, ticket_count_gap
-- Ongoing incidents (no resolved_at) are measured up to the data's end; what only a resolution
-- defines (tickets_after_resolved, long_tail_tickets, the postmortem's timing) is empty for them.
-- Minutes are exact (seconds / 60); positive comms_gap_minutes = customers still hurting after
-- the status page said "resolved" (its first such update); positive customers_first_minutes =
-- customers wrote before the first status update. last_related_activity_at counts related tickets
-- and their comments by anyone but the system. excess_tickets sums, over the hours from the hour
-- of started_at to customer_impact_end, all_tickets above baseline_tickets (an empty baseline
-- counts as 0).
-- suggested_severity (1 = worst): two shares each give a level, >= 5 % -> 1, >= 2 % -> 2,
-- >= 1 % -> 3, >= 0.25 % -> 4, else 5 (few affected customers ever write in, hence low bars): the
-- affected accounts' share of active accounts (accounts whose usage began before the start and
-- had not ended $usage_baseline_days days before it, from each account's first and last day of
-- use, so counted from a per-day histogram, not per account and incident; without usage then,
-- all accounts; without accounts, all that ever opened a ticket; never fewer than the affected
-- ones), and their share of all accounts' MRR. The worse level is taken, made one level worse
-- (down to 1) when customer_impact_minutes reaches 360; no affected account -> 5. Affected
-- accounts (the contract column) are those of related tickets; the shares behind the suggested
-- severity (affected_share_pct, affected_mrr, affected_mrr_pct) count them together with the
-- incident's quiet accounts, since a customer who left without writing was affected too.
-- postmortem: the first one published for the incident. postmortem_on_time is false when it came
-- later than $postmortem_due_days days after resolved_at, or when none came and the due date is
-- past the data's end; empty while not yet due. ticket_count_gap = related_tickets -
-- stated_ticket_count (positive = the postmortem counts fewer tickets than were related).
-- epoch() of an interval and list functions (len, list_contains) are DuckDB's.

with

windows as (
    select
        incidents.incident_id,
        incidents.title,
        incidents.severity,
        incidents.started_at,
        incidents.detected_at,
        incidents.mitigated_at,
        incidents.resolved_at,
        incident_windows.ended_at,
        incident_windows.is_ongoing,
        incident_windows.data_end_at,
        customer_impact_windows.first_ticket_at,
        customer_impact_windows.customer_impact_start,
        customer_impact_windows.customer_impact_end,
        customer_impact_windows.customer_impact_minutes
    from incidents
    inner join incident_windows on incident_windows.incident_id = incidents.incident_id
    inner join customer_impact_windows
        on customer_impact_windows.incident_id = incidents.incident_id
),

last_comments as (
    select ticket_id, max(created_at) as last_comment_at
    from ticket_events
    where coalesce(author_role, '') <> 'system'
    group by ticket_id
),

ticket_counts as (
    select
        related_tickets.incident_id,
        count(*) as related_tickets,
        count(*) filter (where related_tickets.link = 'linked') as linked_tickets,
        count(*) filter (where related_tickets.link = 'suggested') as suggested_tickets,
        count(distinct related_tickets.account_id) as affected_accounts,
        count(*) filter (
            where related_tickets.created_at > windows.resolved_at
        ) as tickets_after_resolved,
        count(*) filter (
            where related_tickets.created_at
            > windows.resolved_at + $long_tail_days * interval '1 day'
        ) as long_tail_tickets,
        greatest(
            max(related_tickets.created_at), max(last_comments.last_comment_at)
        ) as last_related_activity_at
    from related_tickets
    inner join windows on windows.incident_id = related_tickets.incident_id
    left join last_comments on last_comments.ticket_id = related_tickets.ticket_id
    group by related_tickets.incident_id
),

status_times as (
    select
        incident_id,
        min(posted_at) as first_update_at,
        min(posted_at) filter (where status = 'resolved') as status_resolved_at
    from status_updates
    group by incident_id
),

excess as (
    select
        ticket_volume.incident_id,
        sum(
            greatest(ticket_volume.all_tickets - coalesce(ticket_volume.baseline_tickets, 0), 0)
        ) as excess_tickets
    from ticket_volume
    inner join windows on windows.incident_id = ticket_volume.incident_id
    where
        ticket_volume.hour >= date_trunc('hour', windows.started_at)
        and ticket_volume.hour <= windows.customer_impact_end
    group by ticket_volume.incident_id
),

affected as (
    select distinct related_tickets.incident_id, related_tickets.account_id
    from related_tickets
    where related_tickets.account_id is not null
),

reached as (
    select incident_id, account_id
    from affected
    union
    select incident_id, account_id
    from quiet_accounts
    where quiet
),

affected_mrr as (
    select
        reached.incident_id,
        count(*) as reached_accounts,
        coalesce(sum(accounts.mrr), 0) as affected_mrr
    from reached
    left join accounts on accounts.account_id = reached.account_id
    group by reached.incident_id
),

account_spans as (
    select account_id, min(day) as first_day, max(day) as last_day
    from account_daily_usage
    where daily_usage > 0
    group by account_id
),

span_day_counts as (
    select day, sum(started) as started, sum(ended) as ended
    from (
        select first_day as day, 1 as started, 0 as ended
        from account_spans
        union all
        select last_day, 0, 1
        from account_spans
    ) as span_days
    group by day
),

usage_active as (
    -- begun before the start, minus those whose last use was before the baseline period
    select
        incidents.incident_id,
        coalesce(
            sum(span_day_counts.started) filter (
                where span_day_counts.day < cast(incidents.started_at as date)
            ),
            0
        )
        - coalesce(
            sum(span_day_counts.ended) filter (
                where
                    span_day_counts.day
                    < cast(incidents.started_at as date) - $usage_baseline_days
            ),
            0
        ) as accounts
    from incidents
    cross join span_day_counts
    group by incidents.incident_id
),

account_totals as (
    select
        (select nullif(count(*), 0) from accounts) as listed_accounts,
        (select nullif(count(distinct account_id), 0) from tickets) as ticket_accounts,
        (select sum(mrr) from accounts) as total_mrr
),

reach as (
    select
        windows.incident_id,
        coalesce(ticket_counts.affected_accounts, 0) as affected_accounts,
        coalesce(affected_mrr.reached_accounts, 0) as reached_accounts,
        greatest(
            coalesce(
                nullif(usage_active.accounts, 0),
                account_totals.listed_accounts,
                account_totals.ticket_accounts
            ),
            coalesce(affected_mrr.reached_accounts, 0)
        ) as active_accounts,
        coalesce(affected_mrr.affected_mrr, 0) as affected_mrr,
        account_totals.total_mrr
    from windows
    cross join account_totals
    left join ticket_counts on ticket_counts.incident_id = windows.incident_id
    left join usage_active on usage_active.incident_id = windows.incident_id
    left join affected_mrr on affected_mrr.incident_id = windows.incident_id
),

reach_shares as (
    select
        reach.*,
        100.0 * reached_accounts / nullif(active_accounts, 0) as affected_share_pct,
        100.0 * affected_mrr / nullif(total_mrr, 0) as affected_mrr_pct
    from reach
),

reach_levels as (
    select
        reach_shares.*,
        case
            when affected_share_pct >= 5 then 1
            when affected_share_pct >= 2 then 2
            when affected_share_pct >= 1 then 3
            when affected_share_pct >= 0.25 then 4
            else 5
        end as accounts_level,
        case
            when affected_mrr_pct >= 5 then 1
            when affected_mrr_pct >= 2 then 2
            when affected_mrr_pct >= 1 then 3
            when affected_mrr_pct >= 0.25 then 4
            else 5
        end as mrr_level
    from reach_shares
),

severity_suggestions as (
    select
        reach_levels.incident_id,
        case
            when reach_levels.reached_accounts = 0 then 5
            when windows.customer_impact_minutes >= 360
                then greatest(least(accounts_level, mrr_level) - 1, 1)
            else least(accounts_level, mrr_level)
        end as suggested_severity
    from reach_levels
    inner join windows on windows.incident_id = reach_levels.incident_id
),

first_postmortems as (
    select
        incident_id,
        postmortem_id,
        published_at,
        affected_accounts as named_accounts,
        stated_ticket_count
    from (
        select
            postmortems.*,
            row_number() over (
                partition by incident_id order by published_at nulls last, postmortem_id
            ) as rank_in_incident
        from postmortems
    ) as ranked
    where rank_in_incident = 1
),

unnamed as (
    select affected.incident_id, count(*) as unnamed_affected_accounts
    from affected
    inner join first_postmortems on first_postmortems.incident_id = affected.incident_id
    where not list_contains(coalesce(first_postmortems.named_accounts, []), affected.account_id)
    group by affected.incident_id
),

final as (
    select
        windows.incident_id,
        windows.title,
        windows.severity,
        windows.started_at,
        windows.resolved_at,
        windows.is_ongoing as ongoing,
        epoch(windows.ended_at - windows.started_at) / 60.0 as outage_minutes,
        coalesce(ticket_counts.linked_tickets, 0) as linked_tickets,
        coalesce(ticket_counts.suggested_tickets, 0) as suggested_tickets,
        reach_levels.affected_accounts,
        windows.customer_impact_end,
        windows.customer_impact_minutes,
        windows.customer_impact_minutes
        / nullif(epoch(windows.ended_at - windows.started_at) / 60.0, 0) as impact_ratio,
        case
            when not windows.is_ongoing then coalesce(ticket_counts.tickets_after_resolved, 0)
        end as tickets_after_resolved,
        ticket_counts.last_related_activity_at,
        case
            when not windows.is_ongoing then coalesce(ticket_counts.long_tail_tickets, 0)
        end as long_tail_tickets,
        status_times.status_resolved_at,
        epoch(windows.customer_impact_end - status_times.status_resolved_at) / 60.0
        as comms_gap_minutes,
        windows.first_ticket_at,
        status_times.first_update_at,
        epoch(status_times.first_update_at - windows.first_ticket_at) / 60.0
        as customers_first_minutes,
        coalesce(excess.excess_tickets, 0) as excess_tickets,
        severity_suggestions.suggested_severity,
        windows.severity - severity_suggestions.suggested_severity as severity_gap,
        incident_quiet.quiet_accounts,
        incident_quiet.silent_quiet_accounts,
        incident_quiet.quiet_mrr,
        incident_voice.confusion_tickets,
        incident_voice.trust_loss_tickets,
        incident_voice.workaround_tickets,
        incident_voice.urgent_tickets,
        incident_voice.action_items,
        incident_voice.action_item_teams,
        incident_voice.theme_coverage,
        first_postmortems.published_at as postmortem_published_at,
        epoch(first_postmortems.published_at - windows.resolved_at) / 86400.0
        as postmortem_days_after_resolved,
        case
            when first_postmortems.published_at is not null
                then
                    first_postmortems.published_at
                    <= windows.resolved_at + $postmortem_due_days * interval '1 day'
            when windows.resolved_at + $postmortem_due_days * interval '1 day'
                < windows.data_end_at
                then false
        end as postmortem_on_time,
        first_postmortems.stated_ticket_count,
        case
            when first_postmortems.postmortem_id is not null
                then coalesce(len(list_distinct(first_postmortems.named_accounts)), 0)
        end as stated_accounts,
        windows.detected_at,
        windows.mitigated_at,
        epoch(windows.detected_at - windows.started_at) / 60.0 as detect_minutes,
        epoch(windows.mitigated_at - windows.started_at) / 60.0 as mitigate_minutes,
        coalesce(ticket_counts.related_tickets, 0) as related_tickets,
        windows.customer_impact_start,
        reach_levels.active_accounts,
        reach_levels.affected_share_pct,
        reach_levels.affected_mrr,
        reach_levels.affected_mrr_pct,
        first_postmortems.postmortem_id is not null as has_postmortem,
        case
            when first_postmortems.postmortem_id is not null
                then coalesce(len(first_postmortems.named_accounts), 0) > 0
        end as postmortem_names_accounts,
        case
            when first_postmortems.postmortem_id is not null
                then coalesce(unnamed.unnamed_affected_accounts, 0)
        end as unnamed_affected_accounts,
        coalesce(ticket_counts.related_tickets, 0) - first_postmortems.stated_ticket_count
        as ticket_count_gap
    from windows
    left join ticket_counts on ticket_counts.incident_id = windows.incident_id
    left join status_times on status_times.incident_id = windows.incident_id
    left join excess on excess.incident_id = windows.incident_id
    left join reach_levels on reach_levels.incident_id = windows.incident_id
    left join severity_suggestions on severity_suggestions.incident_id = windows.incident_id
    left join first_postmortems on first_postmortems.incident_id = windows.incident_id
    left join unnamed on unnamed.incident_id = windows.incident_id
    left join incident_quiet on incident_quiet.incident_id = windows.incident_id
    left join incident_voice on incident_voice.incident_id = windows.incident_id
)

select * from final

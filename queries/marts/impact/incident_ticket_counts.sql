-- How many tickets relate to each incident, how they relate, and how late they kept coming.
-- grain:   one row per incident with a related ticket
-- key:     incident_id
-- params:  $long_tail_days
-- columns: incident_id, related_tickets, linked_tickets, suggested_tickets, affected_accounts,
--          tickets_after_resolved, long_tail_tickets, last_related_activity_at
-- last_related_activity_at is the newest related ticket or comment on one by anyone but the
-- system. tickets_after_resolved and long_tail_tickets (more than $long_tail_days days after
-- resolved_at) are empty while the incident is ongoing.

with

ticket_event_rows as (
    select * from ticket_events
),

related_ticket_rows as (
    select * from related_tickets
),

incident_window_rows as (
    select * from incident_windows
),

last_comments as (
    select ticket_id, max(created_at) as last_comment_at
    from ticket_event_rows
    where coalesce(author_role, '') <> 'system'
    group by ticket_id
),

final as (
    select
        related_ticket_rows.incident_id,
        count(*) as related_tickets,
        count(*) filter (where related_ticket_rows.link = 'linked') as linked_tickets,
        count(*) filter (where related_ticket_rows.link = 'suggested') as suggested_tickets,
        count(distinct related_ticket_rows.account_id) as affected_accounts,
        case
            when not any_value(incident_window_rows.is_ongoing)
                then
                    count(*) filter (
                        where
                            related_ticket_rows.created_at > incident_window_rows.resolved_at
                    )
        end as tickets_after_resolved,
        case
            when not any_value(incident_window_rows.is_ongoing)
                then
                    count(*) filter (
                        where
                            related_ticket_rows.created_at
                            > incident_window_rows.resolved_at + $long_tail_days * interval '1 day'
                    )
        end as long_tail_tickets,
        max(greatest(related_ticket_rows.created_at, last_comments.last_comment_at))
        as last_related_activity_at
    from related_ticket_rows
    inner join incident_window_rows
        on incident_window_rows.incident_id = related_ticket_rows.incident_id
    left join last_comments on last_comments.ticket_id = related_ticket_rows.ticket_id
    group by related_ticket_rows.incident_id
)

select * from final

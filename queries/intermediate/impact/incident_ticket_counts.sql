-- How many tickets relate to each incident, how they relate, and how late they kept coming.
-- grain:   one row per incident with a related ticket
-- key:     incident_id
-- params:  $long_tail_days
-- columns: incident_id, related_tickets, linked_tickets, suggested_tickets, suspect_links,
--          affected_accounts, tickets_after_resolved, long_tail_tickets, last_related_activity_at
-- Suspect links (see ticket_links) are counted in suspect_links only. last_related_activity_at
-- is the newest related ticket or comment on one by anyone but the system. tickets_after_resolved
-- and long_tail_tickets (more than $long_tail_days days after resolved_at) are empty while the
-- incident is ongoing.

with

last_comments as (
    select ticket_id, max(created_at) as last_comment_at
    from ticket_events
    where coalesce(author_role, '') <> 'system'
    group by ticket_id
),

final as (
    select
        related_tickets.incident_id,
        count(*) filter (where related_tickets.link <> 'suspect') as related_tickets,
        count(*) filter (where related_tickets.link = 'linked') as linked_tickets,
        count(*) filter (where related_tickets.link = 'suggested') as suggested_tickets,
        count(*) filter (where related_tickets.link = 'suspect') as suspect_links,
        count(distinct related_tickets.account_id) filter (
            where related_tickets.link <> 'suspect'
        ) as affected_accounts,
        case
            when not any_value(incident_windows.is_ongoing)
                then
                    count(*) filter (
                        where
                            related_tickets.link <> 'suspect'
                            and related_tickets.created_at > incident_windows.resolved_at
                    )
        end as tickets_after_resolved,
        case
            when not any_value(incident_windows.is_ongoing)
                then
                    count(*) filter (
                        where
                            related_tickets.link <> 'suspect'
                            and related_tickets.created_at
                            > incident_windows.resolved_at + $long_tail_days * interval '1 day'
                    )
        end as long_tail_tickets,
        max(greatest(related_tickets.created_at, last_comments.last_comment_at)) filter (
            where related_tickets.link <> 'suspect'
        ) as last_related_activity_at
    from related_tickets
    inner join incident_windows on incident_windows.incident_id = related_tickets.incident_id
    left join last_comments on last_comments.ticket_id = related_tickets.ticket_id
    group by related_tickets.incident_id
)

select * from final

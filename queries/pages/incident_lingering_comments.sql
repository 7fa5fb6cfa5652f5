-- How many comments customers and agents still wrote on one incident's tickets after it was resolved.
-- grain:   one row per hour after resolved_at with at least one comment, up to the timeline's end
-- params:  $incident_id
-- columns: hour, comments, customer_comments, tickets
-- System comments do not count. The timeline ends at ticket_volume's last hour for the incident;
-- an ongoing incident has no comments after resolution.

with

incident_impact_rows as (
    select * from incident_impact
),

ticket_volume_rows as (
    select * from ticket_volume
),

ticket_event_rows as (
    select * from ticket_events
),

related_ticket_rows as (
    select * from related_tickets
),

incident as (
    select
        impact.resolved_at,
        max(volume.hour) + interval '1 hour' as timeline_end_at
    from incident_impact_rows as impact
    inner join ticket_volume_rows as volume on volume.incident_id = impact.incident_id
    where impact.incident_id = $incident_id
    group by impact.resolved_at
),

comments as (
    select
        events.ticket_id,
        events.created_at,
        events.author_role
    from ticket_event_rows as events
    inner join related_ticket_rows as related on related.ticket_id = events.ticket_id
    cross join incident
    where
        related.incident_id = $incident_id
        and events.created_at > incident.resolved_at
        and events.created_at < incident.timeline_end_at
        and coalesce(events.author_role, '') <> 'system'
),

final as (
    select
        date_trunc('hour', created_at) as hour,
        count(*) as comments,
        count(*) filter (where author_role = 'customer') as customer_comments,
        count(distinct ticket_id) as tickets
    from comments
    group by date_trunc('hour', created_at)
    order by hour
)

select * from final

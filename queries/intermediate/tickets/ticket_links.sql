-- Which incident each linked ticket belongs to, by its help desk incident reference.
-- grain:   one row per linked ticket
-- key:     ticket_id
-- params:  $link_before_hours
-- columns: ticket_id, incident_id, via, is_suspect
-- A ticket is linked when its incident_id names an incident (via 'incident') or an incident's
-- postmortem (via 'postmortem'); a reference naming neither leaves it unlinked. is_suspect: the
-- ticket was created more than $link_before_hours hours before the incident started, so the link
-- is most likely a mistake (an agent picked the wrong incident, or reused an old ticket): it is
-- listed for CS to fix and moves no window, counts in no total and lends no words.

with

incident_rows as not materialized (
    select * from incidents
),

postmortem_rows as (
    select * from postmortems
),

ticket_rows as (
    select * from tickets
),

references_to_incidents as (
    select incident_id as reference, incident_id, 'incident' as via
    from incident_rows
    union all
    select postmortem_rows.postmortem_id, postmortem_rows.incident_id, 'postmortem'
    from postmortem_rows
    inner join incident_rows on incident_rows.incident_id = postmortem_rows.incident_id
    left join incident_rows as same_id on same_id.incident_id = postmortem_rows.postmortem_id
    where same_id.incident_id is null
),

final as (
    select
        ticket_rows.ticket_id,
        references_to_incidents.incident_id,
        references_to_incidents.via,
        ticket_rows.created_at
        < incident_rows.started_at - $link_before_hours * interval '1 hour' as is_suspect
    from ticket_rows
    inner join references_to_incidents
        on references_to_incidents.reference = ticket_rows.incident_id
    inner join incident_rows on incident_rows.incident_id = references_to_incidents.incident_id
)

select * from final

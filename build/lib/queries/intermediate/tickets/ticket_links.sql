-- Which incident each linked ticket belongs to, by its help desk incident reference.
-- grain:   one row per linked ticket
-- key:     ticket_id
-- params:  none
-- columns: ticket_id, incident_id, via
-- A ticket is linked when its incident_id names an incident (via 'incident') or an incident's
-- postmortem (via 'postmortem'); a reference naming neither leaves it unlinked.

with

references_to_incidents as (
    select incident_id as reference, incident_id, 'incident' as via
    from incidents
    union all
    select postmortems.postmortem_id, postmortems.incident_id, 'postmortem'
    from postmortems
    inner join incidents on incidents.incident_id = postmortems.incident_id
    left join incidents as same_id on same_id.incident_id = postmortems.postmortem_id
    where same_id.incident_id is null
),

final as (
    select
        tickets.ticket_id,
        references_to_incidents.incident_id,
        references_to_incidents.via
    from tickets
    inner join references_to_incidents on references_to_incidents.reference = tickets.incident_id
)

select * from final

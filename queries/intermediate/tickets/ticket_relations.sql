-- How each related ticket relates to its incident: linked in the help desk, or suggested.
-- grain:   one row per incident and related ticket
-- key:     incident_id, ticket_id
-- params:  none
-- columns: incident_id, ticket_id, account_id, created_at, link, reason
-- link: 'linked' (ticket_links, suspect links left out) or 'suggested' (suggested_tickets). A
-- ticket may relate to several overlapping incidents (suggested for one only at a large help
-- desk, suggested_tickets). The load-only steps read it; related_tickets adds the signals.

with

ticket_link_rows as (
    select * from ticket_links
),

ticket_rows as (
    select * from tickets
),

suggested_ticket_rows as (
    select * from suggested_tickets
),

linked as (
    select
        ticket_link_rows.incident_id,
        ticket_rows.ticket_id,
        ticket_rows.account_id,
        ticket_rows.created_at,
        'linked' as link,
        case
            when ticket_link_rows.via = 'incident' then 'linked in the help desk'
            else 'linked to postmortem ' || ticket_rows.incident_id
        end as reason
    from ticket_link_rows
    inner join ticket_rows on ticket_rows.ticket_id = ticket_link_rows.ticket_id
    where not ticket_link_rows.is_suspect
),

final as (
    select incident_id, ticket_id, account_id, created_at, link, reason
    from linked
    union all
    select incident_id, ticket_id, account_id, created_at, 'suggested', reason
    from suggested_ticket_rows
)

select * from final

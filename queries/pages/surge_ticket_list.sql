-- Which tickets make one surge, and who wrote them?
-- grain:   one row per ticket of the surge
-- params:  $surge_id
-- columns: ticket_id, created_at, account_id, account_name, segment, mrr, subject, description,
--          incident_id
-- Oldest first. mrr is empty for an account not in `accounts`; its name and segment, and a
-- missing subject or description, read '–'; incident_id is what the help desk linked, '–' when
-- nothing.

with

final as (
    select
        surge_tickets.ticket_id,
        surge_tickets.created_at,
        coalesce(surge_tickets.account_id, '–') as account_id,
        coalesce(accounts.name, '–') as account_name,
        coalesce(accounts.segment, '–') as segment,
        accounts.mrr,
        coalesce(surge_tickets.subject, '–') as subject,
        coalesce(tickets.description, '–') as description,
        coalesce(surge_tickets.incident_id, '–') as incident_id
    from surge_tickets
    inner join tickets on tickets.ticket_id = surge_tickets.ticket_id
    left join accounts on accounts.account_id = surge_tickets.account_id
    where surge_tickets.surge_id = $surge_id
    order by surge_tickets.created_at, surge_tickets.ticket_id
)

select * from final

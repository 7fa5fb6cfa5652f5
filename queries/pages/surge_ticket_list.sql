-- Which tickets make one surge, and who wrote them?
-- grain:   one row per ticket of the surge
-- params:  $surge_id
-- columns: ticket_id, created_at, account_id, account_name, segment, mrr, subject, description,
--          incident_id
-- Oldest first. account_name, segment and mrr are empty for an account not in `accounts`.

with

final as (
    select
        surge_tickets.ticket_id,
        surge_tickets.created_at,
        surge_tickets.account_id,
        accounts.name as account_name,
        accounts.segment,
        accounts.mrr,
        surge_tickets.subject,
        tickets.description,
        surge_tickets.incident_id
    from surge_tickets
    inner join tickets on tickets.ticket_id = surge_tickets.ticket_id
    left join accounts on accounts.account_id = surge_tickets.account_id
    where surge_tickets.surge_id = $surge_id
    order by surge_tickets.created_at, surge_tickets.ticket_id
)

select * from final

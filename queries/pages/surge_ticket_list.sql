-- Which tickets make one surge, and who wrote them?
-- grain:   one row per ticket of the surge
-- params:  $surge_id
-- columns: ticket_id, created_at, account_id, account_name, segment, mrr, subject, description,
--          incident_id
-- Oldest first. mrr is empty for an account not in `accounts`; its name and segment, and a
-- missing subject or description, read '–'; incident_id is what the help desk linked, '–' when
-- nothing.

with

surge_ticket_rows as (
    select * from surge_tickets
),

ticket_rows as (
    select * from tickets
),

account_rows as (
    select * from accounts
),

final as (
    select
        surge_ticket_rows.ticket_id,
        surge_ticket_rows.created_at,
        coalesce(surge_ticket_rows.account_id, '–') as account_id,
        coalesce(account_rows.name, '–') as account_name,
        coalesce(account_rows.segment, '–') as segment,
        account_rows.mrr,
        coalesce(surge_ticket_rows.subject, '–') as subject,
        coalesce(ticket_rows.description, '–') as description,
        coalesce(surge_ticket_rows.incident_id, '–') as incident_id
    from surge_ticket_rows
    inner join ticket_rows on ticket_rows.ticket_id = surge_ticket_rows.ticket_id
    left join account_rows on account_rows.account_id = surge_ticket_rows.account_id
    where surge_ticket_rows.surge_id = $surge_id
    order by surge_ticket_rows.created_at, surge_ticket_rows.ticket_id
)

select * from final

-- Which tickets make one surge, and who wrote them?
-- grain:   one row per ticket of the surge
-- params:  $surge_id
-- columns: ticket_id, created_at, account_id, account_name, segment, mrr, subject, description,
--          incident_id
-- Oldest first. mrr, account_name and segment are empty for an account not in `accounts`;
-- incident_id is what the help desk linked, empty when nothing. A missing value stays empty: the
-- page and the report show it as '–', a downloaded CSV as an empty cell.

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
        surge_ticket_rows.account_id,
        account_rows.name as account_name,
        account_rows.segment,
        account_rows.mrr,
        surge_ticket_rows.subject,
        ticket_rows.description,
        surge_ticket_rows.incident_id
    from surge_ticket_rows
    inner join ticket_rows on ticket_rows.ticket_id = surge_ticket_rows.ticket_id
    left join account_rows on account_rows.account_id = surge_ticket_rows.account_id
    where surge_ticket_rows.surge_id = $surge_id
    order by surge_ticket_rows.created_at, surge_ticket_rows.ticket_id
)

select * from final

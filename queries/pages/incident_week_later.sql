-- A week after one incident was resolved: who is still quiet, who wrote again, what is still open?
-- grain:   one row (none for an unknown incident)
-- params:  $incident_id
-- columns: check_due_at, checked_at, is_check_due, accounts_still_quiet, repeat_ticket_accounts,
--          open_related_tickets, overdue_action_items
-- week_later's row: checked_at is check_due_at, or the data's end when that comes first
-- (is_check_due false: the figures so far) or the incident is still ongoing (then check_due_at and
-- the two account counts are empty); accounts_still_quiet is empty until usage covers the week.

with

week_later_rows as (
    select * from week_later
),

final as (
    select
        check_due_at,
        checked_at,
        is_check_due,
        accounts_still_quiet,
        repeat_ticket_accounts,
        open_related_tickets,
        overdue_action_items
    from week_later_rows
    where incident_id = $incident_id
)

select * from final

-- Which postmortem action items are past their due date and still not done.
-- grain:   one row per overdue action item
-- params:  $incident_id
-- columns: incident_id, incident_title, action_item_id, title, team, owner, due_date,
--          days_overdue
-- Overdue: not completed and due before the day of the data's end (load_info.data_end_at), not
-- the clock, so the same load always gives the same list; days_overdue counts from the due date
-- to that day. $incident_id empty = every incident. Longest overdue first.

with

as_of as (
    select cast(max(data_end_at) as date) as as_of_date
    from load_info
),

final as (
    select
        action_items.incident_id,
        incidents.title as incident_title,
        action_items.action_item_id,
        action_items.title,
        action_items.team,
        action_items.owner,
        action_items.due_date,
        date_diff('day', action_items.due_date, as_of.as_of_date) as days_overdue
    from action_items
    cross join as_of
    left join incidents on incidents.incident_id = action_items.incident_id
    where
        action_items.completed_at is null
        and action_items.due_date < as_of.as_of_date
        and ($incident_id is null or action_items.incident_id = $incident_id)
    order by days_overdue desc, action_items.incident_id, action_items.action_item_id
)

select * from final

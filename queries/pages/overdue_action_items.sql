-- Which postmortem action items are past their due date and still not done.
-- grain:   one row per overdue action item
-- params:  $incident_id
-- columns: incident_id, incident_title, action_item_id, title, team, owner, due_date,
--          days_overdue
-- Overdue: not completed and due before the day of the data's end (load_info.data_end_at), not
-- the clock, so the same load always gives the same list; days_overdue counts from the due date
-- to that day. $incident_id empty = every incident. Longest overdue first.

with

load_info_rows as (
    select * from load_info
),

action_item_rows as (
    select * from action_items
),

incident_rows as (
    select * from incidents
),

as_of as (
    select cast(max(data_end_at) as date) as as_of_date
    from load_info_rows
),

final as (
    select
        action_item_rows.incident_id,
        incident_rows.title as incident_title,
        action_item_rows.action_item_id,
        action_item_rows.title,
        action_item_rows.team,
        action_item_rows.owner,
        action_item_rows.due_date,
        date_diff('day', action_item_rows.due_date, as_of.as_of_date) as days_overdue
    from action_item_rows
    cross join as_of
    left join incident_rows on incident_rows.incident_id = action_item_rows.incident_id
    where
        action_item_rows.completed_at is null
        and action_item_rows.due_date < as_of.as_of_date
        and ($incident_id is null or action_item_rows.incident_id = $incident_id)
    order by days_overdue desc, action_item_rows.incident_id, action_item_rows.action_item_id
)

select * from final

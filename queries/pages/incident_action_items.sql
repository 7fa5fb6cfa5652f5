-- What the postmortem of one incident promised to do, by whom, and whether it is overdue.
-- grain:   one row per action item
-- params:  $incident_id
-- columns: action_item_id, title, team, owner, due_date, completed_at, is_overdue
-- Overdue is judged at the newest time in the data (load_info.data_end_at), not the clock, so a
-- page shows the same answer for the same load.

with

load_info_rows as (
    select * from load_info
),

action_item_rows as (
    select * from action_items
),

data_end as (
    select max(data_end_at) as data_end_at
    from load_info_rows
),

final as (
    select
        items.action_item_id,
        items.title,
        items.team,
        items.owner,
        items.due_date,
        items.completed_at,
        items.completed_at is null
        and items.due_date < data_end.data_end_at::date as is_overdue
    from action_item_rows as items
    cross join data_end
    where items.incident_id = $incident_id
    order by items.due_date nulls last, items.action_item_id
)

select * from final

-- Which teams the postmortem action items went to, and how many are done, open or overdue.
-- grain:   one row per team ('unassigned' when the export names none)
-- params:  none
-- columns: team, action_items, completed, open, overdue
-- Overdue is judged at the newest time in the data (load_info.data_end_at), not the clock.

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

items as (
    select
        coalesce(nullif(action_item_rows.team, ''), 'unassigned') as team,
        action_item_rows.completed_at is not null as is_completed,
        action_item_rows.completed_at is null
        and action_item_rows.due_date < data_end.data_end_at::date as is_overdue
    from action_item_rows
    cross join data_end
),

final as (
    select
        team,
        count(*) as action_items,
        count(*) filter (where is_completed) as completed,
        count(*) filter (where not is_completed) as open,
        count(*) filter (where is_overdue) as overdue
    from items
    group by team
    order by action_items desc, team
)

select * from final

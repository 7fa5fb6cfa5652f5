-- Which teams the postmortem action items went to, and how many are done, open or overdue.
-- grain:   one row per team ('unassigned' when the export names none)
-- params:  none
-- columns: team, action_items, completed, open, overdue
-- Overdue is judged at the newest time in the data (load_info.data_end_at), not the clock.

with

data_end as (
    select max(data_end_at) as data_end_at
    from load_info
),

items as (
    select
        coalesce(nullif(action_items.team, ''), 'unassigned') as team,
        action_items.completed_at is not null as is_completed,
        action_items.completed_at is null
        and action_items.due_date < data_end.data_end_at::date as is_overdue
    from action_items
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

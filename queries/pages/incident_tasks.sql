-- What one incident's customers were trying to finish when it hit, largest task first.
-- grain:   one row per customer task its related tickets name
-- params:  $incident_id
-- columns: task, tickets, accounts, mrr, example
-- example is raw customer text: whoever shows it escapes it.

with

incident_task_rows as (
    select * from incident_tasks
),

final as (
    select
        task,
        tickets,
        accounts,
        mrr,
        example
    from incident_task_rows
    where incident_id = $incident_id
    order by tickets desc, mrr desc nulls last, task
)

select * from final

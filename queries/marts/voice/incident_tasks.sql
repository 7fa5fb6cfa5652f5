-- What were each incident's customers trying to finish when it hit, largest task first?
-- grain:   one row per incident and customer task (the lexicon's [tasks]) its related tickets name
-- key:     incident_id, task
-- params:  none
-- columns: incident_id, task, tickets, accounts, mrr, example
-- tickets: related tickets naming the task (related_ticket_tasks; a ticket naming two tasks
-- counts in both); accounts: the distinct accounts that wrote them; mrr: those accounts' MRR,
-- each once (empty when none of them has a known MRR). example: the sentence naming the task
-- from one of its tickets, chosen as report_quotes chooses a quote: 20 to 160 characters before
-- others, a linked ticket before a suggested one, then the earliest. Stored largest first
-- (tickets, then MRR, then the task's name).

with

related_ticket_task_rows as not materialized (
    select * from related_ticket_tasks
),

account_rows as (
    select * from accounts
),

task_accounts as (
    select distinct incident_id, task, account_id
    from related_ticket_task_rows
    where account_id is not null
),

task_mrr as (
    select
        task_accounts.incident_id,
        task_accounts.task,
        count(*) as accounts,
        sum(account_rows.mrr) as mrr
    from task_accounts
    left join account_rows on account_rows.account_id = task_accounts.account_id
    group by task_accounts.incident_id, task_accounts.task
),

examples as (
    select
        incident_id,
        task,
        example
    from related_ticket_task_rows
    qualify row_number() over (
        partition by incident_id, task
        order by
            length(example) between 20 and 160 desc,
            link = 'linked' desc,
            created_at,
            ticket_id
    ) = 1
),

task_tickets as (
    select
        incident_id,
        task,
        count(distinct ticket_id) as tickets
    from related_ticket_task_rows
    group by incident_id, task
),

final as (
    select
        task_tickets.incident_id,
        task_tickets.task,
        task_tickets.tickets,
        coalesce(task_mrr.accounts, 0) as accounts,
        task_mrr.mrr,
        examples.example
    from task_tickets
    inner join examples
        on examples.incident_id = task_tickets.incident_id and examples.task = task_tickets.task
    left join task_mrr
        on task_mrr.incident_id = task_tickets.incident_id and task_mrr.task = task_tickets.task
    order by
        task_tickets.incident_id,
        task_tickets.tickets desc,
        task_mrr.mrr desc nulls last,
        task_tickets.task
)

select * from final

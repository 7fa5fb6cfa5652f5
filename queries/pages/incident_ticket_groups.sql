-- How one incident's related tickets split by customer task, by symptom and by customer type.
-- grain:   one row per grouping (task, symptom, segment) and group, tickets of no group included
-- params:  $incident_id
-- columns: grouping, group_name, tickets, accounts, mrr
-- task: the tasks a ticket's words name (related_ticket_tasks); symptom: the themes its tags stand
-- for (related_ticket_themes without the ticket's signals); segment: its account's segment. A
-- ticket naming two tasks or symptoms counts in both; group_name is empty for the tickets with
-- none (no task named, no symptom tag, no known segment). accounts: distinct accounts writing
-- in; mrr: their MRR, each once (empty when none is known). Largest groups first, the empty
-- group last.

with

related_ticket_rows as (
    select * from related_tickets
),

related_ticket_task_rows as (
    select * from related_ticket_tasks
),

related_ticket_theme_rows as (
    select * from related_ticket_themes
),

ticket_signal_rows as (
    select * from ticket_signals
),

account_rows as not materialized (
    select * from accounts
),

related as (
    select ticket_id, account_id
    from related_ticket_rows
    where incident_id = $incident_id
),

symptoms as (
    select related_ticket_theme_rows.ticket_id, related_ticket_theme_rows.theme
    from related_ticket_theme_rows
    left join ticket_signal_rows
        on
            ticket_signal_rows.ticket_id = related_ticket_theme_rows.ticket_id
            and ticket_signal_rows.signal = related_ticket_theme_rows.theme
    where
        related_ticket_theme_rows.incident_id = $incident_id
        and ticket_signal_rows.signal is null
),

tasks as (
    select ticket_id, task
    from related_ticket_task_rows
    where incident_id = $incident_id
),

grouped as (
    select 'task' as grouping, related.ticket_id, related.account_id, tasks.task as group_name
    from related
    left join tasks on tasks.ticket_id = related.ticket_id
    union all
    select 'symptom', related.ticket_id, related.account_id, symptoms.theme
    from related
    left join symptoms on symptoms.ticket_id = related.ticket_id
    union all
    select 'segment', related.ticket_id, related.account_id, account_rows.segment
    from related
    left join account_rows on account_rows.account_id = related.account_id
),

group_accounts as (
    select
        grouped.grouping,
        grouped.group_name,
        count(*) as accounts,
        sum(account_rows.mrr) as mrr
    from (
        select distinct grouping, group_name, account_id
        from grouped
        where account_id is not null
    ) as grouped
    left join account_rows on account_rows.account_id = grouped.account_id
    group by grouped.grouping, grouped.group_name
),

group_tickets as (
    select grouping, group_name, count(distinct ticket_id) as tickets
    from grouped
    group by grouping, group_name
),

final as (
    select
        group_tickets.grouping,
        group_tickets.group_name,
        group_tickets.tickets,
        coalesce(group_accounts.accounts, 0) as accounts,
        group_accounts.mrr
    from group_tickets
    left join group_accounts
        on
            group_accounts.grouping = group_tickets.grouping
            and group_accounts.group_name is not distinct from group_tickets.group_name
    order by
        group_tickets.grouping,
        group_tickets.group_name is null,
        group_tickets.tickets desc,
        group_accounts.mrr desc nulls last,
        group_tickets.group_name
)

select * from final

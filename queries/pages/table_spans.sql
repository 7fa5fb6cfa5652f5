-- How many rows each input table holds and what time span it covers.
-- grain:   one row per input table
-- params:  none
-- columns: table_name, time_column, rows, first_at, last_at
-- accounts has no time column. usage days are shown as midnight UTC.

with

incident_rows as (
    select * from incidents
),

status_update_rows as (
    select * from status_updates
),

postmortem_rows as (
    select * from postmortems
),

action_item_rows as (
    select * from action_items
),

ticket_rows as (
    select * from tickets
),

ticket_event_rows as (
    select * from ticket_events
),

account_rows as (
    select * from accounts
),

usage_rows as (
    select * from usage
),

spans as (
    select 1 as position, 'incidents' as table_name, 'started_at' as time_column, count(*) as rows,
        min(started_at) as first_at, max(started_at) as last_at
    from incident_rows
    union all
    select 2, 'status_updates', 'posted_at', count(*), min(posted_at), max(posted_at)
    from status_update_rows
    union all
    select 3, 'postmortems', 'published_at', count(*), min(published_at), max(published_at)
    from postmortem_rows
    union all
    select
        4, 'action_items', 'due_date', count(*), min(due_date)::timestamp, max(due_date)::timestamp
    from action_item_rows
    union all
    select 5, 'tickets', 'created_at', count(*), min(created_at), max(created_at)
    from ticket_rows
    union all
    select 6, 'ticket_events', 'created_at', count(*), min(created_at), max(created_at)
    from ticket_event_rows
    union all
    select 7, 'accounts', '', count(*), null, null
    from account_rows
    union all
    select 8, 'usage', 'day', count(*), min(day)::timestamp, max(day)::timestamp
    from usage_rows
),

final as (
    select
        table_name,
        time_column,
        rows,
        first_at,
        last_at
    from spans
    order by position
)

select * from final

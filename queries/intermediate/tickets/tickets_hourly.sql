-- How many tickets were created in each hour, all of them, linked or not.
-- grain:   one row per hour with at least one ticket
-- key:     hour
-- params:  none
-- columns: hour, all_tickets
-- The one pass over raw ticket rows that hourly volume and its baseline read; hours without a
-- ticket have no row (read them as 0).

with

ticket_rows as (
    select * from tickets
),

final as (
    select
        date_trunc('hour', created_at) as hour,
        count(*) as all_tickets
    from ticket_rows
    group by date_trunc('hour', created_at)
)

select * from final

-- How many tickets came in each hour around one incident, against the usual level for that hour.
-- grain:   one row per hour, from a day before the start to a week after the end
-- params:  $incident_id
-- columns: hour, related_tickets, all_tickets, baseline_tickets

with

ticket_volume_rows as (
    select * from ticket_volume
),

final as (
    select
        hour,
        related_tickets,
        all_tickets,
        baseline_tickets
    from ticket_volume_rows
    where incident_id = $incident_id
    order by hour
)

select * from final

-- How many tickets above the usual each incident brought while customers felt it.
-- grain:   one row per incident with a measured customer impact window
-- key:     incident_id
-- params:  none
-- columns: incident_id, excess_tickets
-- Sums, over the hours from the hour of started_at to customer_impact_end, all_tickets above
-- baseline_tickets (ticket_volume; an empty baseline counts as 0, an hour below it as 0).

with

final as (
    select
        customer_impact_windows.incident_id,
        coalesce(
            sum(
                greatest(
                    ticket_volume.all_tickets - coalesce(ticket_volume.baseline_tickets, 0), 0
                )
            ),
            0
        ) as excess_tickets
    from customer_impact_windows
    inner join incident_windows
        on incident_windows.incident_id = customer_impact_windows.incident_id
    left join ticket_volume
        on
            ticket_volume.incident_id = customer_impact_windows.incident_id
            and ticket_volume.hour >= date_trunc('hour', incident_windows.started_at)
            and ticket_volume.hour <= customer_impact_windows.customer_impact_end
    where customer_impact_windows.customer_impact_end is not null
    group by customer_impact_windows.incident_id
)

select * from final

-- How many tickets above the usual each incident brought while customers felt it.
-- grain:   one row per incident with a measured customer impact window
-- key:     incident_id
-- params:  none
-- columns: incident_id, excess_tickets
-- Sums, over the hours from the hour of started_at to customer_impact_end_at, all_tickets above
-- baseline_tickets (ticket_volume; an empty baseline counts as 0, an hour below it as 0).

with

customer_impact_window_rows as (
    select * from customer_impact_windows
),

incident_window_rows as (
    select * from incident_windows
),

ticket_volume_rows as (
    select * from ticket_volume
),

final as (
    select
        customer_impact_window_rows.incident_id,
        coalesce(
            sum(
                greatest(
                    ticket_volume_rows.all_tickets
                    - coalesce(ticket_volume_rows.baseline_tickets, 0),
                    0
                )
            ),
            0
        ) as excess_tickets
    from customer_impact_window_rows
    inner join incident_window_rows
        on incident_window_rows.incident_id = customer_impact_window_rows.incident_id
    left join ticket_volume_rows
        on
            ticket_volume_rows.incident_id = customer_impact_window_rows.incident_id
            and ticket_volume_rows.hour >= date_trunc('hour', incident_window_rows.started_at)
            and ticket_volume_rows.hour <= customer_impact_window_rows.customer_impact_end_at
    where customer_impact_window_rows.customer_impact_end_at is not null
    group by customer_impact_window_rows.incident_id
)

select * from final

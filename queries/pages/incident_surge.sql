-- Did tickets surge during this incident, and how far above normal?
-- grain:   one row per surge attached to the incident
-- params:  $incident_id
-- columns: surge_id, started_at, ended_at, tickets, excess_tickets, accounts, peak_at,
--          peak_tickets, peak_baseline_tickets, peak_ratio
-- Earliest first; none when tickets never surged (ticket_surges).

with

ticket_surge_rows as (
    select * from ticket_surges
),

final as (
    select
        surge_id,
        started_at,
        ended_at,
        tickets,
        excess_tickets,
        accounts,
        peak_at,
        peak_tickets,
        peak_baseline_tickets,
        peak_ratio
    from ticket_surge_rows
    where incident_id = $incident_id
    order by started_at
)

select * from final

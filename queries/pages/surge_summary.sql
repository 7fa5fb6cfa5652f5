-- What one ticket surge was: when, how far above normal, who wrote in, and whether declared.
-- grain:   one row for the surge, none when there is no such surge
-- params:  $surge_id
-- columns: surge_id, started_at, ended_at, surge_kind, tickets, baseline_tickets,
--          excess_tickets, accounts, mrr, top_terms, incident_id, peak_at, peak_tickets,
--          peak_baseline_tickets, peak_ratio, first_ticket_at, data_end_at
-- first_ticket_at: the surge's first ticket (surge_tickets); data_end_at: load_info's.

with

first_tickets as (
    select min(created_at) as first_ticket_at
    from surge_tickets
    where surge_id = $surge_id
),

final as (
    select
        ticket_surges.surge_id,
        ticket_surges.started_at,
        ticket_surges.ended_at,
        ticket_surges.surge_kind,
        ticket_surges.tickets,
        ticket_surges.baseline_tickets,
        ticket_surges.excess_tickets,
        ticket_surges.accounts,
        ticket_surges.mrr,
        ticket_surges.top_terms,
        ticket_surges.incident_id,
        ticket_surges.peak_at,
        ticket_surges.peak_tickets,
        ticket_surges.peak_baseline_tickets,
        ticket_surges.peak_ratio,
        first_tickets.first_ticket_at,
        load_info.data_end_at
    from ticket_surges
    cross join first_tickets
    cross join load_info
    where ticket_surges.surge_id = $surge_id
)

select * from final

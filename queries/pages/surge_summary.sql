-- What one ticket surge was: when, how far above normal, who wrote in, and whether declared.
-- grain:   one row for the surge, none when there is no such surge
-- params:  $surge_id
-- columns: surge_id, started_at, ended_at, surge_kind, tickets, baseline_tickets,
--          excess_tickets, accounts, mrr, top_terms, incident_id, peak_at, peak_tickets,
--          peak_baseline_tickets, peak_ratio, first_ticket_at, data_end_at
-- first_ticket_at: the surge's first ticket (surge_tickets); data_end_at: load_info's.

with

surge_ticket_rows as (
    select * from surge_tickets
),

ticket_surge_rows as (
    select * from ticket_surges
),

load_info_rows as (
    select * from load_info
),

first_tickets as (
    select min(created_at) as first_ticket_at
    from surge_ticket_rows
    where surge_id = $surge_id
),

final as (
    select
        ticket_surge_rows.surge_id,
        ticket_surge_rows.started_at,
        ticket_surge_rows.ended_at,
        ticket_surge_rows.surge_kind,
        ticket_surge_rows.tickets,
        ticket_surge_rows.baseline_tickets,
        ticket_surge_rows.excess_tickets,
        ticket_surge_rows.accounts,
        ticket_surge_rows.mrr,
        ticket_surge_rows.top_terms,
        ticket_surge_rows.incident_id,
        ticket_surge_rows.peak_at,
        ticket_surge_rows.peak_tickets,
        ticket_surge_rows.peak_baseline_tickets,
        ticket_surge_rows.peak_ratio,
        first_tickets.first_ticket_at,
        load_info_rows.data_end_at
    from ticket_surge_rows
    cross join first_tickets
    cross join load_info_rows
    where ticket_surge_rows.surge_id = $surge_id
)

select * from final

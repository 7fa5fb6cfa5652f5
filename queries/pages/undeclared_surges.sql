-- Which surges of tickets had no incident declared, the largest excess first?
-- grain:   one row per surge with no incident
-- params:  none
-- columns: surge_id, started_at, ended_at, surge_kind, tickets, baseline_tickets, excess_tickets,
--          accounts, mrr, top_terms, peak_at, peak_ratio
-- mrr is empty when no accounts are loaded (ticket_surges); top_terms is empty when no word
-- stands out.

with

ticket_surge_rows as (
    select * from ticket_surges
),

final as (
    select
        surge_id,
        started_at,
        ended_at,
        surge_kind,
        tickets,
        baseline_tickets,
        excess_tickets,
        accounts,
        mrr,
        top_terms,
        peak_at,
        peak_ratio
    from ticket_surge_rows
    where incident_id is null
    order by excess_tickets desc, started_at
)

select * from final

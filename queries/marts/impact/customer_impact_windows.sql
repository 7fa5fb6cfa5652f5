-- When customers felt each incident: from its start or first ticket to the end of the ticket run.
-- grain:   one row per incident
-- key:     incident_id
-- params:  $impact_gap_minutes
-- columns: incident_id, first_ticket_at, customer_impact_start_at, customer_impact_end_at,
--          customer_impact_minutes
-- After ended_at (resolved_at, or the data's end for an ongoing incident) the impact lasts while
-- related tickets keep arriving with gaps under $impact_gap_minutes, counting the first gap from
-- ended_at; it ends at the last ticket of that run, or at ended_at when no ticket comes in time. A
-- gap of exactly $impact_gap_minutes ends the run. Related tickets are both linked and suggested
-- (suspect links are not related tickets: they move no edge of the window).
-- Without any ticket in the data nothing was measured: every column but incident_id is empty.
-- epoch() of an interval (seconds) is DuckDB's.

with

related_ticket_rows as not materialized (
    select * from related_tickets
),

incident_window_rows as not materialized (
    select * from incident_windows
),

ticket_rows as (
    select * from tickets
),

after_end as (
    select
        related_ticket_rows.incident_id,
        related_ticket_rows.created_at,
        related_ticket_rows.created_at - coalesce(
            lag(related_ticket_rows.created_at) over (
                partition by related_ticket_rows.incident_id order by related_ticket_rows.created_at
            ),
            incident_window_rows.ended_at
        ) as gap
    from related_ticket_rows
    inner join incident_window_rows
        on incident_window_rows.incident_id = related_ticket_rows.incident_id
    where related_ticket_rows.created_at > incident_window_rows.ended_at
),

first_breaks as (
    select incident_id, min(created_at) as broken_at
    from after_end
    where gap >= $impact_gap_minutes * interval '1 minute'
    group by incident_id
),

run_ends as (
    select after_end.incident_id, max(after_end.created_at) as last_run_ticket_at
    from after_end
    left join first_breaks on first_breaks.incident_id = after_end.incident_id
    where first_breaks.broken_at is null or after_end.created_at < first_breaks.broken_at
    group by after_end.incident_id
),

first_tickets as (
    select incident_id, min(created_at) as first_ticket_at
    from related_ticket_rows
    group by incident_id
),

has_tickets as (
    select exists(select 1 from ticket_rows) as yes
),

windows as (
    select
        incident_window_rows.incident_id,
        first_tickets.first_ticket_at,
        least(incident_window_rows.started_at, first_tickets.first_ticket_at)
        as customer_impact_start_at,
        coalesce(run_ends.last_run_ticket_at, incident_window_rows.ended_at)
        as customer_impact_end_at
    from incident_window_rows
    -- no row at all when the data holds no ticket
    inner join has_tickets on has_tickets.yes
    left join first_tickets on first_tickets.incident_id = incident_window_rows.incident_id
    left join run_ends on run_ends.incident_id = incident_window_rows.incident_id
),

final as (
    select
        incident_window_rows.incident_id,
        windows.first_ticket_at,
        windows.customer_impact_start_at,
        windows.customer_impact_end_at,
        epoch(windows.customer_impact_end_at - windows.customer_impact_start_at) / 60.0
        as customer_impact_minutes
    from incident_window_rows
    left join windows on windows.incident_id = incident_window_rows.incident_id
)

select * from final

-- How much more often tickets showed each signal during an incident than in the weeks before it.
-- grain:   one row per incident and signal
-- key:     incident_id, signal
-- params:  $signal_before_days
-- columns: incident_id, signal, window_tickets, window_share, before_tickets, before_share, lift
-- Shares are of all tickets created in the period, related or not, as fractions (0.25 = 25 %);
-- empty when no ticket was created in it. The window is the customer impact window
-- (customer_impact_windows), both ends included; "before" is the $signal_before_days days before
-- started_at, started_at excluded. lift = window_share / before_share, empty when before_share is
-- empty or 0: a signal new with the incident has no finite lift.
-- Counts come from one running total per signal over a time line of ticket counts and period
-- edges: incidents never meet raw ticket rows. "Up to and including t" is read as "before
-- t + 1 microsecond", the precision of a TIMESTAMP. A window rather than an ASOF join, so that
-- the Spark engine runs this file too (it has no ASOF join), at the same speed on DuckDB.

with

ticket_rows as not materialized (
    select * from tickets
),

ticket_signal_rows as (
    select * from ticket_signals
),

customer_impact_window_rows as (
    select * from customer_impact_windows
),

incident_window_rows as (
    select * from incident_windows
),

signals as (
    select *
    from (values ('confusion'), ('trust_loss'), ('workaround'), ('urgent')) as listed (signal)  -- noqa: AL05
),

ticket_counts as (
    -- 'all tickets' holds every ticket, whatever its signals.
    select 'all tickets' as signal, created_at, count(*) as tickets
    from ticket_rows
    group by created_at
    union all
    select ticket_signal_rows.signal, ticket_rows.created_at, count(*)
    from ticket_signal_rows
    inner join ticket_rows on ticket_rows.ticket_id = ticket_signal_rows.ticket_id
    group by ticket_signal_rows.signal, ticket_rows.created_at
),

edges as (
    -- Each period as two edges: tickets created before `edge_at`.
    select
        customer_impact_window_rows.incident_id,
        'window' as period,
        customer_impact_window_rows.customer_impact_start_at as from_at,
        customer_impact_window_rows.customer_impact_end_at + interval '1 microsecond' as until_at
    from customer_impact_window_rows
    union all
    select
        incident_window_rows.incident_id,
        'before',
        incident_window_rows.started_at - $signal_before_days * interval '1 day',
        incident_window_rows.started_at
    from incident_window_rows
),

edge_points as (
    select incident_id, period, 'from' as edge, from_at as edge_at
    from edges
    union all
    select incident_id, period, 'until', until_at
    from edges
),

signals_and_all as (
    select signal
    from signals
    union all
    select 'all tickets'
),

edge_signals as (
    select edge_points.*, signals_and_all.signal
    from edge_points
    cross join signals_and_all
),

time_line as (
    -- Edges and ticket counts in one time line per signal.
    select incident_id, period, edge, signal, edge_at as point_at, true as is_edge, 0 as tickets
    from edge_signals
    union all
    select null, null, null, signal, created_at, false, tickets
    from ticket_counts
),

running_counts as (
    -- An edge is ordered before the tickets of its own instant, so its running total counts
    -- the tickets created strictly before it.
    select
        incident_id,
        period,
        edge,
        signal,
        is_edge,
        sum(tickets) over (
            partition by signal
            order by point_at, is_edge desc
            rows between unbounded preceding and current row
        ) as tickets_so_far
    from time_line
),

period_counts as (
    select
        incident_id,
        period,
        signal,
        cast(sum(if(edge = 'until', tickets_so_far, -tickets_so_far)) as bigint) as tickets
    from running_counts
    where is_edge
    group by incident_id, period, signal
),

shares as (
    select
        signal_counts.incident_id,
        signal_counts.period,
        signal_counts.signal,
        signal_counts.tickets,
        signal_counts.tickets / nullif(all_counts.tickets, 0) as share
    from period_counts as signal_counts
    inner join period_counts as all_counts
        on
            all_counts.incident_id = signal_counts.incident_id
            and all_counts.period = signal_counts.period
            and all_counts.signal = 'all tickets'
    where signal_counts.signal <> 'all tickets'
),

final as (
    select
        in_window.incident_id,
        in_window.signal,
        in_window.tickets as window_tickets,
        in_window.share as window_share,
        before_incident.tickets as before_tickets,
        before_incident.share as before_share,
        in_window.share / nullif(before_incident.share, 0) as lift
    from shares as in_window
    inner join shares as before_incident
        on
            before_incident.incident_id = in_window.incident_id
            and before_incident.signal = in_window.signal
            and before_incident.period = 'before'
    where in_window.period = 'window'
)

select * from final

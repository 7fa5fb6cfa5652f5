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
-- Counts come from running totals per signal over ticket creation times, read at each period's
-- edges with an ASOF join: incidents never meet raw ticket rows. "Up to and including t" is read
-- as "before t + 1 microsecond", the precision of a TIMESTAMP. DuckDB-only: ASOF join (Spark: a
-- range join on the running totals, or a window over the union of edges and tickets).
-- Its Spark form is signal_lift.spark.sql (no ASOF join there): the two must agree, and
-- tests/test_queries_contract.py holds them to each other.

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

running_counts as (
    select
        signal,
        created_at,
        sum(tickets) over (partition by signal order by created_at) as tickets_so_far
    from ticket_counts
),

edges as (
    -- Each period as two edges: tickets created before `edge_at`.
    select
        customer_impact_window_rows.incident_id,
        'window' as period,
        customer_impact_window_rows.customer_impact_start as from_at,
        customer_impact_window_rows.customer_impact_end + interval '1 microsecond' as until_at
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

counts_before_edges as (
    select
        edge_signals.incident_id,
        edge_signals.period,
        edge_signals.edge,
        edge_signals.signal,
        coalesce(running_counts.tickets_so_far, 0) as tickets_before
    from edge_signals
    asof left join running_counts
        on
            running_counts.signal = edge_signals.signal
            and running_counts.created_at < edge_signals.edge_at
),

period_counts as (
    select
        incident_id,
        period,
        signal,
        cast(sum(if(edge = 'until', tickets_before, -tickets_before)) as bigint) as tickets
    from counts_before_edges
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

-- Which signals did one incident's customers write of more than usual, and how much more?
-- grain:   one row per signal
-- params:  $incident_id
-- columns: signal, window_tickets, window_share_pct, before_tickets, before_share_pct, lift
-- signal_lift's rows as percentages: the share of all tickets created in the customer impact
-- window that show the signal, against the same share over the days before the start; lift is
-- their ratio, empty when the signal was not seen before (no finite lift) or no ticket came in.
-- The most written-of first.

with

signal_lift_rows as (
    select * from signal_lift
),

final as (
    select
        signal,
        window_tickets,
        100 * window_share as window_share_pct,
        before_tickets,
        100 * before_share as before_share_pct,
        lift
    from signal_lift_rows
    where incident_id = $incident_id
    order by window_tickets desc, signal
)

select * from final

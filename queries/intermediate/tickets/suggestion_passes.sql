-- Which pass of the suggestion scoring each incident falls in: its place in incident order.
-- grain:   one row per incident
-- key:     incident_id
-- params:  none
-- columns: incident_id, incident_index
-- storage: a temporary table
-- incident_index counts the incidents from 0 in incident_id order; suggestion_scores scores a
-- range of them per pass.

with

incident_window_rows as (
    select * from incident_windows
),

final as (
    select
        incident_id,
        (row_number() over (order by incident_id) - 1)::integer as incident_index
    from incident_window_rows
)

select * from final

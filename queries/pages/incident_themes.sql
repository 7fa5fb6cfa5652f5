-- What one incident's customers complained about, and which complaints an action item covers.
-- grain:   one row per complaint theme
-- params:  $incident_id
-- columns: theme, tickets, covered, action_item_ids
-- array_to_string is DuckDB's (Spark: array_join).

with

theme_coverage_rows as (
    select * from theme_coverage
),

final as (
    select
        theme,
        tickets,
        covered,
        array_to_string(action_item_ids, ', ') as action_item_ids
    from theme_coverage_rows
    where incident_id = $incident_id
    order by covered, tickets desc, theme
)

select * from final

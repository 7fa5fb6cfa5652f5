-- Which complaint themes no action item owns, across incidents, by how many tickets raised them.
-- grain:   one row per theme left uncovered in at least one incident
-- params:  none
-- columns: theme, incidents, tickets, incident_ids

with

theme_coverage_rows as (
    select * from theme_coverage
),

final as (
    select
        theme,
        count(distinct incident_id) as incidents,
        sum(tickets) as tickets,
        string_agg(incident_id, ', ' order by incident_id) as incident_ids
    from theme_coverage_rows
    where not covered
    group by theme
    order by tickets desc, theme
)

select * from final

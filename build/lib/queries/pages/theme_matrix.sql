-- Which complaint themes each incident raised, and whether its action items cover them.
-- grain:   one row per incident and theme
-- params:  none
-- columns: incident_id, incident_label, started_at, theme, tickets, covered
-- incident_label is id and title, for the matrix's axis.

with

final as (
    select
        coverage.incident_id,
        coverage.incident_id || ' · ' || coalesce(incidents.title, '') as incident_label,
        incidents.started_at,
        coverage.theme,
        coverage.tickets,
        coverage.covered
    from theme_coverage as coverage
    inner join incidents on incidents.incident_id = coverage.incident_id
    order by incidents.started_at, coverage.theme
)

select * from final

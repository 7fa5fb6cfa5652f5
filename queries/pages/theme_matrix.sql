-- Which complaint themes each incident raised, and whether its action items cover them.
-- grain:   one row per incident and theme
-- params:  none
-- columns: incident_id, incident_label, started_at, theme, tickets, covered
-- incident_label is id and title, for the matrix's axis.

with

theme_coverage_rows as (
    select * from theme_coverage
),

incident_rows as (
    select * from incidents
),

final as (
    select
        coverage.incident_id,
        coverage.incident_id || ' · ' || coalesce(incident_rows.title, '') as incident_label,
        incident_rows.started_at,
        coverage.theme,
        coverage.tickets,
        coverage.covered
    from theme_coverage_rows as coverage
    inner join incident_rows on incident_rows.incident_id = coverage.incident_id
    order by incident_rows.started_at, coverage.theme
)

select * from final

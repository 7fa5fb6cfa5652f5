-- How well each incident's action items answer its customers, and who owns them.
-- grain:   one row per incident
-- params:  none
-- columns: incident_id, title, started_at, theme_coverage_pct, uncovered_themes, action_items,
--          action_item_teams, open_action_items, overdue_action_items, is_engineering_only
-- From incident_voice: theme_coverage_pct is the share of themed related tickets all of whose
-- themes an action item covers (empty when no ticket has a theme); is_engineering_only flags
-- follow-ups that are all engineering while customers reported confusion or workarounds.
-- array_to_string is DuckDB's (Spark: array_join).

with

incident_voice_rows as (
    select * from incident_voice
),

incident_rows as (
    select * from incidents
),

final as (
    select
        voice.incident_id,
        incident_rows.title,
        incident_rows.started_at,
        100.0 * voice.theme_coverage as theme_coverage_pct,
        array_to_string(voice.uncovered_themes, ', ') as uncovered_themes,
        voice.action_items,
        array_to_string(voice.action_item_teams, ', ') as action_item_teams,
        voice.open_action_items,
        voice.overdue_action_items,
        voice.is_engineering_only
    from incident_voice_rows as voice
    inner join incident_rows on incident_rows.incident_id = voice.incident_id
    order by incident_rows.started_at desc, voice.incident_id
)

select * from final

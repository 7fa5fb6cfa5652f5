-- What each incident's customers complained about, and whether an action item owns each theme.
-- grain:   one row per incident and theme of at least one of its related tickets
-- key:     incident_id, theme
-- params:  none
-- columns: incident_id, theme, tickets, covered, action_item_ids
-- A theme is a signal or a symptom tag of a related ticket (related_ticket_themes). An action item
-- of the incident covers it when the item's title, description or tags contain one of the theme's
-- synonyms (theme_synonyms: its name, tags and words), as whole words through the lexicon's
-- normalise_text macro. action_item_ids are sorted, empty when the theme is not covered.
-- DuckDB-only: list_transform with a lambda (Spark: transform), list() with order by (Spark:
-- array_sort(collect_list(...))).

with

related_ticket_theme_rows as (
    select * from related_ticket_themes
),

action_item_rows as (
    select * from action_items
),

theme_synonym_rows as (
    select * from theme_synonyms
),

incident_themes as (
    select incident_id, theme, count(*) as tickets
    from related_ticket_theme_rows
    group by incident_id, theme
),

action_item_texts as (
    select
        action_item_id,
        incident_id,
        concat_ws(
            '|',
            normalise_text(title),
            normalise_text(description),
            array_to_string(list_transform(tags, lambda tag: normalise_text(tag)), '|')
        ) as text
    from action_item_rows
),

covering_items as (
    select distinct
        incident_themes.incident_id,
        incident_themes.theme,
        action_item_texts.action_item_id
    from incident_themes
    inner join action_item_texts on action_item_texts.incident_id = incident_themes.incident_id
    inner join theme_synonym_rows on theme_synonym_rows.theme = incident_themes.theme
    where contains(action_item_texts.text, theme_synonym_rows.pattern)
),

final as (
    select
        incident_themes.incident_id,
        incident_themes.theme,
        incident_themes.tickets,
        count(covering_items.action_item_id) > 0 as covered,
        coalesce(
            list(covering_items.action_item_id order by covering_items.action_item_id)
                filter (where covering_items.action_item_id is not null),
            cast([] as varchar[])
        ) as action_item_ids
    from incident_themes
    left join covering_items
        on
            covering_items.incident_id = incident_themes.incident_id
            and covering_items.theme = incident_themes.theme
    group by incident_themes.incident_id, incident_themes.theme, incident_themes.tickets
)

select * from final

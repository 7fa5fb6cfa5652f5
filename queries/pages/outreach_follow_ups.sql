-- Which action items of one incident answer what each account complained of?
-- grain:   one row per account with a related ticket and action item covering one of its themes
-- params:  $incident_id
-- columns: account_id, action_item_id, title
-- An account's themes are those of its related tickets (related_ticket_themes); an action item
-- answers one when theme_coverage lists it for that theme. DuckDB-only: unnest in a select list.

with

related_ticket_theme_rows as (
    select * from related_ticket_themes
),

related_ticket_rows as (
    select * from related_tickets
),

theme_coverage_rows as (
    select * from theme_coverage
),

action_item_rows as (
    select * from action_items
),

account_themes as (
    select distinct
        related_ticket_rows.account_id,
        related_ticket_theme_rows.theme
    from related_ticket_theme_rows
    inner join related_ticket_rows
        on
            related_ticket_rows.incident_id = related_ticket_theme_rows.incident_id
            and related_ticket_rows.ticket_id = related_ticket_theme_rows.ticket_id
    where
        related_ticket_theme_rows.incident_id = $incident_id
        and related_ticket_rows.account_id is not null
),

covering as (
    select distinct
        account_themes.account_id,
        unnest(theme_coverage_rows.action_item_ids) as action_item_id
    from account_themes
    inner join theme_coverage_rows
        on
            theme_coverage_rows.incident_id = $incident_id
            and theme_coverage_rows.theme = account_themes.theme
),

final as (
    select
        covering.account_id,
        covering.action_item_id,
        action_item_rows.title
    from covering
    inner join action_item_rows
        on
            action_item_rows.action_item_id = covering.action_item_id
            and action_item_rows.incident_id = $incident_id
    order by covering.account_id, covering.action_item_id
)

select * from final

-- What each incident's related tickets are about: their signals and their symptom tags.
-- grain:   one row per incident, related ticket and theme
-- key:     incident_id, ticket_id, theme
-- params:  none
-- columns: incident_id, ticket_id, theme
-- A ticket's themes are its signals (ticket_signals) and the themes its tags stand for
-- (theme_tags), tags compared once normalised by the lexicon's normalise_text macro, so
-- "Double_Charge" is double-charge. Tags no theme lists are not themes (plan names, "vip").

with

ticket_rows as (
    select * from tickets
),

ticket_signal_rows as (
    select * from ticket_signals
),

theme_tag_rows as (
    select * from theme_tags
),

related_ticket_rows as (
    select * from related_tickets
),

ticket_tags as (
    select ticket_id, trim(normalise_text(tag)) as tag
    from (select ticket_id, unnest(tags) as tag from ticket_rows) as listed
),

ticket_themes as (
    select ticket_id, signal as theme
    from ticket_signal_rows
    union
    select ticket_tags.ticket_id, theme_tag_rows.theme
    from ticket_tags
    inner join theme_tag_rows on theme_tag_rows.tag = ticket_tags.tag
),

final as (
    select
        related_ticket_rows.incident_id,
        related_ticket_rows.ticket_id,
        ticket_themes.theme
    from related_ticket_rows
    inner join ticket_themes on ticket_themes.ticket_id = related_ticket_rows.ticket_id
)

select * from final

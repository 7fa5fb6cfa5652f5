-- Which unlinked tickets to suggest for each incident, and the words that tie them to it.
-- grain:   one row per incident and suggested ticket
-- key:     incident_id, ticket_id
-- params:  none
-- columns: incident_id, ticket_id, account_id, created_at, reason
-- The tickets that fit one incident better than any other (suggestion_choices; the rules are in
-- suggestion_scores): a ticket is suggested for one incident at most, so one incident's window is
-- never stretched by another's tickets.

with

suggestion_choice_rows as (
    select * from suggestion_choices
),

final as (
    select incident_id, ticket_id, account_id, created_at, reason
    from suggestion_choice_rows
    where best_fits = 1
)

select * from final

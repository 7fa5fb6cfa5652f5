-- Which unlinked tickets fit two or more incidents equally well, for CS to link by hand?
-- grain:   one row per incident and ticket that fits it and another incident equally well
-- key:     incident_id, ticket_id
-- params:  none
-- columns: incident_id, ticket_id, account_id, created_at, subject, reason, other_incident_ids,
--          other_reasons
-- Such a ticket is suggested for none of them (suggestion_choices) and moves no window; it is
-- listed under each incident it fits, with this incident's reason and the others' (other_reasons:
-- "INC-2: title words: login; INC-3: ...", by incident_id). subject: the ticket's, stored here so
-- the pages that list these tickets never scan every ticket for a few subjects.

with

suggestion_choice_rows as not materialized (
    select * from suggestion_choices
),

ticket_rows as (
    select * from tickets
),

ambiguous as (
    select incident_id, ticket_id, account_id, created_at, reason
    from suggestion_choice_rows
    where best_fits > 1
),

others as (
    select
        ambiguous.incident_id,
        ambiguous.ticket_id,
        list(other.incident_id order by other.incident_id) as other_incident_ids,
        string_agg(other.incident_id || ': ' || other.reason, '; ' order by other.incident_id)
        as other_reasons
    from ambiguous
    inner join ambiguous as other
        on other.ticket_id = ambiguous.ticket_id and other.incident_id <> ambiguous.incident_id
    group by ambiguous.incident_id, ambiguous.ticket_id
),

final as (
    select
        ambiguous.incident_id,
        ambiguous.ticket_id,
        ambiguous.account_id,
        ambiguous.created_at,
        ticket_rows.subject,
        ambiguous.reason,
        others.other_incident_ids,
        others.other_reasons
    from ambiguous
    inner join others
        on others.incident_id = ambiguous.incident_id and others.ticket_id = ambiguous.ticket_id
    inner join ticket_rows on ticket_rows.ticket_id = ambiguous.ticket_id
    order by ambiguous.incident_id, ambiguous.created_at
)

select * from final

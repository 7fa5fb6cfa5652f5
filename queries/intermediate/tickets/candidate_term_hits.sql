-- Which incident terms each suggestion candidate uses, in which field and spelling.
-- grain:   one row per candidate ticket, field, term and token
-- key:     ticket_id, field, term, word
-- params:  none
-- columns: ticket_id, field, term, word, created_at, created_day
-- Candidates (suggestion_candidates) meet terms through their tokens (ticket_tokens) by an
-- equality join on the term's forms (term_forms).

with

final as (
    select distinct
        ticket_tokens.ticket_id,
        ticket_tokens.field,
        term_forms.term,
        ticket_tokens.word,
        suggestion_candidates.created_at,
        suggestion_candidates.created_day
    from ticket_tokens
    inner join suggestion_candidates
        on suggestion_candidates.ticket_id = ticket_tokens.ticket_id
    inner join term_forms on term_forms.form = ticket_tokens.word
)

select * from final

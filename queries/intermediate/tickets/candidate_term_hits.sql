-- Which incident terms each suggestion candidate uses, in which field and spelling.
-- grain:   one row per candidate ticket, field, term and token
-- key:     ticket_id, field, term, word
-- params:  none
-- columns: ticket_id, field, term, word, created_at, created_day
-- Candidates (suggestion_candidates) meet terms through their tokens (ticket_tokens) by an
-- equality join on the term's forms (term_forms).

with

ticket_token_rows as (
    select * from ticket_tokens
),

suggestion_candidate_rows as (
    select * from suggestion_candidates
),

term_form_rows as (
    select * from term_forms
),

final as (
    select distinct
        ticket_token_rows.ticket_id,
        ticket_token_rows.field,
        term_form_rows.term,
        ticket_token_rows.word,
        suggestion_candidate_rows.created_at,
        suggestion_candidate_rows.created_day
    from ticket_token_rows
    inner join suggestion_candidate_rows
        on suggestion_candidate_rows.ticket_id = ticket_token_rows.ticket_id
    inner join term_form_rows on term_form_rows.form = ticket_token_rows.word
)

select * from final

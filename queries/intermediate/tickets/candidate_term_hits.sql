-- Which incident terms each suggestion candidate uses, in which field and spelling.
-- grain:   one row per candidate ticket, field, term and token
-- key:     ticket_id, field, term, word
-- params:  none
-- columns: ticket_id, field, term, word, created_at, created_day
-- A candidate's (suggestion_candidates) subject, tags and first 2000 characters of description
-- are split into words as ticket_tokens splits them, and each text's distinct words meet the few
-- forms of incident terms (term_forms) in an equality join at once: the many words that are no
-- term's form are never stored. No form is a stop-word, a number or one letter (term_forms), so
-- ticket_tokens' filters would drop none of the words kept here. DuckDB-only: unnest of
-- list_distinct(words_of()) (Spark: explode and array_distinct).

with

ticket_rows as not materialized (
    select * from tickets
),

suggestion_candidate_rows as (
    select * from suggestion_candidates
),

term_form_rows as (
    select * from term_forms
),

texts as (
    select
        suggestion_candidate_rows.ticket_id,
        suggestion_candidate_rows.created_at,
        suggestion_candidate_rows.created_day,
        ticket_rows.subject,
        left(ticket_rows.description, 2000) as description,
        array_to_string(ticket_rows.tags, ' ') as tags
    from suggestion_candidate_rows
    inner join ticket_rows on ticket_rows.ticket_id = suggestion_candidate_rows.ticket_id
),

field_texts as (
    select ticket_id, created_at, created_day, 'subject' as field, subject as body
    from texts
    union all
    select ticket_id, created_at, created_day, 'description', description
    from texts
    union all
    select ticket_id, created_at, created_day, 'tags', tags
    from texts
),

tokens as (
    select
        ticket_id,
        created_at,
        created_day,
        field,
        unnest(list_distinct(words_of(body))) as word
    from field_texts
    where body is not null
),

final as (
    select distinct
        tokens.ticket_id,
        tokens.field,
        term_form_rows.term,
        tokens.word,
        tokens.created_at,
        tokens.created_day
    from tokens
    inner join term_form_rows on term_form_rows.form = tokens.word
)

select * from final

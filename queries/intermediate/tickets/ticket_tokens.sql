-- Which words each linked and background ticket is written in: tokenised once for the terms.
-- grain:   one row per ticket, field and distinct token
-- key:     ticket_id, field, word
-- params:  none
-- columns: ticket_id, field, word
-- refresh: by ticket_id (a ticket's own text; from the derived tables only whether it is in them)
-- The tickets: linked ones (ticket_links) and the background sample (background_tickets);
-- text_terms stems these tokens. Suggestion candidates are split by candidate_term_hits, which
-- keeps only the words that are forms of incident terms, instead of storing every word. Tokens are runs of letters and digits once apostrophes are
-- dropped ("can't" -> "cant"), in subject, tags and at most the first 2000 characters of a
-- description; tokens shorter than two characters, numbers and stop-words go (no term or term
-- form is one). Words as words_of (queries/macros/words.sql) reads them; DuckDB-only: unnest
-- and list lambdas (Spark: explode and filter).

with

ticket_link_rows as (
    select * from ticket_links
),

background_ticket_rows as (
    select * from background_tickets
),

ticket_rows as not materialized (
    select * from tickets
),

stop_word_rows as (
    select * from stop_words
),

read_tickets as (
    select ticket_id from ticket_link_rows
    union
    select ticket_id from background_ticket_rows
),

texts as (
    select ticket_rows.ticket_id, 'subject' as field, ticket_rows.subject as body
    from read_tickets
    inner join ticket_rows on ticket_rows.ticket_id = read_tickets.ticket_id
    union all
    select ticket_rows.ticket_id, 'description', left(ticket_rows.description, 2000)
    from read_tickets
    inner join ticket_rows on ticket_rows.ticket_id = read_tickets.ticket_id
    union all
    select ticket_rows.ticket_id, 'tags', array_to_string(ticket_rows.tags, ' ')
    from read_tickets
    inner join ticket_rows on ticket_rows.ticket_id = read_tickets.ticket_id
),

tokens as (
    -- Distinct per text before the stop-word join: a description repeats its words, and
    -- deduplicating each text's list is cheaper than one distinct over every token.
    select
        ticket_id,
        field,
        unnest(
            list_distinct(
                list_filter(
                    words_of(body),
                    lambda word: length(word) >= 2 and not regexp_full_match(word, '[0-9]+')
                )
            )
        ) as word
    from texts
    where body is not null
),

final as (
    select tokens.ticket_id, tokens.field, tokens.word
    from tokens
    left join stop_word_rows on stop_word_rows.word = tokens.word
    where stop_word_rows.word is null
)

select * from final

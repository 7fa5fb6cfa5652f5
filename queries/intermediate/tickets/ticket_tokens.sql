-- Which words each ticket that terms or suggestions read is written in: tokenised once.
-- grain:   one row per ticket, field and distinct token
-- key:     ticket_id, field, word
-- params:  none
-- columns: ticket_id, field, word
-- The tickets: linked ones (ticket_links), the background sample (background_tickets) and the
-- suggestion candidates (suggestion_candidates); text_terms stems these tokens, suggestions
-- match them against incident terms. Tokens are runs of letters and digits once apostrophes are
-- dropped ("can't" -> "cant"), in subject, tags and at most the first 2000 characters of a
-- description; tokens shorter than two characters, numbers and stop-words go (no term or term
-- form is one). Words as words_of (queries/macros/words.sql) reads them; DuckDB-only: unnest
-- (Spark: explode).

with

read_tickets as (
    select ticket_id from ticket_links
    union
    select ticket_id from background_tickets
    union
    select ticket_id from suggestion_candidates
),

texts as (
    select tickets.ticket_id, 'subject' as field, tickets.subject as body
    from read_tickets
    inner join tickets on tickets.ticket_id = read_tickets.ticket_id
    union all
    select tickets.ticket_id, 'description', left(tickets.description, 2000)
    from read_tickets
    inner join tickets on tickets.ticket_id = read_tickets.ticket_id
    union all
    select tickets.ticket_id, 'tags', array_to_string(tickets.tags, ' ')
    from read_tickets
    inner join tickets on tickets.ticket_id = read_tickets.ticket_id
),

tokens as (
    select
        ticket_id,
        field,
        unnest(words_of(body)) as word
    from texts
    where body is not null
),

final as (
    select distinct tokens.ticket_id, tokens.field, tokens.word
    from tokens
    left join stop_words on stop_words.word = tokens.word
    where
        stop_words.word is null
        and length(tokens.word) >= 2
        and not regexp_full_match(tokens.word, '[0-9]+')
)

select * from final

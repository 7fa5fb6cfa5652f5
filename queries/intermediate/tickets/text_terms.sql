-- Which words incidents, their linked tickets and ordinary tickets use, stemmed, stop-words out.
-- grain:   one row per text, field and term
-- key:     source, source_id, field, term
-- params:  none
-- columns: source, source_id, field, term, word
-- source: 'incident' (fields title, services), 'linked_ticket' (subject, description, tags; see
-- ticket_links) or 'background_ticket' (background_tickets: how customers write in ordinary
-- times). Ticket words come from ticket_tokens, tokenised once for terms and suggestions; an
-- incident's title and services are tokenised here the same way. A light suffix stripper (-ies,
-- -s, -ing, -ed, a final -e, a doubled final consonant) makes "charged", "charges" and "charging"
-- one term; `word` keeps one spelling seen, for reasons a person reads. DuckDB-only:
-- unnest of words_of (queries/macros/words.sql; Spark: explode).

with

incident_rows as not materialized (
    select * from incidents
),

ticket_token_rows as not materialized (
    select * from ticket_tokens
),

ticket_link_rows as (
    select * from ticket_links
),

background_ticket_rows as (
    select * from background_tickets
),

stop_word_rows as not materialized (
    select * from stop_words
),

incident_texts as (
    select incident_id, 'title' as field, title as body
    from incident_rows
    union all
    select incident_id, 'services', array_to_string(services, ' ')
    from incident_rows
),

incident_tokens as (
    select
        incident_id,
        field,
        unnest(words_of(body)) as word
    from incident_texts
    where body is not null
),

kept as (
    select
        'linked_ticket' as source,
        ticket_token_rows.ticket_id as source_id,
        ticket_token_rows.field,
        ticket_token_rows.word
    from ticket_token_rows
    inner join ticket_link_rows on ticket_link_rows.ticket_id = ticket_token_rows.ticket_id
    union all
    select
        'background_ticket',
        ticket_token_rows.ticket_id,
        ticket_token_rows.field,
        ticket_token_rows.word
    from ticket_token_rows
    inner join background_ticket_rows
        on background_ticket_rows.ticket_id = ticket_token_rows.ticket_id
    union all
    select 'incident', incident_tokens.incident_id, incident_tokens.field, incident_tokens.word
    from incident_tokens
    left join stop_word_rows on stop_word_rows.word = incident_tokens.word
    where
        stop_word_rows.word is null
        and length(incident_tokens.word) >= 2
        and not regexp_full_match(incident_tokens.word, '[0-9]+')
),

plural_stripped as (
    select
        *,
        case
            when length(word) > 4 and word like '%ies' then left(word, length(word) - 3) || 'y'
            when
                length(word) > 3
                and word like '%s'
                and not (word like '%ss' or word like '%us' or word like '%is')
                then left(word, length(word) - 1)
            else word
        end as stem_1
    from kept
),

ending_stripped as (
    select
        *,
        case
            when length(stem_1) > 5 and stem_1 like '%ing' then left(stem_1, length(stem_1) - 3)
            when length(stem_1) > 4 and stem_1 like '%ed' then left(stem_1, length(stem_1) - 2)
            else stem_1
        end as stem_2
    from plural_stripped
),

e_stripped as (
    select
        *,
        case
            when length(stem_2) > 3 and stem_2 like '%e' then left(stem_2, length(stem_2) - 1)
            else stem_2
        end as stem_3
    from ending_stripped
),

stemmed as (
    select
        *,
        case
            when
                length(stem_3) > 3
                and right(stem_3, 1) in ('b', 'd', 'f', 'g', 'l', 'm', 'n', 'p', 'r', 's', 't', 'z')
                and right(stem_3, 1) = left(right(stem_3, 2), 1)
                then left(stem_3, length(stem_3) - 1)
            else stem_3
        end as term
    from e_stripped
),

final as (
    select
        stemmed.source,
        stemmed.source_id,
        stemmed.field,
        stemmed.term,
        min(stemmed.word) as word
    from stemmed
    left join stop_word_rows on stop_word_rows.word = stemmed.term
    where stop_word_rows.word is null
    group by stemmed.source, stemmed.source_id, stemmed.field, stemmed.term
)

select * from final

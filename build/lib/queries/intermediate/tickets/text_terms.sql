-- Which words incidents, their linked tickets and ordinary tickets use, stemmed, stop-words out.
-- grain:   one row per text, field and term
-- key:     source, source_id, field, term
-- params:  none
-- columns: source, source_id, field, term, word
-- source: 'incident' (fields title, services), 'linked_ticket' (subject, description, tags; see
-- ticket_links) or 'background_ticket': a sample of unlinked tickets created outside every
-- suggestion window, how customers write in ordinary times. The sample takes every ticket whose
-- hash(ticket_id) falls on a multiple of (unlinked tickets / 50000), so it stays near 50000
-- tickets or fewer (all of them in small data) before windowed ones are dropped; windowed ones
-- stay when windows hold over 99 % of the sample.
-- Tokens are runs of letters and digits once apostrophes are dropped ("can't" -> "cant"), in at
-- most the first 2000 characters of a description; tokens shorter than two characters, numbers
-- and stop-words go. A light suffix stripper (-ies, -s, -ing, -ed, a final -e, a doubled final
-- consonant) makes "charged", "charges" and "charging" one term; `word` keeps one spelling seen,
-- for reasons a person reads. DuckDB-only: hash(), regexp_extract_all with unnest (Spark: hash,
-- regexp_extract_all with explode).

with

unlinked as (
    select tickets.ticket_id, tickets.created_at
    from tickets
    left join ticket_links on ticket_links.ticket_id = tickets.ticket_id
    where ticket_links.ticket_id is null
),

sample_every as (
    select greatest(count(*) // 50000, 1) as every
    from unlinked
),

sampled as (
    select unlinked.ticket_id, unlinked.created_at
    from unlinked
    cross join sample_every
    where hash(unlinked.ticket_id) % sample_every.every = 0
),

windowed as (
    select distinct sampled.ticket_id
    from sampled
    inner join suggestion_window_days
        on suggestion_window_days.day = date_trunc('day', sampled.created_at)
    where
        sampled.created_at
        between suggestion_window_days.suggest_from and suggestion_window_days.suggest_until
),

windows_hold_nearly_all as (
    -- With incidents overlapping all the time (a busy company), under 1 % of the sample falls
    -- outside every window: too few to say how customers write in ordinary times, and the
    -- windows are then mostly ordinary tickets anyway.
    select (select count(*) from windowed) > 0.99 * count(*) as yes
    from sampled
),

ticket_sources as (
    select ticket_id, 'linked_ticket' as source
    from ticket_links
    union all
    select sampled.ticket_id, 'background_ticket'
    from sampled
    left join windowed on windowed.ticket_id = sampled.ticket_id
    cross join windows_hold_nearly_all
    where windowed.ticket_id is null or windows_hold_nearly_all.yes
),

texts as (
    select ticket_sources.source, tickets.ticket_id as source_id, 'subject' as field,
        tickets.subject as body
    from ticket_sources
    inner join tickets on tickets.ticket_id = ticket_sources.ticket_id
    union all
    select ticket_sources.source, tickets.ticket_id, 'description', left(tickets.description, 2000)
    from ticket_sources
    inner join tickets on tickets.ticket_id = ticket_sources.ticket_id
    union all
    select ticket_sources.source, tickets.ticket_id, 'tags', array_to_string(tickets.tags, ' ')
    from ticket_sources
    inner join tickets on tickets.ticket_id = ticket_sources.ticket_id
    union all
    select 'incident', incident_id, 'title', title
    from incidents
    union all
    select 'incident', incident_id, 'services', array_to_string(services, ' ')
    from incidents
),

tokens as (
    select
        source,
        source_id,
        field,
        unnest(
            regexp_extract_all(
                replace(replace(lower(body), '''', ''), '’', ''), '[\p{L}\p{N}]+'
            )
        ) as word
    from texts
    where body is not null
),

kept as (
    select tokens.source, tokens.source_id, tokens.field, tokens.word
    from tokens
    left join stop_words on stop_words.word = tokens.word
    where
        stop_words.word is null
        and length(tokens.word) >= 2
        and not regexp_full_match(tokens.word, '[0-9]+')
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
    left join stop_words on stop_words.word = stemmed.term
    where stop_words.word is null
    group by stemmed.source, stemmed.source_id, stemmed.field, stemmed.term
)

select * from final

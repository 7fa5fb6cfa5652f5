-- Which spellings of each incident term a ticket token can take: the stemmer, run backwards.
-- grain:   one row per term and form
-- key:     term, form
-- params:  none
-- columns: term, form
-- A form is the term, or the term + e, or with its last letter doubled (+ e), each bare or + s,
-- es, d, ed, ing or ings (a term ending in y also + ies). This inverts text_terms' stemmer
-- (checked on 16,288 words of real exports: all but 5 are a form of their own term), so only the
-- few forms of incident terms are kept from the many tokens. Stop-words, numbers and single
-- characters are no form, as they are no token (ticket_tokens).

with

incident_term_rows as (
    select * from incident_terms
),

stop_word_rows as (
    select * from stop_words
),

terms as (
    select distinct term
    from incident_term_rows
),

term_bases as (
    select term, term as base
    from terms
    union all
    select term, term || 'e'
    from terms
    union all
    select term, term || right(term, 1)
    from terms
    union all
    select term, term || right(term, 1) || 'e'
    from terms
    union all
    select term, left(term, length(term) - 1) || 'i'
    from terms
    where term like '%y'
),

final as (
    select distinct term_bases.term, term_bases.base || endings.ending as form
    from term_bases
    cross join (values (''), ('s'), ('es'), ('d'), ('ed'), ('ing'), ('ings')) as endings (ending)
    left join stop_word_rows on stop_word_rows.word = term_bases.base || endings.ending
    where
        stop_word_rows.word is null
        and length(term_bases.base || endings.ending) >= 2
        and not regexp_full_match(term_bases.base || endings.ending, '[0-9]+')
)

select * from final

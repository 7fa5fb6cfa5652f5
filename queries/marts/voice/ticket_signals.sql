-- What each ticket's own words say it felt like: confusion, trust loss, a workaround, urgency.
-- grain:   one row per ticket and signal it shows
-- key:     ticket_id, signal
-- params:  none
-- columns: ticket_id, signal, evidence
-- refresh: by ticket_id (a ticket's signals read its own row and comments and the lexicon only)
-- A ticket's text is its subject, description and customer comments (ticket_events with
-- author_role 'customer'), each normalised by the lexicon's normalise_text macro
-- (aftermath/pipeline/lexicon.py) and joined with '|' so no phrase spans two of them. A phrase (from
-- lexicon_phrases) matches whole words, a `phrase*` any ending of its last word. An occurrence
-- right after a 'before' negation cue, right before an 'after' cue or inside an exclusion does
-- not count ("no refund needed", "not urgent"): those are cut out of the text, and the phrase
-- must still be found in what is left. evidence: the words that matched, sorted, joined with
-- ', ' (for a `phrase*` each spelling found).
-- Speed: only texts that may_hold_signal are normalised at all, and each is scanned once by
-- signal_matches, one pattern of every phrase (the macros are built from the lexicon in
-- aftermath/pipeline/lexicon.py); the negation check runs on matches only, in texts that
-- may_not_count (they hold a negation cue or an exclusion).
-- DuckDB-only: list lambdas and slices, list_reduce (Spark: aggregate).

with

ticket_event_rows as (
    select * from ticket_events
),

ticket_rows as (
    select * from tickets
),

lexicon_exclusion_rows as (
    select * from lexicon_exclusions
),

lexicon_negation_rows as (
    select * from lexicon_negations
),

lexicon_phrase_rows as (
    select * from lexicon_phrases
),

customer_comments as (
    select
        ticket_id,
        string_agg(normalise_text(body), '|' order by created_at) as comments
    from ticket_event_rows
    where author_role = 'customer' and body is not null
    group by ticket_id
),

ticket_texts as (
    select
        ticket_rows.ticket_id,
        concat_ws(
            '|',
            normalise_text(ticket_rows.subject),
            normalise_text(ticket_rows.description),
            customer_comments.comments
        ) as text
    from ticket_rows
    left join customer_comments on customer_comments.ticket_id = ticket_rows.ticket_id
    where
        may_hold_signal(concat_ws(' ', ticket_rows.subject, ticket_rows.description))
        or may_hold_signal(customer_comments.comments)
),

not_counted as (
    -- The negation cues and exclusions as lists, each padded with spaces.
    select
        coalesce(
            list(' ' || cue || ' ') filter (where position = 'before'), cast([] as varchar[])
        ) as before_cues,
        coalesce(
            list(' ' || cue || ' ') filter (where position = 'after'), cast([] as varchar[])
        ) as after_cues,
        (
            select coalesce(list(' ' || phrase || ' '), cast([] as varchar[]))
            from lexicon_exclusion_rows
        ) as exclusions
    from lexicon_negation_rows
),

found_phrases as (
    -- The phrases each text may hold, from one scan of it (signal_matches; a match stands for its
    -- phrase and those it may cover), each then tested exactly: whole words, or for a `phrase*`
    -- the start of its last word.
    select
        ticket_texts.ticket_id,
        ticket_texts.text,
        lexicon_phrase_rows.signal,
        lexicon_phrase_rows.phrase,
        lexicon_phrase_rows.pattern,
        lexicon_phrase_rows.is_prefix,
        ticket_texts.may_not_count
    from (
        select
            ticket_id,
            text,
            unnest(
                list_distinct(
                    flatten(
                        list_transform(
                            signal_matches(text), lambda found: signal_match_phrases(found)
                        )
                    )
                )
            ) as phrase,
            may_not_count(text) as may_not_count
        from ticket_texts
    ) as ticket_texts
    inner join lexicon_phrase_rows on lexicon_phrase_rows.phrase = ticket_texts.phrase
    where contains(ticket_texts.text, lexicon_phrase_rows.pattern)
),

found_words as (
    -- A `phrase*` stands for each of its spellings in the text, checked one by one: the phrase
    -- and the rest of the word after each occurrence.
    select
        ticket_id,
        text,
        signal,
        may_not_count,
        unnest(
            if(
                is_prefix,
                list_distinct(
                    list_transform(
                        string_split(text, pattern)[2:],
                        lambda rest: phrase || split_part(rest, ' ', 1)
                    )
                ),
                [phrase]
            )
        ) as word
    from found_phrases
),

word_masks as (
    -- The texts in which each word found does not count, built once per distinct word.
    select
        found.word,
        list_transform(not_counted.before_cues, lambda cue: cue || found.word || ' ')
        || list_transform(not_counted.after_cues, lambda cue: ' ' || found.word || cue)
        || list_filter(
            not_counted.exclusions, lambda exclusion: contains(exclusion, ' ' || found.word || ' ')
        ) as masks
    from (select distinct word from found_words) as found
    cross join not_counted
),

unmasked as (
    select
        found_words.ticket_id,
        found_words.signal,
        found_words.word,
        case
            when found_words.may_not_count
                then list_reduce(
                    list_filter(word_masks.masks, lambda mask: contains(found_words.text, mask)),
                    lambda acc, mask: replace(acc, mask, ' '),
                    found_words.text
                )
            else found_words.text
        end as unmasked_text
    from found_words
    inner join word_masks on word_masks.word = found_words.word
),

final as (
    select
        ticket_id,
        signal,
        string_agg(distinct word, ', ' order by word) as evidence
    from unmasked
    where contains(unmasked_text, ' ' || word || ' ')
    group by ticket_id, signal
)

select * from final

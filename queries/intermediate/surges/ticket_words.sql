-- Which words each ticket's subject and tags use: what a topic surge is made of.
-- grain:   one row per ticket and word
-- key:     ticket_id, word
-- params:  none
-- columns: ticket_id, hour, account_id, word
-- storage: a temporary table: four surge steps read it
-- Words are runs of letters and digits of the lowercased subject and tags once apostrophes are
-- dropped ("can't" -> "cant"), at least three characters, not a number and not a stop-word; a
-- tag "login-failure" gives "login" and "failure". Words are not stemmed: they are shown as they
-- are (top_terms). Subjects and tags only, never the description: a surge's topic is in what
-- customers put first, and every ticket is read. Words as words_of (queries/macros/words.sql)
-- reads them; DuckDB-only: unnest and list lambdas (Spark: explode and filter).

with

ticket_rows as (
    select * from tickets
),

stop_word_rows as (
    select * from stop_words
),

texts as (
    select
        ticket_id,
        date_trunc('hour', created_at) as hour,
        account_id,
        concat_ws(' ', subject, array_to_string(tags, ' ')) as body
    from ticket_rows
),

tokens as (
    -- Distinct per text: a subject and its tags often repeat a word.
    select
        ticket_id,
        hour,
        account_id,
        unnest(
            list_distinct(
                list_filter(
                    words_of(body),
                    lambda word: length(word) >= 3 and not regexp_full_match(word, '[0-9]+')
                )
            )
        ) as word
    from texts
),

final as (
    select tokens.ticket_id, tokens.hour, tokens.account_id, tokens.word
    from tokens
    left join stop_word_rows on stop_word_rows.word = tokens.word
    where stop_word_rows.word is null
)

select * from final

-- How many tickets used each word in each hour.
-- grain:   one row per word and hour with at least one ticket using it
-- key:     word, hour
-- params:  none
-- columns: word, hour, word_tickets
-- storage: a temporary table
-- The one pass over ticket_words that word baselines and the words' overall shares read; hours
-- without a ticket using the word have no row (read them as 0).

with

ticket_word_rows as (
    select * from ticket_words
),

final as (
    select word, hour, count(*) as word_tickets
    from ticket_word_rows
    group by word, hour
)

select * from final

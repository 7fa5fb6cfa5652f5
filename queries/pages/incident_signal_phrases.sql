-- What did one incident's customers write that shows a signal: which words, on how many tickets?
-- grain:   one row per signal and phrase of the lexicon found in the incident's related tickets
-- params:  $incident_id
-- columns: signal, phrase, tickets, accounts, mrr
-- A ticket's phrases are the evidence of its ticket_signals (the words that matched, each
-- spelling of a `phrase*`). accounts: distinct accounts writing them; mrr: their MRR, each once
-- (empty when none is known). Most tickets first.
-- DuckDB-only: unnest of string_split in a select list.

with

related_ticket_rows as (
    select * from related_tickets
),

ticket_signal_rows as (
    select * from ticket_signals
),

account_rows as (
    select * from accounts
),

related as (
    select ticket_id, account_id
    from related_ticket_rows
    where incident_id = $incident_id and len(signals) > 0
),

phrases as (
    select
        ticket_signal_rows.signal,
        related.ticket_id,
        related.account_id,
        unnest(string_split(ticket_signal_rows.evidence, ', ')) as phrase
    from ticket_signal_rows
    inner join related on related.ticket_id = ticket_signal_rows.ticket_id
),

phrase_accounts as (
    select
        phrases.signal,
        phrases.phrase,
        count(*) as accounts,
        -- Rounded to the cent: a float sum's last digits vary with the threads' order, and the
        -- order of phrases with equal tickets must not.
        round(sum(account_rows.mrr), 2) as mrr
    from (
        select distinct signal, phrase, account_id
        from phrases
        where account_id is not null
    ) as phrases
    left join account_rows on account_rows.account_id = phrases.account_id
    group by phrases.signal, phrases.phrase
),

final as (
    select
        phrases.signal,
        phrases.phrase,
        count(distinct phrases.ticket_id) as tickets,
        coalesce(any_value(phrase_accounts.accounts), 0) as accounts,
        any_value(phrase_accounts.mrr) as mrr
    from phrases
    left join phrase_accounts
        on phrase_accounts.signal = phrases.signal and phrase_accounts.phrase = phrases.phrase
    group by phrases.signal, phrases.phrase
    order by phrases.signal, tickets desc, mrr desc nulls last, phrases.phrase
)

select * from final

-- Which short sentences of one incident's customers show each signal, in their own words.
-- grain:   one row per signal shown by a related ticket and candidate quote (best 5 per signal)
-- params:  $incident_id
-- columns: signal, quote_rank, ticket_id, created_at, quote, evidence
-- Sentences come from the subject, description and customer comments of related tickets, split
-- after . ! ? and at line breaks; a sentence shows a signal when its normalised text holds one of
-- the ticket's evidence words for it. Candidates per signal, best first (quote_rank 1): a
-- sentence of 20 to 160 characters before others, a linked ticket before a suggested one, then the
-- earliest; one per ticket, so a reader can pick quotes from different customers. quote is raw
-- customer text: whoever shows it escapes it. DuckDB-only: regexp_extract_all, unnest.

with

related_ticket_rows as (
    select * from related_tickets
),

ticket_rows as (
    select * from tickets
),

ticket_event_rows as (
    select * from ticket_events
),

ticket_signal_rows as (
    select * from ticket_signals
),

related as (
    -- Only tickets that show a signal can give a quote (related_tickets carries their signals).
    select ticket_id, created_at, link
    from related_ticket_rows
    where incident_id = $incident_id and len(signals) > 0
),

related_span as (
    -- Tickets are mostly stored in time order: a time range lets DuckDB skip the rest.
    select min(created_at) as first_at, max(created_at) as last_at
    from related
),

related_texts as (
    select related.ticket_id, ticket_rows.subject, ticket_rows.description
    from related
    inner join ticket_rows on ticket_rows.ticket_id = related.ticket_id
    cross join related_span
    where ticket_rows.created_at between related_span.first_at and related_span.last_at
),

texts as (
    select ticket_id, 1 as source_order, subject as body
    from related_texts
    union all
    select ticket_id, 2, description
    from related_texts
    union all
    select related.ticket_id, 3, ticket_event_rows.body
    from related
    inner join ticket_event_rows on ticket_event_rows.ticket_id = related.ticket_id
    where ticket_event_rows.author_role = 'customer'
),

sentences as (
    select
        ticket_id,
        source_order,
        trim(unnest(regexp_extract_all(body, '[^.!?\n\r]+[.!?]*'))) as sentence
    from texts
    where body is not null
),

evidence_words as (
    select
        ticket_signal_rows.ticket_id,
        ticket_signal_rows.signal,
        ticket_signal_rows.evidence,
        unnest(string_split(ticket_signal_rows.evidence, ', ')) as word
    from ticket_signal_rows
    inner join related on related.ticket_id = ticket_signal_rows.ticket_id
),

showing as (
    select distinct
        evidence_words.signal,
        evidence_words.ticket_id,
        evidence_words.evidence,
        sentences.source_order,
        sentences.sentence
    from evidence_words
    inner join sentences on sentences.ticket_id = evidence_words.ticket_id
    where contains(normalise_text(sentences.sentence), ' ' || evidence_words.word || ' ')
),

ranked as (
    select
        showing.signal,
        showing.ticket_id,
        related.created_at,
        showing.sentence as quote,
        showing.evidence,
        row_number() over (
            partition by showing.signal, showing.ticket_id
            order by
                length(showing.sentence) between 20 and 160 desc,
                showing.source_order,
                showing.sentence
        ) as ticket_rank,
        length(showing.sentence) between 20 and 160 as is_quotable_length,
        related.link = 'linked' as is_linked
    from showing
    inner join related on related.ticket_id = showing.ticket_id
),

final as (
    select
        signal,
        row_number() over (
            partition by signal
            order by is_quotable_length desc, is_linked desc, created_at, ticket_id
        ) as quote_rank,
        ticket_id,
        created_at,
        quote,
        evidence
    from ranked
    where ticket_rank = 1
    qualify quote_rank <= 5
    order by signal, quote_rank
)

select * from final

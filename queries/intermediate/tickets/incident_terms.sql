-- Which terms can tie an unlinked ticket to each incident, and how common each is normally.
-- grain:   one row per incident and term
-- key:     incident_id, kind, term
-- params:  $vocabulary_min_tickets, $vocabulary_min_lift
-- columns: incident_id, kind, term, word, background_pct
-- kind: 'service' (a word of its services), 'title' (a title word that is not a service word) or
-- 'vocabulary': a word of its linked tickets (suspect links aside) that is in at least
-- `vocabulary_min_tickets` of them and whose share of them is at least `vocabulary_min_lift` times
-- its share of background tickets (text_terms), and that is neither a title nor a service word. background_pct: the share of
-- background tickets using the term (0 when there are none). The `rules` were tuned on the demo
-- data against its known links.

with

text_term_rows as not materialized (
    select * from text_terms
),

ticket_link_rows as not materialized (
    select * from ticket_links
),

rules as (
    select
        $vocabulary_min_tickets::integer as vocabulary_min_tickets,
        $vocabulary_min_lift::double as vocabulary_min_lift
),

background_size as (
    select count(distinct source_id) as tickets
    from text_term_rows
    where source = 'background_ticket'
),

background_terms as (
    select
        text_term_rows.term,
        100.0 * count(distinct text_term_rows.source_id) / background_size.tickets as background_pct
    from text_term_rows
    cross join background_size
    where text_term_rows.source = 'background_ticket'
    group by text_term_rows.term, background_size.tickets
),

own_terms as (
    select
        source_id as incident_id,
        case field when 'services' then 'service' else 'title' end as kind,
        term,
        word
    from text_term_rows
    where source = 'incident'
),

service_terms as (
    select distinct incident_id, term
    from own_terms
    where kind = 'service'
),

main_terms as (
    -- a title word that is also a service word counts once, as the service
    select own_terms.incident_id, own_terms.kind, own_terms.term, min(own_terms.word) as word
    from own_terms
    left join service_terms
        on
            own_terms.kind = 'title'
            and service_terms.incident_id = own_terms.incident_id
            and service_terms.term = own_terms.term
    where service_terms.term is null
    group by own_terms.incident_id, own_terms.kind, own_terms.term
),

linked_counts as (
    select incident_id, count(*) as linked_tickets
    from ticket_link_rows
    where not is_suspect
    group by incident_id
),

linked_words as (
    select
        ticket_link_rows.incident_id,
        text_term_rows.term,
        min(text_term_rows.word) as word,
        count(distinct ticket_link_rows.ticket_id) as tickets,
        100.0 * count(distinct ticket_link_rows.ticket_id) / min(linked_counts.linked_tickets)
        as linked_pct
    from ticket_link_rows
    inner join linked_counts on linked_counts.incident_id = ticket_link_rows.incident_id
    inner join text_term_rows
        on
            text_term_rows.source = 'linked_ticket'
            and text_term_rows.source_id = ticket_link_rows.ticket_id
    where not ticket_link_rows.is_suspect
    group by ticket_link_rows.incident_id, text_term_rows.term
),

vocabulary as (
    select
        linked_words.incident_id,
        'vocabulary' as kind,
        linked_words.term,
        linked_words.word
    from linked_words
    cross join rules
    left join background_terms on background_terms.term = linked_words.term
    left join own_terms
        on own_terms.incident_id = linked_words.incident_id and own_terms.term = linked_words.term
    where
        own_terms.term is null
        and linked_words.tickets >= rules.vocabulary_min_tickets
        and linked_words.linked_pct
        >= rules.vocabulary_min_lift * coalesce(background_terms.background_pct, 0)
),

final as (
    select
        all_terms.incident_id,
        all_terms.kind,
        all_terms.term,
        all_terms.word,
        coalesce(background_terms.background_pct, 0) as background_pct
    from (
        select incident_id, kind, term, word from main_terms
        union all
        select incident_id, kind, term, word from vocabulary
    ) as all_terms
    left join background_terms on background_terms.term = all_terms.term
)

select * from final

-- Which unlinked tickets each incident's terms would suggest, and the words that tie them to it.
-- grain:   one row per incident and ticket its terms suggest
-- key:     incident_id, ticket_id
-- params:  $distinctive_max_background_pct, $min_shared_words, $large_help_desk_daily_tickets, $pass_first, $pass_last
-- columns: incident_id, ticket_id, account_id, created_at, reason, is_large_help_desk
-- storage: a temporary table
-- passes:  500 values of suggestion_passes.incident_index at a time (the distinct counts of
--          every incident and candidate ticket at once ran out of 8GB at benchmark scale 3)
-- A candidate's surging terms (surging_ticket_terms) suggest it when they hold one of the
-- incident's services; or one distinctive title word (used by under
-- $distinctive_max_background_pct % of background tickets); or $min_shared_words title and
-- linked-ticket words together. At a large help desk ($large_help_desk_daily_tickets tickets a
-- day or more, over the days its tickets span) a service word or one title word alone is in the
-- everyday trickle and would suggest every ordinary ticket about the service in a surge hour
-- (precision 0.11 at benchmark scale 0.1; 0.83 with this rule, benchmarks/RESULTS.md): there a
-- service word needs a word of the linked tickets or a distinctive title word beside it, and
-- without one a distinctive title word needs a linked-ticket word. Tuned on the demo data and
-- the benchmark's known links.
-- reason: the services and the fields they were found in, then the title words, then the
-- words of linked tickets, as a person reads them.
-- is_large_help_desk: the help desk is large, for suggested_tickets' choice of one incident.

with

ticket_rows as (
    select * from tickets
),

suggestion_pass_rows as (
    select * from suggestion_passes
),

surging_ticket_term_rows as (
    select * from surging_ticket_terms
),

candidate_term_hit_rows as (
    select * from candidate_term_hits
),

incident_term_rows as (
    select * from incident_terms
),

suggestion_candidate_rows as (
    select * from suggestion_candidates
),

pass_terms as (
    select surging_ticket_term_rows.*
    from surging_ticket_term_rows
    inner join suggestion_pass_rows
        on suggestion_pass_rows.incident_id = surging_ticket_term_rows.incident_id
    where suggestion_pass_rows.incident_index between $pass_first and $pass_last
),

help_desk as (
    select
        count(*) / (date_diff('day', min(created_at), max(created_at)) + 1)
        >= $large_help_desk_daily_tickets as is_large
    from ticket_rows
),

matches as (
    select
        incident_term_rows.incident_id,
        candidate_term_hit_rows.ticket_id,
        incident_term_rows.kind,
        incident_term_rows.term,
        incident_term_rows.word as incident_word,
        incident_term_rows.background_pct,
        candidate_term_hit_rows.field,
        candidate_term_hit_rows.word as ticket_word
    from pass_terms
    inner join candidate_term_hit_rows
        on
            candidate_term_hit_rows.ticket_id = pass_terms.ticket_id
            and candidate_term_hit_rows.term = pass_terms.term
    inner join incident_term_rows
        on
            incident_term_rows.incident_id = pass_terms.incident_id
            and incident_term_rows.term = pass_terms.term
),

service_reasons as (
    select
        incident_id,
        ticket_id,
        'service ''' || incident_word || ''' in ' || string_agg(distinct field, ', ' order by field)
        as reason
    from matches
    where kind = 'service'
    group by incident_id, ticket_id, incident_word
),

service_reason_lists as (
    select incident_id, ticket_id, string_agg(reason, '; ' order by reason) as service_reason
    from service_reasons
    group by incident_id, ticket_id
),

scored as (
    select
        incident_id,
        ticket_id,
        count(distinct term) filter (where kind = 'service') as service_terms,
        count(distinct term) filter (where kind = 'title') as title_terms,
        count(distinct term) filter (
            where kind = 'title' and background_pct < $distinctive_max_background_pct
        ) as distinctive_title_terms,
        count(distinct term) filter (where kind = 'vocabulary') as vocabulary_terms,
        string_agg(distinct incident_word, ', ' order by incident_word) filter (
            where kind = 'title'
        ) as title_words,
        string_agg(distinct ticket_word, ', ' order by ticket_word) filter (
            where kind = 'vocabulary'
        ) as vocabulary_words
    from matches
    group by incident_id, ticket_id
),

final as (
    select
        scored.incident_id,
        scored.ticket_id,
        suggestion_candidate_rows.account_id,
        suggestion_candidate_rows.created_at,
        concat_ws(
            '; ',
            service_reason_lists.service_reason,
            'title words: ' || scored.title_words,
            'words of linked tickets: ' || scored.vocabulary_words
        ) as reason,
        help_desk.is_large as is_large_help_desk
    from scored
    inner join suggestion_candidate_rows
        on suggestion_candidate_rows.ticket_id = scored.ticket_id
    left join service_reason_lists
        on
            service_reason_lists.incident_id = scored.incident_id
            and service_reason_lists.ticket_id = scored.ticket_id
    cross join help_desk
    where
        (
            not help_desk.is_large
            and (
                scored.service_terms >= 1
                or scored.distinctive_title_terms >= 1
                or scored.title_terms + scored.vocabulary_terms >= $min_shared_words
            )
        )
        or (
            help_desk.is_large
            and (
                (
                    scored.service_terms >= 1
                    and (scored.vocabulary_terms >= 1 or scored.distinctive_title_terms >= 1)
                )
                or (scored.distinctive_title_terms >= 1 and scored.vocabulary_terms >= 1)
            )
        )
)

select * from final

-- Which unlinked tickets each incident's own evidence would suggest, and how well each fits it.
-- grain:   one row per incident and ticket its terms suggest
-- key:     incident_id, ticket_id
-- params:  $suggest_max_chance_pct, $suggest_near_max_chance_pct, $impact_gap_minutes, $distinctive_max_background_pct, $everyday_min_background_pct, $min_shared_words, $pass_first, $pass_last
-- columns: incident_id, ticket_id, account_id, created_at, reason, specific_terms, evidence_terms
-- storage: a temporary table
-- passes:  500 values of suggestion_passes.incident_index at a time (the distinct counts of
--          every incident and candidate ticket at once ran out of 8GB at benchmark scale 3)
-- Evidence is the incident's terms a candidate uses in an hour they rise (surging_ticket_terms)
-- when, together, they stand out from the everyday stream: the chance that ordinary tickets bring
-- as many of each by themselves, the product of their chances, is at most
-- $suggest_near_max_chance_pct % for a ticket written from the window's opening to
-- $impact_gap_minutes after the incident ended (when customers write about it most), and
-- $suggest_max_chance_pct % later (each of the window's 72 hours is tested, hence smaller). One
-- word no ordinary ticket uses stands out alone; two or three words each in a few % of ordinary
-- tickets together, near the incident; three tickets with a word in 4 % of ordinary ones, in a
-- night hour where 0.29 is usual, do not, two days later (0.29^3 / 3! = 0.4 %). An everyday
-- term, used by $everyday_min_background_pct % of background tickets or more (a product-area tag,
-- a common word), is never enough on its own, at any help desk size: in an incident's hour it
-- stands out, and every ordinary ticket tagged with it would follow. A ticket is suggested on
-- one service word that is not everyday, on one distinctive title word (used by under
-- $distinctive_max_background_pct % of background tickets), or on $min_shared_words evidence
-- terms of which one is distinctive (a word of the linked tickets alone is too thin; an
-- everyday tag and a common title word together too common).
-- reason: the services and the fields they were found in, then the title words, then the
-- words of linked tickets, as a person reads them.
-- specific_terms (evidence terms that are not everyday), evidence_terms: how well the ticket fits
-- the incident, for suggestion_choices to pick among overlapping incidents.

with

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

suggestion_candidate_rows as not materialized (
    select * from suggestion_candidates
),

incident_window_rows as (
    select * from incident_windows
),

pass_rising_terms as (
    select surging_ticket_term_rows.*
    from surging_ticket_term_rows
    inner join suggestion_pass_rows
        on suggestion_pass_rows.incident_id = surging_ticket_term_rows.incident_id
    where suggestion_pass_rows.incident_index between $pass_first and $pass_last
),

standing_out as (
    select pass_rising_terms.incident_id, pass_rising_terms.ticket_id
    from pass_rising_terms
    inner join incident_window_rows
        on incident_window_rows.incident_id = pass_rising_terms.incident_id
    inner join suggestion_candidate_rows
        on suggestion_candidate_rows.ticket_id = pass_rising_terms.ticket_id
    group by pass_rising_terms.incident_id, pass_rising_terms.ticket_id
    having
        sum(pass_rising_terms.ln_chance)
        <= ln(
            case
                when
                    min(suggestion_candidate_rows.created_at)
                    <= min(incident_window_rows.ended_at)
                    + $impact_gap_minutes * interval '1 minute'
                    then $suggest_near_max_chance_pct
                else $suggest_max_chance_pct
            end / 100.0
        )
),

pass_terms as (
    select pass_rising_terms.incident_id, pass_rising_terms.ticket_id, pass_rising_terms.term
    from pass_rising_terms
    inner join standing_out
        on
            standing_out.incident_id = pass_rising_terms.incident_id
            and standing_out.ticket_id = pass_rising_terms.ticket_id
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
        count(distinct term) as evidence_terms,
        count(distinct term) filter (
            where background_pct < $everyday_min_background_pct
        ) as specific_terms,
        count(distinct term) filter (
            where background_pct < $distinctive_max_background_pct
        ) as distinctive_terms,
        count(distinct term) filter (
            where
                (kind = 'service' and background_pct < $everyday_min_background_pct)
                or (kind = 'title' and background_pct < $distinctive_max_background_pct)
        ) as sufficient_terms,
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
        scored.specific_terms,
        scored.evidence_terms
    from scored
    inner join suggestion_candidate_rows
        on suggestion_candidate_rows.ticket_id = scored.ticket_id
    left join service_reason_lists
        on
            service_reason_lists.incident_id = scored.incident_id
            and service_reason_lists.ticket_id = scored.ticket_id
    where
        scored.sufficient_terms >= 1
        or (scored.evidence_terms >= $min_shared_words and scored.distinctive_terms >= 1)
)

select * from final

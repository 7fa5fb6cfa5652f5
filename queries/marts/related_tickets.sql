-- Which tickets belong to each incident: linked in the help desk, or suggested for CS to review.
-- grain:   one row per incident and related ticket
-- key:     incident_id, ticket_id
-- params:  $distinctive_max_background_pct, $min_shared_words, $suggest_min_lift, $baseline_weeks
-- columns: incident_id, ticket_id, account_id, created_at, link, reason, signals
-- Linked: see ticket_links. Suggested: a ticket linked to no incident, created inside the
-- incident's suggestion window, that shares terms (incident_terms) with the incident: one of its
-- services; or one distinctive title word (used by under `distinctive_max_background_pct` % of
-- background tickets); or `min_shared_words` title and linked-ticket words together. The
-- `rules` (settings) were tuned on the demo data against its known links. A ticket may relate to several
-- overlapping incidents.
-- Only surges count: a term matches a ticket only when, in the hour the ticket was created, more
-- unlinked tickets use the term than `suggest_min_lift` times its usual hourly count, the median
-- day (days without one count as 0) of the `baseline_weeks` weeks before the window, / 24. A
-- term no ordinary ticket uses has a usual count of 0, so one ticket is a surge; at thousands of
-- tickets a day a service word surges in the incident's hours and not in the days after.
-- Unlinked tickets created on a day of some window or of its baseline weeks are tokenized as in
-- text_terms (first 2000 characters of a description), and a token matches a term when it is one of the term's
-- forms: the term, or the term + e, or with its last letter doubled (+ e), each bare or + s, es,
-- d, ed, ing or ings (a term ending in y also + ies). This inverts text_terms' stemmer (checked on
-- 16,288 words of real exports: all but 5 are a form of their own term), so only the few
-- forms of incident terms are kept from the many tokens. Tickets meet windows by an
-- equality join on term and day (suggestion_window_days), then the exact window filter; no range
-- join on raw ticket rows. signals: the ticket's signals (ticket_signals), sorted; [] for none.
-- DuckDB-only: regexp_extract_all with unnest.

with

rules as (
    select
        $distinctive_max_background_pct::double as distinctive_max_background_pct,
        $min_shared_words::integer as min_shared_words,
        $suggest_min_lift::double as suggest_min_lift,
        7 * $baseline_weeks::integer as baseline_days
),

linked as (
    select
        ticket_links.incident_id,
        tickets.ticket_id,
        tickets.account_id,
        tickets.created_at,
        'linked' as link,
        case ticket_links.via
            when 'incident' then 'linked in the help desk'
            else 'linked to postmortem ' || tickets.incident_id
        end as reason
    from ticket_links
    inner join tickets on tickets.ticket_id = ticket_links.ticket_id
),

baseline_days as (
    -- Each incident's baseline: the days before the day its suggestion window opens.
    select
        incident_windows.incident_id,
        cast(
            unnest(
                generate_series(
                    cast(incident_windows.suggest_from as date) - rules.baseline_days,
                    cast(incident_windows.suggest_from as date) - 1,
                    interval '1 day'
                )
            ) as date
        ) as day
    from incident_windows
    cross join rules
),

counted_tickets as (
    select
        tickets.ticket_id,
        tickets.account_id,
        tickets.created_at,
        date_trunc('day', tickets.created_at) as created_day
    from tickets
    left join ticket_links on ticket_links.ticket_id = tickets.ticket_id
    where
        ticket_links.ticket_id is null
        and (
            date_trunc('day', tickets.created_at) in (select day from suggestion_window_days)
            or cast(tickets.created_at as date) in (select day from baseline_days)
        )
),

texts as (
    select tickets.ticket_id, 'subject' as field, tickets.subject as body
    from counted_tickets
    inner join tickets on tickets.ticket_id = counted_tickets.ticket_id
    union all
    select tickets.ticket_id, 'description', left(tickets.description, 2000)
    from counted_tickets
    inner join tickets on tickets.ticket_id = counted_tickets.ticket_id
    union all
    select tickets.ticket_id, 'tags', array_to_string(tickets.tags, ' ')
    from counted_tickets
    inner join tickets on tickets.ticket_id = counted_tickets.ticket_id
),

tokens as (
    select
        ticket_id,
        field,
        unnest(
            regexp_extract_all(
                replace(replace(lower(body), '''', ''), '’', ''), '[\p{L}\p{N}]+'
            )
        ) as word
    from texts
    where body is not null
),

terms as (
    select distinct term
    from incident_terms
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

term_forms as (
    select distinct term_bases.term, term_bases.base || endings.ending as form
    from term_bases
    cross join (values (''), ('s'), ('es'), ('d'), ('ed'), ('ing'), ('ings')) as endings (ending)
    left join stop_words on stop_words.word = term_bases.base || endings.ending
    where stop_words.word is null
),

hits as (
    select distinct tokens.ticket_id, tokens.field, term_forms.term, tokens.word
    from tokens
    inner join term_forms on term_forms.form = tokens.word
),

ticket_terms as materialized (
    -- Each unlinked ticket and term it uses, once.
    select distinct
        hits.ticket_id,
        hits.term,
        counted_tickets.created_at,
        counted_tickets.created_day
    from hits
    inner join counted_tickets on counted_tickets.ticket_id = hits.ticket_id
),

term_hours as (
    -- How many unlinked tickets use each term, hour by hour.
    select term, date_trunc('hour', created_at) as hour, count(*) as tickets
    from ticket_terms
    group by term, date_trunc('hour', created_at)
),

term_days as (
    select term, cast(hour as date) as day, sum(tickets) as tickets
    from term_hours
    group by term, cast(hour as date)
),

usual_rates as (
    -- Per incident and term: the median baseline day's tickets using the term, per hour.
    select
        baseline_days.incident_id,
        incident_term_list.term,
        median(coalesce(term_days.tickets, 0)) / 24.0 as usual_hourly
    from (select distinct incident_id, term from incident_terms) as incident_term_list
    inner join baseline_days on baseline_days.incident_id = incident_term_list.incident_id
    left join term_days
        on term_days.term = incident_term_list.term and term_days.day = baseline_days.day
    group by baseline_days.incident_id, incident_term_list.term
),

window_terms as materialized (
    -- Each incident's terms on each day of its window: tickets meet them by day and term.
    select distinct
        suggestion_window_days.incident_id,
        suggestion_window_days.day,
        suggestion_window_days.suggest_from,
        suggestion_window_days.suggest_until,
        incident_terms.term
    from suggestion_window_days
    inner join incident_terms on incident_terms.incident_id = suggestion_window_days.incident_id
),

surging as materialized (
    -- The (incident, ticket, term) pairs inside the window, in an hour the term surges.
    select window_terms.incident_id, ticket_terms.ticket_id, ticket_terms.term
    from ticket_terms
    inner join window_terms
        on
            window_terms.day = ticket_terms.created_day
            and window_terms.term = ticket_terms.term
    inner join term_hours
        on
            term_hours.term = ticket_terms.term
            and term_hours.hour = date_trunc('hour', ticket_terms.created_at)
    inner join usual_rates
        on
            usual_rates.incident_id = window_terms.incident_id
            and usual_rates.term = window_terms.term
    cross join rules
    where
        ticket_terms.created_at between window_terms.suggest_from and window_terms.suggest_until
        and term_hours.tickets > rules.suggest_min_lift * usual_rates.usual_hourly
),

matches as (
    select
        incident_terms.incident_id,
        hits.ticket_id,
        incident_terms.kind,
        incident_terms.term,
        incident_terms.word as incident_word,
        incident_terms.background_pct,
        hits.field,
        hits.word as ticket_word
    from surging
    inner join hits on hits.ticket_id = surging.ticket_id and hits.term = surging.term
    inner join incident_terms
        on
            incident_terms.incident_id = surging.incident_id
            and incident_terms.term = surging.term
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
            where
                kind = 'title'
                and background_pct < (select distinctive_max_background_pct from rules)
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

suggested as (
    select
        scored.incident_id,
        scored.ticket_id,
        counted_tickets.account_id,
        counted_tickets.created_at,
        'suggested' as link,
        concat_ws(
            '; ',
            service_reason_lists.service_reason,
            'title words: ' || scored.title_words,
            'words of linked tickets: ' || scored.vocabulary_words
        ) as reason
    from scored
    inner join counted_tickets on counted_tickets.ticket_id = scored.ticket_id
    left join service_reason_lists
        on
            service_reason_lists.incident_id = scored.incident_id
            and service_reason_lists.ticket_id = scored.ticket_id
    cross join rules
    where
        scored.service_terms >= 1
        or scored.distinctive_title_terms >= 1
        or scored.title_terms + scored.vocabulary_terms >= rules.min_shared_words
),

signal_lists as (
    select ticket_id, array_agg(distinct signal order by signal) as signals
    from ticket_signals
    group by ticket_id
),

final as (
    select
        related.incident_id,
        related.ticket_id,
        related.account_id,
        related.created_at,
        related.link,
        related.reason,
        coalesce(signal_lists.signals, cast([] as varchar[])) as signals
    from (
        select incident_id, ticket_id, account_id, created_at, link, reason
        from linked
        union all
        select incident_id, ticket_id, account_id, created_at, link, reason
        from suggested
    ) as related
    left join signal_lists on signal_lists.ticket_id = related.ticket_id
    -- Stored by incident: a page reading one incident's rows then skips the other row groups.
    order by related.incident_id, related.created_at
)

select * from final

-- Which incident terms each candidate ticket uses in its window, in an hour they rise, how unusually?
-- grain:   one row per incident, candidate ticket and term
-- key:     incident_id, ticket_id, term
-- params:  $suggest_min_lift
-- columns: incident_id, ticket_id, term, ln_chance
-- A term counts only in an hour when the tickets using it (linked or not) are more than
-- $suggest_min_lift x its usual count u for that hour of the week. ln_chance says how unusual
-- they are: the ln of the chance that the ordinary stream alone brings c or more, counts arriving
-- at random around u, at most u^c / c! (the Poisson tail's bound; -1000 for u 0: a word no
-- ordinary ticket uses). suggestion_scores adds a ticket's terms up. u is the larger of the
-- term's own baseline, the median of its counts over the hour's baseline_hours (the same hour of
-- the week in the weeks before, incidents left out, as surges take it), and the ordinary stream's
-- share of the hour: the mean of the hour's tickets over those past hours x the share of
-- background tickets using the term. The share keeps a word that most weeks miss in that hour (a
-- median of 0) from standing out by one ticket; the mean keeps a night hour's usual volume from
-- being 0. The same rule at any volume. Worked example: u 1 and c 7 give 1 / 7! = 0.02 %
-- (ln -8.5); u 0.05 and c 1, 5 % (ln -3.0); u 6 and c 26, 6^26 / 26! (ln -14.7). ln c! is
-- Stirling's c ln c - c + ln(2 pi c) / 2 + 1 / 12c. Tickets meet windows by an equality join on
-- term and day (suggestion_window_days), then the exact window filter (both edges included).

with

candidate_term_hit_rows as (
    select * from candidate_term_hits
),

incident_term_rows as not materialized (
    select * from incident_terms
),

suggestion_window_day_rows as (
    select * from suggestion_window_days
),

tickets_hourly_rows as (
    select * from tickets_hourly
),

baseline_hour_rows as not materialized (
    select * from baseline_hours
),

text_term_rows as not materialized (
    select * from text_terms
),

ticket_link_rows as (
    select * from ticket_links
),

ticket_rows as not materialized (
    select * from tickets
),

rules as (
    select $suggest_min_lift::double as min_lift
),

ticket_terms as materialized (
    select distinct
        ticket_id,
        term,
        created_at,
        created_day,
        date_trunc('hour', created_at) as hour
    from candidate_term_hit_rows
),

linked_ticket_terms as (
    -- Linked tickets are in the stream too: an incident's own hour counts them.
    select distinct
        text_term_rows.source_id as ticket_id,
        text_term_rows.term,
        date_trunc('hour', ticket_rows.created_at) as hour
    from text_term_rows
    inner join ticket_link_rows on ticket_link_rows.ticket_id = text_term_rows.source_id
    inner join ticket_rows on ticket_rows.ticket_id = text_term_rows.source_id
    where
        text_term_rows.source = 'linked_ticket'
        and text_term_rows.term in (select term from incident_term_rows)
),

term_hours as materialized (
    -- How many tickets, linked or not, use each term, hour by hour.
    select term, hour, count(*) as tickets
    from (
        select ticket_id, term, hour from ticket_terms
        union all
        select ticket_id, term, hour from linked_ticket_terms
    ) as term_tickets
    group by term, hour
),

window_terms as (
    select distinct
        suggestion_window_day_rows.incident_id,
        suggestion_window_day_rows.day,
        suggestion_window_day_rows.suggest_from,
        suggestion_window_day_rows.suggest_until,
        incident_term_rows.term,
        incident_term_rows.background_pct
    from suggestion_window_day_rows
    inner join incident_term_rows
        on incident_term_rows.incident_id = suggestion_window_day_rows.incident_id
),

window_hits as materialized (
    select
        window_terms.incident_id,
        ticket_terms.ticket_id,
        ticket_terms.term,
        ticket_terms.hour,
        window_terms.background_pct
    from ticket_terms
    inner join window_terms
        on
            window_terms.day = ticket_terms.created_day
            and window_terms.term = ticket_terms.term
    where ticket_terms.created_at between window_terms.suggest_from and window_terms.suggest_until
),

judged_hours as (
    -- background_pct is the term's own (incident_terms), so one row per term and hour
    select distinct term, hour, background_pct
    from window_hits
),

past_counts as (
    select
        judged_hours.term,
        judged_hours.hour,
        coalesce(term_hours.tickets, 0) as past_tickets
    from judged_hours
    inner join baseline_hour_rows on baseline_hour_rows.hour = judged_hours.hour
    left join term_hours
        on
            term_hours.term = judged_hours.term
            and term_hours.hour = baseline_hour_rows.past_hour
),

past_medians as (
    select
        term,
        hour,
        percentile_cont(0.5) within group (order by past_tickets) as median_tickets
    from past_counts
    group by term, hour
),

past_volumes as (
    -- The mean of all tickets in the hour's past hours (hours without a ticket count as 0).
    select
        hours.hour,
        avg(coalesce(tickets_hourly_rows.all_tickets, 0)) as mean_tickets
    from (select distinct hour from judged_hours) as hours
    inner join baseline_hour_rows on baseline_hour_rows.hour = hours.hour
    left join tickets_hourly_rows on tickets_hourly_rows.hour = baseline_hour_rows.past_hour
    group by hours.hour
),

usual_counts as (
    select
        judged_hours.term,
        judged_hours.hour,
        greatest(
            coalesce(past_medians.median_tickets, 0),
            coalesce(past_volumes.mean_tickets, 0) * judged_hours.background_pct / 100.0
        ) as usual_tickets
    from judged_hours
    left join past_medians
        on past_medians.term = judged_hours.term and past_medians.hour = judged_hours.hour
    left join past_volumes on past_volumes.hour = judged_hours.hour
),

above_usual as (
    -- ln of u^c / c!, capped at 0 (a chance is at most 1); -1000 when u is 0 (no chance at all)
    select
        usual_counts.term,
        usual_counts.hour,
        case
            when usual_counts.usual_tickets = 0 then -1000.0
            else least(
                0.0,
                term_hours.tickets * ln(usual_counts.usual_tickets)
                - (
                    term_hours.tickets * ln(term_hours.tickets)
                    - term_hours.tickets
                    + ln(2 * pi() * term_hours.tickets) / 2
                    + 1 / (12.0 * term_hours.tickets)
                )
            )
        end as ln_chance
    from usual_counts
    inner join term_hours
        on term_hours.term = usual_counts.term and term_hours.hour = usual_counts.hour
    cross join rules
    where term_hours.tickets > rules.min_lift * usual_counts.usual_tickets
),

final as (
    select window_hits.incident_id, window_hits.ticket_id, window_hits.term, above_usual.ln_chance
    from window_hits
    inner join above_usual
        on above_usual.term = window_hits.term and above_usual.hour = window_hits.hour
)

select * from final

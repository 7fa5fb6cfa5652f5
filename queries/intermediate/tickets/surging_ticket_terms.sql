-- Which candidate tickets use an incident's term inside its window, in an hour the term stands out?
-- grain:   one row per incident, candidate ticket and term
-- key:     incident_id, ticket_id, term
-- params:  $suggest_min_lift, $suggest_min_spread
-- columns: incident_id, ticket_id, term
-- A term is evidence only in an hour when the candidate tickets using it stand out from its usual
-- count for that hour of the week: more than $suggest_min_lift times it, and more than
-- $suggest_min_spread times its square root above it (the spread of counts arriving at random).
-- The usual count u is the larger of the term's own baseline, the median of its counts over the
-- hour's baseline_hours (the same hour of the week in the weeks before, incidents left out, as
-- surges take it), and the ordinary stream's share of it: the hour's baseline tickets
-- (hourly_baselines) x the share of background tickets using the term. The share keeps a word
-- most weeks miss in that hour from standing out by one ticket: at 200 tickets a day a word in
-- 2 % of them is usually in 0 tickets of a 10:00 hour, and the share says 0.3. The same rule at
-- any volume: at 5,000 tickets a day a tag in a tenth of them (u 35 at 10:00) needs 106 tickets
-- in the hour with the defaults; a word ordinary tickets never use (u 0) stands out with one.
-- Worked example (defaults 3 and 2): u 1 needs 4 (more than 3 and 1 + 2); u 0.25 needs 2 (more
-- than 0.75 and 1.25); u 0 needs 1. Tickets meet windows by an equality join on term and day
-- (suggestion_window_days), then the exact window filter (both edges included).

with

candidate_term_hit_rows as (
    select * from candidate_term_hits
),

incident_term_rows as (
    select * from incident_terms
),

suggestion_window_day_rows as (
    select * from suggestion_window_days
),

hourly_baseline_rows as (
    select * from hourly_baselines
),

baseline_hour_rows as (
    select * from baseline_hours
),

rules as (
    select
        $suggest_min_lift::double as min_lift,
        $suggest_min_spread::double as min_spread
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

term_hours as materialized (
    -- How many candidate tickets use each term, hour by hour.
    select term, hour, count(*) as tickets
    from ticket_terms
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

usual_counts as (
    select
        judged_hours.term,
        judged_hours.hour,
        greatest(
            coalesce(past_medians.median_tickets, 0),
            coalesce(hourly_baseline_rows.baseline_tickets, 0) * judged_hours.background_pct / 100.0
        ) as usual_tickets
    from judged_hours
    left join past_medians
        on past_medians.term = judged_hours.term and past_medians.hour = judged_hours.hour
    left join hourly_baseline_rows on hourly_baseline_rows.hour = judged_hours.hour
),

standing_out as (
    select usual_counts.term, usual_counts.hour
    from usual_counts
    inner join term_hours
        on term_hours.term = usual_counts.term and term_hours.hour = usual_counts.hour
    cross join rules
    where
        term_hours.tickets > rules.min_lift * usual_counts.usual_tickets
        and term_hours.tickets
        > usual_counts.usual_tickets + rules.min_spread * sqrt(usual_counts.usual_tickets)
),

final as (
    select window_hits.incident_id, window_hits.ticket_id, window_hits.term
    from window_hits
    inner join standing_out
        on standing_out.term = window_hits.term and standing_out.hour = window_hits.hour
)

select * from final

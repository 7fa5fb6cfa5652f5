-- When did customers write in far above the usual level, and was an incident declared for it?
-- grain:   one row per surge (a run of surging hours)
-- key:     surge_id
-- params:  $surge_term_min_lift
-- columns: surge_id, started_at, ended_at, surge_kind, surging_hours, tickets, baseline_tickets,
--          excess_tickets, accounts, mrr, top_terms, incident_id, peak_at, peak_tickets,
--          peak_baseline_tickets, peak_ratio, customer_hours
-- Hours and their tests are surge_hours', runs surge_runs'. surge_kind: 'volume' when an hour of
-- it surged in all tickets, 'topic' when only words did. tickets and baseline_tickets are summed
-- over the surging hours; excess_tickets = tickets - baseline_tickets. accounts: distinct accounts
-- among surge_tickets; mrr: their MRR summed, empty when no accounts are loaded. customer_hours:
-- accounts times the surge's hours (started_at to ended_at). top_terms: up to
-- five words of subjects and tags used by at least two of the surge's tickets whose share there is
-- at least $surge_term_min_lift times their share of all tickets, commonest first, each with its
-- tickets: 'mobile (14), crash (11)'. incident_id: the incident running during the surge, from
-- its started_at to the later of its end and its customer impact end (customers still writing in
-- after 'resolved' are that incident's), overlapping [started_at, ended_at); the earliest started
-- when several do. Empty: customers suffered and no incident was declared. peak_at: the hour with
-- the largest excess (the earliest of equal ones); peak_ratio = peak_tickets /
-- peak_baseline_tickets, empty when that baseline is 0.

with

surge_run_rows as (
    select * from surge_runs
),

surge_hour_rows as (
    select * from surge_hours
),

account_rows as not materialized (
    select * from accounts
),

surge_ticket_rows as not materialized (
    select * from surge_tickets
),

ticket_rows as (
    select * from tickets
),

word_hourly_rows as (
    select * from word_hourly
),

ticket_word_rows as (
    select * from ticket_words
),

incident_window_rows as (
    select * from incident_windows
),

customer_impact_window_rows as (
    select * from customer_impact_windows
),

run_hours as (
    select
        surge_run_rows.surge_id,
        surge_run_rows.started_at,
        surge_run_rows.ended_at,
        surge_hour_rows.hour,
        surge_hour_rows.is_volume_surge,
        surge_hour_rows.tickets,
        surge_hour_rows.baseline_tickets
    from surge_run_rows
    inner join surge_hour_rows on surge_hour_rows.hour = surge_run_rows.hour
),

runs as (
    select
        surge_id,
        min(started_at) as started_at,
        min(ended_at) as ended_at,
        case when bool_or(is_volume_surge) then 'volume' else 'topic' end as surge_kind,
        count(*) as surging_hours,
        sum(tickets)::bigint as tickets,
        sum(baseline_tickets) as baseline_tickets,
        arg_min(hour, struct_pack(excess := baseline_tickets - tickets, hour := hour)) as peak_at
    from run_hours
    group by surge_id
),

peaks as (
    select runs.surge_id, run_hours.tickets, run_hours.baseline_tickets
    from runs
    inner join run_hours on run_hours.surge_id = runs.surge_id and run_hours.hour = runs.peak_at
),

has_accounts as (
    select count(*) > 0 as yes
    from account_rows
),

surge_accounts as (
    select
        surge_ticket_rows.surge_id,
        count(distinct surge_ticket_rows.account_id) as accounts
    from surge_ticket_rows
    group by surge_ticket_rows.surge_id
),

surge_mrr as (
    select distinct_accounts.surge_id, sum(account_rows.mrr) as mrr
    from (select distinct surge_id, account_id from surge_ticket_rows) as distinct_accounts
    inner join account_rows on account_rows.account_id = distinct_accounts.account_id
    group by distinct_accounts.surge_id
),

ticket_count as (
    select count(*) as tickets
    from ticket_rows
),

overall_shares as (
    select
        word_hourly_rows.word,
        sum(word_hourly_rows.word_tickets) / min(ticket_count.tickets) as overall_share
    from word_hourly_rows
    cross join ticket_count
    group by word_hourly_rows.word
),

surge_sizes as (
    select surge_id, count(*) as tickets
    from surge_ticket_rows
    group by surge_id
),

surge_words as (
    select
        surge_ticket_rows.surge_id,
        ticket_word_rows.word,
        count(distinct surge_ticket_rows.ticket_id) as word_tickets
    from surge_ticket_rows
    inner join ticket_word_rows on ticket_word_rows.ticket_id = surge_ticket_rows.ticket_id
    group by surge_ticket_rows.surge_id, ticket_word_rows.word
),

distinct_terms as (
    select
        surge_words.surge_id,
        surge_words.word,
        surge_words.word_tickets,
        row_number() over (
            partition by surge_words.surge_id
            order by surge_words.word_tickets desc, surge_words.word
        ) as rank
    from surge_words
    inner join overall_shares on overall_shares.word = surge_words.word
    inner join surge_sizes on surge_sizes.surge_id = surge_words.surge_id
    where
        surge_words.word_tickets >= 2
        and surge_words.word_tickets / surge_sizes.tickets
        >= $surge_term_min_lift * overall_shares.overall_share
),

top_terms as (
    select
        surge_id,
        string_agg(word || ' (' || word_tickets || ')', ', ' order by rank) as top_terms
    from distinct_terms
    where rank <= 5
    group by surge_id
),

incident_spans as (
    select
        incident_window_rows.incident_id,
        incident_window_rows.started_at,
        greatest(
            incident_window_rows.ended_at,
            coalesce(
                customer_impact_window_rows.customer_impact_end_at, incident_window_rows.ended_at
            )
        ) as until_at
    from incident_window_rows
    left join customer_impact_window_rows
        on customer_impact_window_rows.incident_id = incident_window_rows.incident_id
),

declared as (
    select
        runs.surge_id,
        arg_min(
            incident_spans.incident_id,
            struct_pack(started := incident_spans.started_at, id := incident_spans.incident_id)
        ) as incident_id
    from runs
    inner join incident_spans
        on incident_spans.started_at < runs.ended_at and incident_spans.until_at >= runs.started_at
    group by runs.surge_id
),

final as (
    select
        runs.surge_id,
        runs.started_at,
        runs.ended_at,
        runs.surge_kind,
        runs.surging_hours,
        runs.tickets,
        runs.baseline_tickets,
        runs.tickets - runs.baseline_tickets as excess_tickets,
        coalesce(surge_accounts.accounts, 0) as accounts,
        case when has_accounts.yes then coalesce(surge_mrr.mrr, 0) end as mrr,
        top_terms.top_terms,
        declared.incident_id,
        runs.peak_at,
        peaks.tickets as peak_tickets,
        peaks.baseline_tickets as peak_baseline_tickets,
        peaks.tickets / nullif(peaks.baseline_tickets, 0) as peak_ratio,
        coalesce(surge_accounts.accounts, 0) * epoch(runs.ended_at - runs.started_at) / 3600.0
        as customer_hours
    from runs
    cross join has_accounts
    inner join peaks on peaks.surge_id = runs.surge_id
    left join surge_accounts on surge_accounts.surge_id = runs.surge_id
    left join surge_mrr on surge_mrr.surge_id = runs.surge_id
    left join top_terms on top_terms.surge_id = runs.surge_id
    left join declared on declared.surge_id = runs.surge_id
    order by runs.started_at
)

select * from final

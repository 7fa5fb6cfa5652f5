-- Which hours customers wrote in far above the usual level, in all tickets or on one topic.
-- grain:   one row per surging hour
-- key:     hour
-- params:  $surge_min_ratio, $surge_min_excess_tickets, $surge_min_accounts, $surge_min_spread
-- columns: hour, is_volume_surge, tickets, baseline_tickets, accounts, surging_words
-- storage: a temporary table
-- An hour surges in volume when, against its baseline b (hourly_baselines: the median of the same
-- hour of the week over the baseline_weeks before, incidents left out), its tickets are at least
-- $surge_min_ratio x b and at least $surge_min_excess_tickets above b, and the distinct accounts
-- writing in are at least $surge_min_ratio x b and at least $surge_min_accounts above b: a quiet
-- night's 0 -> 3 is no surge, nor one customer filing ten tickets. An hour without a baseline (no
-- past hour counts yet) is not judged. A word surges when its tickets in the hour (word_hourly)
-- pass the same tests against its own baseline, the median of its counts over the same past hours
-- (baseline_hours; 0 when no ticket used it): one topic rising while the total stays flat. A word
-- must also stand $surge_min_spread x sqrt(b) above b, tickets and accounts: the spread of counts
-- arriving at random, since thousands of words are tested every hour at a large help desk (one
-- test an hour for the volume needs no such margin).
-- tickets: every ticket of a volume hour; otherwise the tickets using a surging word, against the
-- largest baseline of those words. Only words with at least $surge_min_excess_tickets tickets in
-- the hour are looked at, and accounts are counted only for hours that pass on tickets.

with

hourly_baseline_rows as (
    select * from hourly_baselines
),

ticket_rows as (
    select * from tickets
),

word_hourly_rows as not materialized (
    select * from word_hourly
),

baseline_hour_rows as (
    select * from baseline_hours
),

ticket_word_rows as not materialized (
    select * from ticket_words
),

rules as (
    select
        $surge_min_ratio::double as min_ratio,
        $surge_min_excess_tickets::integer as min_excess_tickets,
        $surge_min_accounts::integer as min_accounts,
        $surge_min_spread::double as min_spread
),

volume_candidates as (
    select
        hourly_baseline_rows.hour,
        hourly_baseline_rows.all_tickets,
        hourly_baseline_rows.baseline_tickets
    from hourly_baseline_rows
    cross join rules
    where
        hourly_baseline_rows.all_tickets >= rules.min_ratio * hourly_baseline_rows.baseline_tickets
        and hourly_baseline_rows.all_tickets - hourly_baseline_rows.baseline_tickets
        >= rules.min_excess_tickets
),

volume_accounts as (
    select volume_candidates.hour, count(distinct ticket_rows.account_id) as accounts
    from volume_candidates
    inner join ticket_rows on date_trunc('hour', ticket_rows.created_at) = volume_candidates.hour
    group by volume_candidates.hour
),

volume_hours as (
    select
        volume_candidates.hour,
        volume_candidates.all_tickets as tickets,
        volume_candidates.baseline_tickets,
        volume_accounts.accounts
    from volume_candidates
    inner join volume_accounts on volume_accounts.hour = volume_candidates.hour
    cross join rules
    where
        volume_accounts.accounts >= rules.min_ratio * volume_candidates.baseline_tickets
        and volume_accounts.accounts - volume_candidates.baseline_tickets >= rules.min_accounts
),

word_candidates as (
    select word_hourly_rows.word, word_hourly_rows.hour, word_hourly_rows.word_tickets
    from word_hourly_rows
    cross join rules
    where word_hourly_rows.word_tickets >= rules.min_excess_tickets
),

word_past_counts as (
    select
        word_candidates.word,
        word_candidates.hour,
        coalesce(past.word_tickets, 0) as past_tickets
    from word_candidates
    inner join baseline_hour_rows on baseline_hour_rows.hour = word_candidates.hour
    left join word_hourly_rows as past
        on past.word = word_candidates.word and past.hour = baseline_hour_rows.past_hour
),

word_baselines as (
    select
        word,
        hour,
        percentile_cont(0.5) within group (order by past_tickets) as baseline_tickets
    from word_past_counts
    group by word, hour
),

word_passing as (
    select word_candidates.word, word_candidates.hour, word_baselines.baseline_tickets
    from word_candidates
    inner join word_baselines
        on word_baselines.word = word_candidates.word and word_baselines.hour = word_candidates.hour
    cross join rules
    where
        word_candidates.word_tickets >= rules.min_ratio * word_baselines.baseline_tickets
        and word_candidates.word_tickets - word_baselines.baseline_tickets
        >= greatest(
            rules.min_excess_tickets, rules.min_spread * sqrt(word_baselines.baseline_tickets)
        )
),

word_accounts as (
    select
        word_passing.word,
        word_passing.hour,
        min(word_passing.baseline_tickets) as baseline_tickets,
        count(distinct ticket_word_rows.account_id) as accounts
    from word_passing
    inner join ticket_word_rows
        on ticket_word_rows.word = word_passing.word and ticket_word_rows.hour = word_passing.hour
    group by word_passing.word, word_passing.hour
),

surging_words as (
    select word_accounts.word, word_accounts.hour, word_accounts.baseline_tickets
    from word_accounts
    cross join rules
    where
        word_accounts.accounts >= rules.min_ratio * word_accounts.baseline_tickets
        and word_accounts.accounts - word_accounts.baseline_tickets
        >= greatest(rules.min_accounts, rules.min_spread * sqrt(word_accounts.baseline_tickets))
),

topic_hours as (
    select
        surging_words.hour,
        count(distinct ticket_word_rows.ticket_id) as tickets,
        max(surging_words.baseline_tickets) as baseline_tickets,
        count(distinct ticket_word_rows.account_id) as accounts,
        list(distinct surging_words.word order by surging_words.word) as surging_words
    from surging_words
    inner join ticket_word_rows
        on ticket_word_rows.word = surging_words.word and ticket_word_rows.hour = surging_words.hour
    group by surging_words.hour
),

final as (
    select
        coalesce(volume_hours.hour, topic_hours.hour) as hour,
        volume_hours.hour is not null as is_volume_surge,
        coalesce(volume_hours.tickets, topic_hours.tickets) as tickets,
        coalesce(volume_hours.baseline_tickets, topic_hours.baseline_tickets) as baseline_tickets,
        coalesce(volume_hours.accounts, topic_hours.accounts) as accounts,
        coalesce(topic_hours.surging_words, []) as surging_words
    from volume_hours
    full outer join topic_hours on topic_hours.hour = volume_hours.hour
)

select * from final

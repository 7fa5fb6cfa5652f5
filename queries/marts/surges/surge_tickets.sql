-- Which tickets make each surge: the list engineering reads to declare it after the fact.
-- grain:   one row per surge and ticket
-- key:     surge_id, ticket_id
-- params:  none
-- columns: surge_id, ticket_id, created_at, account_id, subject, incident_id
-- Every ticket of a volume-surging hour, and in a topic-surging hour the tickets using one of its
-- surging words (surge_hours). incident_id is what the help desk linked the ticket to, if
-- anything.

with

surge_run_rows as (
    select * from surge_runs
),

surge_hour_rows as (
    select * from surge_hours
),

ticket_rows as (
    select * from tickets
),

ticket_word_rows as (
    select * from ticket_words
),

hour_tickets as (
    select
        surge_run_rows.surge_id,
        surge_hour_rows.is_volume_surge,
        surge_hour_rows.surging_words,
        ticket_rows.ticket_id,
        ticket_rows.created_at,
        ticket_rows.account_id,
        ticket_rows.subject,
        ticket_rows.incident_id
    from surge_run_rows
    inner join surge_hour_rows on surge_hour_rows.hour = surge_run_rows.hour
    inner join ticket_rows on date_trunc('hour', ticket_rows.created_at) = surge_run_rows.hour
),

topic_matches as (
    select distinct hour_tickets.surge_id, hour_tickets.ticket_id
    from hour_tickets
    inner join ticket_word_rows on ticket_word_rows.ticket_id = hour_tickets.ticket_id
    where
        not hour_tickets.is_volume_surge
        and list_contains(hour_tickets.surging_words, ticket_word_rows.word)
),

final as (
    select
        hour_tickets.surge_id,
        hour_tickets.ticket_id,
        hour_tickets.created_at,
        hour_tickets.account_id,
        hour_tickets.subject,
        hour_tickets.incident_id
    from hour_tickets
    left join topic_matches
        on
            topic_matches.surge_id = hour_tickets.surge_id
            and topic_matches.ticket_id = hour_tickets.ticket_id
    where hour_tickets.is_volume_surge or topic_matches.ticket_id is not null
)

select * from final

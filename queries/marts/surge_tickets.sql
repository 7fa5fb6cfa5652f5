-- Which tickets make each surge: the list engineering reads to declare it after the fact.
-- grain:   one row per surge and ticket
-- key:     surge_id, ticket_id
-- params:  none
-- columns: surge_id, ticket_id, created_at, account_id, subject, incident_id
-- Every ticket of a volume-surging hour, and in a topic-surging hour the tickets using one of its
-- surging words (surge_hours). incident_id is what the help desk linked the ticket to, if
-- anything.

with

hour_tickets as (
    select
        surge_runs.surge_id,
        surge_hours.is_volume_surge,
        surge_hours.surging_words,
        tickets.ticket_id,
        tickets.created_at,
        tickets.account_id,
        tickets.subject,
        tickets.incident_id
    from surge_runs
    inner join surge_hours on surge_hours.hour = surge_runs.hour
    inner join tickets on date_trunc('hour', tickets.created_at) = surge_runs.hour
),

topic_matches as (
    select distinct hour_tickets.surge_id, hour_tickets.ticket_id
    from hour_tickets
    inner join ticket_words on ticket_words.ticket_id = hour_tickets.ticket_id
    where
        not hour_tickets.is_volume_surge
        and list_contains(hour_tickets.surging_words, ticket_words.word)
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

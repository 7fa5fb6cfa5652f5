-- What was each related ticket's customer trying to finish: the tasks its words name.
-- grain:   one row per incident, related ticket and task it names
-- key:     incident_id, ticket_id, task
-- params:  none
-- columns: incident_id, ticket_id, account_id, link, created_at, task, example
-- A ticket's words are its subject, description and customer comments (ticket_events with
-- author_role 'customer'), split into sentences after . ! ? and at line breaks. A sentence names
-- a task when its text, normalised by the lexicon's normalise_text macro, holds one of the
-- task's phrases (lexicon_tasks, from the lexicon's [tasks]: whole words, a `phrase*` any ending
-- of its last word). example: the first sentence naming the task, in reading order (subject,
-- description, then comments by time), as the customer wrote it.
-- DuckDB-only: regexp_extract_all, unnest beside generate_subscripts (Spark: posexplode), qualify.

with

related_ticket_rows as (
    select * from related_tickets
),

ticket_rows as (
    select * from tickets
),

ticket_event_rows as (
    select * from ticket_events
),

lexicon_task_rows as (
    select * from lexicon_tasks
),

related as (
    select incident_id, ticket_id, account_id, link, created_at
    from related_ticket_rows
),

related_ids as (
    select distinct ticket_id
    from related
),

related_texts as (
    select
        ticket_rows.ticket_id,
        ticket_rows.created_at,
        ticket_rows.subject,
        ticket_rows.description
    from ticket_rows
    inner join related_ids on related_ids.ticket_id = ticket_rows.ticket_id
),

texts as (
    select ticket_id, 1 as text_order, created_at as written_at, subject as body
    from related_texts
    union all
    select ticket_id, 2, created_at, description
    from related_texts
    union all
    select ticket_event_rows.ticket_id, 3, ticket_event_rows.created_at, ticket_event_rows.body
    from ticket_event_rows
    inner join related_ids on related_ids.ticket_id = ticket_event_rows.ticket_id
    where ticket_event_rows.author_role = 'customer'
),

sentences as (
    select
        ticket_id,
        text_order,
        written_at,
        generate_subscripts(regexp_extract_all(body, '[^.!?\n\r]+[.!?]*'), 1) as sentence_number,
        unnest(regexp_extract_all(body, '[^.!?\n\r]+[.!?]*')) as sentence
    from texts
    where body is not null
),

normalised as (
    select *, normalise_text(sentence) as sentence_text
    from sentences
),

ticket_tasks as (
    select
        normalised.ticket_id,
        lexicon_task_rows.task,
        trim(normalised.sentence) as example
    from normalised
    inner join lexicon_task_rows
        on contains(normalised.sentence_text, lexicon_task_rows.pattern)
    qualify row_number() over (
        partition by normalised.ticket_id, lexicon_task_rows.task
        order by normalised.text_order, normalised.written_at, normalised.sentence_number
    ) = 1
),

final as (
    select
        related.incident_id,
        related.ticket_id,
        related.account_id,
        related.link,
        related.created_at,
        ticket_tasks.task,
        ticket_tasks.example
    from related
    inner join ticket_tasks on ticket_tasks.ticket_id = related.ticket_id
)

select * from final

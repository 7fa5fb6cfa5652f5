-- Which replies from support were followed by another message from the customer, per incident?
-- grain:   one row per incident and agent reply (by its opening words: one macro, one row)
-- key:     incident_id, reply
-- params:  $reply_opening_words, $reply_followup_hours, $reply_min_count
-- columns: incident_id, reply, replies, tickets, customer_wrote_again, wrote_again_pct,
--          example_follow_up
-- The replies are the agents' comments (ticket_events with author_role 'agent') on an incident's
-- related tickets, grouped by their first $reply_opening_words words as words_of reads them, so the
-- same macro with another ending, case or punctuation is one reply; reply shows them as the
-- earliest one wrote them, '…' where it went on. A reply is followed (customer_wrote_again) when
-- the next message on its ticket, system notes and a customer's mere thanks aside, is the
-- customer's and comes within $reply_followup_hours hours: the customer asked again after reading
-- it. A mere thanks is a message whose words (words_of) are all words of thanks and their company
-- ("thanks", "thank you", "great, thanks", "ok, thanks so much"). A reply not followed whose hours
-- reach past the data's end (load_info) is not counted at all: whether the customer will write is
-- not known yet. wrote_again_pct: followed replies per 100 replies, empty under $reply_min_count
-- replies (too few to judge a wording by). example_follow_up: the earliest customer message that
-- followed it. Stored by incident, most sent first.
-- DuckDB-only: list slices, regexp_extract_all, arg_min (Spark: slice, min_by).

with

related_ticket_rows as (
    select * from related_tickets
),

ticket_event_rows as (
    select * from ticket_events
),

load_info_rows as (
    select * from load_info
),

reply_rules as (
    select
        $reply_opening_words as opening_words,
        $reply_followup_hours * interval '1 hour' as followup_window
),

related as (
    select distinct incident_id, ticket_id
    from related_ticket_rows
),

related_ids as (
    select distinct ticket_id
    from related
),

ticket_messages as (
    select
        ticket_event_rows.ticket_id,
        ticket_event_rows.created_at,
        ticket_event_rows.author_role,
        ticket_event_rows.body,
        words_of(ticket_event_rows.body) as body_words
    from ticket_event_rows
    inner join related_ids on related_ids.ticket_id = ticket_event_rows.ticket_id
    where
        ticket_event_rows.author_role in ('agent', 'customer')
        and ticket_event_rows.body is not null
),

conversation as (
    -- A customer's mere thanks asks nothing: it is left out, and the message after it decides.
    select ticket_id, created_at, author_role, body
    from ticket_messages
    where not (
        author_role = 'customer'
        and len(body_words) > 0
        and len(
            list_filter(
                body_words,
                lambda word: word not in (
                    'thanks', 'thank', 'thx', 'ty', 'cheers', 'you', 'so', 'very', 'much',
                    'many', 'a', 'lot', 'great', 'perfect', 'awesome', 'ok', 'okay'
                )
            )
        ) = 0
    )
),

messages as (
    select
        ticket_id,
        created_at,
        author_role,
        body,
        lead(author_role) over next_message as next_role,
        lead(created_at) over next_message as next_at,
        lead(body) over next_message as next_body
    from conversation
    window next_message as (
        partition by ticket_id
        order by created_at, author_role
    )
),

agent_replies as (
    select
        messages.ticket_id,
        messages.created_at,
        array_to_string(words_of(messages.body)[1:reply_rules.opening_words], ' ')
            as opening_words,
        array_to_string(
            regexp_extract_all(messages.body, '\S+')[1:reply_rules.opening_words], ' '
        )
        || case
            when len(regexp_extract_all(messages.body, '\S+')) > reply_rules.opening_words
                then '…'
            else ''
        end as opening_text,
        coalesce(
            messages.next_role = 'customer'
            and messages.next_at <= messages.created_at + reply_rules.followup_window,
            false
        ) as is_followed,
        messages.next_body
    from messages
    cross join reply_rules
    cross join load_info_rows
    where
        messages.author_role = 'agent'
        and (
            (
                messages.next_role = 'customer'
                and messages.next_at <= messages.created_at + reply_rules.followup_window
            )
            or messages.created_at + reply_rules.followup_window <= load_info_rows.data_end_at
        )
),

outcomes as (
    select
        related.incident_id,
        agent_replies.opening_words,
        arg_min(agent_replies.opening_text, agent_replies.created_at) as reply,
        count(*) as replies,
        count(distinct agent_replies.ticket_id) as tickets,
        count(*) filter (where agent_replies.is_followed) as customer_wrote_again,
        arg_min(agent_replies.next_body, agent_replies.created_at) filter (
            where agent_replies.is_followed
        ) as example_follow_up
    from agent_replies
    inner join related on related.ticket_id = agent_replies.ticket_id
    where agent_replies.opening_words <> ''
    group by related.incident_id, agent_replies.opening_words
),

final as (
    select
        incident_id,
        reply,
        replies,
        tickets,
        customer_wrote_again,
        case
            when replies >= $reply_min_count then 100.0 * customer_wrote_again / replies
        end as wrote_again_pct,
        example_follow_up
    from outcomes
    order by incident_id, replies desc, reply
)

select * from final

-- Which tickets one incident brought in, why each is related, what it signals, in the customer's words.
-- grain:   one row per related ticket
-- params:  $incident_id
-- columns: created_at, ticket_id, account_id, account_name, link, reason, signals, evidence,
--          subject, quote, solved_at
-- quote is the description's first 200 characters; evidence is the words that matched each
-- signal. Shown as plain text by the page, never as HTML or Markdown.

with

related as (
    select
        incident_id,
        ticket_id,
        account_id,
        created_at,
        link,
        reason
    from related_tickets
    where incident_id = $incident_id
),

-- Only this incident's tickets: aggregating every ticket's signals first costs a full scan.
ticket_signal_lists as (
    select
        ticket_signals.ticket_id,
        string_agg(ticket_signals.signal, ', ' order by ticket_signals.signal) as signals,
        string_agg(
            ticket_signals.signal || ': ' || ticket_signals.evidence,
            '; '
            order by ticket_signals.signal
        ) as evidence
    from ticket_signals
    inner join related on related.ticket_id = ticket_signals.ticket_id
    group by ticket_signals.ticket_id
),

final as (
    select
        related.created_at,
        related.ticket_id,
        related.account_id,
        accounts.name as account_name,
        related.link,
        related.reason,
        coalesce(ticket_signal_lists.signals, '') as signals,
        coalesce(ticket_signal_lists.evidence, '') as evidence,
        tickets.subject,
        left(tickets.description, 200) as quote,
        tickets.solved_at
    from related
    inner join tickets on tickets.ticket_id = related.ticket_id
    left join accounts on accounts.account_id = related.account_id
    left join ticket_signal_lists on ticket_signal_lists.ticket_id = related.ticket_id
    order by related.created_at, related.ticket_id
)

select * from final

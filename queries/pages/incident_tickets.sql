-- Which tickets one incident brought in, why each is related, what it signals, in the customer's words.
-- grain:   one row per related ticket
-- params:  $incident_id
-- columns: created_at, ticket_id, account_id, account_name, link, reason, signals, evidence,
--          subject, quote, solved_at
-- quote is the description's first 200 characters; evidence is the words that matched each
-- signal. Shown as plain text by the page, never as HTML or Markdown.

with

related_ticket_rows as (
    select * from related_tickets
),

ticket_signal_rows as (
    select * from ticket_signals
),

ticket_rows as (
    select * from tickets
),

account_rows as (
    select * from accounts
),

related as (
    select
        incident_id,
        ticket_id,
        account_id,
        created_at,
        link,
        reason
    from related_ticket_rows
    where incident_id = $incident_id
),

-- Only this incident's tickets: aggregating every ticket's signals first costs a full scan.
ticket_signal_lists as (
    select
        ticket_signal_rows.ticket_id,
        string_agg(ticket_signal_rows.signal, ', ' order by ticket_signal_rows.signal) as signals,
        string_agg(
            ticket_signal_rows.signal || ': ' || ticket_signal_rows.evidence,
            '; '
            order by ticket_signal_rows.signal
        ) as evidence
    from ticket_signal_rows
    inner join related on related.ticket_id = ticket_signal_rows.ticket_id
    group by ticket_signal_rows.ticket_id
),

final as (
    select
        related.created_at,
        related.ticket_id,
        related.account_id,
        account_rows.name as account_name,
        related.link,
        related.reason,
        coalesce(ticket_signal_lists.signals, '') as signals,
        coalesce(ticket_signal_lists.evidence, '') as evidence,
        ticket_rows.subject,
        left(ticket_rows.description, 200) as quote,
        ticket_rows.solved_at
    from related
    inner join ticket_rows on ticket_rows.ticket_id = related.ticket_id
    left join account_rows on account_rows.account_id = related.account_id
    left join ticket_signal_lists on ticket_signal_lists.ticket_id = related.ticket_id
    order by related.created_at, related.ticket_id
)

select * from final

-- Which accounts need a direct contact after an incident, and why.
-- grain:   one row per incident and account to contact
-- params:  $incident_id
-- columns: incident_id, account_id, account_name, segment, mrr, related_tickets, urgent_tickets,
--          trust_loss_tickets, open_tickets, reasons, last_ticket_at, ticket_ids
-- An account is listed when one of its related tickets shows urgency or trust loss
-- (ticket_signals), or is not solved yet (derived/direct_contacts). One incident at a time, as
-- the incident page and the report ask (every incident at once was a full scan of
-- direct_contacts that no page needs). Largest MRR first.

with

final as (
    select
        incident_id, account_id, account_name, segment, mrr, related_tickets, urgent_tickets,
        trust_loss_tickets, open_tickets, reasons, last_ticket_at, ticket_ids
    from direct_contacts
    where incident_id = $incident_id
    order by mrr desc nulls last, account_id
)

select * from final

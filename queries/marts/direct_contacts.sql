-- Which accounts need a direct contact after each incident, and why.
-- grain:   one row per incident and account to contact
-- key:     incident_id, account_id
-- params:  none
-- columns: incident_id, account_id, account_name, segment, mrr, related_tickets, urgent_tickets,
--          trust_loss_tickets, open_tickets, reasons, last_ticket_at, ticket_ids
-- An account is listed when one of its related tickets shows urgency or trust loss
-- (ticket_signals), or is not solved yet. Tickets without an account are left out: there is
-- nobody to call. Computed once at load so the page only filters (pages/contact_list).

with

ticket_flags as (
    select
        ticket_id,
        bool_or(signal = 'urgent') as is_urgent,
        bool_or(signal = 'trust_loss') as is_trust_loss
    from ticket_signals
    group by ticket_id
),

related as (
    select
        related_tickets.incident_id,
        related_tickets.account_id,
        related_tickets.ticket_id,
        related_tickets.created_at,
        tickets.solved_at is null as is_open,
        coalesce(ticket_flags.is_urgent, false) as is_urgent,
        coalesce(ticket_flags.is_trust_loss, false) as is_trust_loss
    from related_tickets
    inner join tickets on tickets.ticket_id = related_tickets.ticket_id
    left join ticket_flags on ticket_flags.ticket_id = related_tickets.ticket_id
    where related_tickets.account_id is not null and related_tickets.link <> 'suspect'
),

per_account as (
    select
        incident_id,
        account_id,
        count(*) as related_tickets,
        count(*) filter (where is_urgent) as urgent_tickets,
        count(*) filter (where is_trust_loss) as trust_loss_tickets,
        count(*) filter (where is_open) as open_tickets,
        max(created_at) as last_ticket_at,
        string_agg(ticket_id, ', ' order by created_at, ticket_id) as ticket_ids
    from related
    group by incident_id, account_id
),

final as (
    select
        per_account.incident_id,
        per_account.account_id,
        accounts.name as account_name,
        accounts.segment,
        accounts.mrr,
        per_account.related_tickets,
        per_account.urgent_tickets,
        per_account.trust_loss_tickets,
        per_account.open_tickets,
        concat_ws(
            ', ',
            if(per_account.urgent_tickets > 0, 'urgent', null),
            if(per_account.trust_loss_tickets > 0, 'trust loss', null),
            if(per_account.open_tickets > 0, per_account.open_tickets || ' not solved', null)
        ) as reasons,
        per_account.last_ticket_at,
        per_account.ticket_ids
    from per_account
    left join accounts on accounts.account_id = per_account.account_id
    where
        per_account.urgent_tickets > 0
        or per_account.trust_loss_tickets > 0
        or per_account.open_tickets > 0
)

select * from final

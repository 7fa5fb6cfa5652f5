-- Whom should customer success contact after each incident, in what order, and why?
-- grain:   one row per incident and account to contact
-- key:     incident_id, account_id
-- params:  none
-- columns: incident_id, account_id, account_name, segment, mrr, priority, reasons, why,
--          related_tickets, drop_pct, last_contact_at, reason_weight, is_quiet
-- Listed: every quiet account of the incident (quiet_accounts.quiet; silent ones, that never
-- wrote in, included) and every account whose related ticket is urgent, shows trust loss
-- (ticket_signals) or is not solved yet. Suspect links count for nothing, and tickets without
-- an account have nobody to call. reasons, strongest first, each with its weight:
-- silent_quiet 3 (went quiet without a word: the group easiest to miss), quiet 2 (went quiet
-- after writing in), urgent 2, trust_loss 2, open_ticket 1, still_quiet 1 (still quiet over the
-- latest days of usage data). priority: 1 = call first, by revenue at risk times the strength
-- of the reasons (mrr × reason_weight; unknown MRR counts 0), then the weight, the MRR and the
-- account id. So a silent quiet $5,000 account still quiet (4 × 5,000) ranks above a $50
-- account with one open ticket (1 × 50). last_contact_at: the account's newest ticket of any
-- kind. Stored by incident and priority, the order both callers read.

with

quiet_account_rows as (
    select * from quiet_accounts
),

ticket_signal_rows as (
    select * from ticket_signals
),

related_ticket_rows as (
    select * from related_tickets
),

ticket_rows as not materialized (
    select * from tickets
),

account_rows as (
    select * from accounts
),

quiet as (
    select
        incident_id,
        account_id,
        drop_pct,
        is_silent,
        coalesce(is_still_quiet, false) as is_still_quiet
    from quiet_account_rows
    where quiet
),

ticket_flags as (
    select
        ticket_id,
        bool_or(signal = 'urgent') as is_urgent,
        bool_or(signal = 'trust_loss') as is_trust_loss
    from ticket_signal_rows
    group by ticket_id
),

ticketed as (
    select
        related_ticket_rows.incident_id,
        related_ticket_rows.account_id,
        count(*) as related_tickets,
        bool_or(coalesce(ticket_flags.is_urgent, false)) as is_urgent,
        bool_or(coalesce(ticket_flags.is_trust_loss, false)) as is_trust_loss,
        count(*) filter (where ticket_rows.solved_at is null) as open_tickets
    from related_ticket_rows
    inner join ticket_rows on ticket_rows.ticket_id = related_ticket_rows.ticket_id
    left join ticket_flags on ticket_flags.ticket_id = related_ticket_rows.ticket_id
    where related_ticket_rows.account_id is not null
    group by related_ticket_rows.incident_id, related_ticket_rows.account_id
),

listed as (
    select
        coalesce(quiet.incident_id, ticketed.incident_id) as incident_id,
        coalesce(quiet.account_id, ticketed.account_id) as account_id,
        quiet.account_id is not null as is_quiet,
        coalesce(quiet.is_silent, false) as is_silent,
        coalesce(quiet.is_still_quiet, false) as is_still_quiet,
        quiet.drop_pct,
        coalesce(ticketed.related_tickets, 0) as related_tickets,
        coalesce(ticketed.is_urgent, false) as is_urgent,
        coalesce(ticketed.is_trust_loss, false) as is_trust_loss,
        coalesce(ticketed.open_tickets, 0) as open_tickets
    from quiet
    full outer join ticketed
        on ticketed.incident_id = quiet.incident_id and ticketed.account_id = quiet.account_id
    where
        quiet.account_id is not null
        or ticketed.is_urgent
        or ticketed.is_trust_loss
        or ticketed.open_tickets > 0
),

last_contacts as (
    -- One pass over the listed accounts' tickets: their newest, of any kind.
    select
        account_id,
        max(created_at) as last_contact_at
    from ticket_rows
    where account_id in (select account_id from listed)
    group by account_id
),

weighed as (
    select
        listed.*,
        account_rows.name as account_name,
        account_rows.segment,
        account_rows.mrr,
        last_contacts.last_contact_at,
        list_filter(
            [
                case when is_quiet and is_silent then 'silent_quiet' end,
                case when is_quiet and not is_silent then 'quiet' end,
                case when is_urgent then 'urgent' end,
                case when is_trust_loss then 'trust_loss' end,
                case when open_tickets > 0 then 'open_ticket' end,
                case when is_still_quiet then 'still_quiet' end
            ],
            lambda reason: reason is not null
        ) as reasons,
        case when is_quiet and is_silent then 3 else 0 end
        + case when is_quiet and not is_silent then 2 else 0 end
        + case when is_urgent then 2 else 0 end
        + case when is_trust_loss then 2 else 0 end
        + case when open_tickets > 0 then 1 else 0 end
        + case when is_still_quiet then 1 else 0 end as reason_weight,
        concat_ws(
            '; ',
            case
                when is_quiet and is_silent
                    then 'went quiet without a word (usage −'
                    || cast(round(drop_pct) as integer) || ' %)'
            end,
            case
                when is_quiet and not is_silent
                    then 'went quiet after writing in (usage −'
                    || cast(round(drop_pct) as integer) || ' %)'
            end,
            case when is_urgent then 'wrote of urgency' end,
            case when is_trust_loss then 'wrote of lost trust' end,
            case
                when open_tickets = 1 then '1 ticket open'
                when open_tickets > 1 then open_tickets || ' tickets open'
            end,
            case when is_still_quiet then 'still quiet' end
        ) as reasons_text
    from listed
    left join account_rows on account_rows.account_id = listed.account_id
    left join last_contacts on last_contacts.account_id = listed.account_id
),

final as (
    select
        incident_id,
        account_id,
        account_name,
        segment,
        mrr,
        row_number() over (
            partition by incident_id
            order by
                coalesce(mrr, 0) * reason_weight desc,
                reason_weight desc,
                mrr desc nulls last,
                account_id
        ) as priority,
        reasons,
        -- One line to read aloud, the reasons in their order.
        upper(left(reasons_text, 1)) || substr(reasons_text, 2) || '.' as why,
        related_tickets,
        drop_pct,
        last_contact_at,
        reason_weight,
        is_quiet
    from weighed
    order by incident_id, priority
)

select * from final

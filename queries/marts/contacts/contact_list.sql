-- Whom should customer success contact after each incident, in what order, and why?
-- grain:   one row per incident and account to contact
-- key:     incident_id, account_id
-- params:  none
-- columns: incident_id, account_id, account_name, segment, mrr, priority, reasons, why,
--          related_tickets, drop_pct, last_contact_at, reason_weight, call_score, is_quiet
-- Listed: every account holding a reason of contact_reasons (which words and weighs them): every
-- quiet account of the incident (quiet_accounts.quiet; silent ones, that never wrote in,
-- included) and every account whose related ticket is urgent, shows trust loss (ticket_signals)
-- or is not solved yet. Suspect links count for nothing, and tickets without an account have
-- nobody to call. reasons: the ones it holds, in contact_reasons' rank; reason_weight: their
-- weights added; why: their words in that order, read aloud. call_score: revenue at risk times
-- the strength of the reasons (mrr × reason_weight; unknown MRR counts 0). priority: 1 = call
-- first, by call_score, then the weight, the MRR and the account id. So a silent quiet $5,000
-- account still quiet (4 × 5,000) ranks above a $50 account with one open ticket (1 × 50).
-- last_contact_at: the account's newest ticket of any kind. Stored by incident and priority, the
-- order both callers read. DuckDB-only: list lambdas over a list of structs (Spark: filter,
-- transform, aggregate); sqlfluff reads a lambda's struct field as a table's column (noqa RF01).

with

contact_reason_rows as (
    select * from contact_reasons
),

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

ranked_reasons as (
    -- Every reason as one list, strongest first, for each account to keep the ones it holds.
    select list(
        { 'reason': reason, 'words': words, 'weight': weight } order by rank
    ) as every_reason
    from contact_reason_rows
),

accounts_with_signs as (
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
),

reasoned as (
    -- When each reason holds: the one place a reason meets the signs it stands for.
    select
        accounts_with_signs.*,
        list_filter(
            ranked_reasons.every_reason,
            lambda held: case held.reason  -- noqa: RF01
                when 'silent_quiet' then is_quiet and is_silent
                when 'quiet' then is_quiet and not is_silent
                when 'urgent' then is_urgent
                when 'trust_loss' then is_trust_loss
                when 'open_ticket' then open_tickets > 0
                when 'still_quiet' then is_still_quiet
            end
        ) as held_reasons
    from accounts_with_signs
    cross join ranked_reasons
),

listed as (
    select * from reasoned
    where len(held_reasons) > 0
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
        list_transform(held_reasons, lambda held: held.reason) as reasons,  -- noqa: RF01
        list_reduce(
            list_transform(held_reasons, lambda held: held.weight),
            lambda total, weight: total + weight,
            0
        ) as reason_weight,
        array_to_string(
            list_transform(
                held_reasons,
                lambda held: case
                    when held.reason in ('silent_quiet', 'quiet')
                        then held.words || ' (usage −' || cast(round(drop_pct) as integer) || ' %)'
                    when held.reason = 'open_ticket' and open_tickets = 1
                        then '1 ' || held.words
                    -- More than one: the words' ticket counted ("2 tickets open").
                    when held.reason = 'open_ticket'
                        then open_tickets || ' ' || replace(held.words, 'ticket', 'tickets')
                    else held.words
                end
            ),
            '; '
        ) as reasons_text
    from listed
    left join account_rows on account_rows.account_id = listed.account_id
    left join last_contacts on last_contacts.account_id = listed.account_id
),

scored as (
    select
        weighed.*,
        coalesce(mrr, 0) * reason_weight as call_score
    from weighed
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
                call_score desc,
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
        call_score,
        is_quiet
    from scored
    order by incident_id, priority
)

select * from final

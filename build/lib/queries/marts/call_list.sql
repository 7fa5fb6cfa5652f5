-- Which quiet accounts are there to call, with what customer success needs to know?
-- grain:   one row per incident and quiet account
-- key:     incident_id, account_id
-- params:  none
-- columns: account_id, account_name, segment, mrr, is_silent, is_still_quiet, incident_id,
--          incident_title, started_at, baseline_daily, after_daily, drop_pct,
--          recovered_by_day_30, exposure, last_ticket_id, last_ticket_at, last_ticket_subject
-- Only the quiet rows of quiet_accounts, computed once at load, with the account's name, why it
-- was exposed and its last ticket: its newest ticket of any kind. exposure names the affected
-- features it used before the start (quiet_accounts.active_feature_bits; "active before the
-- start" for an incident that is not feature-scoped) and says when it opened a related ticket. The name is
-- empty for an account missing from `accounts`. The page (pages/quiet_call_list) filters and
-- orders this small table instead of scanning every exposed account. Stored in the
-- page's order (the load keeps insertion order): DuckDB's top-N then skips every row group whose
-- MRR cannot make the page's first rows, where it would otherwise sort millions of rows.

with

filtered as (
    select quiet_accounts.*
    from quiet_accounts
    where quiet_accounts.quiet
),

feature_names as (
    -- Names in bit order: feature_bits numbers the features alphabetically.
    select coalesce(list(feature order by bit), []) as features
    from feature_bits
),

exposures as (
    select
        filtered.incident_id,
        filtered.account_id,
        concat_ws(
            '; ',
            case
                when filtered.active_feature_bits & ~(1::uinteger << 31) <> 0
                    then 'used ' || array_to_string(
                        list_filter(
                            feature_names.features,
                            lambda feature, i: (filtered.active_feature_bits >> (i - 1)) & 1 = 1
                        ),
                        ', '
                    ) || ' before the start'
                when filtered.active_feature_bits <> 0 then 'active before the start'
            end,
            case when filtered.opened_ticket then 'opened a related ticket' end
        ) as exposure
    from filtered
    cross join feature_names
),

last_tickets as (
    -- The newest ticket of each account (ties: the larger id), by one pass of arg_max: a window
    -- over every ticket of millions would hold them all in memory.
    select
        account_id,
        arg_max(
            {'ticket_id': ticket_id, 'created_at': created_at, 'subject': subject},
            (created_at, ticket_id)
        ) as ticket
    from tickets
    where account_id in (select account_id from filtered)
    group by account_id
),

final as (
    select
        filtered.account_id,
        accounts.name as account_name,
        filtered.segment,
        filtered.mrr,
        filtered.is_silent,
        filtered.is_still_quiet,
        filtered.incident_id,
        incidents.title as incident_title,
        incidents.started_at,
        filtered.baseline_daily,
        filtered.after_daily,
        filtered.drop_pct,
        filtered.recovered_by_day_30,
        exposures.exposure,
        last_tickets.ticket.ticket_id as last_ticket_id,
        last_tickets.ticket.created_at as last_ticket_at,
        last_tickets.ticket.subject as last_ticket_subject
    from filtered
    inner join incidents on incidents.incident_id = filtered.incident_id
    inner join exposures
        on
            exposures.incident_id = filtered.incident_id
            and exposures.account_id = filtered.account_id
    left join accounts on accounts.account_id = filtered.account_id
    left join last_tickets on last_tickets.account_id = filtered.account_id
    order by
        filtered.mrr desc nulls last,
        filtered.segment nulls last,
        filtered.account_id,
        incidents.started_at
)

select * from final

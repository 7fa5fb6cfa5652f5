-- Which quiet accounts are there to call, with what customer success needs to know?
-- grain:   one row per incident and quiet account
-- params:  $exposure_days
-- columns: account_id, account_name, segment, mrr, is_silent, is_still_quiet, incident_id,
--          incident_title, started_at, baseline_daily, after_daily, drop_pct,
--          recovered_by_day_30, exposure, last_ticket_id, last_ticket_at, last_ticket_subject
-- Only the quiet rows of quiet_accounts, computed once at load, with the account's name, why it
-- was exposed and its last ticket: its newest ticket of any kind. exposure names the features
-- it used (value above 0) in the $exposure_days days before the start, of the incident's
-- affected ones when it is feature-scoped (quiet_windows), and says when it opened a related
-- ticket. The name is
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

used as (
    -- Read from the raw usage for these few rows only; quiet_accounts keeps no feature names.
    select
        filtered.incident_id,
        filtered.account_id,
        list(distinct usage.feature order by usage.feature)
            filter (where usage.feature <> '') as used_features
    from filtered
    inner join quiet_windows on quiet_windows.incident_id = filtered.incident_id
    inner join usage on usage.account_id = filtered.account_id
    where
        usage.value > 0
        and usage.day between quiet_windows.start_day - $exposure_days
        and quiet_windows.start_day - 1
        and (
            not quiet_windows.is_feature_scoped
            or usage.feature = ''
            or list_contains(quiet_windows.affected_features, usage.feature)
        )
    group by filtered.incident_id, filtered.account_id
),

exposures as (
    select
        filtered.incident_id,
        filtered.account_id,
        concat_ws(
            '; ',
            case
                when len(used.used_features) > 0
                    then 'used ' || array_to_string(used.used_features, ', ')
                    || ' before the start'
                when used.account_id is not null then 'active before the start'
            end,
            case when filtered.opened_ticket then 'opened a related ticket' end
        ) as exposure
    from filtered
    left join used
        on used.incident_id = filtered.incident_id and used.account_id = filtered.account_id
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

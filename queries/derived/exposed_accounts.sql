-- Which accounts each incident reached: users of its features just before it, and complainers.
-- grain:   one row per incident and exposed account
-- params:  $exposure_days
-- columns: incident_id, account_id, is_active_before, used_features, opened_ticket,
--          first_related_ticket_at, exposure
-- Active before: usage above 0 in the $exposure_days days before the start day, on one of the
-- incident's affected features when it is feature-scoped (quiet_windows), on any feature
-- otherwise; a usage row without a feature ('') counts for every incident. Every account that
-- opened a related ticket (linked or suggested) is exposed too, with or without usage.
-- Usage meets the incident through an equality join on the exposure days.

with

exposure_days as (
    select
        incident_id,
        is_feature_scoped,
        affected_features,
        cast(
            unnest(
                generate_series(
                    start_day - $exposure_days, start_day - 1, interval '1 day'
                )
            ) as date
        ) as day
    from quiet_windows
),

active as (
    select
        exposure_days.incident_id,
        usage.account_id,
        list(distinct usage.feature order by usage.feature) filter (
            where usage.feature <> ''
        ) as used_features
    from exposure_days
    inner join usage on usage.day = exposure_days.day
    where
        usage.value > 0
        and (
            not exposure_days.is_feature_scoped
            or usage.feature = ''
            or list_contains(exposure_days.affected_features, usage.feature)
        )
    group by exposure_days.incident_id, usage.account_id
),

complainers as (
    select incident_id, account_id, min(created_at) as first_related_ticket_at
    from related_tickets
    where account_id is not null
    group by incident_id, account_id
),

final as (
    select
        coalesce(active.incident_id, complainers.incident_id) as incident_id,
        coalesce(active.account_id, complainers.account_id) as account_id,
        active.account_id is not null as is_active_before,
        coalesce(active.used_features, []) as used_features,
        complainers.account_id is not null as opened_ticket,
        complainers.first_related_ticket_at,
        concat_ws(
            '; ',
            case
                when len(active.used_features) > 0
                    then 'used ' || array_to_string(active.used_features, ', ')
                    || ' before the start'
                when active.account_id is not null then 'active before the start'
            end,
            case when complainers.account_id is not null then 'opened a related ticket' end
        ) as exposure
    from active
    full outer join complainers
        on
            complainers.incident_id = active.incident_id
            and complainers.account_id = active.account_id
)

select * from final

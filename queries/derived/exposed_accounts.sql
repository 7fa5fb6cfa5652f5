-- Which accounts each incident reached: users of its features just before it, and complainers.
-- grain:   one row per incident and exposed account
-- params:  $exposure_days
-- columns: incident_id, account_id, is_active_before, used_features, opened_ticket,
--          first_related_ticket_at, exposure
-- Active before: usage above 0 in the $exposure_days days before the start day, on one of the
-- incident's affected features when it is feature-scoped (quiet_windows), on any feature
-- otherwise; a usage row without a feature ('') counts for every incident. Every account that
-- opened a related ticket (linked or suggested) is exposed too, with or without usage.
-- Usage meets the incident through an equality join on the exposure days (and, for a
-- feature-scoped incident, the feature), so each incident reads only the rows that can expose.

with

feature_bits as (
    -- Each usage feature's bit: an account's features are OR-ed as bits, far cheaper than
    -- collecting lists of names in millions of groups. used_features names the first 128
    -- features (alphabetically) only; exposure itself counts every feature.
    select feature, (row_number() over (order by feature) - 1)::uhugeint as bit
    from (select distinct feature from usage where feature <> '')
),

feature_names as (
    select list(feature order by bit) as features
    from feature_bits
),

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

scoped_days as (
    -- A feature-scoped incident's exposure days, once per affected feature and once for ''.
    select incident_id, day, unnest(list_append(affected_features, '')) as feature
    from exposure_days
    where is_feature_scoped
),

usage_before as (
    -- Usage rows that expose an account: feature-scoped incidents meet only the rows of their
    -- features (an equality join on day and feature), the others every row of the days.
    select scoped_days.incident_id, usage.account_id, usage.feature
    from scoped_days
    inner join usage on usage.day = scoped_days.day and usage.feature = scoped_days.feature
    where usage.value > 0
    union all
    select exposure_days.incident_id, usage.account_id, usage.feature
    from exposure_days
    inner join usage on usage.day = exposure_days.day
    where not exposure_days.is_feature_scoped and usage.value > 0
),

active_bits as (
    select
        usage_before.incident_id,
        usage_before.account_id,
        coalesce(
            bit_or(1::uhugeint << feature_bits.bit) filter (where feature_bits.bit < 128), 0
        ) as feature_mask
    from usage_before
    left join feature_bits on feature_bits.feature = usage_before.feature
    group by usage_before.incident_id, usage_before.account_id
),

active as (
    select
        active_bits.incident_id,
        active_bits.account_id,
        list_filter(
            feature_names.features, lambda feature, i: (active_bits.feature_mask >> (i - 1)::uhugeint) & 1 = 1
        ) as used_features
    from active_bits
    cross join feature_names
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

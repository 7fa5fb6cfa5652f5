-- What each account used day by day, as lists the quiet checks read by position, not by join.
-- grain:   one row per account with usage or a related ticket
-- key:     account_id
-- params:  $exposure_days
-- columns: account_id, usage_to_date, feature_blocks, complained_incidents
-- storage: a scratch table: the quiet steps' cross join reads it on every core
-- Days are indexed from the usage data's first day (day 0) to its last (day n - 1), and days
-- without rows count as 0. usage_to_date[i + 2]: the account's usage on days 0..i
-- (usage_to_date[1] = 0), so a window's usage is two lookups (quiet_positions). feature_blocks
-- [i + $exposure_days + 1]: the bits (feature_bits; bit 31 for any feature, every bit for a row
-- without a feature) of the features used (value above 0) on days i..i + B - 1, B the largest
-- power of two up to $exposure_days: two blocks cover the $exposure_days days before any start,
-- and the list starts $exposure_days days before day 0 with nothing used there. The blocks are
-- built by doubling, ORing each list with itself shifted by 1, 2, 4... days.
-- complained_incidents: bit k set when the account opened a related ticket of the incident with
-- quiet_positions.incident_index k (empty when it opened none). At 100,000 accounts, 2,000
-- incidents and two years, the lists take about 1 GB where one row per incident, account and day
-- would be billions.
-- Worked example (tests/test_quiet_timelines.py asserts these lists): $exposure_days = 2, usage
-- data 2026-07-01..07-04 (day 0..3), one incident I1 naming billing (feature_bits: billing = bit
-- 0), account A1 used billing 3 on day 0, reports 5 on day 2, billing 2 on day 3, and wrote in
-- about I1. usage_to_date = [0, 3, 3, 8, 10] (days 0..1 = [3] - [1] = 3). Per day, the features
-- are day 0: A|1, day 1: 0, day 2: A, day 3: A|1, with A = bit 31 = 2147483648; B = 2, so each
-- block ORs a day with the next, and the list starts 2 days before day 0:
-- feature_blocks = [0, A|1, A|1, A, A|1, A|1] (position 3 = days 0..1 = A|1: billing was used
-- in the two days before a start on day 2). complained_incidents = '1' (I1 is incident 0).
-- The portable form of account_timelines.sql, for aftermath load --engine spark (transpiled like
-- any file): the two must agree, and tests/test_queries_contract.py holds them to each other. What
-- sqlglot cannot carry is said otherwise here: feature masks are bigints (no unsigned integers),
-- lists are padded by transforming a range (no list_resize), the blocks OR a slice of the days
-- (no recursive CTE), and complained_incidents is text of '0' and '1' (no bitstrings), which
-- get_bit reads on Spark as the same bits.

with

usage_rows as not materialized (
    select * from usage
),

feature_bit_rows as (
    select * from feature_bits
),

quiet_position_rows as not materialized (
    select * from quiet_positions
),

ticket_relation_rows as (
    select * from ticket_relations
),

span as (
    select
        min(day) as first_day,
        date_diff('day', min(day), max(day)) + 1 as day_count
    from usage_rows
),

account_days as (
    select
        usage_rows.account_id,
        date_diff('day', span.first_day, usage_rows.day) as day_index,
        sum(coalesce(usage_rows.value, 0)) as daily_usage,
        bit_or(
            case
                when not usage_rows.value > 0 then 0::bigint
                when usage_rows.feature = '' then 4294967295::bigint
                else 2147483648::bigint | coalesce(1::bigint << feature_bit_rows.bit, 0::bigint)
            end
        ) as day_features
    from usage_rows
    cross join span
    left join feature_bit_rows on feature_bit_rows.feature = usage_rows.feature
    group by usage_rows.account_id, date_diff('day', span.first_day, usage_rows.day)
),

running as (
    select
        account_days.account_id,
        account_days.day_index,
        account_days.day_features,
        sum(account_days.daily_usage) over days_so_far as usage_so_far,
        coalesce(lead(account_days.day_index, 1) over days_so_far, span.day_count)
        as next_day_index
    from account_days
    cross join span
    window days_so_far as (partition by account_days.account_id order by account_days.day_index)
),

rows_in_order as (
    select
        account_id,
        min(day_index) as first_day_index,
        list_sort(
            list(
                {
                    'day_index': day_index,
                    'next_day_index': next_day_index,
                    'usage_so_far': usage_so_far,
                    'day_features': day_features
                }
            )
        ) as day_rows
    from running
    group by account_id
),

dense as (
    -- Each row's value repeated up to the account's next row: usage to date stays, features are
    -- used on the row's own day only.
    select
        account_id,
        list_concat(
            list_transform(range(0, first_day_index + 1), lambda pad: 0.0::double),
            flatten(
                list_transform(
                    day_rows,
                    lambda day_row: list_transform(
                        range(0, day_row.next_day_index - day_row.day_index),
                        lambda pad: day_row.usage_so_far
                    )
                )
            )
        ) as usage_to_date,
        list_concat(
            list_transform(range(0, first_day_index + $exposure_days), lambda pad: 0::bigint),
            flatten(
                list_transform(
                    day_rows,
                    lambda day_row: list_transform(
                        range(0, day_row.next_day_index - day_row.day_index),
                        lambda day_offset: if(day_offset = 0, day_row.day_features, 0::bigint)
                    )
                )
            )
        ) as day_features
    from rows_in_order
),

blocks as (
    -- Each day ORed with the width - 1 days after it, width the largest power of two up to
    -- $exposure_days: what the doubling of account_timelines.sql computes.
    select
        account_id,
        list_transform(
            range(1, len(day_features) + 1),
            lambda i: list_reduce(  -- noqa: LT01
                day_features[i:i + (1 << floor(log2($exposure_days))::integer) - 1],
                lambda bits, day_bits: bits | day_bits,
                0::bigint
            )
        ) as features
    from dense
),

incident_count as (
    select count(*) as incidents
    from quiet_position_rows
),

complained as (
    select
        ticket_relation_rows.account_id,
        list(distinct quiet_position_rows.incident_index) as incident_indexes
    from ticket_relation_rows
    inner join quiet_position_rows
        on quiet_position_rows.incident_id = ticket_relation_rows.incident_id
    where ticket_relation_rows.account_id is not null
    group by ticket_relation_rows.account_id
),

complaints as (
    -- One character per incident, '1' where the account wrote in about it.
    select
        complained.account_id,
        array_to_string(
            list_transform(
                range(0, incident_count.incidents),
                lambda incident_index: if(
                    list_contains(complained.incident_indexes, incident_index), '1', '0'
                )
            ),
            ''
        ) as complained_incidents
    from complained
    cross join incident_count
),

final as (
    -- Accounts with a related ticket and no usage get a row too, with empty lists: the quiet
    -- checks then see every exposed account in one cross join.
    select
        coalesce(dense.account_id, complaints.account_id) as account_id,
        coalesce(dense.usage_to_date, []) as usage_to_date,
        coalesce(blocks.features, []) as feature_blocks,
        complaints.complained_incidents
    from dense
    inner join blocks on blocks.account_id = dense.account_id
    full outer join complaints on complaints.account_id = dense.account_id
)

select * from final

-- What each account used day by day, as lists the quiet checks read by position, not by join.
-- grain:   one row per account with usage or a related ticket
-- key:     account_id
-- params:  $exposure_days, $control_sample_accounts
-- columns: account_id, usage_to_date, feature_blocks, complained_incidents, is_control_sample
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
-- quiet_positions.incident_index k (empty when it opened none). is_control_sample: among the
-- $control_sample_accounts accounts with the lowest md5 of their id (every account when there
-- are no more), the sample the unexposed control is measured on: the same accounts from load to
-- load and on either engine (md5 is; a hash() is not). At 100,000 accounts, 2,000
-- incidents and two years, the lists take about 1 GB where one row per incident, account and day
-- would be billions. On Spark (aftermath/pipeline/spark.py) the masks are bigints and the
-- bitstring is text of '0' and '1'.
-- Worked example (tests/test_quiet_timelines.py asserts these lists): $exposure_days = 2, usage
-- data 2026-07-01..07-04 (day 0..3), one incident I1 naming billing (feature_bits: billing = bit
-- 0), account A1 used billing 3 on day 0, reports 5 on day 2, billing 2 on day 3, and wrote in
-- about I1. usage_to_date = [0, 3, 3, 8, 10] (days 0..1 = [3] - [1] = 3). Per day, the features
-- are day 0: A|1, day 1: 0, day 2: A, day 3: A|1, with A = bit 31 = 2147483648; B = 2, so each
-- block ORs a day with the next, and the list starts 2 days before day 0:
-- feature_blocks = [0, A|1, A|1, A, A|1, A|1] (position 3 = days 0..1 = A|1: billing was used
-- in the two days before a start on day 2). complained_incidents = '1' (I1 is incident 0).

with recursive

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
                when not usage_rows.value > 0 then 0::uinteger
                when usage_rows.feature = '' then ~0::uinteger
                else
                    (1::uinteger << 31)
                    | coalesce(1::uinteger << feature_bit_rows.bit, 0::uinteger)
            end
        ) as day_features
    from usage_rows
    cross join span
    left join feature_bit_rows on feature_bit_rows.feature = usage_rows.feature
    group by usage_rows.account_id, day_index
),

running as (
    select
        account_id,
        day_index,
        day_features,
        sum(daily_usage) over days_so_far as usage_so_far,
        lead(day_index, 1, (select day_count from span)) over days_so_far as next_day_index
    from account_days
    window days_so_far as (partition by account_id order by day_index)
),

rows_in_order as (
    -- Sorting each account's few hundred rows as one list is cheaper than an ordered aggregate.
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
        list_resize([0.0], first_day_index + 1, 0.0) || flatten(
            list_transform(
                day_rows,
                lambda day_row: list_resize(
                    [day_row.usage_so_far],
                    day_row.next_day_index - day_row.day_index,
                    day_row.usage_so_far
                )
            )
        ) as usage_to_date,
        list_resize([0::uinteger], first_day_index + $exposure_days, 0::uinteger) || flatten(
            list_transform(
                day_rows,
                lambda day_row: list_resize(
                    [day_row.day_features],
                    day_row.next_day_index - day_row.day_index,
                    0::uinteger
                )
            )
        ) as day_features
    from rows_in_order
),

blocks (account_id, width, features) as (
    -- Doubling: a block of 2w days is the block of w days ORed with the one w days later.
    select account_id, 1, day_features
    from dense
    union all
    select
        account_id,
        width * 2,
        list_transform(
            range(1, len(features) + 1),
            lambda i: features[i] | coalesce(features[i + width], 0::uinteger)
        )
    from blocks
    where width * 2 <= $exposure_days
),

incident_count as (
    select count(*) as incidents
    from quiet_position_rows
),

complaints as (
    -- One bit per incident, set by folding the account's incident numbers into a zero string.
    select
        ticket_relation_rows.account_id,
        list_reduce(
            list(distinct quiet_position_rows.incident_index),
            lambda bits, incident_index: set_bit(bits, incident_index, 1),
            repeat('0', incident_count.incidents)::bit
        ) as complained_incidents
    from ticket_relation_rows
    inner join quiet_position_rows
        on quiet_position_rows.incident_id = ticket_relation_rows.incident_id
    cross join incident_count
    where ticket_relation_rows.account_id is not null
    group by ticket_relation_rows.account_id, incident_count.incidents
),

final as (
    -- Accounts with a related ticket and no usage get a row too, with empty lists: the quiet
    -- checks then see every exposed account in one cross join.
    select
        coalesce(dense.account_id, complaints.account_id) as account_id,
        coalesce(dense.usage_to_date, []) as usage_to_date,
        coalesce(blocks.features, []) as feature_blocks,
        complaints.complained_incidents,
        row_number() over (
            order by md5(coalesce(dense.account_id, complaints.account_id))
        ) <= $control_sample_accounts as is_control_sample
    from dense
    inner join blocks
        on
            blocks.account_id = dense.account_id
            and blocks.width = 1 << floor(log2($exposure_days))::integer
    full outer join complaints on complaints.account_id = dense.account_id
)

select * from final

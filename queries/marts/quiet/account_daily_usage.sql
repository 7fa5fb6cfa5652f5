-- How much each account used the product each day, all features together.
-- grain:   one row per account and day with usage
-- key:     account_id, day
-- params:  none
-- columns: account_id, day, daily_usage
-- The one pre-aggregate the quiet-account tables read instead of the raw usage rows (one per
-- account, feature and day). Days without a row are days without use: readers count them as 0.

with

usage_rows as (
    select * from usage
),

final as (
    select
        account_id,
        day,
        sum(coalesce(value, 0)) as daily_usage
    from usage_rows
    group by account_id, day
    -- Stored by day: a page reading an incident's days then skips the other row groups.
    order by day
)

select * from final

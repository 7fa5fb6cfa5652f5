-- Which customer segments the accounts belong to, for the quiet-account filters.
-- grain:   one row per segment ('' when the export names none)
-- params:  none
-- columns: segment, accounts

with

account_rows as (
    select * from accounts
),

final as (
    select
        coalesce(segment, '') as segment,
        count(*) as accounts
    from account_rows
    group by coalesce(segment, '')
    order by accounts desc, segment
)

select * from final

-- Which customer segments the accounts belong to, for the quiet-account filters.
-- grain:   one row per segment ('' when the export names none)
-- params:  none
-- columns: segment, accounts

with

final as (
    select
        coalesce(segment, '') as segment,
        count(*) as accounts
    from accounts
    group by coalesce(segment, '')
    order by accounts desc, segment
)

select * from final

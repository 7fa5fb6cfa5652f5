-- Which hours the ticket history covers: from the first ticket's hour to the data's end.
-- grain:   one row
-- params:  none
-- columns: first_hour, last_hour
-- hourly_baselines' first and last hour, for the pages that lay months over the whole history;
-- both empty when no ticket is loaded.

with

hourly_baseline_rows as (
    select * from hourly_baselines
),

final as (
    select
        min(hour) as first_hour,
        max(hour) as last_hour
    from hourly_baseline_rows
)

select * from final

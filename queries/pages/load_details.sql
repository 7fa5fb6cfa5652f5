-- When the data was loaded, from where, with which settings, and how far in time it reaches.
-- grain:   one row
-- params:  none
-- columns: loaded_at, source, data_end_at, settings

with

load_info_rows as (
    select * from load_info
),

final as (
    select
        loaded_at,
        source,
        data_end_at,
        settings
    from load_info_rows
)

select * from final

-- Which bit stands for each usage feature an incident names, in the quiet checks' feature masks?
-- grain:   one row per usage feature that some incident names (quiet_windows.affected_features)
-- key:     feature
-- params:  none
-- columns: feature, bit
-- storage: a temporary table
-- Masks are uintegers: bits 0..30 go to the first 31 such features (alphabetically); bit 31 means
-- "any feature". An incident naming a feature past the 31st counts usage of any feature, so it
-- over-exposes rather than misses; few products name that many features in their incidents.

with

quiet_window_rows as (
    select * from quiet_windows
),

named as (
    select distinct unnest(affected_features) as feature
    from quiet_window_rows
),

final as (
    select
        feature,
        (row_number() over (order by feature) - 1)::integer as bit
    from named
    qualify bit < 31
)

select * from final

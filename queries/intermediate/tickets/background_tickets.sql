-- Which unlinked tickets show how customers write in ordinary times: a sample outside the windows.
-- grain:   one row per sampled background ticket
-- key:     ticket_id
-- params:  none
-- columns: ticket_id
-- The sample takes every ticket whose hash(ticket_id) falls on a multiple of (unlinked tickets /
-- 50000), so it stays near 50000 tickets or fewer (all of them in small data) before windowed
-- ones are dropped; windowed ones stay when windows hold over 99 % of the sample: with incidents
-- overlapping all the time (a busy company) too few would be left to say how customers write in
-- ordinary times, and the windows are then mostly ordinary tickets anyway. DuckDB-only: hash().

with

ticket_rows as (
    select * from tickets
),

ticket_link_rows as (
    select * from ticket_links
),

suggestion_window_day_rows as (
    select * from suggestion_window_days
),

unlinked as (
    select ticket_rows.ticket_id, ticket_rows.created_at
    from ticket_rows
    left join ticket_link_rows on ticket_link_rows.ticket_id = ticket_rows.ticket_id
    where ticket_link_rows.ticket_id is null
),

sample_every as (
    select greatest(count(*) // 50000, 1) as every
    from unlinked
),

sampled as (
    select unlinked.ticket_id, unlinked.created_at
    from unlinked
    cross join sample_every
    where hash(unlinked.ticket_id) % sample_every.every = 0
),

windowed as (
    select distinct sampled.ticket_id
    from sampled
    inner join suggestion_window_day_rows
        on suggestion_window_day_rows.day = date_trunc('day', sampled.created_at)
    where
        sampled.created_at
        between suggestion_window_day_rows.suggest_from and suggestion_window_day_rows.suggest_until
),

windows_hold_nearly_all as (
    select (select count(*) from windowed) > 0.99 * count(*) as yes
    from sampled
),

final as (
    select sampled.ticket_id
    from sampled
    left join windowed on windowed.ticket_id = sampled.ticket_id
    cross join windows_hold_nearly_all
    where windowed.ticket_id is null or windows_hold_nearly_all.yes
)

select * from final

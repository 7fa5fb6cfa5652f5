-- Which severity the customer record suggests for each incident (1 = worst).
-- grain:   one row per incident whose customer impact was measured
-- key:     incident_id
-- params:  $sev1_min_pct, $sev2_min_pct, $sev3_min_pct, $sev4_min_pct, $severity_step_minutes
-- columns: incident_id, suggested_severity
-- Two shares of incident_reach, the reached accounts' share of active accounts and their share
-- of all MRR, on one ladder: at least $sev1_min_pct % -> 1, $sev2_min_pct % -> 2, $sev3_min_pct %
-- -> 3, $sev4_min_pct % -> 4, else 5 (few affected customers ever write in, hence low bars). The
-- worse of their two levels is the level of the larger share (it clears a bar when either share
-- does), so the ladder is climbed once, by that share (an empty share is passed over; both empty
-- -> 5). Made one level worse (down to 1) when customer_impact_minutes reaches
-- $severity_step_minutes; no reached account -> 5. Without a measured customer impact (no
-- tickets) there is no row: nothing to suggest from.

with

incident_reach_rows as (
    select * from incident_reach
),

customer_impact_window_rows as (
    select * from customer_impact_windows
),

shares as (
    select
        incident_reach_rows.incident_id,
        incident_reach_rows.reached_accounts,
        customer_impact_window_rows.customer_impact_minutes,
        -- greatest() passes over an empty share, in DuckDB as in Spark.
        greatest(
            incident_reach_rows.reached_share_pct, incident_reach_rows.reached_mrr_pct
        ) as larger_share_pct
    from incident_reach_rows
    inner join customer_impact_window_rows
        on customer_impact_window_rows.incident_id = incident_reach_rows.incident_id
    where customer_impact_window_rows.customer_impact_minutes is not null
),

levels as (
    select
        incident_id,
        reached_accounts,
        customer_impact_minutes,
        case
            when larger_share_pct >= $sev1_min_pct then 1
            when larger_share_pct >= $sev2_min_pct then 2
            when larger_share_pct >= $sev3_min_pct then 3
            when larger_share_pct >= $sev4_min_pct then 4
            else 5
        end as reach_level
    from shares
),

final as (
    select
        incident_id,
        case
            when reached_accounts = 0 then 5
            when customer_impact_minutes >= $severity_step_minutes
                then greatest(reach_level - 1, 1)
            else reach_level
        end as suggested_severity
    from levels
)

select * from final

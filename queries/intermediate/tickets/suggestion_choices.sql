-- Which incident each suggestable ticket fits best, and how many incidents it fits that well.
-- grain:   one row per ticket and incident it fits best
-- key:     incident_id, ticket_id
-- params:  none
-- columns: incident_id, ticket_id, account_id, created_at, reason, best_fits
-- storage: a temporary table
-- A ticket goes to the incident whose own evidence it carries, not to every incident open in its
-- hour: among the incidents that would suggest it (suggestion_scores), the one with the most
-- evidence terms that are not everyday, then the most evidence terms. Terms two incidents share count for
-- both, so only each incident's own terms can tip the choice. best_fits: how many incidents tie
-- at the top; 1 = suggested for it (suggested_tickets), more = ambiguous, suggested for none and
-- listed with every reason for CS to link (ambiguous_tickets).

with

suggestion_score_rows as (
    select * from suggestion_scores
),

ranked as (
    select
        incident_id,
        ticket_id,
        account_id,
        created_at,
        reason,
        rank() over (
            partition by ticket_id order by specific_terms desc, evidence_terms desc
        ) as fit_rank
    from suggestion_score_rows
),

final as (
    select
        incident_id,
        ticket_id,
        account_id,
        created_at,
        reason,
        count(*) over (partition by ticket_id) as best_fits
    from ranked
    where fit_rank = 1
)

select * from final

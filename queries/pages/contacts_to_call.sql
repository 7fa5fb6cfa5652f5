-- Whom should customer success contact first, for the page's filters?
-- grain:   one row per incident and account to contact, the first $max_rows of them
-- params:  $incident_id, $segment, $min_mrr, $reason, $max_rows
-- columns: priority, account_name, why, call_score, mrr, segment, drop_pct, last_contact_at,
--          last_contact_minutes_from_start, related_tickets, reasons, account_id, incident_id,
--          incident_title
-- Reads contact_list. One incident: in its priority order. Every incident at once: by
-- contact_list.call_score (revenue at risk), as priority ranks within an incident. Every filter is
-- off when its parameter is empty; $reason keeps the accounts listed for that reason (one of
-- contact_list.reasons). $max_rows keeps the first rows (the page shows the top; the quiet rows
-- of every incident are millions at scale); empty keeps them all (the CSV). The totals are
-- pages/contacts_to_call_totals; the reasons in words, pages/contact_reasons. call_score: what
-- the order follows, in whole dollars. last_contact_minutes_from_start: the account's newest
-- ticket against the incident's start (negative: before it), so a silent account's ticket of
-- months ago reads as old.

with

contact_list_rows as (
    select * from contact_list
),

incident_rows as (
    select * from incidents
),

final as (
    select
        contact_list_rows.priority,
        contact_list_rows.account_name,
        contact_list_rows.why,
        round(contact_list_rows.call_score)::bigint as call_score,
        contact_list_rows.mrr,
        contact_list_rows.segment,
        contact_list_rows.drop_pct,
        contact_list_rows.last_contact_at,
        date_diff(
            'minute', incident_rows.started_at, contact_list_rows.last_contact_at
        ) as last_contact_minutes_from_start,
        contact_list_rows.related_tickets,
        contact_list_rows.reasons,
        contact_list_rows.account_id,
        contact_list_rows.incident_id,
        incident_rows.title as incident_title
    from contact_list_rows
    inner join incident_rows on incident_rows.incident_id = contact_list_rows.incident_id
    where
        ($incident_id is null or contact_list_rows.incident_id = $incident_id)
        and ($segment is null or contact_list_rows.segment = lower($segment))
        and ($min_mrr is null or contact_list_rows.mrr >= $min_mrr)
        and ($reason is null or list_contains(contact_list_rows.reasons, $reason))
    order by
        contact_list_rows.call_score desc,
        contact_list_rows.priority,
        contact_list_rows.incident_id
    limit $max_rows
)

select * from final

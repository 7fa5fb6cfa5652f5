-- Whom should customer success contact first, for the page's filters?
-- grain:   one row per incident and account to contact, the first $max_rows of them
-- params:  $incident_id, $segment, $min_mrr, $reason, $max_rows
-- columns: priority, account_name, why, mrr, segment, drop_pct, last_contact_at, related_tickets,
--          reasons, account_id, incident_id, incident_title
-- Reads derived/contact_list. One incident: in its priority order. Every incident at once: by
-- revenue at risk (mrr × reason_weight), as priority ranks within an incident. Every filter is
-- off when its parameter is empty; $reason keeps the accounts listed for that reason (one of
-- contact_list.reasons). $max_rows keeps the first rows (the page shows the top; the quiet rows
-- of every incident are millions at scale); empty keeps them all (the CSV). The totals are
-- pages/contacts_to_call_totals.

with

final as (
    select
        contact_list.priority,
        contact_list.account_name,
        contact_list.why,
        contact_list.mrr,
        contact_list.segment,
        contact_list.drop_pct,
        contact_list.last_contact_at,
        contact_list.related_tickets,
        contact_list.reasons,
        contact_list.account_id,
        contact_list.incident_id,
        incidents.title as incident_title
    from contact_list
    inner join incidents on incidents.incident_id = contact_list.incident_id
    where
        ($incident_id is null or contact_list.incident_id = $incident_id)
        and ($segment is null or contact_list.segment = lower($segment))
        and ($min_mrr is null or contact_list.mrr >= $min_mrr)
        and ($reason is null or list_contains(contact_list.reasons, $reason))
    order by
        coalesce(contact_list.mrr, 0) * contact_list.reason_weight desc,
        contact_list.priority,
        contact_list.incident_id
    limit $max_rows
)

select * from final

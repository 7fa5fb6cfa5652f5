-- What each incident's first postmortem says: when it came, whom it names, how many tickets.
-- grain:   one row per incident with a postmortem
-- key:     incident_id
-- params:  none
-- columns: incident_id, postmortem_id, published_at, named_accounts, stated_ticket_count,
--          unnamed_affected_accounts
-- The first one published (unpublished ones last, then by id). unnamed_affected_accounts: the
-- accounts of related tickets the postmortem does not name.

with

postmortem_rows as (
    select * from postmortems
),

related_ticket_rows as (
    select * from related_tickets
),

ranked as (
    select
        incident_id,
        postmortem_id,
        published_at,
        affected_accounts as named_accounts,
        stated_ticket_count,
        row_number() over (
            partition by incident_id order by published_at nulls last, postmortem_id
        ) as rank_in_incident
    from postmortem_rows
),

firsts as (
    select incident_id, postmortem_id, published_at, named_accounts, stated_ticket_count
    from ranked
    where rank_in_incident = 1
),

affected as (
    select distinct incident_id, account_id
    from related_ticket_rows
    where account_id is not null
),

unnamed as (
    select affected.incident_id, count(*) as unnamed_affected_accounts
    from affected
    inner join firsts on firsts.incident_id = affected.incident_id
    where not list_contains(coalesce(firsts.named_accounts, []), affected.account_id)
    group by affected.incident_id
),

final as (
    select
        firsts.incident_id,
        firsts.postmortem_id,
        firsts.published_at,
        firsts.named_accounts,
        firsts.stated_ticket_count,
        coalesce(unnamed.unnamed_affected_accounts, 0) as unnamed_affected_accounts
    from firsts
    left join unnamed on unnamed.incident_id = firsts.incident_id
)

select * from final

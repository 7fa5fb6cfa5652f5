-- A week after each incident was resolved: who is still quiet, who wrote again, what is still open?
-- grain:   one row per incident (the follow-up check due $week_later_days days after resolution)
-- key:     incident_id
-- params:  $week_later_days
-- columns: incident_id, check_due_at, accounts_still_quiet, repeat_ticket_accounts,
--          open_related_tickets, overdue_action_items, checked_at, is_check_due
-- checked_at is the moment the check looks at: check_due_at, or the data's end (load_info) when
-- that comes first or the incident is still ongoing (then check_due_at and the two account counts
-- are empty). accounts_still_quiet: exposed accounts eligible as in quiet_accounts (baseline at
-- least the minimum, not already quiet) whose mean over days 1..$week_later_days after the
-- resolution day is at least the quiet drop below baseline (counted in incident_exposure's pass
-- over every account); empty until the usage data covers those days. repeat_ticket_accounts: accounts with a related ticket inside the customer impact
-- window and a later related ticket of the same incident created after resolved_at, up to
-- check_due_at (an unrelated ticket, say a billing question after a login outage, is no repeat).
-- open_related_tickets: related tickets created by checked_at and not solved by then.
-- overdue_action_items: action items whose due_date ended before checked_at's day and that were
-- not completed by checked_at (no due_date: never overdue).

with

incident_window_rows as (
    select * from incident_windows
),

incident_exposure_rows as (
    select * from incident_exposure
),

related_ticket_rows as not materialized (
    select * from related_tickets
),

customer_impact_window_rows as (
    select * from customer_impact_windows
),

ticket_rows as (
    select * from tickets
),

action_item_rows as (
    select * from action_items
),

quiet_window_rows as (
    select * from quiet_windows
),

checks as (
    select
        incident_window_rows.incident_id,
        incident_window_rows.resolved_at,
        incident_window_rows.resolved_at + $week_later_days * interval '1 day' as check_due_at,
        coalesce(
            least(
                incident_window_rows.resolved_at + $week_later_days * interval '1 day',
                incident_window_rows.data_end_at
            ),
            incident_window_rows.data_end_at
        ) as checked_at,
        incident_window_rows.resolved_at + $week_later_days * interval '1 day'
        <= incident_window_rows.data_end_at as is_check_due
    from incident_window_rows
),

impact_complainers as (
    select
        related_ticket_rows.incident_id,
        related_ticket_rows.account_id,
        min(related_ticket_rows.created_at) as first_ticket_at
    from related_ticket_rows
    inner join customer_impact_window_rows
        on customer_impact_window_rows.incident_id = related_ticket_rows.incident_id
    where
        related_ticket_rows.account_id is not null
        and related_ticket_rows.created_at
        between customer_impact_window_rows.customer_impact_start_at
        and customer_impact_window_rows.customer_impact_end_at
    group by related_ticket_rows.incident_id, related_ticket_rows.account_id
),

repeats as (
    select
        impact_complainers.incident_id,
        count(distinct impact_complainers.account_id) as repeat_ticket_accounts
    from impact_complainers
    inner join checks on checks.incident_id = impact_complainers.incident_id
    inner join related_ticket_rows as later_tickets
        on
            later_tickets.incident_id = impact_complainers.incident_id
            and later_tickets.account_id = impact_complainers.account_id
    where
        later_tickets.created_at > checks.resolved_at
        and later_tickets.created_at <= checks.check_due_at
        and later_tickets.created_at > impact_complainers.first_ticket_at
    group by impact_complainers.incident_id
),

open_tickets as (
    select
        related_ticket_rows.incident_id,
        count(*) as open_related_tickets
    from related_ticket_rows
    inner join checks on checks.incident_id = related_ticket_rows.incident_id
    inner join ticket_rows on ticket_rows.ticket_id = related_ticket_rows.ticket_id
    where
        related_ticket_rows.created_at <= checks.checked_at
        and (ticket_rows.solved_at is null or ticket_rows.solved_at > checks.checked_at)
    group by related_ticket_rows.incident_id
),

overdue as (
    select
        action_item_rows.incident_id,
        count(*) as overdue_action_items
    from action_item_rows
    inner join checks on checks.incident_id = action_item_rows.incident_id
    where
        action_item_rows.due_date < cast(checks.checked_at as date)
        and (
            action_item_rows.completed_at is null
            or action_item_rows.completed_at > checks.checked_at
        )
    group by action_item_rows.incident_id
),

final as (
    select
        checks.incident_id,
        checks.check_due_at,
        case
            when quiet_window_rows.has_week_window
                then coalesce(incident_exposure_rows.accounts_still_quiet, 0)
        end as accounts_still_quiet,
        case
            when checks.resolved_at is not null then coalesce(repeats.repeat_ticket_accounts, 0)
        end as repeat_ticket_accounts,
        coalesce(open_tickets.open_related_tickets, 0) as open_related_tickets,
        coalesce(overdue.overdue_action_items, 0) as overdue_action_items,
        checks.checked_at,
        coalesce(checks.is_check_due, false) as is_check_due
    from checks
    inner join quiet_window_rows on quiet_window_rows.incident_id = checks.incident_id
    left join incident_exposure_rows on incident_exposure_rows.incident_id = checks.incident_id
    left join repeats on repeats.incident_id = checks.incident_id
    left join open_tickets on open_tickets.incident_id = checks.incident_id
    left join overdue on overdue.incident_id = checks.incident_id
)

select * from final

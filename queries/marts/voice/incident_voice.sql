-- What each incident's customers said, and whether its follow-ups answer them.
-- grain:   one row per incident
-- key:     incident_id
-- params:  none
-- columns: incident_id, confusion_tickets, trust_loss_tickets, workaround_tickets, urgent_tickets,
--          themed_tickets, covered_tickets, theme_coverage, uncovered_themes, action_items,
--          action_item_teams, open_action_items, overdue_action_items, is_engineering_only
-- <signal>_tickets: related tickets showing the signal. themed_tickets: related tickets with at
-- least one theme (a signal or a symptom tag); covered_tickets: those all of whose themes an
-- action item covers (theme_coverage); theme_coverage = covered_tickets / themed_tickets, empty
-- when no related ticket has a theme. uncovered_themes: most complained-about first.
-- action_item_teams: sorted, without empty teams. Open: not completed; overdue: open and due
-- before the day of the data's end (load_info.data_end_at), so a load is reproducible.
-- is_engineering_only: the incident has action items, all of team 'engineering', while customers
-- reported confusion or workarounds: product and support work is missing.
-- DuckDB-only: list() aggregates with order by (Spark: array_sort(collect_list(...))).

with

related_ticket_rows as (
    select * from related_tickets
),

ticket_signal_rows as (
    select * from ticket_signals
),

related_ticket_theme_rows as (
    select * from related_ticket_themes
),

theme_coverage_rows as not materialized (
    select * from theme_coverage
),

action_item_rows as (
    select * from action_items
),

load_info_rows as (
    select * from load_info
),

incident_rows as (
    select * from incidents
),

related_signals as (
    select
        related_ticket_rows.incident_id,
        count(distinct related_ticket_rows.ticket_id) filter (
            where ticket_signal_rows.signal = 'confusion'
        ) as confusion_tickets,
        count(distinct related_ticket_rows.ticket_id) filter (
            where ticket_signal_rows.signal = 'trust_loss'
        ) as trust_loss_tickets,
        count(distinct related_ticket_rows.ticket_id) filter (
            where ticket_signal_rows.signal = 'workaround'
        ) as workaround_tickets,
        count(distinct related_ticket_rows.ticket_id) filter (
            where ticket_signal_rows.signal = 'urgent'
        ) as urgent_tickets
    from related_ticket_rows
    inner join ticket_signal_rows on ticket_signal_rows.ticket_id = related_ticket_rows.ticket_id
    group by related_ticket_rows.incident_id
),

ticket_coverage as (
    select
        related_ticket_theme_rows.incident_id,
        related_ticket_theme_rows.ticket_id,
        bool_and(theme_coverage_rows.covered) as is_covered
    from related_ticket_theme_rows
    inner join theme_coverage_rows
        on
            theme_coverage_rows.incident_id = related_ticket_theme_rows.incident_id
            and theme_coverage_rows.theme = related_ticket_theme_rows.theme
    group by related_ticket_theme_rows.incident_id, related_ticket_theme_rows.ticket_id
),

coverage as (
    select
        incident_id,
        count(*) as themed_tickets,
        count(*) filter (where is_covered) as covered_tickets
    from ticket_coverage
    group by incident_id
),

uncovered as (
    select
        incident_id,
        list(theme order by tickets desc, theme) as uncovered_themes
    from theme_coverage_rows
    where not covered
    group by incident_id
),

follow_ups as (
    select
        action_item_rows.incident_id,
        count(*) as action_items,
        list(distinct action_item_rows.team order by action_item_rows.team) filter (
            where action_item_rows.team is not null
        ) as action_item_teams,
        count(*) filter (where action_item_rows.team = 'engineering') as engineering_items,
        count(*) filter (where action_item_rows.completed_at is null) as open_action_items,
        count(*) filter (
            where
                action_item_rows.completed_at is null
                and action_item_rows.due_date < cast(load_info_rows.data_end_at as date)
        ) as overdue_action_items
    from action_item_rows
    cross join load_info_rows
    group by action_item_rows.incident_id
),

final as (
    select
        incident_rows.incident_id,
        coalesce(related_signals.confusion_tickets, 0) as confusion_tickets,
        coalesce(related_signals.trust_loss_tickets, 0) as trust_loss_tickets,
        coalesce(related_signals.workaround_tickets, 0) as workaround_tickets,
        coalesce(related_signals.urgent_tickets, 0) as urgent_tickets,
        coalesce(coverage.themed_tickets, 0) as themed_tickets,
        coalesce(coverage.covered_tickets, 0) as covered_tickets,
        coverage.covered_tickets / coverage.themed_tickets as theme_coverage,
        coalesce(uncovered.uncovered_themes, cast([] as varchar[])) as uncovered_themes,
        coalesce(follow_ups.action_items, 0) as action_items,
        coalesce(follow_ups.action_item_teams, cast([] as varchar[])) as action_item_teams,
        coalesce(follow_ups.open_action_items, 0) as open_action_items,
        coalesce(follow_ups.overdue_action_items, 0) as overdue_action_items,
        coalesce(
            follow_ups.action_items = follow_ups.engineering_items
            and related_signals.confusion_tickets + related_signals.workaround_tickets > 0,
            false
        ) as is_engineering_only
    from incident_rows
    left join related_signals on related_signals.incident_id = incident_rows.incident_id
    left join coverage on coverage.incident_id = incident_rows.incident_id
    left join uncovered on uncovered.incident_id = incident_rows.incident_id
    left join follow_ups on follow_ups.incident_id = incident_rows.incident_id
)

select * from final

"""How the pages' tables show their columns: labels with units, number formats, links.

Every table goes through `st.dataframe`, which shows cell text as text: ticket text from the
exports is never read as HTML or Markdown.
"""

import streamlit as st

Config = dict[str, object]
col = st.column_config


def _when(label: str, zone: str) -> object:
    return col.DatetimeColumn(f"{label} ({zone})", format="YYYY-MM-DD HH:mm")


def _minutes(label: str) -> object:
    return col.NumberColumn(f"{label} (min)", format="%.0f")


OVERVIEW_COLUMNS = [
    "open",
    "incident_id",
    "title",
    "severity",
    "started_at",
    "outage_minutes",
    "customer_impact_minutes",
    "impact_ratio",
    "related_tickets",
    "affected_accounts",
    "quiet_accounts",
    "quiet_mrr",
    "suggested_severity",
    "comms_gap_minutes",
]


def overview(zone: str) -> Config:
    return {
        "open": col.LinkColumn("", display_text="open", width="small"),
        "incident_id": "incident",
        "severity": "declared",
        "started_at": _when("started", zone),
        "outage_minutes": _minutes("outage"),
        "customer_impact_minutes": _minutes("customer impact"),
        "impact_ratio": col.NumberColumn("impact ÷ outage", format="%.1f×"),
        "related_tickets": col.NumberColumn("tickets"),
        "affected_accounts": col.NumberColumn("accounts"),
        "quiet_accounts": col.NumberColumn("quiet"),
        "quiet_mrr": col.NumberColumn("quiet MRR ($)", format="dollar"),
        "suggested_severity": col.NumberColumn("suggested SEV", format="SEV%d"),
        "comms_gap_minutes": _minutes("comms gap"),
    }


def incident_tickets(zone: str) -> Config:
    return {
        "created_at": _when("created", zone),
        "solved_at": _when("solved", zone),
        "ticket_id": "ticket",
        "account_id": "account",
        "account_name": "account name",
        "quote": col.TextColumn("description (start)", width="large"),
        "subject": col.TextColumn("subject", width="medium"),
    }


def suspect_links(zone: str) -> Config:
    return {
        "incident_id": "incident",
        "ticket_id": "ticket",
        "account_id": "account",
        "created_at": _when("created", zone),
        "subject": col.TextColumn("subject", width="medium"),
        "reason": col.TextColumn("why it is suspect", width="large"),
    }


def incident_accounts() -> Config:
    return {
        "mrr": col.NumberColumn("MRR ($)", format="dollar"),
        "related_tickets": col.NumberColumn("tickets"),
        "drop_pct": col.NumberColumn("usage drop (%)", format="%.0f"),
        "recovered_by_day_30": col.CheckboxColumn("recovered by day 30"),
    }


def action_items(zone: str) -> Config:
    return {
        "due_date": col.DateColumn("due"),
        "completed_at": _when("completed", zone),
        "is_overdue": col.CheckboxColumn("overdue"),
    }


def follow_up_coverage(zone: str) -> Config:
    return {
        "incident_id": "incident",
        "started_at": _when("started", zone),
        "theme_coverage_pct": col.ProgressColumn(
            "tickets covered (%)", format="%.0f%%", min_value=0, max_value=100
        ),
        "uncovered_themes": "themes nobody owns",
        "action_item_teams": "teams",
        "open_action_items": col.NumberColumn("open"),
        "overdue_action_items": col.NumberColumn("overdue"),
        "is_engineering_only": col.CheckboxColumn("engineering only"),
    }


def overdue_action_items() -> Config:
    return {
        "incident_id": "incident",
        "incident_title": "incident title",
        "action_item_id": "action item",
        "due_date": col.DateColumn("due"),
        "days_overdue": col.NumberColumn("days overdue"),
    }


def contact_list(zone: str) -> Config:
    return {
        "incident_id": None,  # the page is about one incident
        "account_name": "account",
        "mrr": col.NumberColumn("MRR ($)", format="dollar"),
        "related_tickets": col.NumberColumn("tickets"),
        "urgent_tickets": col.NumberColumn("urgent"),
        "trust_loss_tickets": col.NumberColumn("trust loss"),
        "open_tickets": col.NumberColumn("not solved"),
        "reasons": "why",
        "last_ticket_at": _when("last ticket", zone),
        "ticket_ids": "tickets (ids)",
    }


def timeliness(zone: str) -> Config:
    return {
        "resolved_at": _when("resolved", zone),
        "postmortem_published_at": _when("postmortem published", zone),
        "postmortem_days_after_resolved": col.NumberColumn("days after resolved", format="%.1f"),
    }


def quiet_rates(zone: str) -> Config:
    pct = {"format": "%.1f"}
    return {
        "incident_id": "incident",
        "started_at": _when("started", zone),
        "quiet_rate_pct": col.NumberColumn("quiet rate (%)", **pct),
        "placebo_quiet_rate_pct": col.NumberColumn("placebo rate (%)", **pct),
        "control_quiet_rate_pct": col.NumberColumn("control rate (%)", **pct),
        "excess_quiet_rate_pct": col.NumberColumn("excess (points)", format="%+.1f"),
        "quiet_mrr": col.NumberColumn("quiet MRR ($)", format="dollar"),
    }


def call_list(zone: str) -> Config:
    return {
        "account_name": "account",
        "mrr": col.NumberColumn("MRR ($)", format="dollar"),
        "is_silent": col.CheckboxColumn("silent"),
        "is_still_quiet": col.CheckboxColumn("still quiet"),
        "incident_id": "incident",
        "started_at": _when("incident started", zone),
        "baseline_daily": col.NumberColumn("usage before (per day)", format="%.1f"),
        "after_daily": col.NumberColumn("usage after (per day)", format="%.1f"),
        "drop_pct": col.NumberColumn("drop (%)", format="%.0f"),
        "recovered_by_day_30": col.CheckboxColumn("recovered by day 30"),
        "last_ticket_at": _when("last ticket", zone),
    }


def load_summary() -> Config:
    return {
        "table_name": "table",
        "rows_read": "read",
        "rows_loaded": "loaded",
        "rows_rejected": "rejected",
        "duplicates_merged": "duplicates merged",
    }


def table_spans(zone: str) -> Config:
    return {
        "table_name": "table",
        "time_column": "time column",
        "first_at": _when("first", zone),
        "last_at": _when("last", zone),
    }

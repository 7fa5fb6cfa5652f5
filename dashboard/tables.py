"""How the pages' tables show their columns: labels with units, number formats, links.

Every table goes through `st.dataframe`, which shows cell text as text: ticket text from the
exports is never read as HTML or Markdown.
"""

import pandas as pd
import streamlit as st

from aftermath.export import safe_csv
from aftermath.format import MISSING, is_missing, theme_label
from aftermath.settings import Settings

Config = dict[str, object]
col = st.column_config


def _when(label: str, zone: str) -> object:
    return col.DatetimeColumn(f"{label} ({zone})", format="YYYY-MM-DD HH:mm")


def _minutes(label: str) -> object:
    return col.NumberColumn(f"{label} (min)", format="%.0f")


OVERVIEW_COLUMNS = [
    "incident_id",
    "title",
    "severities",
    "started_at",
    "outage_minutes",
    "customer_impact_minutes",
    "related_tickets",
    "affected_accounts",
    "quiet_accounts",
    "quiet_mrr",
    "comms_gap_minutes",
]


def overview(zone: str) -> Config:
    # Widths that fit every column in the 1440 px screen's main area (about 1,050 px beside the
    # narrowed sidebar), the revenue at the right included.
    return {
        "incident_id": col.TextColumn("incident", width=80),
        "title": col.TextColumn("title", width=190),
        "severities": col.TextColumn(
            "SEV (suggested)", width=105, help="declared, and what the customer record suggests"
        ),
        "started_at": col.DatetimeColumn(f"started ({zone})", format="MMM D, YYYY", width=100),
        "outage_minutes": col.NumberColumn("outage", format="%.0f min", width=80),
        "customer_impact_minutes": col.NumberColumn("impact", format="%.0f min", width=85),
        "related_tickets": col.NumberColumn("tickets", width=60),
        "affected_accounts": col.NumberColumn("accounts", width=70),
        "quiet_accounts": col.NumberColumn("quiet", width=55),
        "quiet_mrr": col.NumberColumn("quiet MRR", format="dollar", width=95),
        "comms_gap_minutes": col.NumberColumn(
            "comms gap", format="%.0f min", width=85, help="impact after 'resolved' was posted"
        ),
    }


# Columns that hold complaint themes, one or a list: shown as words (trust loss), the data and
# its CSV keep the names (trust_loss).
THEME_COLUMNS = ("theme", "uncovered_themes", "signals", "signal")


def show(
    frame: pd.DataFrame, config: Config, order: list[str] | None = None, **options: object
) -> object:
    """A table with a plain header for every column (a column without a label of its own reads
    its name in words), themes in words, and '–' for a missing value, never 'None'."""
    labelled = {c: c.replace("_", " ") for c in frame.columns if c not in config}
    themed = [c for c in THEME_COLUMNS if c in frame.columns]
    if themed:
        frame = frame.assign(**{c: frame[c].map(_themes_in_words) for c in themed})
    return st.dataframe(
        frame,
        hide_index=True,
        column_order=order,
        column_config={**labelled, **config},
        placeholder=MISSING,
        **options,
    )


def _themes_in_words(value: object) -> object:
    if isinstance(value, str):
        return theme_label(value)
    if not hasattr(value, "__iter__") and is_missing(value):
        return value
    return [theme_label(theme) for theme in value]


TICKET_COLUMNS = [
    "created_at",
    "account_name",
    "subject",
    "quote",
    "signals",
    "link",
    "reason",
    "solved_at",
    "ticket_id",
    "account_id",
]


def incident_tickets(zone: str) -> Config:
    return {
        "created_at": _when("created", zone),
        "solved_at": _when("solved", zone),
        "ticket_id": col.TextColumn("ticket", width="small"),
        "account_id": col.TextColumn("account id", width="small"),
        "account_name": col.TextColumn("account", width="small"),
        "quote": col.TextColumn("in their words (description, start)", width="large"),
        "subject": col.TextColumn("subject", width="medium"),
        "signals": col.ListColumn("signals", width="small"),
        "link": col.TextColumn("link", width="small"),
        "reason": col.TextColumn("why related", width="small"),
        "evidence": None,
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


def ambiguous_tickets(zone: str) -> Config:
    return {
        **suspect_links(zone),
        "reason": col.TextColumn("why it fits this incident", width="medium"),
        "other_reasons": col.TextColumn("and the other", width="medium"),
    }


def incident_accounts(rules: Settings) -> Config:
    return {
        "account_id": "account id",
        "mrr": col.NumberColumn("MRR ($)", format="dollar"),
        "related_tickets": col.NumberColumn("tickets"),
        "already_quiet": col.CheckboxColumn("already quiet before"),
        "drop_pct": col.NumberColumn("usage drop (%)", format="%.0f"),
        "recovered_by_day_30": col.CheckboxColumn(
            f"recovered by day {rules.recovery_until_day}",
            help=f"usage back to {rules.recovered_pct:g} % of baseline",
        ),
    }


def themes() -> Config:
    return {
        "action_item_ids": "action items",
        "covered": col.CheckboxColumn("covered by an action item"),
    }


def signal_lift(before_days: int) -> Config:
    return {
        "window_tickets": "tickets in the window",
        "window_share_pct": col.NumberColumn("share in the window", format="%.1f %%"),
        "before_tickets": f"tickets in the {before_days} days before",
        "before_share_pct": col.NumberColumn("share before", format="%.1f %%"),
        "lift": col.NumberColumn("lift", format="%.2f ×"),
    }


def status_updates(zone: str) -> Config:
    return {
        "posted_at": _when("posted", zone),
        "body": col.TextColumn("what it said", width="large"),
    }


def action_items(zone: str) -> Config:
    return {
        "action_item_id": "action item",
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


# contact_list's reasons, as a person says them (the mart keeps the contract's names).
REASONS = {
    "silent_quiet": "went quiet without a word",
    "quiet": "went quiet after writing in",
    "urgent": "wrote of urgency",
    "trust_loss": "wrote of lost trust",
    "open_ticket": "ticket open",
    "still_quiet": "still quiet in the latest usage",
}
CONTACT_COLUMNS = [
    "priority",
    "account_name",
    "why",
    "mrr",
    "segment",
    "drop_pct",
    "last_contact_at",
    "related_tickets",
]


def contacts(zone: str) -> Config:
    return {
        # Widths that fit the 1440 px screen's main area, the reason to call the widest.
        "priority": col.NumberColumn("#", width=40, help="1 = call first: MRR × reasons"),
        "account_name": col.TextColumn("account", width=170),
        "why": col.TextColumn("why", width=400),
        "mrr": col.NumberColumn("MRR", format="dollar", width=95),
        "segment": col.TextColumn("segment", width=85),
        "drop_pct": col.NumberColumn("usage drop", format="%.0f %%", width=75),
        "last_contact_at": col.DatetimeColumn(
            f"last ticket ({zone})", format="YYYY-MM-DD HH:mm", width=130
        ),
        "related_tickets": col.NumberColumn("tickets", width=55),
        "incident_id": col.TextColumn("incident", width=75),
    }


CONTACT_CSV = {
    "priority": "priority",
    "account_name": "account",
    "why": "why",
    "mrr": "MRR ($)",
    "segment": "segment",
    "drop_pct": "usage drop (%)",
    "last_contact_at": "last ticket",
    "related_tickets": "related tickets",
    "reasons": "reasons",
    "account_id": "account id",
    "incident_id": "incident",
    "incident_title": "incident title",
}


def contacts_csv(frame: pd.DataFrame, zone: str) -> bytes:
    """The contact list as CS opens it in a spreadsheet: plain headers, rounded numbers, times
    with their zone in the header, reasons in words, formula-like text guarded."""
    shown = frame.assign(
        mrr=frame["mrr"].round(2),
        drop_pct=frame["drop_pct"].round(0),
        last_contact_at=frame["last_contact_at"].dt.strftime("%Y-%m-%d %H:%M"),
        reasons=[
            "; ".join(REASONS.get(r, r) for r in reasons) if reasons is not None else ""
            for reasons in frame["reasons"]
        ],
    )
    headers = {**CONTACT_CSV, "last_contact_at": f"last ticket ({zone})"}
    return safe_csv(shown[list(headers)].rename(columns=headers))


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


def uncovered_themes() -> Config:
    return {"incident_ids": "incidents (ids)", "tickets": col.NumberColumn("related tickets")}


def tasks() -> Config:
    return {
        "task": col.TextColumn("trying to", width="medium"),
        "tickets": col.NumberColumn("tickets", width="small"),
        "accounts": col.NumberColumn("accounts", width="small"),
        "mrr": col.NumberColumn("MRR", format="dollar", width="small"),
        "example": col.TextColumn("in their words", width="large"),
    }


def ticket_groups(label: str) -> Config:
    return {
        "group_name": col.TextColumn(label, width="medium"),
        "tickets": col.NumberColumn("tickets", width="small"),
        "accounts": col.NumberColumn("accounts", width="small"),
        "mrr": col.NumberColumn("MRR", format="dollar", width="small"),
    }


def reply_outcomes() -> Config:
    return {
        "reply": col.TextColumn("reply (opening words)", width=330),
        "replies": col.NumberColumn("sent", width=50),
        "stopped_writing": col.NumberColumn(
            "then stopped writing",
            width=130,
            help="replies after which customers stopped writing: no customer message came next",
        ),
        "customer_wrote_again": col.NumberColumn(
            "then asked again",
            width=120,
            help="replies followed by another question: the customer's message came next",
        ),
        "wrote_again_pct": col.ProgressColumn(
            "asked again", format="%.0f %%", min_value=0, max_value=100, width=100
        ),
        "example_follow_up": col.TextColumn("what they wrote next", width="large"),
    }

"""How the pages' tables show their columns: labels with units, number formats, links.

Every table goes through `st.dataframe`, which shows cell text as text: ticket text from the
exports is never read as HTML or Markdown.
"""

import pandas as pd
import streamlit as st

from aftermath.export import safe_csv
from aftermath.format import MISSING, is_missing, signed_duration_words, theme_label
from aftermath.settings import Settings

Config = dict[str, object]
col = st.column_config


def _when(label: str, zone: str) -> object:
    return col.DatetimeColumn(f"{label} ({zone})", format="YYYY-MM-DD HH:mm")


# Dollars without cents: on MRR they say nothing (Streamlit's sprintf with a thousands separator).
MONEY = "$%,.0f"


def _minutes(label: str) -> object:
    return col.NumberColumn(f"{label} (min)", format="%.0f")


OVERVIEW_TITLE_PX = 190
OVERVIEW_TITLE_CHARS_PER_LINE = 24  # a long title wraps in its 190 px, never cut

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
        "title": col.TextColumn("title", width=OVERVIEW_TITLE_PX),
        "severities": col.TextColumn(
            "SEV (suggested)", width=105, help="declared, and what the customer record suggests"
        ),
        "started_at": col.DatetimeColumn(f"started ({zone})", format="MMM D, YYYY", width=100),
        "outage_minutes": col.NumberColumn("outage", format="%.0f min", width=80),
        "customer_impact_minutes": col.NumberColumn("impact", format="%.0f min", width=85),
        "related_tickets": col.NumberColumn("tickets", width=60),
        "affected_accounts": col.NumberColumn("accounts", width=70),
        "quiet_accounts": col.NumberColumn("quiet", width=55),
        "quiet_mrr": col.NumberColumn("quiet MRR", format=MONEY, width=95),
        "comms_gap_minutes": col.NumberColumn(
            "comms gap", format="%.0f min", width=85, help="impact after 'resolved' was posted"
        ),
    }


# Columns that hold complaint themes, one or a list: shown as words (trust loss), the data and
# its CSV keep the names (trust_loss).
THEME_COLUMNS = ("theme", "uncovered_themes", "signals", "signal")


ROW_PX = 35  # st.dataframe's default row height, the header row's too
ROWS_IN_VIEW = 15  # a longer table scrolls in its own box
LINE_PX = 21  # one line of 14 px text, in a row that wraps its text


def show(
    frame: pd.DataFrame,
    config: Config,
    order: list[str] | None = None,
    *,
    rows_in_view: int = ROWS_IN_VIEW,
    row_height: int = ROW_PX,
    **options: object,
) -> object:
    """A table with a plain header for every column (a column without a label of its own reads
    its name in words), themes in words, and '–' for a missing value, never 'None'. Its box holds
    its rows, up to `rows_in_view` of them (then it scrolls inside): no blank rows under a short
    table, none hidden behind a ten-row box. A `row_height` above 64 px wraps the text."""
    labelled = {c: c.replace("_", " ") for c in frame.columns if c not in config}
    themed = [c for c in THEME_COLUMNS if c in frame.columns]
    if themed:
        frame = frame.assign(**{c: frame[c].map(_themes_in_words) for c in themed})
    options.setdefault("height", ROW_PX + row_height * max(min(len(frame), rows_in_view), 1) + 3)
    return st.dataframe(
        frame,
        hide_index=True,
        column_order=order,
        column_config={**labelled, **config},
        placeholder=MISSING,
        row_height=row_height,
        **options,
    )


def wrapped_row_height(*columns: tuple[pd.Series, int]) -> int:
    """A row height that shows the longest text of each (texts, characters per line) column
    whole: rows over 64 px wrap their text (Streamlit's rule), so two lines take at least that."""
    lines = max(
        (
            -(-int(texts.fillna("").str.len().max()) // per_line)
            for texts, per_line in columns
            if len(texts)
        ),
        default=1,
    )
    return ROW_PX if lines <= 1 else max(LINE_PX * lines + 12, 66)


def _themes_in_words(value: object) -> object:
    if isinstance(value, str):
        return theme_label(value)
    if not hasattr(value, "__iter__") and is_missing(value):
        return value
    return [theme_label(theme) for theme in value]


# The ids and the matched words are in the CSV; the screen keeps what a person reads.
TICKET_COLUMNS = ["created_at", "account_name", "subject", "quote", "signals", "link", "reason"]
# Characters per line of 14 px text in the wrapped columns (about 6 px a character, fewer where
# long words wrap early, as in the reasons' lists of words).
QUOTE_CHARS_PER_LINE = 40  # 270 px
REASON_CHARS_PER_LINE = 20  # 200 px


def incident_tickets(zone: str) -> Config:
    # Widths that fit the 1440 px screen's main area (about 1,050 px); subject, quote and
    # reason wrap in rows as tall as the longest quote.
    return {
        "created_at": col.DatetimeColumn(f"created ({zone})", format="YYYY-MM-DD HH:mm", width=125),
        "account_name": col.TextColumn("account", width=130),
        "subject": col.TextColumn("subject", width=150),
        "quote": col.TextColumn("in their words (the description's start)", width=330),
        "signals": col.ListColumn("signals", width=95),
        "link": col.TextColumn("link", width=70),
        "reason": col.TextColumn("why related", width=130),
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
        "mrr": col.NumberColumn("MRR ($)", format=MONEY),
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
        "is_resolved": None,  # the status says it; the timeline's star reads it
    }


def action_items(zone: str) -> Config:
    return {
        "action_item_id": "action item",
        "due_date": col.DateColumn("due"),
        "completed_at": _when("completed", zone),
        "is_overdue": col.CheckboxColumn("overdue"),
    }


THEMES_CHARS_PER_LINE = 26  # the themes column's 170 px


def follow_up_coverage(zone: str, as_of: str) -> Config:
    # Widths that fit the 1440 px screen's main area; the themes wrap.
    return {
        "incident_id": col.TextColumn("incident", width=70),
        "title": col.TextColumn("title", width=170),
        "started_at": col.DatetimeColumn(f"started ({zone})", format="YYYY-MM-DD", width=95),
        "theme_coverage_pct": col.ProgressColumn(
            "tickets covered", format="%.0f%%", min_value=0, max_value=100, width=115
        ),
        "uncovered_themes": col.TextColumn("themes nobody owns", width=170),
        "action_items": col.NumberColumn("action items", width=85),
        "action_item_teams": col.TextColumn("teams", width=120),
        "open_action_items": col.NumberColumn("open", width=50),
        "overdue_action_items": col.NumberColumn(
            "overdue", width=65, help=f"due before {as_of} and not completed"
        ),
        "is_engineering_only": col.CheckboxColumn("engineering only", width=110),
    }


def overdue_action_items() -> Config:
    return {
        "incident_id": "incident",
        "incident_title": "incident title",
        "action_item_id": "action item",
        "due_date": col.DateColumn("due"),
        "days_overdue": col.NumberColumn("days overdue"),
    }


CONTACT_COLUMNS = [
    "priority",
    "account_name",
    "why",
    "call_score",
    "mrr",
    "segment",
    "drop_pct",
    "last_ticket",
    "related_tickets",
]
ACCOUNT_CHARS_PER_LINE = 17  # the account column's 140 px
LAST_TICKET_CHARS_PER_LINE = 14  # the last ticket column's 115 px
WHY_CHARS_PER_LINE = 50  # the why column's 360 px of 14 px text
WHY_WITH_INCIDENT_PX = 285  # beside the incident column's 75 px
WHY_WITH_INCIDENT_CHARS_PER_LINE = 39


def contacts(zone: str, reasons: pd.DataFrame, why_px: int = 360) -> Config:
    """The call list's columns, the score's help naming each reason's weight (the rows of
    pages/contact_reasons); `why_px` narrower when an incident column stands beside it."""
    weights = ", ".join(f"{r.words} {r.weight}" for r in reasons.itertuples())
    return {
        # Widths that fit the 1440 px screen's main area, the reason to call the widest.
        "priority": col.NumberColumn("#", width=35, help="1 = call first: the highest score"),
        "account_name": col.TextColumn("account", width=140),
        "why": col.TextColumn("why", width=why_px),
        "call_score": col.NumberColumn(
            "score",
            format="localized",
            width=80,
            help=f"what the order follows: MRR × the strength of the reasons ({weights})",
        ),
        "mrr": col.NumberColumn("MRR", format=MONEY, width=90),
        "segment": col.TextColumn("segment", width=85),
        "drop_pct": col.NumberColumn("usage drop", format="%.0f %%", width=75),
        "last_ticket": col.TextColumn(
            "last ticket",
            width=115,
            help="the account's newest ticket of any kind, against the incident's start "
            f"(the date, in {zone}, is in the CSV)",
        ),
        "related_tickets": col.NumberColumn("tickets", width=55),
        "incident_id": col.TextColumn("incident", width=75),
    }


def contacts_shown(frame: pd.DataFrame) -> pd.DataFrame:
    """The contact list with its last ticket in words against the incident's start."""
    return frame.assign(
        last_ticket=[
            "none" if is_missing(m) else signed_duration_words(m, "after start", "before start")
            for m in frame["last_contact_minutes_from_start"]
        ]
    )


def contacts_row_height(shown: pd.DataFrame, why_chars_per_line: int) -> int:
    """Rows tall enough for the longest reason, account name and last ticket of the shown list."""
    return wrapped_row_height(
        (shown["why"], why_chars_per_line),
        (shown["account_name"], ACCOUNT_CHARS_PER_LINE),
        (shown["last_ticket"], LAST_TICKET_CHARS_PER_LINE),
    )


CONTACT_CSV = {
    "priority": "priority",
    "account_name": "account",
    "why": "why",
    "call_score": "score (MRR x reasons)",
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


def contacts_csv(frame: pd.DataFrame, zone: str, reasons: pd.DataFrame) -> bytes:
    """The contact list as CS opens it in a spreadsheet: plain headers, rounded numbers, times
    with their zone in the header, reasons in the words of pages/contact_reasons, formula-like
    text guarded."""
    words = dict(zip(reasons["reason"], reasons["words"], strict=True))
    shown = frame.assign(
        mrr=frame["mrr"].round(2),
        call_score=frame["call_score"].round(0),
        drop_pct=frame["drop_pct"].round(0),
        last_contact_at=frame["last_contact_at"].dt.strftime("%Y-%m-%d %H:%M"),
        reasons=[
            "; ".join(words[r] for r in held) if held is not None else ""
            for held in frame["reasons"]
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
        "placebo_offset_days": col.NumberColumn(
            "placebo, days earlier",
            help="28, or 56 or 84 when 28 days earlier falls in another incident's aftermath",
        ),
        "placebo_missing_reason": col.TextColumn("why no placebo", width="medium"),
        "control_quiet_rate_pct": col.NumberColumn("control rate (%)", **pct),
        "control_accounts": col.NumberColumn(
            "control accounts",
            format="localized",
            help="the unexposed accounts of the control sample the control rate is measured on",
        ),
        "excess_quiet_rate_pct": col.NumberColumn("excess (points)", format="%+.1f"),
        "quiet_mrr": col.NumberColumn("quiet MRR ($)", format=MONEY),
    }


def load_summary() -> Config:
    count = {"format": "localized"}  # 1,287,025, not 1287025
    return {
        "table_name": "table",
        "rows_read": col.NumberColumn("read", **count),
        "rows_loaded": col.NumberColumn("loaded", **count),
        "rows_rejected": col.NumberColumn("rejected", **count),
        "duplicates_merged": col.NumberColumn("duplicates merged", **count),
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
        "mrr": col.NumberColumn("MRR", format=MONEY, width="small"),
        "example": col.TextColumn("in their words", width="large"),
    }


def ticket_groups(label: str) -> Config:
    return {
        "group_name": col.TextColumn(label, width="medium"),
        "tickets": col.NumberColumn("tickets", width="small"),
        "accounts": col.NumberColumn("accounts", width="small"),
        "mrr": col.NumberColumn("MRR", format=MONEY, width="small"),
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

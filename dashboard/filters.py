"""The service and severity filters the Overview and the Trends page share.

Both pages bind the same widget keys, and app.py keeps their values across pages (a widget's
value is dropped when a run does not draw it), so a filter picked on one page holds on the other.
"""

from datetime import date, timedelta

import streamlit as st

from aftermath.format import severity_label
from dashboard import db

SERVICE_KEY = "overview_service"
SEVERITIES_KEY = "overview_severities"
PRESET_KEY = "overview_preset"
KEYS = (SERVICE_KEY, SEVERITIES_KEY, PRESET_KEY)
# The Overview's period as UTC bounds, for the Incident page's opening pick.
PERIOD_KEY = "overview_period"
CUSTOM = "Dates…"


def keep_across_pages() -> None:
    """Called by app.py on every run, before the page draws its widgets."""
    for key in KEYS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def service_and_severity(service_col=None, severity_col=None) -> dict[str, object]:
    """The two filters side by side (in the columns given, else a row of their own); their
    values as page-query params."""
    if service_col is None:
        service_col, severity_col = st.columns(2)
    service = service_col.selectbox(
        "Service",
        [None, *db.run("pages/incident_services")["service"]],
        format_func=lambda s: "All services" if s is None else s,
        key=SERVICE_KEY,
    )
    severities = severity_col.multiselect(
        "Declared severity",
        [1, 2, 3, 4, 5],
        format_func=severity_label,
        placeholder="All severities",
        key=SEVERITIES_KEY,
    )
    return {"service": service, "severities": severities or None}


def presets(first: date, last: date) -> dict[str, tuple[date, date]]:
    """The periods offered, up to `last` (the newest incident's start: the data's "today", so a
    demo or an old export reads the same as a live one): the last 30 and 90 days, the calendar
    quarter holding `last`, and all."""
    quarter_start = date(last.year, 3 * ((last.month - 1) // 3) + 1, 1)
    quarter = f"{last.year} Q{(last.month - 1) // 3 + 1}"
    return {
        "All": (first, last),
        "Last 30 days": (max(first, last - timedelta(days=29)), last),
        "Last 90 days": (max(first, last - timedelta(days=89)), last),
        quarter: (max(first, quarter_start), last),
    }


def period(first: date, last: date) -> tuple[date, date]:
    """A preset period, or a range of dates picked below them; the first and last day."""
    offered = presets(first, last)
    picked = st.segmented_control(
        f"Incidents started ({db.zone()})",
        [*offered, CUSTOM],
        default="All",
        key=PRESET_KEY,
    )
    if picked != CUSTOM:
        return offered.get(picked or "All", (first, last))
    # In a form, the range applies when Enter is pressed or Apply clicked, not half-typed.
    with st.form("overview_dates", border=False, enter_to_submit=True):
        dates_col, apply_col = st.columns([4, 1], vertical_alignment="bottom")
        chosen = dates_col.date_input(
            "From – to", (first, last), first, last, label_visibility="collapsed"
        )  # no key: a new load or zone moves the bounds, and the range starts over with them
        apply_col.form_submit_button("Apply")
    # A range being picked has one date until the second click.
    return chosen if len(chosen) == 2 else (first, last)

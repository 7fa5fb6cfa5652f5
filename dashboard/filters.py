"""The service and severity filters the Overview and the Trends page share.

Both pages bind the same widget keys, and app.py keeps their values across pages (a widget's
value is dropped when a run does not draw it), so a filter picked on one page holds on the other.
"""

import streamlit as st

from aftermath.format import severity_label
from dashboard import db

SERVICE_KEY = "overview_service"
SEVERITIES_KEY = "overview_severities"
KEYS = (SERVICE_KEY, SEVERITIES_KEY)


def keep_across_pages() -> None:
    """Called by app.py on every run, before the page draws its widgets."""
    for key in KEYS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def service_and_severity() -> dict[str, object]:
    """The two filters side by side; their values as page-query params."""
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

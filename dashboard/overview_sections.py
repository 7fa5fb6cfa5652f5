"""The Overview page's sections, one function each, in the order the page shows them.

`filters` are the bound parameters of the pages/overview_* queries; `incidents` is the row set of
pages/overview_incidents under them.
"""

import pandas as pd
import streamlit as st

from aftermath.format import MISSING, count_text, duration_text, money_text, severity_label
from dashboard import db, overview_charts, tables


def pick_filters() -> dict:
    """The date range, service and severities picked above the cards, as query parameters."""
    span = db.one("pages/incident_date_span")
    first, last = span.first_started_at.date(), span.last_started_at.date()
    dates_col, service_col, severity_col = st.columns([2, 1, 1])
    picked = dates_col.date_input(
        f"Incidents started between ({db.zone()})", (first, last), first, last
    )  # no key: a new load or zone moves the bounds, and the range starts over with them
    service = service_col.selectbox(
        "Service",
        [None, *db.run("pages/incident_services")["service"]],
        format_func=lambda s: "All services" if s is None else s,
        key="overview_service",
    )
    severities = severity_col.multiselect(
        "Declared severity",
        [1, 2, 3, 4, 5],
        format_func=severity_label,
        placeholder="All severities",
        key="overview_severities",
    )
    # A range being picked has one date until the second click.
    first_day, last_day = picked if len(picked) == 2 else (first, last)
    started_from, started_before = db.utc_day_bounds(first_day, last_day, db.zone())
    if (first_day, last_day) == (first, last):
        # The whole span holds every incident: no date filter, so the headline reads the totals
        # computed at load.
        started_from = started_before = None
    return {
        "started_from": started_from,
        "started_before": started_before,
        "service": service,
        "severities": severities or None,
    }


def headline_cards(head: tuple, ongoing: int, has_tickets: bool, has_usage: bool) -> None:
    """Incidents, outage, customer impact, related tickets and quiet accounts, summed."""
    so_far = " so far" if ongoing else ""
    # The summed durations read longest ("33 h 12 min"): their cards are the widest.
    cols = st.columns([1, 1.35, 1.35, 1, 1], border=True)
    cols[0].metric(
        "Incidents",
        f"{head.incidents:,}",
        f"{ongoing} ongoing" if ongoing else None,
        delta_color="off",
        delta_arrow="off",
    )
    cols[1].metric(
        f"Outage{so_far}",
        duration_text(head.outage_hours * 60),
        help="started → resolved, summed; an ongoing incident counts up to the newest data",
    )
    # Beside the outage only when every incident's impact was measured; else how many were.
    compared = head.measured_incidents == head.incidents > 0
    impact_minutes = head.customer_impact_hours * 60 if head.measured_incidents else None
    cols[2].metric(
        f"Customer impact{so_far}",
        duration_text(impact_minutes) if head.measured_incidents else "needs tickets",
        f"{duration_text(impact_minutes - head.outage_hours * 60)} vs outage"
        if compared
        else f"{head.measured_incidents:,} of {head.incidents:,} incidents measured",
        delta_color="inverse" if compared else "off",
        **({} if compared else {"delta_arrow": "off"}),
        help="from the first sign (start or first ticket) to the end of the ticket run, summed",
    )
    cols[3].metric(
        "Related tickets",
        f"{head.related_tickets:,}" if has_tickets else "no tickets loaded",
        f"{head.affected_accounts:,} accounts" if has_tickets else None,
        delta_color="off",
        delta_arrow="off",
    )
    cols[4].metric(
        "Quiet accounts",
        f"{head.quiet_accounts:,}" if has_usage else "needs usage",
        f"${money_text(head.quiet_mrr)} MRR" if has_usage else None,
        delta_color="off",
        delta_arrow="off",
        help=f"usage fell at least {db.settings().quiet_drop_pct:g} % after the incident",
    )


def impact_scatter(incidents: pd.DataFrame) -> None:
    """Customer impact against outage per incident; a clicked point opens its incident."""
    picked_points = st.plotly_chart(
        overview_charts.impact_scatter(incidents),
        key="impact_scatter",
        on_select="rerun",
        selection_mode="points",
    )
    st.caption(
        "Points above the dashed line: customers felt the incident longer than it ran. "
        "Click a point to open its incident."
    )
    points = picked_points.selection.points if picked_points else []
    if points:
        incident_id = overview_charts.picked_id(points[0])
        st.switch_page("app_pages/incident.py", query_params={"incident": incident_id})


def undeclared_link(has_tickets: bool) -> None:
    """A link to the ticket surges no incident covers, when there are any."""
    undeclared = db.run("pages/undeclared_totals").iloc[0]
    surges = int(undeclared.undeclared_surges)
    if has_tickets and surges:
        st.page_link(
            "app_pages/undeclared.py",
            label=f"Never declared, over all the data: {count_text(surges)} ticket "
            f"surge{'' if surges == 1 else 's'} with no incident, "
            f"{count_text(undeclared.accounts)} accounts writing in",
            icon=":material/report:",
        )


def incident_table(incidents: pd.DataFrame) -> None:
    """Every incident under the filters; a selected row opens its incident."""
    st.subheader("Incidents")
    st.caption("Select a row to open the incident.")
    table = incidents.assign(
        severities=[
            f"{severity_label(declared)} "
            f"({MISSING if pd.isna(suggested) else severity_label(suggested)})"
            for declared, suggested in zip(
                incidents["severity"], incidents["suggested_severity"], strict=True
            )
        ],
        title=[
            f"{title} (ongoing)" if ongoing else title
            for title, ongoing in zip(
                incidents["title"].fillna(MISSING), incidents["ongoing"], strict=True
            )
        ],
    )
    event = tables.show(
        table,
        tables.overview(db.zone()),
        tables.OVERVIEW_COLUMNS,
        key="overview_table",
        on_select="rerun",
        selection_mode="single-row",
    )
    if event.selection.rows:
        chosen = incidents["incident_id"].iloc[event.selection.rows[0]]
        st.switch_page("app_pages/incident.py", query_params={"incident": chosen})

"""The Overview page's sections, one function each, in the order the page shows them.

`filters` are the bound parameters of the pages/overview_* queries; `incidents` is the row set of
pages/overview_incidents under them.
"""

import pandas as pd
import streamlit as st

from aftermath.format import (
    MISSING,
    count_text,
    counted,
    dollars_text,
    duration_text,
    severity_label,
    signed_duration_words,
)
from dashboard import cards, db, filters, overview_charts, tables


def pick_filters() -> dict:
    """The period, service and severities picked above the cards, as query parameters."""
    span = db.one("pages/incident_date_span")
    first, last = span.first_started_at.date(), span.last_started_at.date()
    period_col, service_col, severity_col = st.columns([2.2, 1, 1])
    with period_col:
        first_day, last_day = filters.period(first, last)
    chosen = filters.service_and_severity(service_col, severity_col)
    started_from, started_before = db.utc_day_bounds(first_day, last_day, db.zone())
    st.session_state[filters.PERIOD_KEY] = {
        "started_from": started_from,
        "started_before": started_before,
    }
    if (first_day, last_day) == (first, last):
        # The whole span holds every incident: no date filter, so the headline reads the totals
        # computed at load.
        started_from = started_before = None
    return {"started_from": started_from, "started_before": started_before, **chosen}


def headline_query(filters: dict) -> tuple[str, dict]:
    """The query of the cards' sums and its params: with no filter picked, the totals the load
    computed (pages/overview_headline); with one, the file that computes them run on the picked
    incidents (marts/overview/overview_totals), so the sums are written once."""
    if any(filters.values()):
        return "marts/overview/overview_totals", filters
    return "pages/overview_headline", {}


def headline(filters: dict) -> tuple:
    """The cards' sums for the filters picked (see headline_query)."""
    name, params = headline_query(filters)
    return db.one(name, **params)


def headline_cards(head: tuple, has_tickets: bool, has_usage: bool) -> None:
    """Incidents, outage, customer impact, related tickets and quiet accounts, summed over the
    finished incidents; an ongoing incident's outage so far on a card of its own."""
    finished = head.incidents - head.ongoing_incidents
    # Beside the outage only when every finished incident's impact was measured; else how many.
    compared = head.measured_incidents == finished > 0
    impact_minutes = head.customer_impact_hours * 60 if head.measured_incidents else None
    with cards.row():
        cards.card(
            "Finished incidents",
            count_text(finished),
            f"+ {count_text(head.ongoing_incidents)} ongoing: "
            f"{duration_text(head.ongoing_outage_hours * 60)} so far"
            if head.ongoing_incidents
            else None,
            help="an ongoing incident's figures grow until it is resolved: it is counted apart, "
            "in none of the sums beside this card",
        )
        cards.card(
            "Outage",
            duration_text(head.outage_hours * 60),
            help="started → resolved, summed over the finished incidents",
        )
        cards.card(
            "Customer impact",
            duration_text(impact_minutes) if head.measured_incidents else MISSING,
            f"{signed_duration_words(impact_minutes - head.outage_hours * 60, 'longer', 'shorter')}"
            " than the outage"
            if compared
            else f"{count_text(head.measured_incidents)} of {counted(finished, 'incident')} "
            "measured"
            if has_tickets
            else "needs tickets",
            help="from the first sign (start or first ticket) to the end of the ticket run, "
            "summed over the finished incidents",
            trend="inverse" if compared else None,
        )
        cards.card(
            "Related tickets",
            count_text(head.related_tickets) if has_tickets else MISSING,
            counted(head.affected_accounts, "account") if has_tickets else "no tickets loaded",
        )
        cards.card(
            "Quiet accounts",
            count_text(head.quiet_accounts) if has_usage else MISSING,
            f"{dollars_text(head.quiet_mrr)} MRR" if has_usage else "needs usage",
            help=f"usage fell at least {db.settings().quiet_drop_pct:g} % after a finished "
            "incident",
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
            label=f"Never declared, over all the data: {counted(surges, 'ticket surge')} with "
            f"no incident, {counted(undeclared.accounts, 'account')} writing in",
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
                incidents["title"].fillna(MISSING), incidents["is_ongoing"], strict=True
            )
        ],
    )
    event = tables.show(
        table,
        tables.overview(db.zone()),
        tables.OVERVIEW_COLUMNS,
        row_height=tables.wrapped_row_height(
            (table["title"], tables.OVERVIEW_TITLE_CHARS_PER_LINE)
        ),
        key="overview_table",
        on_select="rerun",
        selection_mode="single-row",
    )
    if event.selection.rows:
        chosen = incidents["incident_id"].iloc[event.selection.rows[0]]
        st.switch_page("app_pages/incident.py", query_params={"incident": chosen})

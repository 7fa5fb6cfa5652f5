"""Figures and column configs of the Trends and Undeclared pages: months, services, surges.

The same palette and frame as dashboard/charts.py; text from the exports goes through
charts.plain before it reaches a Plotly label.
"""

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from aftermath.format import RATIO_FORMAT, SEVERITY_FORMAT
from dashboard import tables
from dashboard.charts import BLUE, GREY, HEIGHT, ORANGE, VERMILLION, count_axis, plain

col = st.column_config
# Plotly's qualitative colours for services, after the two the impact charts use.
SERVICE_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")


def _frame(fig: go.Figure, title: str, y_title: str) -> go.Figure:
    fig.update_layout(
        title={"text": title},
        height=HEIGHT,
        margin={"l": 60, "r": 60, "t": 50, "b": 40},
        legend={"orientation": "h", "yanchor": "top", "y": -0.15, "x": 0},
        barmode="group",
        yaxis_title_text=y_title,
    )
    return fig


def monthly_impact(trends: pd.DataFrame) -> go.Figure:
    """Per month: outage hours against customer-impact hours, and the undeclared surges."""
    fig = go.Figure()
    fig.add_bar(x=trends["month"], y=trends["outage_hours"], name="outage", marker_color=GREY)
    fig.add_bar(
        x=trends["month"],
        y=trends["customer_impact_hours"],
        name="customer impact",
        marker_color=VERMILLION,
    )
    surges = float(trends["undeclared_surges"].max() or 0)
    if surges:
        fig.add_scatter(
            x=trends["month"],
            y=trends["undeclared_surges"],
            name="undeclared surges",
            mode="lines+markers",
            marker={"color": BLUE, "symbol": "diamond", "size": 9},
            yaxis="y2",
        )
        fig.update_layout(
            yaxis2={
                "title": "undeclared surges",
                "overlaying": "y",
                "side": "right",
                "showgrid": False,
                **count_axis(surges),
            }
        )
    fig.update_xaxes(dtick="M1", tickformat="%b %Y")
    fig = _frame(fig, "Outage hours against customer-impact hours, per month", "hours")
    if not surges:
        fig.update_layout(title_subtitle_text="No undeclared surge in these months.")
    return fig


def service_impact(services: pd.DataFrame) -> go.Figure:
    """Per month, customer-impact hours stacked by service."""
    fig = go.Figure()
    for n, (service, rows) in enumerate(services.groupby("service", sort=True)):
        fig.add_bar(
            x=rows["month"],
            y=rows["customer_impact_hours"],
            name=plain(service),
            marker_color=SERVICE_COLOURS[n % len(SERVICE_COLOURS)],
            customdata=rows[["incidents", "outage_hours"]].to_numpy(),
            hovertemplate="%{y:.1f} h customer impact<br>%{customdata[0]} incidents, "
            "%{customdata[1]:.1f} h outage<extra>" + plain(service) + "</extra>",
        )
    fig.update_xaxes(dtick="M1", tickformat="%b %Y")
    fig = _frame(fig, "Customer-impact hours per month, by service", "hours")
    fig.update_layout(barmode="stack")
    return fig


def response_times(percentiles: pd.DataFrame) -> go.Figure:
    """Each response time's median and 90th percentile, in minutes."""
    fig = go.Figure()
    for column, name, colour in (
        ("median_minutes", "median", BLUE),
        ("p90_minutes", "90th percentile", ORANGE),
    ):
        fig.add_bar(
            y=percentiles["response_time"],
            x=percentiles[column],
            name=name,
            orientation="h",
            marker_color=colour,
            hovertemplate="%{x:.0f} min<extra>" + name + "</extra>",
        )
    fig.update_yaxes(autorange="reversed")
    fig = _frame(fig, "Response times, minutes from the declared start", "")
    fig.update_xaxes(title_text="minutes")
    return fig


def undeclared_backtest(months: pd.DataFrame) -> go.Figure:
    """Per month: the customer-hours of undeclared surges, their count on hover."""
    fig = go.Figure()
    fig.add_bar(
        x=months["month"],
        y=months["undeclared_customer_hours"],
        name="customer-hours of undeclared surges",
        marker_color=VERMILLION,
        customdata=months[["undeclared_surges", "undeclared_excess_tickets"]].to_numpy(),
        hovertemplate="%{y:.0f} customer-hours<br>%{customdata[0]} surges, "
        "%{customdata[1]:.0f} tickets above normal<extra></extra>",
    )
    fig.update_xaxes(dtick="M1", tickformat="%b %Y")
    return _frame(fig, "What the incident process missed, per month", "customer-hours")


def _when(label: str, zone: str) -> object:
    return col.DatetimeColumn(f"{label} ({zone})", format="YYYY-MM-DD HH:mm")


def _minutes(label: str) -> object:
    return col.NumberColumn(f"{label} (min)", format="%.0f")


MONTHLY_COLUMNS = {
    "month": col.DateColumn("month", format="YYYY-MM"),
    "incidents": col.NumberColumn("finished incidents"),
    "ongoing_incidents": col.NumberColumn("ongoing (not summed)"),
    "outage_hours": col.NumberColumn("outage (h)", format="%.1f"),
    "customer_impact_hours": col.NumberColumn("customer impact (h)", format="%.1f"),
    "quiet_mrr": col.NumberColumn("quiet MRR ($)", format=tables.MONEY),
    "median_comms_gap_minutes": _minutes("median comms gap"),
    "late_postmortems": col.NumberColumn("late postmortems"),
    "undeclared_surges": col.NumberColumn("undeclared surges"),
}
PERCENTILE_COLUMNS = {
    "response_time": "response time",
    "measured_incidents": col.NumberColumn("incidents measured"),
    "median_minutes": _minutes("median"),
    "p90_minutes": _minutes("90th percentile"),
}


def response_columns(zone: str) -> dict[str, object]:
    # Minutes, as the caption above says; widths that fit the 1440 px screen's main area.
    def minutes(label: str, width: int) -> object:
        return col.NumberColumn(label, format="%.0f", width=width)

    return {
        "incident_id": col.TextColumn("incident", width=75),
        "title": col.TextColumn("title", width=210),
        "severity": col.NumberColumn("declared", format=SEVERITY_FORMAT, width=70),
        "started_at": col.DatetimeColumn(f"started ({zone})", format="YYYY-MM-DD HH:mm", width=130),
        "time_to_detect_minutes": minutes("detect", 60),
        "time_to_acknowledge_minutes": minutes("acknowledge", 95),
        "time_to_mitigate_minutes": minutes("mitigate", 75),
        "time_to_resolve_minutes": minutes("resolve", 65),
        "customers_time_to_detect_minutes": minutes("customers noticed", 130),
        "customer_impact_minutes": minutes("customer impact", 120),
    }


def surge_columns(zone: str) -> dict[str, object]:
    return {
        "surge_id": "surge",
        "started_at": _when("from", zone),
        "ended_at": _when("to", zone),
        "surge_kind": "kind",
        "baseline_tickets": col.NumberColumn("usual", format="%.1f"),
        "excess_tickets": col.NumberColumn("above normal", format="%.1f"),
        "mrr": col.NumberColumn("MRR ($)", format=tables.MONEY),
        "top_terms": "top terms",
        "peak_at": _when("peak", zone),
        "peak_ratio": col.NumberColumn("peak × normal", format=RATIO_FORMAT),
    }


def surge_ticket_columns(zone: str) -> dict[str, object]:
    return {
        "created_at": _when("created", zone),
        "mrr": col.NumberColumn("MRR ($)", format=tables.MONEY),
    }

"""The Process page's figures: postmortem timeliness, ticket link coverage, the comms gap."""

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts import (
    BLACK,
    BLUE,
    GREEN,
    GREY,
    ORANGE,
    VERMILLION,
    count_axis,
    layout,
    plain,
)

POSTMORTEM_COLOURS = {"on time": GREEN, "late": ORANGE, "missing": VERMILLION, "not due yet": GREY}


def postmortem_timeliness(postmortems: pd.DataFrame, due_days: int) -> go.Figure:
    """Days from resolution to the postmortem, per incident; missing ones marked at 0."""
    fig = go.Figure()
    for status, colour in POSTMORTEM_COLOURS.items():
        group = postmortems[postmortems["postmortem_status"] == status]
        if group.empty:
            continue
        titles = [plain(t) for t in group["title"]]
        if status in ("missing", "not due yet"):
            fig.add_trace(
                go.Scatter(
                    x=group["incident_id"],
                    y=[0] * len(group),
                    name=status,
                    mode="markers+text",
                    marker={"color": colour, "symbol": "x", "size": 14},
                    text=["no postmortem" if status == "missing" else "not due yet"] * len(group),
                    textposition="top center",
                    customdata=titles,
                    hovertemplate="%{x} %{customdata}<extra>" + status + "</extra>",
                )
            )
            continue
        fig.add_trace(
            go.Bar(
                x=group["incident_id"],
                y=group["postmortem_days_after_resolved"],
                name=status,
                marker={"color": colour},
                customdata=titles,
                hovertemplate="%{x} %{customdata}<br>%{y:.1f} days after resolution<extra>"
                + status
                + "</extra>",
            )
        )
    fig.add_hline(
        y=due_days,
        line={"color": BLACK, "dash": "dash", "width": 1},
        annotation_text=f"due: {due_days} days",
        annotation_position="top left",
    )
    # Incidents in the order they were resolved, whatever their status.
    fig.update_xaxes(
        type="category", categoryorder="array", categoryarray=postmortems["incident_id"]
    )
    return layout(
        fig, "Postmortems: days from resolution to publication", "incident", "days after resolved"
    )


def link_coverage(links: pd.DataFrame) -> go.Figure:
    """Related tickets per incident: linked by CS in the help desk, or only suggested."""
    fig = go.Figure()
    for column, name, colour in (
        ("linked_tickets", "linked by CS", BLUE),
        ("suggested_tickets", "suggested (not linked)", ORANGE),
    ):
        fig.add_trace(
            go.Bar(
                x=links["incident_id"],
                y=links[column],
                name=name,
                marker={"color": colour},
                customdata=links["linked_pct"],
                hovertemplate="%{x}: %{y} " + name + " (%{customdata:.0f} % linked)<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(type="category")
    largest = float((links["linked_tickets"] + links["suggested_tickets"]).max() or 1)
    fig.update_yaxes(**count_axis(largest))
    return layout(fig, "Ticket link coverage per incident", "incident", "related tickets (count)")


def comms_gap(gaps: pd.DataFrame, zone: str) -> go.Figure:
    """Per incident over time: how long customers hurt after 'resolved' was posted, and how long
    they wrote in before the first status update."""
    fig = go.Figure()
    for column, name, colour, symbol in (
        ("comms_gap_minutes", "impact after 'resolved' was posted", VERMILLION, "circle"),
        ("customers_first_minutes", "customers wrote before the first update", BLUE, "diamond"),
    ):
        data = gaps.dropna(subset=[column])
        fig.add_trace(
            go.Scatter(
                x=data["started_at"],
                y=data[column],
                name=name,
                mode="lines+markers",
                marker={"color": colour, "symbol": symbol, "size": 9},
                line={"color": colour, "width": 1},
                customdata=list(zip(data["incident_id"], map(plain, data["title"]), strict=True)),
                hovertemplate="%{customdata[0]} %{customdata[1]}<br>%{y:.0f} minutes<extra>"
                + name
                + "</extra>",
            )
        )
    fig.add_hline(y=0, line={"color": GREY, "width": 1})
    return layout(
        fig,
        "Comms gap over time (above 0: the status page lagged behind the customers)",
        f"incident start ({zone})",
        "minutes",
    )

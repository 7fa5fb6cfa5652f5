"""The Overview page's figure: every incident's customer impact against its outage."""

import math

import pandas as pd
import plotly.graph_objects as go

from aftermath.format import count_text, duration_text, severity_label
from dashboard.charts import (
    BLACK,
    GREY,
    SEVERITY_COLOURS,
    layout,
    plain,
)

# Ticks of the duration axes: minutes, labelled as people say them.
DURATION_TICKS = {
    1: "1 min",
    5: "5 min",
    15: "15 min",
    30: "30 min",
    60: "1 h",
    120: "2 h",
    240: "4 h",
    480: "8 h",
    960: "16 h",
    1440: "1 d",
    2880: "2 d",
    5760: "4 d",
    10080: "1 wk",
    20160: "2 wk",
    40320: "4 wk",
}


# Outliers named on the scatter: the incidents customers felt longest against their outage, and
# the ones that reached most accounts.
LABELLED_BY_RATIO = 3
LABELLED_BY_ACCOUNTS = 2


def impact_scatter(incidents: pd.DataFrame) -> go.Figure:
    """Outage minutes against customer-impact minutes, one point per incident, log scales.

    Points above the y = x line are incidents customers felt for longer than the outage lasted.
    Every incident is drawn: one without a customer-impact figure (no tickets) sits on the floor
    of the chart as an open marker saying so, and one that reached no account keeps the smallest
    marker. The outliers carry their id; an ongoing one says "so far". A point's customdata is its
    incident id (a click opens it).
    """
    data = incidents.dropna(subset=["outage_minutes"])
    is_measured = data["customer_impact_minutes"].notna()
    fig = go.Figure()
    # A log axis cannot show 0: durations under a minute are drawn at one minute.
    x = data["outage_minutes"].clip(lower=1)
    y = data["customer_impact_minutes"].clip(lower=1)
    spans = pd.concat([x, y[is_measured]])
    low = 10 ** math.floor(math.log10(spans.min())) if len(spans) else 1
    high = 10 ** math.ceil(math.log10(spans.max())) if len(spans) else 1000
    fig.add_trace(
        go.Scatter(
            x=[low, high],
            y=[low, high],
            mode="lines",
            line={"color": GREY, "dash": "dash", "width": 1},
            name="customer impact = outage",
            hoverinfo="skip",
        )
    )
    labelled = _outliers(data[is_measured])
    accounts = data["affected_accounts"].fillna(0)
    largest = max(float(accounts.max() or 0), 1.0) if len(data) else 1.0
    for severity, group in data[is_measured].groupby(
        data["severity"].fillna(0).astype(int), sort=True
    ):
        rows = group.index
        fig.add_trace(
            go.Scatter(
                x=x[rows],
                y=y[rows],
                mode="markers+text",
                name=severity_label(severity or None),
                text=[_point_label(r, labelled) for r in group.itertuples()],
                textposition="top center",
                textfont={"size": 11},
                marker={
                    "color": SEVERITY_COLOURS.get(severity, GREY),
                    "size": accounts[rows],
                    "sizemode": "area",
                    "sizeref": 2.0 * largest / 45**2,
                    "sizemin": 7,
                    "line": {"color": BLACK, "width": 0.5},
                    "opacity": 0.85,
                },
                customdata=group["incident_id"],
                hovertext=[_incident_hover(row) for row in group.itertuples()],
                hoverinfo="text",
            )
        )
    unmeasured = data[~is_measured]
    if len(unmeasured):
        fig.add_trace(
            go.Scatter(
                x=x[unmeasured.index],
                y=[low] * len(unmeasured),
                mode="markers",
                name="customer impact not measured (no tickets): on the floor",
                marker={
                    "color": [SEVERITY_COLOURS.get(s, GREY) for s in unmeasured["severity"]],
                    "symbol": "circle-open",
                    "size": 11,
                    "line": {"width": 2},
                },
                customdata=unmeasured["incident_id"],
                hovertext=[_incident_hover(row) for row in unmeasured.itertuples()],
                hoverinfo="text",
            )
        )
    ticks = {"tickvals": list(DURATION_TICKS), "ticktext": list(DURATION_TICKS.values())}
    fig.update_xaxes(type="log", **ticks)
    fig.update_yaxes(type="log", **ticks)
    fig.update_layout(clickmode="event+select")
    return layout(
        fig,
        "Outage vs customer impact, per incident (size = affected accounts; click to open)",
        "outage: started → resolved (minutes, log scale)",
        "customer impact (minutes, log scale)",
    )


def _outliers(measured: pd.DataFrame) -> set[str]:
    by_ratio = measured.nlargest(LABELLED_BY_RATIO, "impact_ratio")["incident_id"]
    by_accounts = measured.nlargest(LABELLED_BY_ACCOUNTS, "affected_accounts")["incident_id"]
    ongoing = measured.loc[measured["is_ongoing"].astype(bool), "incident_id"]
    return {*by_ratio, *by_accounts, *ongoing}


def _point_label(row: object, labelled: set[str]) -> str:
    if row.incident_id not in labelled:
        return ""
    return plain(row.incident_id) + (" (so far)" if row.is_ongoing else "")


def picked_id(point: dict) -> str:
    """The incident id of a point clicked on impact_scatter."""
    data = point.get("customdata")
    return data[0] if isinstance(data, list) else data


def _incident_hover(row: object) -> str:
    ratio = row.impact_ratio
    so_far = " so far" if row.is_ongoing else ""
    impact = (
        "not measured (no tickets)"
        if pd.isna(row.customer_impact_minutes)
        else duration_text(row.customer_impact_minutes) + so_far
    )
    return (
        f"<b>{plain(row.incident_id)}</b> {plain(row.title)}<br>"
        f"{severity_label(row.severity)}{' · ongoing' if row.is_ongoing else ''}<br>"
        f"outage: {duration_text(row.outage_minutes)}{so_far}<br>"
        f"customer impact: {impact}"
        f"{'' if pd.isna(ratio) else f' ({ratio:.1f}× the outage)'}<br>"
        f"affected accounts: {count_text(row.affected_accounts)}"
    )

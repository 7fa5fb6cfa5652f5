"""Every figure of the dashboard, built from the DataFrames the page queries return.

Colours are the Okabe-Ito palette, which stays distinguishable with the common colour-vision
deficiencies. Text from the exports (titles, statuses) goes into hover labels escaped, since
Plotly reads a few HTML tags in them; customer-written text never goes into a chart.
"""

import html
import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from aftermath.format import count_text, duration_text, severity_label, theme_label

BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
GREY = "#999999"

# Declared severity, 1 = worst: the warm colours for the worst.
SEVERITY_COLOURS = {1: VERMILLION, 2: ORANGE, 3: PURPLE, 4: SKY_BLUE, 5: BLUE}

HEIGHT = 420
# The incident timeline's range buttons sit where Plotly's toolbar would: the page draws it
# without the toolbar (st.plotly_chart(config=...)).
NO_TOOLBAR = {"displayModeBar": False}


def plain(value: object) -> str:
    """Text from the data, safe to put in a Plotly label."""
    return html.escape("" if value is None or value is pd.NA else str(value), quote=False)


def _layout(fig: go.Figure, title: str, x_title: str, y_title: str) -> go.Figure:
    """Title, axis titles and a legend under the plot, the same on every chart."""
    fig.update_layout(
        title={"text": title},
        height=HEIGHT,
        margin={"l": 60, "r": 30, "t": 50, "b": 40},
        legend={"orientation": "h", "yanchor": "top", "y": -0.18, "x": 0, "itemsizing": "constant"},
        hoverlabel={"align": "left"},
    )
    fig.update_xaxes(title_text=x_title)
    fig.update_layout(yaxis_title_text=y_title)
    return fig


def count_axis(largest: float) -> dict[str, object]:
    """An axis of counts ticked at whole numbers (1, 2, 5, 10, 20, 25, 50 … apart), never at
    0.213 of a surge: Plotly's automatic ticks split a small range into fractions."""
    steps = [1, 2, 5, 10, 20, 25, 50]
    step = next((s for s in steps if largest / s <= 6), None)
    if step is None:
        magnitude = 10 ** (len(str(int(largest / 6))) - 1)
        step = next(m * magnitude for m in (1, 2, 5, 10) if largest / (m * magnitude) <= 6)
    return {"tick0": 0, "dtick": step, "tickformat": ",d", "rangemode": "tozero"}


def percent_axis(largest: float) -> dict[str, object]:
    """An axis of percentages ticked at 25 % steps (50 % from 200 % up), from 0."""
    step = 25 if largest <= 200 else 50
    return {"tick0": 0, "dtick": step, "ticksuffix": " %", "tickformat": ".0f"}


def hide_empty_legend_entries(fig: go.Figure) -> list[str]:
    """Keep traces with nothing to draw (every value 0 or missing) out of the legend, which
    would show a swatch with no bar behind it; their names, for the chart to say instead."""
    hidden = []
    for trace in fig.data:
        values = trace.x if getattr(trace, "orientation", None) == "h" else trace.y
        if values is None or trace.type not in ("bar", "scatter"):
            continue
        if all(v is None or pd.isna(v) or v == 0 for v in values):
            trace.showlegend = False
            trace.visible = False
            hidden.append(trace.name)
    return hidden


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
    return _layout(
        fig,
        "Outage vs customer impact, per incident (size = affected accounts; click to open)",
        "outage: started → resolved (minutes, log scale)",
        "customer impact (minutes, log scale)",
    )


def _outliers(measured: pd.DataFrame) -> set[str]:
    by_ratio = measured.nlargest(LABELLED_BY_RATIO, "impact_ratio")["incident_id"]
    by_accounts = measured.nlargest(LABELLED_BY_ACCOUNTS, "affected_accounts")["incident_id"]
    ongoing = measured.loc[measured["ongoing"].astype(bool), "incident_id"]
    return {*by_ratio, *by_accounts, *ongoing}


def _point_label(row: object, labelled: set[str]) -> str:
    if row.incident_id not in labelled:
        return ""
    return plain(row.incident_id) + (" (so far)" if row.ongoing else "")


def picked_id(point: dict) -> str:
    """The incident id of a point clicked on impact_scatter."""
    data = point.get("customdata")
    return data[0] if isinstance(data, list) else data


def _incident_hover(row: object) -> str:
    ratio = row.impact_ratio
    so_far = " so far" if row.ongoing else ""
    impact = (
        "not measured (no tickets)"
        if pd.isna(row.customer_impact_minutes)
        else duration_text(row.customer_impact_minutes) + so_far
    )
    return (
        f"<b>{plain(row.incident_id)}</b> {plain(row.title)}<br>"
        f"{severity_label(row.severity)}{' · ongoing' if row.ongoing else ''}<br>"
        f"outage: {duration_text(row.outage_minutes)}{so_far}<br>"
        f"customer impact: {impact}"
        f"{'' if pd.isna(ratio) else f' ({ratio:.1f}× the outage)'}<br>"
        f"affected accounts: {count_text(row.affected_accounts)}"
    )


# A bar per hour covers its hour, from its start (x) to the next one; widths are milliseconds.
HOUR_BARS = {"offset": 0, "width": 3_600_000}
# Status update text shown on hover, cut to a readable length.
UPDATE_CHARS = 240


def incident_timeline(
    hours: pd.DataFrame,
    updates: pd.DataFrame,
    comments: pd.DataFrame,
    activity: pd.DataFrame,
    windows: dict[str, object],
    zone: str,
) -> go.Figure:
    """Tickets per hour against their baseline, the outage and the customer-impact window as two
    distinct bands with their durations, "resolved" marked, each status update at its time (its
    text on hover), lingering comments, and on the right axis the quiet accounts' daily usage
    against the other exposed accounts', each as a share of its own baseline.

    `windows` holds started_at, ended_at (resolved_at, or the timeline's end while ongoing),
    resolved_at, ongoing, outage_minutes, customer_impact_start, customer_impact_end and
    customer_impact_minutes. Without tickets (`hours` empty) it draws the outage and the status
    updates alone.
    """
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    # The view stops where the data does: past it an ongoing incident's chart was empty.
    last_hour = hours["hour"].max() + pd.Timedelta(hours=1) if len(hours) else None
    windows = {**windows, "timeline_end": last_hour}
    if len(hours):
        _ticket_traces(fig, hours)
    if len(comments):
        fig.add_trace(
            go.Scatter(
                x=comments["hour"],
                y=comments["comments"],
                name="comments after resolution",
                mode="markers",
                marker={"color": PURPLE, "symbol": "diamond", "size": 9},
                customdata=comments[["tickets", "customer_comments"]],
                hovertemplate="%{x|%b %d %H:00}: %{y} comments on %{customdata[0]} tickets "
                "(%{customdata[1]} by customers)<extra></extra>",
            )
        )
    top = max(float(hours["all_tickets"].max() or 0), 1.0) if len(hours) else 1.0
    if len(updates):
        _update_trace(fig, updates, top * 1.3)
    for is_quiet, group in activity.groupby("is_quiet", sort=False) if len(activity) else []:
        _usage_trace(fig, group, bool(is_quiet))
    _bands(fig, windows, top)
    fig.update_layout(
        barmode="overlay", bargap=0.05, height=520, updatemenus=[_views(hours, windows)]
    )
    fig.update_xaxes(range=_around(windows))
    fig.update_yaxes(
        range=[0, top * 1.55],
        secondary_y=False,
        showticklabels=bool(len(hours)),
        **{**count_axis(top), "rangemode": "normal"},
    )
    usage_top = float(activity["usage_pct_of_baseline"].max()) if len(activity) else 100.0
    fig.update_yaxes(
        title_text="usage per day (% of each group's baseline)",
        secondary_y=True,
        range=[0, max(usage_top, 100.0) * 1.15],
        showgrid=False,
        **percent_axis(usage_top),
    )
    _layout(
        fig,
        "Tickets per hour, the outage and the customer-impact window"
        if len(hours)
        else "The outage and what the status page said (no tickets loaded)",
        f"time ({zone})",
        "tickets per hour" if len(hours) else "",
    )
    # Two-line date ticks and the axis title need more room above the legend.
    fig.update_layout(legend_y=-0.3)
    return fig


def _ticket_traces(fig: go.Figure, hours: pd.DataFrame) -> None:
    for column, name, colour, counted in (
        ("all_tickets", "all tickets per hour", SKY_BLUE, "tickets"),
        ("related_tickets", "related tickets per hour", BLUE, "related"),
    ):
        fig.add_trace(
            go.Bar(
                x=hours["hour"],
                y=hours[column],
                name=name,
                marker={"color": colour},
                **HOUR_BARS,
                hovertemplate="%{x|%b %d %H:00}: %{y} " + counted + "<extra></extra>",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=hours["hour"],
            y=hours["baseline_tickets"],
            name="usual tickets per hour (median, same hour of week)",
            mode="lines",
            line={"color": BLACK, "width": 1.5, "shape": "hv"},
            hovertemplate="%{x|%b %d %H:00}: usually %{y}<extra></extra>",
        )
    )


def _update_trace(fig: go.Figure, updates: pd.DataFrame, y: float) -> None:
    """One marker per status update on a row above the bars, at the minute it was posted:
    "resolved" a star, each saying what it said on hover (a text label there lay on top of the
    bands' labels)."""
    statuses = [plain(s) for s in updates["status"]]
    is_resolved = [s.strip().lower() == "resolved" for s in statuses]
    bodies = [plain(str(b)[:UPDATE_CHARS]) if not pd.isna(b) else "" for b in updates["body"]]
    fig.add_trace(
        go.Scatter(
            x=updates["posted_at"],
            y=[y] * len(updates),
            name="status page updates (★ resolved; hover for the text)",
            mode="markers",
            marker={
                "color": [GREEN if r else BLUE for r in is_resolved],
                "symbol": ["star" if r else "triangle-down" for r in is_resolved],
                "size": [14 if r else 10 for r in is_resolved],
                "line": {"color": BLACK, "width": 0.5},
            },
            customdata=list(zip(statuses, bodies, strict=True)),
            hovertemplate="%{x|%b %d %H:%M}: <b>%{customdata[0]}</b><br>%{customdata[1]}"
            "<extra>status page</extra>",
        )
    )


def _usage_trace(fig: go.Figure, group: pd.DataFrame, is_quiet: bool) -> None:
    accounts = int(group["accounts"].iloc[0])
    name = (
        f"quiet accounts' usage ({accounts:,}, right axis)"
        if is_quiet
        else f"other exposed accounts' usage ({accounts:,}, right axis)"
    )
    fig.add_trace(
        go.Scatter(
            x=pd.to_datetime(group["day"]),
            y=group["usage_pct_of_baseline"],
            name=name,
            mode="lines+markers",
            line={
                "color": VERMILLION if is_quiet else GREEN,
                "width": 2.5 if is_quiet else 1.5,
                "shape": "hv",
                "dash": "solid" if is_quiet else "dot",
            },
            marker={"size": 5},
            customdata=group[["active_accounts", "accounts"]],
            hovertemplate="%{x|%b %d} (UTC day): %{y:.0f} % of baseline, %{customdata[0]} of "
            "%{customdata[1]} accounts active<extra>"
            + ("quiet accounts" if is_quiet else "other exposed")
            + "</extra>",
        ),
        secondary_y=True,
    )


def _around(windows: dict[str, object]) -> list[object]:
    """The default view: from half a day before the start to a day after the impact ended."""
    start = pd.Timestamp(windows["started_at"]) - pd.Timedelta(hours=12)
    end_at = windows["customer_impact_end"]
    if end_at is None or pd.isna(end_at):
        end_at = windows["ended_at"]
    end = pd.Timestamp(end_at) + pd.Timedelta(days=1)
    last = windows.get("timeline_end")
    return [start, end if last is None or pd.isna(last) else min(end, pd.Timestamp(last))]


def _views(hours: pd.DataFrame, windows: dict[str, object]) -> dict[str, object]:
    """Buttons between the view around the incident and the whole timeline, at the top right
    (the page shows this chart without Plotly's toolbar, which would cover them)."""
    if len(hours):
        whole = [hours["hour"].min(), hours["hour"].max() + pd.Timedelta(hours=1)]
    else:
        whole = _around(windows)
    return {
        "type": "buttons",
        "direction": "right",
        "x": 1.0,
        "xanchor": "right",
        "y": 1.02,
        "yanchor": "bottom",
        "pad": {"t": 0, "b": 0},
        "buttons": [
            {
                "label": "around the incident",
                "method": "relayout",
                "args": [{"xaxis.range": _around(windows)}],
            },
            {"label": "whole timeline", "method": "relayout", "args": [{"xaxis.range": whole}]},
        ],
    }


WINDOW_STYLE = {
    "outage": {"fillcolor": VERMILLION, "opacity": 0.35, "line": {"width": 0}},
    "impact": {
        "fillcolor": SKY_BLUE,
        "opacity": 0.15,
        "line": {"color": BLUE, "width": 1.5, "dash": "dot"},
    },
}
WINDOW_NAMES = {"outage": "outage (started → resolved)", "impact": "customer impact window"}


def _bands(fig: go.Figure, windows: dict[str, object], top: float) -> None:
    """The customer-impact window behind the outage, each labelled with its duration, and a
    line where the incident was resolved."""
    so_far = " so far" if windows["ongoing"] else ""
    impact = _shade(fig, windows["customer_impact_start"], windows["customer_impact_end"], "impact")
    if impact:
        _label(
            fig,
            windows["customer_impact_start"],
            f"customer impact {duration_text(windows['customer_impact_minutes'])}{so_far}",
            top * 1.47,
            BLUE,
        )
    resolved_at = windows["resolved_at"]
    is_resolved = resolved_at is not None and not pd.isna(resolved_at)
    if _shade(fig, windows["started_at"], windows["ended_at"], "outage"):
        # One label per row (impact at the top, the status updates' markers, then this one):
        # four labels at one spot were printed on top of each other.
        resolved = f", resolved {pd.Timestamp(resolved_at):%H:%M}" if is_resolved else ""
        _label(
            fig,
            windows["started_at"],
            f"outage {duration_text(windows['outage_minutes'])}{so_far}{resolved}",
            top * 1.14,
            VERMILLION,
        )
    if is_resolved:
        fig.add_vline(
            x=resolved_at,
            exclude_empty_subplots=False,
            line={"color": GREEN, "width": 2},
            name="resolved",
        )


def _label(fig: go.Figure, x: object, text: str, y: float, colour: str) -> None:
    fig.add_annotation(
        x=x,
        y=y,
        text=text,
        showarrow=False,
        xanchor="left",
        xshift=2,
        font={"color": colour, "size": 12},
        bgcolor="rgba(255,255,255,0.8)",
    )


def _shade(fig: go.Figure, start: object, end: object, kind: str) -> bool:
    if start is None or end is None or pd.isna(start) or pd.isna(end):
        return False
    # exclude_empty_subplots=False: the right axis has no trace when usage is missing.
    fig.add_vrect(
        exclude_empty_subplots=False,
        x0=start,
        x1=end,
        layer="below",
        name=WINDOW_NAMES[kind],
        showlegend=True,
        **WINDOW_STYLE[kind],
    )
    return True


def theme_matrix(themes: pd.DataFrame) -> go.Figure:
    """Complaint themes (rows) by incident (columns), each cell its ticket count: a filled square
    when an action item covers the theme, an open one when none does."""
    fig = go.Figure()
    for covered, name, colour, symbol in (
        (True, "covered by an action item", GREEN, "square"),
        (False, "not covered", VERMILLION, "square-open"),
    ):
        group = themes[themes["covered"] == covered]
        fig.add_trace(
            go.Scatter(
                x=group["incident_id"],
                y=[plain(theme_label(v)) for v in group["theme"]],
                mode="markers+text",
                name=name,
                marker={"color": colour, "symbol": symbol, "size": 30, "line": {"width": 3}},
                text=group["tickets"],
                textfont={"color": "white" if covered else BLACK, "size": 11},
                customdata=[plain(v) for v in group["incident_label"]],
                hovertemplate="%{customdata}<br>%{y}: %{text} tickets<extra>" + name + "</extra>",
            )
        )
    incidents = themes.drop_duplicates("incident_id")["incident_id"]
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=incidents)
    fig.update_yaxes(type="category", categoryorder="category descending")
    fig = _layout(
        fig, "Complaint themes by incident (number = related tickets)", "incident", "theme"
    )
    fig.update_layout(height=max(HEIGHT, 140 + 34 * themes["theme"].nunique()))
    return fig


def team_split(teams: pd.DataFrame) -> go.Figure:
    """Action items per team: completed, open, and overdue among the open ones."""
    fig = go.Figure()
    for column, name, colour in (
        ("completed", "completed", GREEN),
        ("open_on_time", "open, not yet due", SKY_BLUE),
        ("overdue", "overdue", VERMILLION),
    ):
        values = teams["open"] - teams["overdue"] if column == "open_on_time" else teams[column]
        fig.add_trace(
            go.Bar(
                y=teams["team"],
                x=values,
                name=name,
                orientation="h",
                marker={"color": colour},
                hovertemplate="%{y}: %{x} " + name + "<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack")
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(**count_axis(float((teams["completed"] + teams["open"]).max() or 1)))
    return _layout(fig, "Action items by team", "action items (count)", "team")


POSTMORTEM_COLOURS = {"on time": GREEN, "late": ORANGE, "missing": VERMILLION}
POSTMORTEM_COLOURS["not due yet"] = GREY


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
    return _layout(
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
    return _layout(fig, "Ticket link coverage per incident", "incident", "related tickets (count)")


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
    return _layout(
        fig,
        "Comms gap over time (above 0: the status page lagged behind the customers)",
        f"incident start ({zone})",
        "minutes",
    )


def quiet_rates(rates: pd.DataFrame, placebo_days: int) -> go.Figure:
    """Per incident, the share of exposed accounts that went quiet against two comparisons: the
    same accounts `placebo_days` earlier (placebo) and unexposed accounts over the same days."""
    data = rates.dropna(subset=["quiet_rate_pct"]).iloc[::-1]  # oldest first, left to right
    fig = go.Figure()
    for prefix, name, colour in (
        ("", "exposed accounts", VERMILLION),
        ("placebo_", f"same accounts, {placebo_days} days earlier", GREY),
        ("control_", "unexposed accounts", SKY_BLUE),
    ):
        counts = list(
            zip(
                data[f"{prefix}quiet_accounts"],
                data[f"{prefix}accounts" if prefix else "eligible_accounts"],
                strict=True,
            )
        )
        excess = data["excess_quiet_rate_pct"] if not prefix else None
        fig.add_trace(
            go.Bar(
                x=data["incident_id"],
                y=data[f"{prefix}quiet_rate_pct"],
                name=name,
                marker={"color": colour},
                text=None if excess is None else [_excess_text(e) for e in excess],
                textposition="outside",
                customdata=[[count_text(q), count_text(n)] for q, n in counts],
                hovertemplate="%{x}: %{y:.1f} % quiet (%{customdata[0]} of %{customdata[1]})"
                "<extra>" + name + "</extra>",
            )
        )
    fig.update_layout(barmode="group")
    fig.update_xaxes(type="category")
    fig.update_yaxes(rangemode="tozero")
    hidden = hide_empty_legend_entries(fig)
    fig = _layout(
        fig,
        "Quiet rate after each incident, against normal (label: excess points)",
        "incident",
        "accounts gone quiet (%)",
    )
    if hidden:
        fig.update_layout(title_subtitle_text=f"0 % on every incident: {', '.join(hidden)}")
    return fig


def _excess_text(excess: float | None) -> str:
    return "" if excess is None or pd.isna(excess) or abs(excess) < 0.05 else f"{excess:+.1f}"

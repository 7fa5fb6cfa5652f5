"""The Incident page's timeline: tickets per hour against the usual level, the outage and the
customer-impact window as bands, status updates and the exposed accounts' usage."""

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from aftermath.format import duration_text
from dashboard.charts import (
    BLACK,
    BLUE,
    GREEN,
    PURPLE,
    SKY_BLUE,
    VERMILLION,
    count_axis,
    layout,
    percent_axis,
    plain,
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

    `windows` holds started_at, ended_at (resolved_at, or the data's end while ongoing),
    resolved_at, is_ongoing, outage_minutes, customer_impact_start_at, customer_impact_end_at and
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
    layout(
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
    "resolved" (is_resolved, as the SQL reads it) a star, each saying what it said on hover (a
    text label there lay on top of the bands' labels)."""
    statuses = [plain(s) for s in updates["status"]]
    is_resolved = list(updates["is_resolved"])
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
    end_at = windows["customer_impact_end_at"]
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
    so_far = " so far" if windows["is_ongoing"] else ""
    impact = _shade(
        fig, windows["customer_impact_start_at"], windows["customer_impact_end_at"], "impact"
    )
    if impact:
        _label(
            fig,
            windows["customer_impact_start_at"],
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

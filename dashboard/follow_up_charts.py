"""The Follow-ups page's figures: complaint themes against action items, action items by team."""

import pandas as pd
import plotly.graph_objects as go

from aftermath.format import theme_label
from dashboard.charts import (
    BLACK,
    GREEN,
    HEIGHT,
    SKY_BLUE,
    VERMILLION,
    count_axis,
    layout,
    plain,
)


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
    fig = layout(
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
    return layout(fig, "Action items by team", "action items (count)", "team")

"""The look every figure of the dashboard shares: the palette, the layout, safe label text.

The figures live by page: overview_charts, incident_timeline, trend_charts, process_charts,
follow_up_charts, quiet_charts; each builds its figure from the DataFrames the page queries return.

Colours are the Okabe-Ito palette, which stays distinguishable with the common colour-vision
deficiencies. Text from the exports (titles, statuses) goes into hover labels escaped, since
Plotly reads a few HTML tags in them; customer-written text never goes into a chart.
"""

import html

import pandas as pd
import plotly.graph_objects as go

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


def layout(fig: go.Figure, title: str, x_title: str, y_title: str) -> go.Figure:
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

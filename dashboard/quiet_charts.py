"""The Whom-to-call page's figure: each incident's quiet rate against its placebo and control."""

import pandas as pd
import plotly.graph_objects as go

from aftermath.format import count_text
from dashboard.charts import (
    GREY,
    SKY_BLUE,
    VERMILLION,
    hide_empty_legend_entries,
    layout,
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
    fig = layout(
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

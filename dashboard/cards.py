"""Rows of figure cards, each as wide as its value, so that no value is cut off.

A column per card gives every card the same share of the row, and a long value ("15 h 57 min")
ended in "…" in a narrow one. Here the cards sit in a horizontal container, each as wide as its
content; a row too full for the screen wraps onto a second line instead of cutting.
"""

from contextlib import AbstractContextManager

import streamlit as st

from aftermath.format import MISSING


def row() -> AbstractContextManager:
    """A row for `card` calls made inside `with`."""
    return st.container(horizontal=True, gap="small")


def card(
    label: str,
    value: str,
    caption: str | None = None,
    *,
    help: str | None = None,
    trend: str | None = None,
) -> None:
    """One card: a short value, and what would not fit there (a state, a reason, a count) in its
    caption. `trend` colours the caption as a change: 'inverse' (up is bad) or 'normal'."""
    st.metric(
        label,
        value if value else MISSING,
        caption,
        delta_color=trend or "off",
        delta_arrow="auto" if trend else "off",
        help=help,
        border=True,
        width="content",
    )

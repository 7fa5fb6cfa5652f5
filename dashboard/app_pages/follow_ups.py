"""Follow-ups (engineers): do the action items answer what customers complained about?"""

import pandas as pd
import streamlit as st

from aftermath.export import safe_csv
from dashboard import db, follow_up_charts, tables

st.title("Do the follow-ups answer the complaints?")
if not db.require("incidents"):
    st.stop()

st.subheader("Complaint themes by incident")
if db.require("tickets"):
    themes = db.run("pages/theme_matrix")
    if themes.empty:
        st.info("No related ticket shows a signal or a symptom tag yet, so there are no themes.")
    else:
        st.plotly_chart(follow_up_charts.theme_matrix(themes), key="themes")
        st.markdown("**Themes no action item covers**")
        tables.show(db.run("pages/uncovered_themes"), tables.uncovered_themes())

st.subheader("Coverage and owners per incident")
coverage = db.run("pages/follow_up_coverage")
info = db.one("pages/load_details")
as_of = "–" if info is None or pd.isna(info.data_end_at) else f"{info.data_end_at:%Y-%m-%d}"
tables.show(
    coverage,
    tables.follow_up_coverage(db.zone(), as_of),
    row_height=tables.wrapped_row_height(
        (coverage["uncovered_themes"].astype("string"), tables.THEMES_CHARS_PER_LINE)
    ),
)
engineering_only = int(coverage["is_engineering_only"].fillna(False).astype(bool).sum())
if not db.rows("action_items"):
    st.caption("No action items are loaded, so no follow-up is owned by anyone yet.")
elif engineering_only:
    st.caption(
        f"Engineering only ({engineering_only} of {len(coverage)} incidents): every action item "
        "is engineering's while customers reported confusion or workarounds, so product and "
        "support work is missing."
    )
else:
    st.caption("No incident's follow-ups are engineering's alone while customers were confused.")

st.subheader(f"Overdue action items, as of {as_of}")
st.caption(
    "Overdue as of the data's newest day; an incident page's check a week later counts them "
    "as of that check instead."
)
if db.require("action_items"):
    overdue = db.run("pages/overdue_action_items", incident_id=None)
    if overdue.empty:
        st.success("No action item is overdue.")
    else:
        tables.show(overdue, tables.overdue_action_items())
        st.download_button(
            "Download overdue action items (CSV)",
            lambda: safe_csv(overdue),
            file_name="overdue_action_items.csv",
            mime="text/csv",
        )
    st.subheader("Action items by team")
    st.plotly_chart(follow_up_charts.team_split(db.run("pages/action_item_teams")), key="teams")

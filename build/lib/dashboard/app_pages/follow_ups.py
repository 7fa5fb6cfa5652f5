"""Follow-ups (engineers): do the action items answer what customers complained about?"""

import streamlit as st

from aftermath.export import safe_csv
from dashboard import charts, db, tables

st.title("Do the follow-ups answer the complaints?")
if not db.require("incidents"):
    st.stop()

st.subheader("Complaint themes by incident")
if db.require("tickets"):
    themes = db.run("pages/theme_matrix")
    if themes.empty:
        st.info("No related ticket shows a signal or a symptom tag yet, so there are no themes.")
    else:
        st.plotly_chart(charts.theme_matrix(themes), key="themes")
        st.markdown("**Themes no action item covers**")
        st.dataframe(db.run("pages/uncovered_themes"), hide_index=True)

st.subheader("Coverage and owners per incident")
coverage = db.run("pages/follow_up_coverage")
st.dataframe(coverage, hide_index=True, column_config=tables.follow_up_coverage(db.zone()))
st.caption(
    "Engineering only: every action item is engineering's while customers reported confusion or "
    "workarounds, so product and support work is missing."
)

st.subheader("Overdue action items")
if db.require("action_items"):
    overdue = db.run("pages/overdue_action_items", incident_id=None)
    if overdue.empty:
        st.success("No action item is overdue.")
    else:
        st.dataframe(overdue, hide_index=True, column_config=tables.overdue_action_items())
        st.download_button(
            "Download overdue action items (CSV)",
            lambda: safe_csv(overdue),
            file_name="overdue_action_items.csv",
            mime="text/csv",
        )
    st.subheader("Action items by team")
    st.plotly_chart(charts.team_split(db.run("pages/action_item_teams")), key="teams")

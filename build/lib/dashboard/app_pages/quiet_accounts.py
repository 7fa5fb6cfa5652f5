"""Quiet accounts (CS): who stopped using the product after an incident, above all the silent."""

import streamlit as st

from aftermath.export import safe_csv
from aftermath.queries import run_query
from dashboard import charts, db, tables

# Every incident at once holds millions of quiet rows at scale: the page shows the top ones.
ROWS_SHOWN = 500

st.title("Accounts that went quiet after an incident")
if not (db.require("incidents") and db.require("usage")):
    st.stop()

st.subheader("Excess quiet rate per incident")
rates = db.run("pages/quiet_rates")
st.plotly_chart(charts.quiet_rates(rates), key="quiet_rates")
st.caption(
    "Accounts go quiet for reasons of their own too: the excess is the exposed accounts' rate "
    "minus the same accounts' rate four weeks earlier (placebo) or unexposed accounts' rate "
    "(control). Read a rate with its counts."
)
st.dataframe(rates, hide_index=True, column_config=tables.quiet_rates(db.zone()))

st.subheader("Who to call")
incident_col, segment_col, mrr_col, toggles_col = st.columns([2, 1, 1, 1])
incident_ids = [None, *db.run("pages/incident_list")["incident_id"]]
incident_id = incident_col.selectbox(
    "Incident", incident_ids, format_func=lambda i: i or "All incidents", key="quiet_incident"
)
segment = segment_col.selectbox(
    "Segment",
    [None, *db.run("pages/account_segments")["segment"]],
    format_func=lambda s: "All segments" if s is None else s or "(none)",
    key="quiet_segment",
)
min_mrr = mrr_col.number_input("MRR at least ($)", min_value=0, value=0, step=500, key="quiet_mrr")
silent_only = toggles_col.toggle("Silent only", key="quiet_silent", help="never opened a ticket")
still_quiet = toggles_col.toggle("Still quiet", key="quiet_still", help="quiet in the latest data")
filters = {
    "incident_id": incident_id,
    "segment": segment,
    "min_mrr": min_mrr,
    "silent_only": silent_only,
    "still_quiet_only": still_quiet,
}
totals = db.one("pages/quiet_call_list_totals", **filters)
calls = db.run("pages/quiet_call_list", **filters, max_rows=ROWS_SHOWN)
st.metric(
    "Quiet accounts to call",
    f"{totals.quiet_accounts:,}",
    f"${totals.quiet_mrr:,.0f} MRR",
    delta_color="off",
    delta_arrow="off",
    help="an account quiet after two incidents is listed twice and counted once",
)
shown = f"{len(calls):,} of {totals.listed_rows:,} rows shown, largest MRR first"
if len(calls) < totals.listed_rows:
    shown += "; the CSV has them all"
st.caption(shown)
st.dataframe(calls, hide_index=True, column_config=tables.call_list(db.zone()))
# Streamlit runs the callable when clicked, on a thread outside this session: bind now what it
# needs (the connection, the zone) rather than reading the session there.
con, zone = db.connection(), db.zone()


def call_list_csv() -> bytes:
    every_row = run_query(con, "pages/quiet_call_list", **filters, max_rows=None)
    return safe_csv(db.in_zone(every_row, zone))


st.download_button(
    "Download the call list (CSV)",
    call_list_csv,  # every matching row, queried only when clicked
    file_name="quiet_accounts_call_list.csv",
    mime="text/csv",
)

"""Whom to call (CS): every account to contact after an incident, the silent quiet ones first."""

import streamlit as st

from aftermath.format import count_text, money_text
from aftermath.queries import run_query
from dashboard import charts, db, tables

# Every incident at once holds millions of rows at scale: the page shows the top ones.
ROWS_SHOWN = 500

st.title("Whom to call after an incident")
if not db.require("incidents"):
    st.stop()
rules = db.settings()
st.caption(
    f"Quiet: usage over the {rules.quiet_after_days} days after resolution at least "
    f"{rules.quiet_drop_pct:g} % below the {rules.usage_baseline_days} days before. Silent: quiet "
    "without a ticket, the group easiest to miss. Order: MRR × the strength of the reasons."
)

incident_col, segment_col, mrr_col, reason_col = st.columns([2, 1, 1, 1])
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
reason = reason_col.selectbox(
    "Reason",
    [None, *tables.REASONS],
    format_func=lambda r: "Any reason" if r is None else tables.REASONS[r],
    key="quiet_reason",
)
filters = {"incident_id": incident_id, "segment": segment, "min_mrr": min_mrr, "reason": reason}
totals = db.one("pages/contacts_to_call_totals", **filters)
calls = db.run("pages/contacts_to_call", **filters, max_rows=ROWS_SHOWN)

cards = st.columns(3, border=True)
cards[0].metric(
    "Accounts to contact",
    count_text(totals.accounts),
    help="an account listed after two incidents is one account",
)
cards[1].metric(
    "Silent quiet accounts",
    count_text(totals.silent_quiet_accounts) if db.rows("usage") else "needs usage",
    help="went quiet without a ticket",
)
cards[2].metric("MRR at stake", f"${money_text(totals.mrr)}", help="each account's MRR once")
shown = f"{len(calls):,} of {totals.listed_rows:,} rows shown, first to call first"
if len(calls) < totals.listed_rows:
    shown += "; the CSV has them all"
st.caption(shown)
order = tables.CONTACT_COLUMNS if incident_id else ["incident_id", *tables.CONTACT_COLUMNS]
tables.show(calls, tables.contacts(db.zone()), order)
# Streamlit runs the callable when clicked, on a thread outside this session: bind now what it
# needs (the connection, the zone) rather than reading the session there.
con, zone = db.connection(), db.zone()


def contacts_csv() -> bytes:
    every_row = run_query(con, "pages/contacts_to_call", **filters, max_rows=None)
    return tables.contacts_csv(db.in_zone(every_row, zone), zone)


st.download_button(
    "Download the contact list (CSV)",
    contacts_csv,  # every matching row, queried only when clicked
    file_name="contact_list.csv",
    mime="text/csv",
)

with st.expander("Is it more than the usual churn? Quiet rate per incident against normal"):
    if db.require("usage"):
        rates = db.run("pages/quiet_rates")
        st.plotly_chart(charts.quiet_rates(rates, rules.placebo_offset_days), key="quiet_rates")
        st.caption(
            "Accounts go quiet for reasons of their own too: the excess is the exposed accounts' "
            f"rate minus the same accounts' rate {rules.placebo_offset_days} days earlier "
            "(placebo) or unexposed accounts' rate (control). Read a rate with its counts."
        )
        tables.show(rates, tables.quiet_rates(db.zone()))

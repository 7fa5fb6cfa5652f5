"""Undeclared (leadership, engineering): what customers suffered that no incident declared."""

import pandas as pd
import streamlit as st

from aftermath.export import safe_csv
from aftermath.format import count_text, counted, dollars_text
from dashboard import db, tables, trend_charts

st.title("What customers suffered that nobody declared")
if not db.require("incidents", "tickets"):
    st.stop()
st.caption(
    "Hours where tickets, and the accounts writing in, stood far above the usual level for that "
    "hour of the week, with no incident open: the incident process missed them."
)
months = db.run("pages/undeclared_by_month")
surges = db.run("pages/undeclared_surges")
totals = db.run("pages/undeclared_totals").iloc[0]
cards = st.columns(4, border=True)
cards[0].metric("Undeclared surges", count_text(totals.undeclared_surges))
cards[1].metric("Tickets above normal", count_text(totals.excess_tickets))
cards[2].metric(
    "Customer-hours",
    f"{totals.customer_hours:,.0f}",
    help="accounts writing in × the surge's hours, summed",
)
cards[3].metric(
    "MRR of the accounts writing in",
    dollars_text(totals.mrr) if pd.notna(totals.mrr) else "needs accounts",
    help=f"{counted(totals.accounts, 'account')}, each counted once",
)
if surges.empty:
    # No chart of zeros: a flat line on a -1..1 axis says less than this sentence.
    st.success("Every surge of tickets in the data had an incident declared for it.")
    st.stop()
st.plotly_chart(trend_charts.undeclared_backtest(months), key="backtest")
st.subheader("Undeclared surges, largest excess first")
st.caption("Select a row to see its tickets and the Markdown to declare it after the fact.")
event = tables.show(
    surges,
    trend_charts.surge_columns(db.zone()),
    key="undeclared_table",
    on_select="rerun",
    selection_mode="single-row",
)
row = event.selection.rows[0] if event.selection.rows else 0
surge_id = surges["surge_id"].iloc[row]
st.subheader(f"Tickets of surge {surge_id}")
tickets = db.run("pages/surge_ticket_list", surge_id=surge_id)
tables.show(tickets, trend_charts.surge_ticket_columns(db.zone()))
st.download_button(
    "Download these tickets (CSV)",
    lambda: safe_csv(tickets),
    file_name=f"{surge_id}-tickets.csv",
    mime="text/csv",
)
markdown = db.surge_report(surge_id)
st.download_button(
    "Download the surge for engineering (Markdown)",
    markdown,
    file_name=f"{surge_id}.md",
    mime="text/markdown",
)
# The surge report escapes every text from the exports, so its Markdown renders as plain text.
preview, source = st.tabs(["Preview", "Markdown to paste"])
preview.markdown(markdown)
source.code(markdown, language="markdown")

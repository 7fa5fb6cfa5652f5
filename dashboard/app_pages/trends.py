"""Trends (leadership): month by month and per service, and how fast we respond."""

import streamlit as st

from aftermath.format import counted
from dashboard import db, filters, tables, trend_charts

st.title("Trends and response times")
if not db.require("incidents"):
    st.stop()
chosen = filters.service_and_severity()
trends = db.run("pages/monthly_trends", **chosen)
st.plotly_chart(trend_charts.monthly_impact(trends), key="monthly_impact")
ongoing = int(trends["ongoing_incidents"].sum())
st.caption(
    "Finished incidents only"
    + (
        f": {counted(ongoing, 'ongoing incident')} (figures so far) in no month's sums. "
        if ongoing
        else ". "
    )
    + "Undeclared surges: tickets far above normal with no incident declared (all services; "
    "see the Undeclared page)."
)
tables.show(trends, trend_charts.MONTHLY_COLUMNS)

st.subheader("Per service")
services = db.run("pages/service_trends", severities=chosen["severities"])
if services.empty:
    st.info("No incident matches these filters.")
else:
    st.plotly_chart(trend_charts.service_impact(services), key="service_impact")

st.subheader("Response times: median and 90th percentile")
percentiles = db.run("pages/response_time_percentiles", **chosen)
st.plotly_chart(trend_charts.response_times(percentiles), key="response_times")
st.caption(
    "Minutes from the declared start. Customers noticed: the first related ticket or the "
    "start of the incident's ticket surge, below 0 when customers wrote in before the declared "
    "start. Acknowledge needs the source to record it (PagerDuty does)."
)
tables.show(percentiles, trend_charts.PERCENTILE_COLUMNS)

st.subheader("Per incident")
times = db.run("pages/incident_response_times", **chosen)
tables.show(times, trend_charts.response_columns(db.zone()))

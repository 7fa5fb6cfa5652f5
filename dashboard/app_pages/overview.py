"""Overview (leadership): how long customers felt each incident, next to how long it ran."""

from urllib.parse import quote

import streamlit as st

from aftermath.format import severity_label
from dashboard import charts, db, tables

st.title("What the incidents cost the customers")
if not db.require("incidents"):
    st.stop()

span = db.one("pages/incident_date_span")
first, last = span.first_started_at.date(), span.last_started_at.date()
dates_col, service_col, severity_col = st.columns([2, 1, 1])
picked = dates_col.date_input(
    f"Incidents started between ({db.zone()})", (first, last), first, last
)  # no key: a new load or zone moves the bounds, and the range starts over with them
service = service_col.selectbox(
    "Service",
    [None, *db.run("pages/incident_services")["service"]],
    format_func=lambda s: "All services" if s is None else s,
    key="overview_service",
)
severities = severity_col.multiselect(
    "Declared severity",
    [1, 2, 3, 4, 5],
    format_func=severity_label,
    placeholder="All severities",
    key="overview_severities",
)
# A range being picked has one date until the second click.
first_day, last_day = picked if len(picked) == 2 else (first, last)
started_from, started_before = db.utc_day_bounds(first_day, last_day, db.zone())
if (first_day, last_day) == (first, last):
    # The whole span holds every incident: no date filter, so the headline reads the totals
    # computed at load.
    started_from = started_before = None
filters = {
    "started_from": started_from,
    "started_before": started_before,
    "service": service,
    "severities": severities or None,
}
head = db.one("pages/overview_headline", **filters)
incidents = db.run("pages/overview_incidents", **filters)

has_tickets, has_usage = bool(db.rows("tickets")), bool(db.rows("usage"))
cols = st.columns(5, border=True)
cols[0].metric("Incidents", f"{head.incidents:,}")
cols[1].metric("Outage", f"{head.outage_hours:,.1f} h", help="started → resolved, summed")
cols[2].metric(
    "Customer impact",
    f"{head.customer_impact_hours:,.1f} h",
    f"{head.customer_impact_hours - head.outage_hours:+,.1f} h vs outage",
    delta_color="inverse",
    help="from the first sign (start or first ticket) to the end of the ticket run, summed",
)
cols[3].metric(
    "Related tickets",
    f"{head.related_tickets:,}" if has_tickets else "no tickets loaded",
    f"{head.affected_accounts:,} accounts" if has_tickets else None,
    delta_color="off",
    delta_arrow="off",
)
cols[4].metric(
    "Quiet accounts",
    f"{head.quiet_accounts:,}" if has_usage else "needs usage",
    f"${head.quiet_mrr:,.0f} MRR" if has_usage else None,
    delta_color="off",
    delta_arrow="off",
    help="usage fell at least half after the incident (needs the usage table)",
)

if incidents.empty:
    st.info("No incident matches these filters.")
    st.stop()
st.plotly_chart(charts.impact_scatter(incidents), key="impact_scatter")
st.caption("Points above the dashed line: customers felt the incident longer than it ran.")
undeclared = db.run("pages/undeclared_surges")
if has_tickets and not undeclared.empty:
    st.page_link(
        "app_pages/undeclared.py",
        label=f"Never declared, over all the data: {len(undeclared)} ticket "
        f"surge{'' if len(undeclared) == 1 else 's'} with no incident, "
        f"{undeclared['accounts'].sum():,} accounts writing in",
        icon=":material/report:",
    )

st.subheader("Incidents")
st.caption("Select a row to open the incident.")
table = incidents.assign(
    severity=incidents["severity"].map(severity_label),
    open=[f"incident?incident={quote(i)}" for i in incidents["incident_id"]],
)
event = st.dataframe(
    table,
    key="overview_table",
    on_select="rerun",
    selection_mode="single-row",
    hide_index=True,
    column_order=tables.OVERVIEW_COLUMNS,
    column_config=tables.overview(db.zone()),
)
if event.selection.rows:
    chosen = incidents["incident_id"].iloc[event.selection.rows[0]]
    st.switch_page("app_pages/incident.py", query_params={"incident": chosen})

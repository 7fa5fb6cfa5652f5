"""Incident (everyone; deep link ?incident=ID): what one incident did to its customers."""

import pandas as pd
import streamlit as st

from aftermath.export import safe_csv
from aftermath.format import count_text, duration_text, or_reason, severity_label
from dashboard import charts, db, tables

if not db.require("incidents"):
    st.stop()
incidents = db.run("pages/incident_list")
labels = dict(
    zip(
        incidents["incident_id"],
        incidents["incident_id"] + " · " + incidents["title"].fillna(""),
        strict=True,
    )
)
wanted = st.query_params.get("incident")
if wanted in labels:
    st.session_state["incident_pick"] = wanted
elif wanted is not None:
    st.warning("The incident in the link is not in this database; showing the newest one.")
incident_id = st.selectbox(
    "Incident",
    list(labels),
    format_func=labels.get,
    key="incident_pick",
    # The link follows the pick, so the page can be shared as it is.
    on_change=lambda: st.query_params.update(incident=st.session_state["incident_pick"]),
)
st.query_params["incident"] = incident_id
s = db.one("pages/incident_summary", incident_id=incident_id)
has_tickets, has_usage = bool(db.rows("tickets")), bool(db.rows("usage"))

st.title(labels[incident_id])
ended = "ongoing" if s.ongoing else f"resolved {s.resolved_at:%Y-%m-%d %H:%M}"
st.caption(
    f"{severity_label(s.severity)} · started {s.started_at:%Y-%m-%d %H:%M} · {ended} ({db.zone()})"
)
cards = st.columns(4, border=True) + st.columns(4, border=True)
cards[0].metric("Outage", duration_text(s.outage_minutes), help="started → resolved")
cards[1].metric(
    "Customer impact",
    or_reason(
        s.customer_impact_minutes,
        duration_text(s.customer_impact_minutes),
        s.customer_impact_reason,
    ),
    help="first sign → end of the ticket run",
)
cards[2].metric(
    "Comms gap",
    or_reason(s.comms_gap_minutes, duration_text(s.comms_gap_minutes), s.comms_gap_reason),
    help="positive: customers still hurting after 'resolved' was posted",
)
cards[3].metric(
    "Declared / suggested severity",
    f"{severity_label(s.severity)} / "
    + or_reason(
        s.suggested_severity, severity_label(s.suggested_severity), s.customer_impact_reason
    ),
)
cards[4].metric(
    "Tickets linked / suggested",
    f"{s.linked_tickets} / {s.suggested_tickets}" if has_tickets else "no tickets loaded",
)
cards[5].metric("Affected accounts", count_text(s.affected_accounts) if has_tickets else "–")
cards[6].metric(
    "Quiet accounts (silent)",
    f"{count_text(s.quiet_accounts)} ({count_text(s.silent_quiet_accounts)})"
    if has_usage
    else "needs usage",
    f"${s.quiet_mrr:,.0f} MRR" if has_usage and pd.notna(s.quiet_mrr) else None,
    delta_color="off",
    delta_arrow="off",
    help="silent: went quiet without opening a related ticket; – while not judged (ongoing)",
)
cards[7].metric(
    "Customers wrote before our first update by",
    or_reason(
        s.customers_first_minutes,
        duration_text(s.customers_first_minutes),
        s.customers_first_reason,
    ),
    help="first related ticket → first status update; negative: the status page spoke first",
)

hours = db.run("pages/incident_hourly_tickets", incident_id=incident_id)
if db.require("tickets") and not hours.empty:
    windows = {
        "started_at": s.started_at,
        "ended_at": hours["hour"].max() if s.ongoing else s.resolved_at,
        "customer_impact_start": s.customer_impact_start,
        "customer_impact_end": s.customer_impact_end,
    }
    updates = db.run("pages/incident_status_updates", incident_id=incident_id)
    comments = db.run("pages/incident_lingering_comments", incident_id=incident_id)
    activity = db.run("pages/incident_exposed_activity", incident_id=incident_id)
    figure = charts.incident_timeline(hours, updates, comments, activity, windows, db.zone())
    st.plotly_chart(figure, key="timeline")

    st.subheader("Tickets, their signals and the customers' words")
    tickets = db.run("pages/incident_tickets", incident_id=incident_id)
    st.dataframe(tickets, hide_index=True, column_config=tables.incident_tickets(db.zone()))
    st.download_button(
        "Download these tickets (CSV)",
        lambda: safe_csv(tickets),
        file_name=f"{incident_id}-tickets.csv",
        mime="text/csv",
    )

if has_tickets and s.suspect_links:
    st.subheader("Suspect links for CS to fix")
    st.caption(
        "Linked to this incident in the help desk, but created long before it started: they "
        "move no window and count in no total until the link is fixed."
    )
    suspects = db.run("pages/suspect_links", incident_id=incident_id)
    st.dataframe(suspects, hide_index=True, column_config=tables.suspect_links(db.zone()))

st.subheader("Who needs a direct contact")
if db.require("tickets"):
    contacts = db.run("pages/contact_list", incident_id=incident_id)
    if contacts.empty:
        st.success("No account wrote of urgency or lost trust, and every related ticket is solved.")
    else:
        st.dataframe(contacts, hide_index=True, column_config=tables.contact_list(db.zone()))
        st.download_button(
            "Download the contact list (CSV)",
            lambda: safe_csv(contacts),
            file_name=f"{incident_id}-contacts.csv",
            mime="text/csv",
        )

st.subheader("Affected and quiet accounts")
if has_tickets or db.require("usage"):
    accounts = db.run("pages/incident_accounts", incident_id=incident_id)
    st.dataframe(accounts, hide_index=True, column_config=tables.incident_accounts())

st.subheader("Complaint themes and action items")
themes_col, items_col = st.columns(2)
with themes_col:
    if has_tickets:
        themes = db.run("pages/incident_themes", incident_id=incident_id)
        st.dataframe(themes, hide_index=True)
with items_col:
    if db.require("action_items"):
        items = db.run("pages/incident_action_items", incident_id=incident_id)
        st.dataframe(items, hide_index=True, column_config=tables.action_items(db.zone()))

st.subheader("Postmortem hygiene")
if db.require("postmortems"):
    cards = st.columns(3, border=True)
    published = pd.notna(s.postmortem_published_at)
    cards[0].metric(
        "Postmortem",
        s.postmortem_status,
        f"{s.postmortem_days_after_resolved:.1f} days after resolution" if published else None,
        delta_color="off",
        delta_arrow="off",
    )
    cards[1].metric(
        "Tickets: postmortem says / data shows",
        f"{count_text(s.stated_ticket_count)} / "
        + (count_text(s.linked_tickets + s.suggested_tickets) if has_tickets else "needs tickets"),
    )
    cards[2].metric(
        "Accounts: postmortem names / affected",
        f"{count_text(s.stated_accounts)} / {count_text(s.affected_accounts)}",
    )

st.subheader("Customer impact section for the postmortem")
report = db.report(incident_id)
st.download_button(
    "Download the section (Markdown)",
    report,
    file_name=f"{incident_id}-customer-impact.md",
    mime="text/markdown",
)
# The report escapes every text from the exports, so its Markdown renders as plain text.
preview, source = st.tabs(["Preview", "Markdown to paste"])
preview.markdown(report)
source.code(report, language="markdown")

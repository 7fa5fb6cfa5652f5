"""Incident (everyone; deep link ?incident=ID): what one incident did to its customers, whom to
call first, then the timeline; the detail behind tabs."""

import pandas as pd
import streamlit as st

from aftermath.export import safe_csv
from aftermath.format import count_text, duration_text, money_text, or_reason, severity_label
from dashboard import charts, db, tables

CONTACTS_SHOWN = 200

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
so_far = " so far" if s.ongoing else ""

st.title(labels[incident_id])
ended = "ongoing" if s.ongoing else f"resolved {s.resolved_at:%Y-%m-%d %H:%M}"
st.caption(
    f"{severity_label(s.severity)} · started {s.started_at:%Y-%m-%d %H:%M} · {ended} ({db.zone()})"
    " · severity the customers' record suggests: "
    + or_reason(
        s.suggested_severity, severity_label(s.suggested_severity), s.customer_impact_reason
    )
)
for surge in db.run("pages/incident_surge", incident_id=incident_id).itertuples():
    rose = f"{surge.peak_ratio:.0f} × normal" if pd.notna(surge.peak_ratio) else "far above normal"
    st.caption(
        f"Tickets rose to {rose} at {surge.peak_at:%H:%M} ({surge.peak_tickets} in the hour; "
        f"surge {surge.surge_id}: {surge.tickets} tickets from {surge.accounts} accounts)."
    )
cards = st.columns(5, border=True)
cards[0].metric(f"Outage{so_far}", duration_text(s.outage_minutes), help="started → resolved")
cards[1].metric(
    f"Customer impact{so_far}",
    or_reason(
        s.customer_impact_minutes,
        duration_text(s.customer_impact_minutes),
        s.customer_impact_reason,
    ),
    help="first sign → end of the ticket run",
)
cards[2].metric(
    "Tickets linked / suggested",
    f"{s.linked_tickets} / {s.suggested_tickets}" if has_tickets else "no tickets loaded",
    f"{count_text(s.affected_accounts)} accounts wrote in" if has_tickets else None,
    delta_color="off",
    delta_arrow="off",
)
cards[3].metric(
    "Quiet accounts (silent)",
    f"{count_text(s.quiet_accounts)} ({count_text(s.silent_quiet_accounts)})"
    if has_usage
    else "needs usage",
    f"${money_text(s.quiet_mrr)} MRR" if has_usage and pd.notna(s.quiet_mrr) else None,
    delta_color="off",
    delta_arrow="off",
    help="silent: went quiet without opening a related ticket; – while not judged (ongoing)",
)
cards[4].metric(
    "Comms gap",
    or_reason(s.comms_gap_minutes, duration_text(s.comms_gap_minutes), s.comms_gap_reason),
    help="customer impact end − 'resolved' on the status page; positive: customers still hurting "
    "after 'resolved' was posted; – without tickets or a 'resolved' update",
)

st.subheader("Whom to call first")
if has_tickets or has_usage:
    one_incident = {"incident_id": incident_id, "segment": None, "min_mrr": None, "reason": None}
    totals = db.one("pages/contacts_to_call_totals", **one_incident)
    contacts = db.run("pages/contacts_to_call", **one_incident, max_rows=CONTACTS_SHOWN)
    if contacts.empty:
        st.success(
            "Nobody went quiet, no account wrote of urgency or lost trust, and every "
            "related ticket is solved."
        )
    else:
        st.caption(
            f"{count_text(totals.accounts)} accounts, ${money_text(totals.mrr)} MRR, "
            f"{count_text(totals.silent_quiet_accounts)} of them silent quiet; first to call first."
        )
        zone = db.zone()
        tables.show(contacts, tables.contacts(zone), tables.CONTACT_COLUMNS, height=35 * 8 + 3)
        st.download_button(
            "Download the contact list (CSV)",
            lambda: tables.contacts_csv(contacts, zone),
            file_name=f"{incident_id}-contacts.csv",
            mime="text/csv",
        )
else:
    st.info(f"{db.NEEDS['tickets']} {db.NEEDS['usage']} {db.LOAD_HINT}")

# Without tickets the hours hold only zeros: the chart draws the outage and the updates alone.
hours = db.run("pages/incident_hourly_tickets", incident_id=incident_id).iloc[
    : None if has_tickets else 0
]
updates = db.run("pages/incident_status_updates", incident_id=incident_id)
if len(hours) or len(updates):
    windows = {
        **s._asdict(),
        "ended_at": hours["hour"].max() if s.ongoing and len(hours) else s.resolved_at,
    }
    comments = db.run("pages/incident_lingering_comments", incident_id=incident_id)
    activity = db.run("pages/incident_exposed_activity", incident_id=incident_id)
    figure = charts.incident_timeline(hours, updates, comments, activity, windows, db.zone())
    st.plotly_chart(figure, key="timeline", config=charts.NO_TOOLBAR)

tabs = st.tabs(["Tickets", "Accounts", "Themes and action items", "Status page", "Postmortem"])
with tabs[0]:
    if db.require("tickets"):
        tickets = db.run("pages/incident_tickets", incident_id=incident_id)
        tables.show(tickets, tables.incident_tickets(db.zone()), tables.TICKET_COLUMNS)
        st.download_button(
            "Download these tickets (CSV)",
            lambda: safe_csv(tickets),
            file_name=f"{incident_id}-tickets.csv",
            mime="text/csv",
        )
        if s.suspect_links:
            st.markdown(f"**Suspect links for CS to fix ({s.suspect_links})**")
            st.caption(
                "Linked to this incident in the help desk, but created long before it started: "
                "they move no window and count in no total until the link is fixed."
            )
            suspects = db.run("pages/suspect_links", incident_id=incident_id)
            st.dataframe(suspects, hide_index=True, column_config=tables.suspect_links(db.zone()))
with tabs[1]:
    if has_tickets or db.require("usage"):
        accounts = db.run("pages/incident_accounts", incident_id=incident_id)
        tables.show(accounts, tables.incident_accounts(db.settings()))
with tabs[2]:
    themes_col, items_col = st.columns(2)
    if has_tickets:
        themes = db.run("pages/incident_themes", incident_id=incident_id)
        with themes_col:
            tables.show(themes, tables.themes())
    with items_col:
        if db.require("action_items"):
            items = db.run("pages/incident_action_items", incident_id=incident_id)
            tables.show(items, tables.action_items(db.zone()))
with tabs[3]:
    st.metric(
        "Customers wrote before our first update by",
        or_reason(
            s.customers_first_minutes,
            duration_text(s.customers_first_minutes),
            s.customers_first_reason,
        ),
        help="first related ticket → first status update; negative: the status page spoke first",
    )
    if db.require("status_updates"):
        tables.show(updates, tables.status_updates(db.zone()))
with tabs[4]:
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
            + (
                count_text(s.linked_tickets + s.suggested_tickets)
                if has_tickets
                else "needs tickets"
            ),
        )
        cards[2].metric(
            "Accounts: postmortem names / affected",
            f"{count_text(s.stated_accounts)} / {count_text(s.affected_accounts)}",
        )
    report = db.report(incident_id)
    st.download_button(
        "Download the customer impact section for the postmortem (Markdown)",
        report,
        file_name=f"{incident_id}-customer-impact.md",
        mime="text/markdown",
    )
    # The report escapes every text from the exports, so its Markdown renders as plain text.
    with st.expander("Preview the section"):
        st.markdown(report)
    with st.expander("Markdown to paste"):
        st.code(report, language="markdown")

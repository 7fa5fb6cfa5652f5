"""Process: are postmortems on time, does CS link tickets, does the status page keep up?"""

import streamlit as st

from dashboard import db, incident_sections, process_charts, tables

st.title("How the incident process holds up")
if not db.require("incidents"):
    st.stop()
due_days = db.settings().postmortem_due_days

st.subheader(f"Postmortems published within {due_days} days of resolution")
timeliness = db.run("pages/postmortem_timeliness")
if db.require("postmortems"):
    counts = timeliness["postmortem_status"].value_counts()
    cards = st.columns(4, border=True)
    for card, status in zip(cards, process_charts.POSTMORTEM_COLOURS, strict=True):
        card.metric(status.capitalize(), int(counts.get(status, 0)))
    st.plotly_chart(process_charts.postmortem_timeliness(timeliness, due_days), key="postmortems")
    tables.show(timeliness, tables.timeliness(db.zone()))

st.subheader("Link coverage: tickets CS linked, and tickets only suggested")
if db.require("tickets"):
    links = db.run("pages/link_coverage")
    st.plotly_chart(process_charts.link_coverage(links), key="links")
    st.caption(
        "Suggested tickets were not linked in the help desk but match the incident's window and "
        "words: review them and link them back."
    )
    suspects = db.run("pages/suspect_links_to_fix", incident_id=None)
    if not suspects.empty:
        st.markdown(f"**Suspect links for CS to fix ({len(suspects):,})**")
        st.caption(
            "Linked to an incident in the help desk but created long before it started: they "
            "move no window and count in no total until the link is fixed."
        )
        tables.show(suspects, tables.suspect_links(db.zone()))
    incident_sections.ambiguous_tickets(None)

st.subheader("Comms gap over time")
if db.require("tickets", "status_updates"):
    st.plotly_chart(
        process_charts.comms_gap(db.run("pages/comms_gap_over_time"), db.zone()), key="gaps"
    )

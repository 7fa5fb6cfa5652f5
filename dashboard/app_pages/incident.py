"""Incident (everyone; deep link ?incident=ID): what one incident did to its customers, whom to
call first, then the timeline; the detail behind tabs (each section: dashboard.incident_sections)."""

import streamlit as st

from dashboard import db, review_sections
from dashboard import incident_sections as sections

if not db.require("incidents"):
    st.stop()
incident_id, label = sections.pick_incident()
summary = db.one("pages/incident_summary", incident_id=incident_id)
has_tickets, has_usage = bool(db.rows("tickets")), bool(db.rows("usage"))

sections.heading(summary, label)
sections.headline_cards(summary, has_tickets, has_usage)
sections.contacts_to_call(incident_id, has_tickets, has_usage)
review_sections.outreach_drafts(incident_id)
sections.timeline(summary, has_tickets)

tickets, review, accounts, themes, status_page, postmortem = st.tabs(sections.TABS)
with tickets:
    sections.tickets_tab(summary)
with review:
    review_sections.tasks_and_groups(summary)
    review_sections.reply_outcomes(incident_id)
with accounts:
    sections.accounts_tab(incident_id, has_tickets, has_usage)
with themes:
    sections.themes_tab(incident_id, has_tickets)
with status_page:
    sections.status_page_tab(summary)
with postmortem:
    sections.postmortem_tab(summary, has_tickets)

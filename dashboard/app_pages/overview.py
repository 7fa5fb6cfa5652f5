"""Overview (leadership): how long customers felt each incident, next to how long it ran (each
section: dashboard.overview_sections)."""

import streamlit as st

from dashboard import db
from dashboard import overview_sections as sections

st.title("What the incidents cost the customers")
if not db.require("incidents"):
    st.stop()
filters = sections.pick_filters()
head = sections.headline(filters)
incidents = db.run("pages/overview_incidents", **filters)
has_tickets, has_usage = bool(db.rows("tickets")), bool(db.rows("usage"))

sections.headline_cards(head, has_tickets, has_usage)
if incidents.empty:
    st.info("No incident matches these filters.")
    st.stop()
sections.impact_scatter(incidents)
sections.undeclared_link(has_tickets)
sections.incident_table(incidents)

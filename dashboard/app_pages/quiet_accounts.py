"""Whom to call (CS): every account to contact after an incident, the silent quiet ones first
(each section: dashboard.contact_sections)."""

import streamlit as st

from dashboard import contact_sections as sections
from dashboard import db

st.title("Whom to call after an incident")
if not db.require("incidents"):
    st.stop()
rules = db.settings()
sections.rules_caption(rules)
filters = sections.pick_filters()
totals = db.one("pages/contacts_to_call_totals", **filters)
sections.total_cards(totals)
sections.contact_table(filters, totals.listed_rows)
sections.quiet_rates(rules)

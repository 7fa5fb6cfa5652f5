"""Aftermath's dashboard: the frame every page shares, and the navigation over app_pages/.

Run by `aftermath serve` (streamlit run, with $AFTERMATH_DB naming the database).
"""

from datetime import timedelta

import duckdb
import streamlit as st

from aftermath.format import duration_text
from dashboard import access, db, filters

# Data a day old is yesterday's: a nightly sync has missed a night.
STALE_AFTER = timedelta(days=1)

# A narrow sidebar (it holds the pages and the zone) leaves the tables their 1440 px screen.
st.set_page_config(
    page_title="Aftermath",
    page_icon=":material/healing:",
    layout="wide",
    initial_sidebar_state=220,
)

# Before anything reads data: a visitor who is not let in gets the way in and nothing else, on
# whichever page path they asked for.
access.admit()

PAGES = [
    st.Page("app_pages/overview.py", title="Overview", icon=":material/monitoring:", default=True),
    st.Page("app_pages/incident.py", title="Incident", icon=":material/timeline:"),
    st.Page("app_pages/undeclared.py", title="Undeclared", icon=":material/report:"),
    st.Page("app_pages/trends.py", title="Trends", icon=":material/trending_up:"),
    st.Page("app_pages/quiet_accounts.py", title="Whom to call", icon=":material/call:"),
    st.Page("app_pages/follow_ups.py", title="Follow-ups", icon=":material/checklist:"),
    st.Page("app_pages/process.py", title="Process", icon=":material/schedule:"),
    st.Page("app_pages/data.py", title="Data", icon=":material/database:"),
]

page = st.navigation(PAGES)
filters.keep_across_pages()

with st.sidebar:
    st.selectbox(
        "Time zone",
        db.ZONES,
        key=db.ZONE_KEY,
        help="Every time on every page is shown in this zone. Days of usage stay UTC days.",
    )

if not db.exists():
    st.title("Aftermath")
    st.error(f"No database at {db.db_path()}.")
    st.markdown(
        "Build the demo with `aftermath demo`, or load your own exports with "
        "`aftermath load DIR`, then reload this page."
    )
    st.stop()

db.begin_run()
st.sidebar.caption(f"Database: {db.db_path().name}")
loaded, age = db.loaded_at(), db.data_age()
if loaded is not None:
    st.sidebar.caption(
        f"Data loaded {db.zone_time(loaded, db.zone()):%Y-%m-%d %H:%M} ({db.zone()})"
    )
    if age > STALE_AFTER:
        st.sidebar.warning(
            f"The data is {duration_text(age.total_seconds() / 60)} old: nothing newer has been "
            "loaded. The Data page says whether a sync failed."
        )
try:
    page.run()
except duckdb.CatalogException as e:
    # A database built by an older version lacks a table or column this version reads.
    st.error(
        "This database lacks a table or column this page needs: it was probably built by an "
        "older version of Aftermath. Load your exports again with `aftermath load DIR`."
    )
    st.text(str(e).splitlines()[0])

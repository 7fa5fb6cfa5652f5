"""Data: what was loaded, what was rejected and why, and how to load one's own exports."""

import pandas as pd
import streamlit as st

from dashboard import db, tables

REJECT_ROWS_SHOWN = 1000

st.title("The data behind the pages")
info = db.one("pages/load_details")
if info is not None:
    newest = "none yet" if pd.isna(info.data_end_at) else f"{info.data_end_at:%Y-%m-%d %H:%M}"
    st.caption(
        f"Loaded {info.loaded_at:%Y-%m-%d %H:%M} ({db.zone()}) from `{info.source}`; "
        f"the newest time in the data: {newest}."
    )

failed = db.failed_sync()
if failed is not None:
    finished, said = failed
    st.error(
        f"The sync at {db.zone_time(finished, db.zone()):%Y-%m-%d %H:%M} ({db.zone()}) failed, so "
        "the pages still show the data loaded before it. It is tried again at the next interval; "
        "what it said:"
    )
    st.text(said)

st.subheader("Load report")
tables.show(db.run("pages/load_summary"), tables.load_summary())

st.subheader("Input tables: rows and time span")
tables.show(db.run("pages/table_spans"), tables.table_spans(db.zone()))
with st.expander("Every table in the database, with its row count"):
    counts = pd.DataFrame(sorted(db.table_rows().items()), columns=["table", "rows"])
    tables.show(counts, {})

st.subheader("Rejected and flagged rows")
reasons = db.run("pages/reject_reasons")
if reasons.empty:
    st.success("Every input row was loaded; nothing was rejected or flagged.")
else:
    tables.show(reasons, {})
    st.caption(f"The first {REJECT_ROWS_SHOWN:,} rows, with the value as it was read:")
    tables.show(db.run("pages/reject_rows", max_rows=REJECT_ROWS_SHOWN), {})

st.subheader("Load your own exports")
st.markdown(
    """
Put one file per table in a folder, named after the table (`incidents.csv`, `tickets.json`,
`usage.parquet`, ...; CSV, CSV.gz, Parquet, JSON or JSON lines). Only `incidents` and `tickets`
are required; `status_updates`, `postmortems`, `action_items`, `ticket_events`, `accounts` and
`usage` each add a part of the picture (the quiet-account pages need `usage`). Then run

```
aftermath load path/to/exports --db data/aftermath.duckdb
```

Vendor exports (Statuspage, Zendesk, Intercom, PagerDuty, incident.io, Jira) are read too:
`aftermath load --source zendesk=tickets.json`. A failed load leaves this database as it is;
after a good one, reload this page to see the new data. The README describes every column.
"""
)

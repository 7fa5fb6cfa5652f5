"""The dashboard's door to the database: one read-only connection, cached query results.

The connection and every cached result are keyed by the database file's identity (path, mtime,
inode): `aftermath load` swaps in a new file, so the next rerun reads the new data. Each query
takes its own cursor, since Streamlit serves sessions from several threads. Times come back
from DuckDB as UTC and are shown in the zone picked in the sidebar.
"""

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, available_timezones

import duckdb
import pandas as pd
import streamlit as st

from aftermath.queries import run_query
from aftermath.report import render_report, report_csvs
from aftermath.settings import DEFAULTS, Settings, default_db_path
from aftermath.surge_report import render_surge

Identity = tuple[str, int, int]

ZONE_KEY = "zone"
ZONES = ["UTC", *sorted(available_timezones() - {"UTC"})]
CACHE_SECONDS = 600

LOAD_HINT = "Add it to your exports folder and run `aftermath load DIR` (see the Data page)."
# What each table is for, said when a page finds it missing or empty.
NEEDS = {
    "tickets": "No tickets are loaded, so there is nothing to count here. "
    "Add `tickets.csv` (ticket_id, created_at, account_id, subject, incident_id, ...).",
    "usage": "This needs the `usage` table (product activity per account and day), which is "
    "not loaded. Add `usage.csv` (account_id, day or ts, value, feature).",
    "accounts": "No accounts are loaded, so segments and MRR are unknown. "
    "Add `accounts.csv` (account_id, name, segment, plan, mrr, region).",
    "status_updates": "No status-page updates are loaded. "
    "Add `status_updates.csv` (incident_id, posted_at, status, body).",
    "postmortems": "No postmortems are loaded. "
    "Add `postmortems.csv` (postmortem_id, incident_id, published_at, url, ...).",
    "action_items": "No postmortem action items are loaded. "
    "Add `action_items.csv` (action_item_id, incident_id, title, team, due_date, ...).",
    "incidents": "No incidents are loaded. Add `incidents.csv` (incident_id, started_at, ...).",
}


def db_path() -> Path:
    return default_db_path().resolve()


def identity() -> Identity:
    """The database file as it is now: a new load gives a new mtime and inode."""
    stat = db_path().stat()
    return (str(db_path()), stat.st_mtime_ns, stat.st_ino)


def exists() -> bool:
    return db_path().is_file()


def _close(con: duckdb.DuckDBPyConnection) -> None:
    con.close()


@st.cache_resource(max_entries=1, on_release=_close, show_spinner=False)
def _connect(path: str, mtime_ns: int, inode: int) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(path, read_only=True)


_opened: dict[str, Identity] = {}


def _connection(ident: Identity) -> duckdb.DuckDBPyConnection:
    # duckdb.connect() hands back the database still open under the same path, which after a
    # load is the replaced file: close it first. A query running at that moment fails once.
    if _opened.get("identity") != ident:
        _connect.clear()
        _opened["identity"] = ident
    return _connect(*ident)


def connection() -> duckdb.DuckDBPyConnection:
    """The process's read-only connection; take a `.cursor()` for each query."""
    return _connection(identity())


# Streamlit draws a cache miss's spinner only once it has taken half a second, so the text shows
# on a slow query (a cold read of a large database) and never flickers on a fast one.
@st.cache_data(ttl=CACHE_SECONDS, max_entries=512, show_spinner="Reading the database…")
def _run(ident: Identity, name: str, params: dict[str, object]) -> pd.DataFrame:
    return run_query(_connection(ident), name, **params)


def run(name: str, **params: object) -> pd.DataFrame:
    """`queries/<name>.sql` with its params bound, times moved to the chosen zone."""
    return in_zone(_run(identity(), name, params), zone())


def one(name: str, **params: object) -> tuple | None:
    """The first row of `run(name, ...)` as a named tuple (each column keeps its type), or None."""
    return next(run(name, **params).itertuples(index=False), None)


@st.cache_data(ttl=CACHE_SECONDS, max_entries=64, show_spinner="Writing the postmortem section…")
def _report(ident: Identity, incident_id: str) -> str:
    return render_report(_connection(ident), incident_id)


def incident_labels() -> dict[str, str]:
    """Every incident, newest first, named as a person looks for it: 'INC-305 · Payment gateway
    timeouts in billing · 2026-07-14' (the start's day in the zone; ongoing ones say so)."""
    incidents = run("pages/incident_list", started_from=None, started_before=None)
    return {
        row.incident_id: " · ".join(
            [row.incident_id, row.title or "(no title)", f"{row.started_at:%Y-%m-%d}"]
            + (["ongoing"] if row.ongoing else [])
        )
        for row in incidents.itertuples()
    }


def report(incident_id: str) -> str:
    """The Markdown "Customer impact" section of `aftermath report` for one incident."""
    return _report(identity(), incident_id)


@st.cache_data(ttl=CACHE_SECONDS, max_entries=16, show_spinner=False)
def _report_csvs(ident: Identity, incident_id: str) -> dict[str, bytes]:
    return report_csvs(_connection(ident), incident_id)


def report_csvs_of(incident_id: str) -> dict[str, bytes]:
    """The CSVs the section names (its full tables), by file name."""
    return _report_csvs(identity(), incident_id)


@st.cache_data(ttl=CACHE_SECONDS, max_entries=64, show_spinner="Writing the surge's Markdown…")
def _surge_report(ident: Identity, surge_id: str) -> str:
    return render_surge(_connection(ident), surge_id)


def surge_report(surge_id: str) -> str:
    """The Markdown of `aftermath surge` for one ticket surge."""
    return _surge_report(identity(), surge_id)


@st.cache_data(ttl=CACHE_SECONDS, max_entries=8, show_spinner=False)
def _table_rows(ident: Identity) -> dict[str, int]:
    # Tables are written once by the load, so the stored row count is exact.
    rows = (
        _connection(ident)
        .cursor()
        .execute(
            "select table_name, estimated_size from duckdb_tables() where schema_name = 'main'"
        )
        .fetchall()
    )
    return dict(rows)


def table_rows() -> dict[str, int]:
    """Row count of every table in the database."""
    return _table_rows(identity())


def rows(table: str) -> int | None:
    """Rows in `table`, or None when the database has no such table."""
    return table_rows().get(table)


def require(*tables: str) -> bool:
    """True when every table has rows; otherwise says, once, what is missing and how to add it."""
    for table in tables:
        count = rows(table)
        if count is None:
            st.info(
                f"The table `{table}` is not in this database; it is built by `aftermath load`. "
                "Load your exports again with this version of Aftermath."
            )
            return False
        if count == 0:
            st.info(f"{NEEDS.get(table, f'The table `{table}` is empty.')} {LOAD_HINT}")
            return False
    return True


def settings() -> Settings:
    """The settings the load used (`aftermath load --set ...`), so page text says what was done."""
    found = one("pages/load_details")
    used = json.loads(found.settings or "{}") if found is not None else {}
    known = DEFAULTS.params()
    return Settings(**{**known, **{k: v for k, v in used.items() if k in known}})


def zone() -> str:
    """The time zone every time on the pages is shown in (UTC unless picked in the sidebar)."""
    picked = st.session_state.get(ZONE_KEY, "UTC")
    return picked if picked in ZONES else "UTC"


def in_zone(frame: pd.DataFrame, zone_name: str) -> pd.DataFrame:
    """Naive UTC timestamp columns shown as naive wall-clock times of `zone_name`."""
    if zone_name == "UTC":
        return frame
    frame = frame.copy()
    for col in frame.columns:
        if pd.api.types.is_datetime64_dtype(frame[col]):
            frame[col] = (
                frame[col].dt.tz_localize("UTC").dt.tz_convert(zone_name).dt.tz_localize(None)
            )
    return frame


def utc_start_of(day: date, zone_name: str) -> datetime:
    """Midnight of `day` in the zone, as a naive UTC timestamp for binding."""
    local = datetime.combine(day, time(), tzinfo=ZoneInfo(zone_name))
    return local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def utc_day_bounds(first: date, last: date, zone_name: str) -> tuple[datetime, datetime]:
    """[start of `first`, start of the day after `last`) in the zone, as UTC."""
    return utc_start_of(first, zone_name), utc_start_of(last + timedelta(days=1), zone_name)

"""The dashboard's door to the database: one read-only connection, cached query results.

The connection and every cached result are keyed by the database file's identity (path, mtime,
inode): `aftermath load` or a sync swaps in a new file, so the next rerun reads the new data
while a query already running finishes on the old file. Each query takes its own cursor, since
Streamlit serves sessions from several threads. Results are shared by every session, bounded in
entries and in memory. Times come back from DuckDB as UTC and are shown in the zone picked in the
sidebar.
"""

import json
import threading
import time as clock
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, available_timezones

import duckdb
import pandas as pd
import streamlit as st

from aftermath.outreach import Draft, drafts, read_template
from aftermath.queries import run_query
from aftermath.report import render_report, report_csvs
from aftermath.serve.config import sync_status_path
from aftermath.settings import DEFAULTS, Settings, default_db_path
from aftermath.surge_report import render_surge
from aftermath.week_later_ics import week_later_ics

Identity = tuple[str, int, int]

ZONE_KEY = "zone"
RUN_DATABASE_KEY = "database_of_this_run"
# The previous database stays open beside the new one for the runs that began on it.
READERS_KEPT = 2
ZONES = ["UTC", *sorted(available_timezones() - {"UTC"})]
CACHE_SECONDS = 600
CACHE_ENTRIES = 512
CACHE_BYTES = 256 * 1024 * 1024

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


def file_identity() -> Identity:
    """The database file as it is now: a new load gives a new mtime and inode."""
    stat = db_path().stat()
    return (str(db_path()), stat.st_mtime_ns, stat.st_ino)


def begin_run() -> None:
    """Pin this run of the app to the database file as it is now, so that every query of one page
    reads the same load even when a sync swaps in the next one meanwhile."""
    st.session_state[RUN_DATABASE_KEY] = file_identity()


def identity() -> Identity:
    """The database file this run reads (see `begin_run`)."""
    return st.session_state.get(RUN_DATABASE_KEY) or file_identity()


def exists() -> bool:
    return db_path().is_file()


class Reader:
    """The read-only database of one identity; `.cursor()` as a DuckDB connection has it.

    DuckDB keeps one instance per file path in a process, so connecting to the path again after a
    swap would hand back the old file while any cursor of it is still open. Instead, each identity
    gets a DuckDB instance of its own in memory with the file attached read-only: a new file is
    opened at once, and the old one closes when its last running query lets go of it.
    """

    def __init__(self, path: str) -> None:
        self._con = duckdb.connect()
        self._con.execute("attach $path as aftermath (read_only)", {"path": path})

    def cursor(self) -> duckdb.DuckDBPyConnection:
        cursor = self._con.cursor()
        cursor.execute("use aftermath")
        return cursor


_readers: OrderedDict[Identity, Reader] = OrderedDict()
_readers_lock = threading.Lock()


def _connection(ident: Identity) -> Reader:
    with _readers_lock:
        if ident not in _readers:
            _readers[ident] = Reader(ident[0])
            # Dropped, not closed: a query still running on an old file finishes on it.
            while len(_readers) > READERS_KEPT:
                _readers.popitem(last=False)
        _readers.move_to_end(ident)
        return _readers[ident]


def connection() -> Reader:
    """The process's read-only database; take a `.cursor()` for each query."""
    return _connection(identity())


class ResultCache:
    """Results shared by every session: each kept `seconds`, at most `entries` of them and
    `max_bytes` in all, the least recently used dropped first. A missing result is computed once:
    sessions asking for it meanwhile wait for it rather than run the same query again."""

    def __init__(self, entries: int, max_bytes: int, seconds: float) -> None:
        self.entries = entries
        self.max_bytes = max_bytes
        self.seconds = seconds
        self.bytes = 0
        self._kept: OrderedDict[tuple, tuple[float, int, object]] = OrderedDict()
        self._lock = threading.Lock()
        self._computing: dict[tuple, threading.Lock] = {}

    def get(self, key: tuple, compute: Callable[[], object]) -> object:
        found = self._fresh(key)
        if found is not None:
            return found
        with self._lock:
            key_lock = self._computing.setdefault(key, threading.Lock())
        with key_lock:
            found = self._fresh(key)
            if found is not None:
                return found
            value = compute()
            self._keep(key, value)
            with self._lock:
                self._computing.pop(key, None)
            return value

    def _fresh(self, key: tuple) -> object | None:
        with self._lock:
            kept = self._kept.get(key)
            if kept is None:
                return None
            if kept[0] < clock.monotonic():
                self._drop(key)
                return None
            self._kept.move_to_end(key)
            return kept[2]

    def _keep(self, key: tuple, value: object) -> None:
        size = _size(value)
        if size > self.max_bytes:
            return
        with self._lock:
            if key in self._kept:
                self._drop(key)
            self._kept[key] = (clock.monotonic() + self.seconds, size, value)
            self.bytes += size
            while len(self._kept) > self.entries or self.bytes > self.max_bytes:
                self._drop(next(iter(self._kept)))

    def _drop(self, key: tuple) -> None:
        self.bytes -= self._kept.pop(key)[1]


def _size(value: object) -> int:
    if isinstance(value, pd.DataFrame):
        return int(value.memory_usage(index=True, deep=True).sum())
    if isinstance(value, str):
        return len(value.encode())
    if isinstance(value, bytes):
        return len(value)
    if isinstance(value, dict):
        return sum(len(str(key)) + _size(item) for key, item in value.items())
    return len(json.dumps(value, default=str))


_results = ResultCache(CACHE_ENTRIES, CACHE_BYTES, CACHE_SECONDS)


def _cached(key: tuple, compute: Callable[[], object], spinner: str) -> object:
    # Streamlit draws the spinner only once it has taken half a second, so the text shows on a
    # slow query (a cold read of a large database) and never flickers on a fast one.
    def with_spinner() -> object:
        with st.spinner(spinner):
            return compute()

    return _results.get(key, with_spinner)


def _frame(name: str, **params: object) -> pd.DataFrame:
    """The cached result of `queries/<name>.sql`, times in UTC; every session's, not to change."""
    ident = identity()
    key = (ident, "query", name, json.dumps(params, sort_keys=True, default=repr))
    return _cached(
        key, lambda: run_query(_connection(ident), name, **params), "Reading the database…"
    )


def run(name: str, **params: object) -> pd.DataFrame:
    """`queries/<name>.sql` with its params bound, times moved to the chosen zone."""
    # A copy: the cached frame is every session's, and a page may add a column to its own.
    return in_zone(_frame(name, **params).copy(), zone())


def one(name: str, **params: object) -> tuple | None:
    """The first row of `run(name, ...)` as a named tuple (each column keeps its type), or None."""
    return next(run(name, **params).itertuples(index=False), None)


def incident_labels() -> dict[str, str]:
    """Every incident, newest first, named as a person looks for it: 'INC-305 · Payment gateway
    timeouts in billing · 2026-07-14' (the start's day in the zone; ongoing ones say so)."""
    incidents = run("pages/incident_list", started_from=None, started_before=None)
    return {
        row.incident_id: " · ".join(
            [row.incident_id, row.title or "(no title)", f"{row.started_at:%Y-%m-%d}"]
            + (["ongoing"] if row.is_ongoing else [])
        )
        for row in incidents.itertuples()
    }


def report(incident_id: str) -> str:
    """The Markdown "Customer impact" section of `aftermath report` for one incident."""
    ident = identity()
    return _cached(
        (ident, "report", incident_id),
        lambda: render_report(_connection(ident), incident_id),
        "Writing the postmortem section…",
    )


def week_later_event(incident_id: str) -> bytes:
    """The week-later check as an .ics calendar event (the incident must be resolved)."""
    ident = identity()
    return _cached(
        (ident, "week_later_ics", incident_id),
        lambda: week_later_ics(_connection(ident), incident_id),
        "Writing the calendar event…",
    )


def outreach(incident_id: str, reply_to: str) -> list[Draft]:
    """`aftermath outreach`'s drafts (plain text), one per account to contact, in call order."""
    ident = identity()
    zone_name = zone()
    return _cached(
        (ident, "outreach", incident_id, zone_name, reply_to),
        lambda: drafts(_connection(ident), incident_id, read_template(), zone_name, reply_to),
        "Writing the drafts…",
    )


def report_csvs_of(incident_id: str) -> dict[str, bytes]:
    """The CSVs the section names (its full tables), by file name."""
    ident = identity()
    return _cached(
        (ident, "report_csvs", incident_id),
        lambda: report_csvs(_connection(ident), incident_id),
        "Writing the postmortem's CSVs…",
    )


def surge_report(surge_id: str) -> str:
    """The Markdown of `aftermath surge` for one ticket surge."""
    ident = identity()
    return _cached(
        (ident, "surge", surge_id),
        lambda: render_surge(_connection(ident), surge_id),
        "Writing the surge's Markdown…",
    )


def _table_rows(ident: Identity) -> dict[str, int]:
    # Tables are written once by the load, so the stored row count is exact.
    cursor = _connection(ident).cursor()
    try:
        found = cursor.execute(
            "select table_name, estimated_size from duckdb_tables() "
            "where database_name = current_database() and schema_name = 'main'"
        ).fetchall()
    finally:
        cursor.close()
    return dict(found)


def table_rows() -> dict[str, int]:
    """Row count of every table in the database."""
    ident = identity()
    return _cached((ident, "table_rows"), lambda: _table_rows(ident), "Reading the database…")


def rows(table: str) -> int | None:
    """Rows in `table`, or None when the database has no such table."""
    return table_rows().get(table)


def built(*tables: str) -> bool:
    """True when the database has every table (empty or not); otherwise says, once, that an older
    load did not build it."""
    for table in tables:
        if rows(table) is None:
            st.info(
                f"The table `{table}` is not in this database; it is built by `aftermath load`. "
                "Load your exports again with this version of Aftermath."
            )
            return False
    return True


def require(*tables: str) -> bool:
    """True when every table has rows; otherwise says, once, what is missing and how to add it."""
    if not built(*tables):
        return False
    for table in tables:
        if rows(table) == 0:
            st.info(f"{NEEDS.get(table, f'The table `{table}` is empty.')} {LOAD_HINT}")
            return False
    return True


def loaded_at() -> datetime | None:
    """When the database was loaded (or last refreshed), as UTC."""
    found = _frame("pages/load_details")
    return None if found.empty else found["loaded_at"].iloc[0].to_pydatetime()


def data_age() -> timedelta | None:
    """How long ago the database was loaded (or last refreshed)."""
    loaded = loaded_at()
    return None if loaded is None else datetime.now(UTC).replace(tzinfo=None) - loaded


def failed_sync() -> tuple[datetime, str] | None:
    """When the last sync of `aftermath serve --sync-every` failed (UTC) and what it said, if it
    failed after the data was loaded (a later load supersedes it)."""
    try:
        status = json.loads(sync_status_path(db_path()).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None
    finished = datetime.fromisoformat(status["finished_at"]).astimezone(UTC).replace(tzinfo=None)
    loaded = loaded_at()
    if status["ok"] or (loaded is not None and loaded > finished):
        return None
    return finished, status["message"]


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


def zone_time(moment: datetime, zone_name: str) -> datetime:
    """A naive UTC time as the naive wall-clock time of `zone_name`."""
    local = moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo(zone_name))
    return local.replace(tzinfo=None)


def utc_start_of(day: date, zone_name: str) -> datetime:
    """Midnight of `day` in the zone, as a naive UTC timestamp for binding."""
    local = datetime.combine(day, time(), tzinfo=ZoneInfo(zone_name))
    return local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def utc_day_bounds(first: date, last: date, zone_name: str) -> tuple[datetime, datetime]:
    """[start of `first`, start of the day after `last`) in the zone, as UTC."""
    return utc_start_of(first, zone_name), utc_start_of(last + timedelta(days=1), zone_name)

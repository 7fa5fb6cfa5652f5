"""PagerDuty incidents → incidents.

Reads the REST API's `GET /incidents` list (`{"incidents": [...]}`, pages concatenated as JSON
lines are fine), single `GET /incidents/{id}` responses (`{"incident": {...}}`) and the
Analytics raw incidents (`{"data": [...]}` from `POST /analytics/raw/incidents`), with their
log entries: inside each incident (`log_entries`) or in log-entries files beside the incidents
(`{"log_entries": [...]}` pages of `GET /log_entries`, or the entries themselves); and the
incidents CSV the web app downloads (`created_on`, `seconds_to_first_ack`, ...). See pagerduty.md.
"""

from pathlib import Path

import duckdb

from aftermath.ingest.vendors import common, downloads

NAME = "pagerduty"
FEEDS = ("incidents",)
EXPECTED = (
    'a PagerDuty incidents export: {"incidents": [...]} from GET /incidents, '
    '{"incident": {...}} from GET /incidents/ID, or {"data": [...]} from '
    "POST /analytics/raw/incidents"
)
# Where the export keeps each kind of record it holds (common.Layout).
INCIDENTS = common.Layout(
    NAME, EXPECTED, lists=("incidents", "data"), singles=("incident",), markers=("incident_number",)
)

LOG_ENTRIES_EXPECTED = (
    'PagerDuty log entries: {"log_entries": [...]} from GET /log_entries or '
    "GET /incidents/ID/log_entries, or log entry objects (each with 'type' and 'incident')"
)
LOG_ENTRIES = common.Layout(
    NAME,
    LOG_ENTRIES_EXPECTED,
    lists=("log_entries",),
    singles=("log_entry",),
    markers=("incident",),
)
# A log-entries file, told from an incidents file by its shape (an entry names its incident).
LOG_ENTRY_SHAPES = (
    common.mark(
        "JSON object with 'log_entries[]' having 'type' and 'incident'",
        log_entries=("type", "incident"),
    ),
    common.mark(
        "JSON records having 'type', 'incident' and 'created_at'", "type", "incident", "created_at"
    ),
)

# Without a priority, urgency says how bad: high pages someone now, low waits for office hours.
URGENCY_LEVEL_SQL = "case lower(rec ->> 'urgency') when 'high' then 2 when 'low' then 4 end"


# The first acknowledgement: the log entries keep every one (the first `acknowledge_log_entry`);
# else REST lists the current ones (emptied once resolved, a later one after re-escalation), and
# Analytics counts the seconds from created_at (timestamps without an offset, as it writes them).
ACKNOWLEDGED_SQL = """coalesce(
    timeline.first_acknowledged_at,
    (select min(a ->> 'at') from unnest(cast(rec -> 'acknowledgements' as json[])) as t(a)),
    strftime(
        try_cast(rec ->> 'created_at' as timestamp)
        + try_cast(rec ->> 'seconds_to_first_ack' as double) * interval '1 second',
        '%Y-%m-%dT%H:%M:%S'
    )
)"""


# Some exports leave `id` empty; the incident number is unique within an account.
INCIDENT_ID_SQL = "coalesce(nullif(trim(rec ->> 'id'), ''), rec ->> 'incident_number')"


# The shapes a PagerDuty export comes in, tried in order (common.detect).
SHAPES = (
    common.mark(
        "JSON object with 'incidents[]' having 'incident_number'", incidents=("incident_number",)
    ),
    common.mark(
        "JSON object with 'incident' having 'incident_number'", incident=("incident_number",)
    ),
    common.mark(
        "JSON object with 'data[]' having 'incident_number' and 'service_name' (Analytics)",
        data=("incident_number", "service_name"),
    ),
    common.mark(
        "JSON records having 'incident_number' and 'urgency'", "incident_number", "urgency"
    ),
)


# The incidents CSV (Incidents or Analytics → Download CSV): one row per incident.
CSV_MARKS = (downloads.header_mark("incident_number", "created_on"),)
CSV_EXPECTED = "PagerDuty's incidents CSV with the columns incident_number and created_on"
CSV_COLUMNS = downloads.Columns(
    {
        "incident_id": ("id", "incident_number"),
        "title": ("description", "title", "summary"),
        "priority": ("priority_name", "priority"),
        "urgency": ("urgency",),
        "service": ("service_name",),
        "started_at": ("created_on",),
        "resolved_on": ("resolved_on",),
        "seconds_to_first_ack": ("seconds_to_first_ack",),
        "seconds_to_resolve": ("seconds_to_resolve",),
    },
    times=("started_at", "resolved_on"),
)


def is_log_entries(path: Path) -> bool:
    """Whether a JSON file holds PagerDuty log entries (not incidents)."""
    return common.fitting(common.shape(path), LOG_ENTRY_SHAPES) is not None


def companion(path: Path) -> str | None:
    """Why a file is read with a PagerDuty incidents export rather than on its own, or None."""
    if path.is_file() and is_log_entries(path):
        return (
            "PagerDuty log entries, read with the PagerDuty incidents export in the same folder "
            "(acknowledged and resolved times)"
        )
    return None


def detect(path: Path) -> str | None:
    """Why this file (or folder: its first incidents file) is a PagerDuty export, or None."""
    if downloads.is_csv(path):
        return downloads.detect(path, NAME, CSV_MARKS)
    if not path.is_dir():
        return common.detect(path, NAME, SHAPES)
    incident_files = _split(path)[0]
    if not incident_files:
        return None
    why = common.fitting(common.shape(incident_files[0]), SHAPES)
    if why is None:
        return None
    files = len(common.json_files(path))
    return f"folder of {files} JSON files, the first incidents file a {why} → PagerDuty"


def _split(path: Path) -> tuple[list[Path], list[Path]]:
    """(incident files, log-entries files): a folder's JSON files, or the file and the
    log-entries files beside it."""
    if path.is_dir():
        files = common.json_files(path)
        logs = [f for f in files if is_log_entries(f)]
        return [f for f in files if f not in logs], logs
    siblings = [f for f in common.json_files(path.parent) if f != path]
    return [path], [f for f in siblings if is_log_entries(f)]


# SQL: each log entry as (incident_id, kind, at), from the incidents' own `log_entries` and the
# files beside them; `kind` drops the `_reference` of the overview form.
def _entries_sql(recs: str, logs: str | None) -> str:
    embedded = f"""
        select incident_id, unnest(json_extract(rec, '$.log_entries[*]')) as entry
        from (select {INCIDENT_ID_SQL} as incident_id, rec from {recs})
    """
    beside = (
        f"union all select rec ->> '$.incident.id' as incident_id, rec as entry from {logs}"
        if logs
        else ""
    )
    return f"""
        select
            incident_id,
            replace(entry ->> 'type', '_reference', '') as kind,
            entry ->> 'created_at' as entry_at
        from ({embedded} {beside})
    """


def read(
    con: duckdb.DuckDBPyConnection, path: Path, options: dict[str, str]
) -> dict[str, duckdb.DuckDBPyRelation]:
    """The incidents table, with `_row` = the incident's position in the file."""
    if downloads.is_csv(path):
        return {"incidents": _download(con, path, options)}
    incident_files, log_files = _split(path)
    recs = INCIDENTS.records(con, path, incident_files)
    logs = LOG_ENTRIES.records(con, path, log_files).table if log_files else None
    common.warn_if_more_pages(
        con, path, NAME, "try_cast(json ->> 'more' as boolean)", "'more': true"
    )
    priority = "coalesce(rec ->> '$.priority.summary', rec ->> 'priority_name')"
    incidents = common.materialize(
        con,
        NAME,
        f"""
        select
            _row,
            {INCIDENT_ID_SQL} as incident_id,
            coalesce(rec ->> 'title', rec ->> 'description', rec ->> 'summary') as title,
            coalesce({common.severity_level(priority)}, {URGENCY_LEVEL_SQL}) as severity,
            case when service is not null then to_json([service]) end as services,
            rec ->> 'created_at' as started_at,
            rec ->> 'created_at' as detected_at,
            {ACKNOWLEDGED_SQL} as acknowledged_at,
            coalesce(
                rec ->> 'resolved_at',
                timeline.resolved_at,
                case when (rec ->> 'status') = 'resolved' then rec ->> 'last_status_change_at' end
            ) as resolved_at
        from (
            select
                _row,
                rec,
                {INCIDENT_ID_SQL} as incident_id,
                coalesce(rec ->> '$.service.summary', rec ->> 'service_name') as service
            from {recs.table}
        ) as incident
        left join (
            {
            common.timeline_times(
                _entries_sql(recs.table, logs),
                "incident_id",
                "kind = 'acknowledge_log_entry'",
                "kind = 'resolve_log_entry'",
            )
        }
        ) as timeline using (incident_id)
        """,
    )
    return {"incidents": incidents}


def _download(
    con: duckdb.DuckDBPyConnection, path: Path, options: dict[str, str]
) -> duckdb.DuckDBPyRelation:
    """The incidents of the CSV download: acknowledged and resolved are its own counts of
    seconds from creation where it has no time for them."""
    downloads.check(path, NAME, CSV_MARKS, CSV_EXPECTED)
    download = downloads.read(con, path, NAME)
    fields = downloads.mapped(con, download, CSV_COLUMNS, options, NAME)
    urgency = URGENCY_LEVEL_SQL.replace("rec ->> 'urgency'", "urgency")
    return common.materialize(
        con,
        NAME,
        f"""
        select
            _row,
            incident_id,
            title,
            coalesce({common.severity_level("priority")}, {urgency}) as severity,
            case when service is not null then to_json([service]) end as services,
            started_at,
            started_at as detected_at,
            {downloads.plus_seconds("started_at", "seconds_to_first_ack")} as acknowledged_at,
            coalesce(
                resolved_on, {downloads.plus_seconds("started_at", "seconds_to_resolve")}
            ) as resolved_at,
            _problems
        from {fields}
        """,
    )

"""Opsgenie incidents (or alerts) → incidents.

Reads the Incident API's `GET /v1/incidents` list (`{"data": [...]}`, pages as JSON lines are
fine), a JSON array of incidents with their timeline entries inside (`timelines`), and the Alert
API's `GET /v2/alerts` list, whose `report` counts the milliseconds to acknowledge and to close,
and the alert list's CSV export (`Alert ID`, `TinyID`, `Message`, `CreatedAt` in epoch
milliseconds, ...). See opsgenie.md.
"""

from pathlib import Path

import duckdb

from aftermath.ingest.vendors import common, downloads

NAME = "opsgenie"
FEEDS = ("incidents",)
EXPECTED = (
    'an Opsgenie export: {"data": [...]} from GET /v1/incidents or GET /v2/alerts, or a JSON '
    "array of incidents (each with 'tinyId', 'message' and 'createdAt')"
)
# Where the export keeps each kind of record it holds (common.Layout).
INCIDENTS = common.Layout(NAME, EXPECTED, lists=("data",), markers=("tinyId",))

# The shapes an Opsgenie export comes in, tried in order (common.detect).
SHAPES = (
    common.mark(
        "JSON object with 'data[]' having 'tinyId' and 'message'", data=("tinyId", "message")
    ),
    common.mark(
        "JSON records having 'tinyId', 'message' and 'createdAt'", "tinyId", "message", "createdAt"
    ),
)

# An incident's timeline entries (IncidentOpened, ResponderAlertAcked, IncidentResolved, ...):
# `timelines` as a collector keeps them, or `timeline` as GET /v1/incident-timelines answers.
TIMELINE_SQL = """coalesce(
    json_extract(rec, '$.timelines[*]'),
    json_extract(rec, '$.timeline[*]'),
    json_extract(rec, '$.timeline.entries[*]')
)"""

# Closed is Opsgenie's state after resolved (an alert is only open or closed).
IS_OVER_SQL = "lower(rec ->> 'status') in ('resolved', 'closed')"


# The alert list's CSV export: the API's field names as columns, times in epoch milliseconds
# (`CreatedAt`) and as text (`CreatedAtDate`).
CSV_MARKS = (downloads.header_mark("TinyID", "Message", "CreatedAt"),)
CSV_EXPECTED = "Opsgenie's alerts CSV with the columns TinyID, Message and CreatedAt"
CSV_COLUMNS = downloads.Columns(
    {
        "incident_id": ("alert id", "alertid", "incident id", "id"),
        "title": ("message",),
        "status": ("status",),
        "priority": ("priority",),
        "created_ms": ("createdat",),
        "created_text": ("createdatdate",),
        "updated_ms": ("updatedat",),
        "updated_text": ("updatedatdate",),
        "ack_ms": ("acktime", "report.acktime", "report_acktime"),
        "close_ms": ("closetime", "report.closetime", "report_closetime"),
    },
    times=("created_text", "updated_text"),
)


def detect(path: Path) -> str | None:
    """Why this file is an Opsgenie export, or None."""
    if downloads.is_csv(path):
        return downloads.detect(path, NAME, CSV_MARKS)
    return common.detect(path, NAME, SHAPES)


def read(
    con: duckdb.DuckDBPyConnection, path: Path, options: dict[str, str]
) -> dict[str, duckdb.DuckDBPyRelation]:
    """The incidents table, with `_row` = the incident's (or alert's) position in the file."""
    if downloads.is_csv(path):
        return {"incidents": _download(con, path, options)}
    recs = INCIDENTS.records(con, path)
    common.warn_if_more_pages(
        con, path, NAME, "(json -> '$.paging.next') is not null", "'paging.next' set"
    )
    created = "rec ->> 'createdAt'"
    incidents = common.materialize(
        con,
        NAME,
        f"""
        select
            _row,
            rec ->> 'id' as incident_id,
            rec ->> 'message' as title,
            {common.severity_level("rec ->> 'priority'")} as severity,
            nullif(rec -> 'impactedServices', '[]'::json) as services,
            started_at,
            -- Created when Opsgenie heard of it; an impact start edited to a later time makes
            -- that moment no detection of this impact.
            case when try_cast({created} as timestamptz) >= try_cast(started_at as timestamptz)
                then {created} end as detected_at,
            coalesce(
                timeline.first_acknowledged_at,
                {common.plus_milliseconds(created, "rec ->> '$.report.ackTime'")}
            ) as acknowledged_at,
            rec ->> 'impactEndDate' as mitigated_at,
            case when {IS_OVER_SQL} then coalesce(
                timeline.resolved_at,
                rec ->> 'impactEndDate',
                {common.plus_milliseconds(created, "rec ->> '$.report.closeTime'")},
                rec ->> 'updatedAt'
            ) end as resolved_at
        from (
            select _row, rec, coalesce(rec ->> 'impactStartDate', {created}) as started_at
            from {recs.table}
        ) as incident
        left join (
            {
            common.timeline_times(
                f"select _row, lower(entry ->> 'type') as kind, entry ->> 'eventTime' as entry_at "
                f"from (select _row, unnest({TIMELINE_SQL}) as entry from {recs.table})",
                "_row",
                "kind like '%ack%'",
                "kind = 'incidentresolved'",
            )
        }
        ) as timeline using (_row)
        """,
    )
    return {"incidents": incidents}


def _download(
    con: duckdb.DuckDBPyConnection, path: Path, options: dict[str, str]
) -> duckdb.DuckDBPyRelation:
    """The alerts CSV: one incident per alert. The acknowledgement only where the export has
    the report's ackTime; a closed alert's resolution is its closeTime, else its last update."""
    downloads.check(path, NAME, CSV_MARKS, CSV_EXPECTED)
    download = downloads.read(con, path, NAME)
    fields = downloads.mapped(con, download, CSV_COLUMNS, options, NAME)
    created = f"coalesce({common.iso_from_epoch_ms('created_ms')}, created_text)"
    updated = f"coalesce({common.iso_from_epoch_ms('updated_ms')}, updated_text)"
    return common.materialize(
        con,
        NAME,
        f"""
        select
            _row,
            incident_id,
            title,
            {common.severity_level("priority")} as severity,
            started_at,
            started_at as detected_at,
            {common.plus_milliseconds("started_at", "ack_ms")} as acknowledged_at,
            case when lower(status) in ('resolved', 'closed') then coalesce(
                {common.plus_milliseconds("started_at", "close_ms")}, {updated}
            ) end as resolved_at,
            _problems
        from (select *, {created} as started_at from {fields})
        """,
    )

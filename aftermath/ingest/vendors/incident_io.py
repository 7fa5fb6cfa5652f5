"""incident.io incidents and follow-ups → incidents, postmortems, action_items.

Reads API v2 responses: `{"incidents": [...]}` from `GET /v2/incidents` (or a JSON array of
incidents) and `{"follow_ups": [...]}` from `GET /v2/follow_ups`; a folder may hold both.
Incidents are named by their reference (`INC-12`), the id people write in tickets and Jira.
See incident_io.md.
"""

from pathlib import Path

import duckdb

from aftermath.ingest.vendors import common

NAME = "incident_io"
FEEDS = ("incidents", "postmortems", "action_items")
EXPECTED = (
    'an incident.io export: {"incidents": [...]} from GET /v2/incidents or '
    '{"follow_ups": [...]} from GET /v2/follow_ups'
)
INCIDENT_KEYS = ("incident_timestamp_values", "incident_status")
# Custom fields whose values name the affected services (catalog entries or options).
SERVICE_FIELDS = ("affected services", "services", "service", "affected products", "product")
# Where the export keeps each kind of record it holds (common.Layout).
ANY_RECORDS = common.Layout(
    NAME, EXPECTED, lists=("incidents", "follow_ups"), needs=(*INCIDENT_KEYS, "incident_id")
)
INCIDENTS = common.Layout(
    NAME, EXPECTED, lists=("incidents",), singles=("incident",), markers=INCIDENT_KEYS
)
FOLLOW_UPS = common.Layout(
    NAME, EXPECTED, lists=("follow_ups",), singles=("follow_up",), markers=("incident_id",)
)


def _kind(found: common.Shape | None) -> str | None:
    if found is None:
        return None
    if set(INCIDENT_KEYS) & (found.under("incidents") | found.under("incident") | found.top):
        return "incidents"
    if (
        "incident_id" in found.under("follow_ups")
        or {
            "incident_id",
            "title",
            "external_issue_reference",
        }
        <= found.top
    ):
        return "follow_ups"
    return None


def detect(path: Path) -> str | None:
    """Why this file (or folder) is an incident.io export, or None."""
    kinds = {_kind(common.shape(f)) for f in common.json_files(path)[:50]} - {None}
    if not kinds:
        return None
    why = {
        "incidents": "incidents having 'incident_timestamp_values'",
        "follow_ups": "follow-ups having 'incident_id' and 'external_issue_reference'",
    }
    found = " and ".join(why[k] for k in sorted(kinds, reverse=True))
    return f"{'folder' if path.is_dir() else 'JSON'} with {found} → incident.io"


def _timestamp(name: str) -> str:
    """SQL: the value of one of the incident's named timestamps (a constant name)."""
    return (
        "list_filter(json_extract(rec, '$.incident_timestamp_values[*]'), "
        f"lambda t: lower(t ->> '$.incident_timestamp.name') = '{name}')[1] ->> '$.value.value'"
    )


def _files(path: Path, kind: str) -> list[Path]:
    return [f for f in common.json_files(path) if _kind(common.shape(f)) == kind]


def read(
    con: duckdb.DuckDBPyConnection, path: Path, options: dict[str, str]
) -> dict[str, duckdb.DuckDBPyRelation]:
    """The contract tables this export feeds, each with `_row` = the record's position."""
    incident_files = _files(path, "incidents")
    follow_up_files = _files(path, "follow_ups")
    if not incident_files and not follow_up_files:
        # The reader says what is wrong (not JSON, another export); else the lists are empty.
        ANY_RECORDS.records(con, path)
        return {}
    incidents = [_incidents(con, f) for f in incident_files]
    result = {}
    if incidents:
        every = " union all ".join(f"select * from {t}" for t in incidents)
        result["incidents"] = common.materialize(
            con, NAME, f"select * exclude (id, postmortem_url, documented_at) from ({every})"
        )
        result["postmortems"] = common.materialize(
            con,
            NAME,
            f"""
            select
                _row,
                incident_id as postmortem_id,
                incident_id,
                documented_at as published_at,
                postmortem_url as url
            from ({every})
            where postmortem_url is not null
            """,
        )
    if follow_up_files:
        # Follow-ups name their incident by its internal id; the incidents export read with
        # them, or lying beside them in the same folder, turns that into the reference.
        if not incidents and path.is_file():
            incidents = [_incidents(con, f) for f in _files(path.parent, "incidents")]
        ids = " union all ".join(f"select id, incident_id from {t}" for t in incidents)
        ids = ids or "select null::varchar as id, null::varchar as incident_id"
        every = " union all ".join(_follow_ups(con, f) for f in follow_up_files)
        result["action_items"] = common.materialize(
            con,
            NAME,
            f"""
            select f.* exclude (incident_id), coalesce(i.incident_id, f.incident_id) as incident_id
            from ({every}) as f
            left join ({ids}) as i on i.id = f.incident_id
            """,
        )
    return result


def _incidents(con: duckdb.DuckDBPyConnection, path: Path) -> str:
    """A temp table of one file's incidents in contract columns (plus id, postmortem url)."""
    recs = INCIDENTS.records(con, path)
    services = (
        "list_distinct(flatten(list_transform(list_filter("
        "json_extract(rec, '$.custom_field_entries[*]'), "
        "lambda e: list_contains($service_fields, lower(e ->> '$.custom_field.name'))), "
        "lambda e: list_transform(json_extract(e, '$.values[*]'), "
        "lambda v: coalesce(v ->> '$.value_catalog_entry.name', v ->> '$.value_option.value', "
        "v ->> 'value_text')))))"
    )
    return common.stage(
        con,
        NAME,
        f"""
        select
            _row,
            rec ->> 'id' as id,
            coalesce(rec ->> 'reference', rec ->> 'id') as incident_id,
            rec ->> 'name' as title,
            {common.severity_level("rec ->> '$.severity.name'")} as severity,
            case when len(services) > 0 then to_json(list_sort(services)) end as services,
            coalesce({_timestamp("impact started at")}, {_timestamp("reported at")},
                rec ->> 'created_at') as started_at,
            {_timestamp("reported at")} as detected_at,
            {_timestamp("fixed at")} as mitigated_at,
            coalesce({_timestamp("resolved at")}, {_timestamp("closed at")}) as resolved_at,
            rec ->> 'postmortem_document_url' as postmortem_url,
            {_timestamp("documented at")} as documented_at
        from (select _row, rec, {services} as services from {recs.table})
        """,
        {"service_fields": list(SERVICE_FIELDS)},
    )


def _follow_ups(con: duckdb.DuckDBPyConnection, path: Path) -> str:
    """SQL selecting one file's follow-ups in contract columns."""
    recs = FOLLOW_UPS.records(con, path)
    return f"""
        select
            _row,
            rec ->> 'id' as action_item_id,
            rec ->> 'incident_id' as incident_id,
            rec ->> 'title' as title,
            rec ->> 'description' as description,
            coalesce(rec ->> '$.assignee.name', rec ->> '$.assignee.email') as owner,
            rec ->> 'completed_at' as completed_at,
            case when (rec ->> '$.priority.name') is not null
                then to_json(['priority: ' || lower(rec ->> '$.priority.name')]) end as tags
        from {recs.table}
    """

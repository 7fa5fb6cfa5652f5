"""FireHydrant incidents → incidents.

Reads the API's `GET /v1/incidents` list (`{"data": [...]}`, pages as JSON lines are fine),
single `GET /v1/incidents/{id}` answers and JSON arrays of incidents; each incident's
`milestones` (started, detected, acknowledged, mitigated, resolved, ...) give its times.
See firehydrant.md.
"""

from pathlib import Path

import duckdb

from aftermath.ingest.vendors import common

NAME = "firehydrant"
FEEDS = ("incidents",)
EXPECTED = (
    'a FireHydrant incidents export: {"data": [...]} from GET /v1/incidents, or incidents '
    "(each with 'milestones') from GET /v1/incidents/ID"
)
# Where the export keeps each kind of record it holds (common.Layout).
INCIDENTS = common.Layout(NAME, EXPECTED, lists=("data",), markers=("milestones",))

# The shapes a FireHydrant export comes in, tried in order (common.detect).
SHAPES = (
    common.mark(
        "JSON object with 'data[]' having 'milestones' and 'current_milestone'",
        data=("milestones", "current_milestone"),
    ),
    common.mark(
        "JSON records having 'milestones' and 'current_milestone'",
        "milestones",
        "current_milestone",
    ),
)

# Milestones before resolution: an incident whose current milestone is one of these is still
# open, whatever earlier `resolved` milestone it may carry (it was reopened).
OPEN_MILESTONES = (
    "started",
    "detected",
    "acknowledged",
    "investigating",
    "identified",
    "mitigated",
)


def detect(path: Path) -> str | None:
    """Why this file is a FireHydrant export, or None."""
    return common.detect(path, NAME, SHAPES)


def _milestone(kind: str) -> str:
    """SQL: when the incident reached the milestone `kind` (a name from FireHydrant's list)."""
    return (
        "list_filter(json_extract(rec, '$.milestones[*]'), "
        f"lambda m: lower(m ->> 'type') = '{kind}')[1] ->> 'occurred_at'"
    )


def read(
    con: duckdb.DuckDBPyConnection, path: Path, options: dict[str, str]
) -> dict[str, duckdb.DuckDBPyRelation]:
    """The incidents table, with `_row` = the incident's position in the file."""
    recs = INCIDENTS.records(con, path)
    common.warn_if_more_pages(
        con, path, NAME, "(json -> '$.pagination.next') is not null", "'pagination.next' set"
    )
    open_list = ", ".join(f"'{m}'" for m in OPEN_MILESTONES)
    names = "lambda s: s ->> 'name'"
    incidents = common.materialize(
        con,
        NAME,
        f"""
        select
            _row,
            rec ->> 'id' as incident_id,
            rec ->> 'name' as title,
            coalesce(
                {common.severity_level("rec ->> 'severity'")},
                {common.severity_level("rec ->> 'priority'")}
            ) as severity,
            to_json(nullif(list_sort(list_distinct(
                list_transform(json_extract(rec, '$.services[*]'), {names})
                || list_transform(json_extract(rec, '$.functionalities[*]'), {names})
            )), [])) as services,
            coalesce({_milestone("started")}, rec ->> 'started_at', rec ->> 'created_at')
                as started_at,
            {_milestone("detected")} as detected_at,
            {_milestone("acknowledged")} as acknowledged_at,
            {_milestone("mitigated")} as mitigated_at,
            case when lower(rec ->> 'current_milestone') not in ({open_list})
                then coalesce({_milestone("resolved")}, {_milestone("closed")}) end as resolved_at
        from {recs.table}
        """,
    )
    return {"incidents": incidents}

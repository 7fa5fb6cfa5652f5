"""PagerDuty incidents → incidents.

Reads the REST API's `GET /incidents` list (`{"incidents": [...]}`, pages concatenated as JSON
lines are fine), single `GET /incidents/{id}` responses (`{"incident": {...}}`) and the
Analytics raw incidents (`{"data": [...]}` from `POST /analytics/raw/incidents`).
See pagerduty.md.
"""

from pathlib import Path

import duckdb

from aftermath.ingest.vendors import common

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

# Without a priority, urgency says how bad: high pages someone now, low waits for office hours.
URGENCY_LEVEL_SQL = "case lower(rec ->> 'urgency') when 'high' then 2 when 'low' then 4 end"


# The first acknowledgement: REST lists the current ones (emptied once resolved), Analytics
# counts the seconds from created_at (timestamps without an offset, as it writes them).
ACKNOWLEDGED_SQL = """coalesce(
    (select min(a ->> 'at') from unnest(cast(rec -> 'acknowledgements' as json[])) as t(a)),
    strftime(
        try_cast(rec ->> 'created_at' as timestamp)
        + try_cast(rec ->> 'seconds_to_first_ack' as double) * interval '1 second',
        '%Y-%m-%dT%H:%M:%S'
    )
)"""


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


def detect(path: Path) -> str | None:
    """Why this file is a PagerDuty export, or None."""
    return common.detect(path, NAME, SHAPES)


def read(
    con: duckdb.DuckDBPyConnection, path: Path, options: dict[str, str]
) -> dict[str, duckdb.DuckDBPyRelation]:
    """The incidents table, with `_row` = the incident's position in the file."""
    recs = INCIDENTS.records(con, path)
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
            -- Some exports leave `id` empty; the incident number is unique within an account.
            coalesce(nullif(trim(rec ->> 'id'), ''), rec ->> 'incident_number') as incident_id,
            coalesce(rec ->> 'title', rec ->> 'description', rec ->> 'summary') as title,
            coalesce({common.severity_level(priority)}, {URGENCY_LEVEL_SQL}) as severity,
            case when service is not null then to_json([service]) end as services,
            rec ->> 'created_at' as started_at,
            rec ->> 'created_at' as detected_at,
            {ACKNOWLEDGED_SQL} as acknowledged_at,
            coalesce(
                rec ->> 'resolved_at',
                case when (rec ->> 'status') = 'resolved' then rec ->> 'last_status_change_at' end
            ) as resolved_at
        from (
            select
                _row,
                rec,
                coalesce(rec ->> '$.service.summary', rec ->> 'service_name') as service
            from {recs.table}
        )
        """,
    )
    return {"incidents": incidents}

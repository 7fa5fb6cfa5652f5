"""Atlassian Statuspage incident history → incidents, status_updates, postmortems.

Reads the public `/api/v2/incidents.json` list, single `/api/v2/incidents/{id}.json` files (one
file, or a folder of them), the manage API's array of incidents, and a history rebuilt from a
page's Atom feed (records with `updates[{at, status, message}]`). See statuspage.md.
"""

from pathlib import Path

import duckdb

from aftermath.ingest.vendors import common

NAME = "statuspage"
FEEDS = ("incidents", "status_updates", "postmortems")
EXPECTED = (
    'a Statuspage incidents export: {"incidents": [...]} from /api/v2/incidents.json, '
    '{"incident": {...}} files from /api/v2/incidents/ID.json, or JSON lines of incidents'
)

# Statuspage impact → our 1..5 (1 worst); planned maintenance is the mildest.
IMPACT_SQL = (
    "case lower(rec ->> 'impact') when 'critical' then 1 when 'major' then 2 "
    "when 'minor' then 3 when 'none' then 4 when 'maintenance' then 5 end"
)

# The API shape lists `incident_updates`; a feed-rebuilt history lists `updates`.
UPDATES_SQL = (
    "coalesce(nullif(json_extract(rec, '$.incident_updates[*]'), []), "
    "json_extract(rec, '$.updates[*]'))"
)

# Components named on the incident (objects, or plain names), else those its updates show out
# of `operational`: updates list every component they touched, most of them unchanged, plus a
# code-less placeholder "No components were affected by this update."
SERVICES_SQL = """
list_sort(list_distinct(coalesce(
    nullif(list_transform(json_extract(rec, '$.components[*]'),
        lambda c: coalesce(c ->> 'name', c ->> '$')), []),
    list_transform(list_filter(
        flatten(list_transform(json_extract(rec, '$.incident_updates[*]'),
            lambda u: json_extract(u, '$.affected_components[*]'))),
        lambda a: (a ->> 'code') is not null
            and (coalesce(a ->> 'old_status', 'operational') <> 'operational'
                or coalesce(a ->> 'new_status', 'operational') <> 'operational')),
        lambda a: a ->> 'name')
)))
"""


# `started_at` is when impact began, but an incident posted after the fact can carry the
# posting time there, later than its (backdated) resolution: then `created_at` is the start.
STARTED_SQL = """
case
    when try_cast(rec ->> 'started_at' as timestamptz)
        > try_cast(rec ->> 'resolved_at' as timestamptz) then rec ->> 'created_at'
    else coalesce(rec ->> 'started_at', rec ->> 'created_at')
end
"""


def detect(path: Path) -> str | None:
    """Why this file (or folder) is a Statuspage export, or None."""
    found = common.shape(path)
    if found is None:
        return None
    if "incident_updates" in found.under("incidents"):
        why = "JSON object with 'incidents[]' having 'incident_updates'"
    elif "incident_updates" in found.under("incident"):
        why = "JSON object with 'incident' having 'incident_updates'"
    elif {"incident_updates", "impact"} <= found.top:
        why = "JSON records having 'impact' and 'incident_updates'"
    elif {"impact", "updates"} <= found.top and {"at", "status"} <= found.under("updates"):
        why = "JSON records having 'impact' and 'updates[]' of {at, status, message}"
    else:
        return None
    if path.is_dir():
        why = f"folder of {found.files} JSON files, the first a {why}"
    return f"{why} → Statuspage"


def read(
    con: duckdb.DuckDBPyConnection, path: Path, options: dict[str, str]
) -> dict[str, duckdb.DuckDBPyRelation]:
    """The contract tables this export feeds, each with `_row` = the incident's position."""
    recs = common.records(
        con,
        path,
        NAME,
        lists=("incidents",),
        singles=("incident",),
        markers=("incident_updates", "updates"),
        needs=("incident_updates", "updates"),
        expected=EXPECTED,
    )
    incidents = common.materialize(
        con,
        NAME,
        f"""
        select
            _row,
            rec ->> 'id' as incident_id,
            coalesce(rec ->> 'name', rec ->> 'title') as title,
            {IMPACT_SQL} as severity,
            case when len(services) > 0 then to_json(services) end as services,
            {STARTED_SQL} as started_at,
            rec ->> 'monitoring_at' as mitigated_at,
            rec ->> 'resolved_at' as resolved_at,
            coalesce(rec ->> 'shortlink', rec ->> 'url') as status_page_url
        from (select _row, rec, {SERVICES_SQL} as services from {recs.table})
        """,
    )
    status_updates = common.materialize(
        con,
        NAME,
        f"""
        select
            _row,
            rec ->> 'id' as incident_id,
            coalesce(u ->> 'display_at', u ->> 'created_at', u ->> 'at') as posted_at,
            lower(u ->> 'status') as status,
            coalesce(u ->> 'body', u ->> 'message') as body
        from (select _row, rec, unnest({UPDATES_SQL}) as u from {recs.table})
        """,
    )
    # Statuspage has one postmortem per incident, shown on the incident's page.
    postmortems = common.materialize(
        con,
        NAME,
        f"""
        select
            _row,
            rec ->> 'id' as postmortem_id,
            rec ->> 'id' as incident_id,
            rec ->> 'postmortem_published_at' as published_at,
            coalesce(rec ->> 'shortlink', rec ->> 'url') as url
        from {recs.table}
        where (rec ->> 'postmortem_published_at') is not null
            or nullif(trim(rec ->> 'postmortem_body'), '') is not null
            or (rec ->> 'status') = 'postmortem'
        """,
    )
    return {"incidents": incidents, "status_updates": status_updates, "postmortems": postmortems}

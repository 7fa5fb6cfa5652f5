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
# Where the export keeps each kind of record it holds (common.Layout).
INCIDENTS = common.Layout(
    NAME,
    EXPECTED,
    lists=("incidents",),
    singles=("incident",),
    markers=("incident_updates", "updates"),
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

MONITORING_SQL = f"list_filter({UPDATES_SQL}, lambda u: lower(u ->> 'status') = 'monitoring')"

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


# When an update was shown as posted (display_at can be backdated), as the status_updates say.
UPDATE_AT_SQL = "coalesce(u ->> 'display_at', u ->> 'created_at', u ->> 'at')"

# The start is the earliest of `created_at`, `started_at` and the first update: an update can be
# dated before the incident's `created_at` (posted, then backdated), and an incident posted after
# the fact can carry the posting time in `started_at`, later than its (backdated) resolution, so
# such a `started_at` does not count. The chosen field's own text is kept (the loader parses
# it); the raw text when none parses, for the loader to reject.
STARTED_SQL = """
case least(created_ts, started_ts, first_update.t)
    when created_ts then rec ->> 'created_at'
    when started_ts then rec ->> 'started_at'
    when first_update.t then first_update.s
    else coalesce(rec ->> 'started_at', rec ->> 'created_at')
end
"""


# The earliest of some updates, as {t: time, s: its text}: structs sort by their first field.
def _first_update(updates: str) -> str:
    return (
        f"list_sort(list_filter(list_transform({updates}, lambda u: "
        f"{{'t': try_cast({UPDATE_AT_SQL} as timestamptz), 's': {UPDATE_AT_SQL}}}), "
        "lambda x: x.t is not null))[1]"
    )


# Mitigated: `monitoring_at`, else the first update that says "monitoring" (a fix is out).
MITIGATED_SQL = "coalesce(rec ->> 'monitoring_at', first_monitoring.s)"


# A page's own example incident ("This is an example incident") is resolved before it was
# created, its updates shown in an order no incident lived: nothing in it can be measured. An
# incident posted after the fact is created at or before its resolution (GitHub's backfilled
# history: created_at = resolved_at), so this rejects only what cannot be true.
RESOLVED_BEFORE_CREATED = common.problems(
    (
        "try_cast(rec ->> 'resolved_at' as timestamptz) < created_ts",
        "resolved_at",
        "rec ->> 'resolved_at'",
        "resolved before it was created on the status page",
    )
)


# The shapes a Statuspage export comes in, tried in order (common.detect).
SHAPES = (
    common.mark(
        "JSON object with 'incidents[]' having 'incident_updates'", incidents=("incident_updates",)
    ),
    common.mark(
        "JSON object with 'incident' having 'incident_updates'", incident=("incident_updates",)
    ),
    common.mark(
        "JSON records having 'impact' and 'incident_updates'", "incident_updates", "impact"
    ),
    common.mark(
        "JSON records having 'impact' and 'updates[]' of {at, status, message}",
        "impact",
        "updates",
        updates=("at", "status"),
    ),
)


def detect(path: Path) -> str | None:
    """Why this file (or folder) is a Statuspage export, or None."""
    return common.detect(path, NAME, SHAPES)


def read(
    con: duckdb.DuckDBPyConnection, path: Path, options: dict[str, str]
) -> dict[str, duckdb.DuckDBPyRelation]:
    """The contract tables this export feeds, each with `_row` = the incident's position."""
    recs = INCIDENTS.records(con, path)
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
            {MITIGATED_SQL} as mitigated_at,
            rec ->> 'resolved_at' as resolved_at,
            coalesce(rec ->> 'shortlink', rec ->> 'url') as status_page_url,
            {RESOLVED_BEFORE_CREATED} as _problems
        from (
            select
                _row,
                rec,
                {SERVICES_SQL} as services,
                try_cast(rec ->> 'created_at' as timestamptz) as created_ts,
                case
                    when try_cast(rec ->> 'started_at' as timestamptz)
                        <= coalesce(try_cast(rec ->> 'resolved_at' as timestamptz), 'infinity')
                        then try_cast(rec ->> 'started_at' as timestamptz)
                end as started_ts,
                {_first_update(UPDATES_SQL)} as first_update,
                {_first_update(MONITORING_SQL)} as first_monitoring
            from {recs.table}
        )
        """,
    )
    # An ongoing incident is measured to the export's own time (`page.updated_at`), not to its
    # last update: the page said nothing newer because nothing changed.
    (exported_at,) = common.top_level(con, path, "max(json ->> '$.page.updated_at')")
    if exported_at:
        common.export_time(con, exported_at)
    status_updates = common.materialize(
        con,
        NAME,
        f"""
        select
            _row,
            rec ->> 'id' as incident_id,
            {UPDATE_AT_SQL} as posted_at,
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

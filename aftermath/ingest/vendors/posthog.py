"""PostHog events → usage.

Reads the events API (`GET /api/projects/ID/events`: `{"results": [...], "next": ...}`), a batch
export's JSON lines, a JSON array of events, and the events CSV a query downloads (columns
`event`, `timestamp`, `distinct_id`, `properties` as JSON text). An event's groups are in
`properties.$groups` (`{"company": "acme"}`). See posthog.md.
"""

from pathlib import Path

import duckdb

from aftermath.ingest.vendors import analytics, common, downloads

NAME = "posthog"
FEEDS = ("usage",)
EXPECTED = (
    'PostHog events: {"results": [...]} from the events API, JSON lines of a batch export, '
    "or the events CSV (event, timestamp, distinct_id, properties)"
)
EVENTS = common.Layout(
    NAME, EXPECTED, lists=("results",), markers=("event",), needs=("distinct_id",)
)
SHAPES = (
    common.mark(
        "JSON object with 'results[]' having 'event', 'distinct_id' and 'timestamp'",
        results=("event", "distinct_id", "timestamp"),
    ),
    common.mark(
        "JSON events having 'event', 'distinct_id', 'timestamp' and 'properties'",
        "event",
        "distinct_id",
        "timestamp",
        "properties",
    ),
)
CSV_MARKS = (downloads.header_mark("event", "timestamp", "distinct_id", "properties"),)


def detect(path: Path) -> str | None:
    """Why this file is a PostHog export, or None."""
    if downloads.is_csv(path):
        return downloads.detect(path, NAME, CSV_MARKS)
    return common.detect(path, NAME, SHAPES)


def read(
    con: duckdb.DuckDBPyConnection, path: Path, options: dict[str, str]
) -> dict[str, duckdb.DuckDBPyRelation]:
    """The usage table: one row per event naming an account, `_row` = its place in the file."""
    if downloads.is_csv(path):
        downloads.check(path, NAME, CSV_MARKS, EXPECTED)
        download = downloads.read(con, path, NAME)
        source = (
            f"select _row, json_object('event', {download.text('event')}, 'timestamp', "
            f"{download.text('timestamp')}, 'properties', "
            f"try_cast({download.text('properties')} as json)) as rec from {download.table}"
        )
    else:
        source = f"select _row, rec from {EVENTS.records(con, path).table}"
    params: dict[str, str] = {}
    groups = '$.properties."$groups"'
    account = analytics.account(
        options,
        params,
        (groups, "$.properties"),
        first=(analytics.first_group(groups),),
        named_in=("$.properties",),
    )
    feature = analytics.feature(options, params, ("$.properties",), "rec ->> 'event'")
    events = f"""
        select _row, {account} as account_id, {feature} as feature, rec ->> 'timestamp' as ts
        from ({source})
    """
    label = common.label(path, NAME)
    account_property = options.get("account_property", "")
    return {"usage": analytics.usage(con, NAME, label, events, params, account_property)}

"""Mixpanel raw events → usage.

Reads the Raw Event Export API (`GET https://data.mixpanel.com/api/2.0/export`: JSON lines of
`{"event": ..., "properties": {"time": <epoch seconds>, "distinct_id": ..., ...}}`), a JSON
array of such events, or a folder of such files. See mixpanel.md.
"""

from pathlib import Path

import duckdb

from aftermath.ingest.vendors import analytics, common

NAME = "mixpanel"
FEEDS = ("usage",)
EXPECTED = (
    'Mixpanel raw events: JSON lines of {"event": ..., "properties": {"time": ..., '
    '"distinct_id": ...}} from the Raw Event Export API'
)
EVENTS = common.Layout(NAME, EXPECTED, markers=("event",), needs=("properties",))
SHAPES = (
    common.mark(
        "JSON events having 'event' and 'properties' with 'time' and 'distinct_id'",
        "event",
        "properties",
        properties=("time", "distinct_id"),
    ),
)


def detect(path: Path) -> str | None:
    """Why this file is a Mixpanel export, or None."""
    return common.detect(path, NAME, SHAPES)


def read(
    con: duckdb.DuckDBPyConnection, path: Path, options: dict[str, str]
) -> dict[str, duckdb.DuckDBPyRelation]:
    """The usage table: one row per event naming an account, `_row` = its line."""
    recs = EVENTS.records(con, path)
    params: dict[str, str] = {}
    account = analytics.account(options, params, ("$.properties",))
    feature = analytics.feature(options, params, ("$.properties",), "rec ->> 'event'")
    # `time` is in seconds; some exports write milliseconds.
    seconds = (
        "case when try_cast(rec ->> '$.properties.time' as double) > 1e11 "
        "then try_cast(rec ->> '$.properties.time' as double) / 1000 "
        "else try_cast(rec ->> '$.properties.time' as double) end"
    )
    events = f"""
        select _row, {account} as account_id, {feature} as feature,
            {common.iso_from_epoch(seconds)} as ts
        from {recs.table}
    """
    label = common.label(path, NAME)
    account_property = options.get("account_property", "")
    return {"usage": analytics.usage(con, NAME, label, events, params, account_property)}

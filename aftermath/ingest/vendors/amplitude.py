"""Amplitude events → usage.

Reads the Export API's answer (`GET https://amplitude.com/api/2/export`: a zip of gzipped JSON
lines, one event a line with `event_type`, `event_time`, `groups`, `event_properties`,
`user_properties`): the zip itself, the folder it unpacks to, or one of its files. See
amplitude.md.
"""

import tempfile
import zipfile
from pathlib import Path

import duckdb

from aftermath.ingest.vendors import analytics, common

NAME = "amplitude"
FEEDS = ("usage",)
EXPECTED = (
    "Amplitude's export: gzipped JSON lines of events (each with 'event_type' and "
    "'event_time'), the zip the Export API answers or the folder it unpacks to"
)
EVENTS = common.Layout(NAME, EXPECTED, markers=("event_type",), needs=("event_time",))
SHAPES = (
    common.mark("JSON events having 'event_type' and 'event_time'", "event_type", "event_time"),
)
# Where an event keeps a property the user names: a group type, then the event's and the user's
# properties.
PROPERTY_OBJECTS = ("$.groups", "$.event_properties", "$.user_properties")


def detect(path: Path) -> str | None:
    """Why this file (a zip: its gzipped JSON files) is an Amplitude export, or None."""
    if path.is_file() and path.name.lower().endswith(".zip"):
        with tempfile.TemporaryDirectory(prefix="aftermath-amplitude-") as tmp:
            files = _unzip(path, Path(tmp), first_only=True)
            if files and common.detect(files[0], NAME, SHAPES):
                return "zip of gzipped JSON events having 'event_type' and 'event_time' → Amplitude"
        return None
    return common.detect(path, NAME, SHAPES)


def _unzip(path: Path, folder: Path, first_only: bool = False) -> list[Path]:
    """The zip's JSON files (gzipped or not), extracted flat into `folder`."""
    out = []
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            name = Path(info.filename).name
            if info.is_dir() or not common.is_json(Path(name)):
                continue
            target = folder / f"{len(out):06d}_{name}"
            with archive.open(info) as src, open(target, "wb") as dst:
                dst.write(src.read())
            out.append(target)
            if first_only:
                break
    return out


def read(
    con: duckdb.DuckDBPyConnection, path: Path, options: dict[str, str]
) -> dict[str, duckdb.DuckDBPyRelation]:
    """The usage table: one row per event naming an account, `_row` = its place in the files."""
    if path.is_file() and path.name.lower().endswith(".zip"):
        with tempfile.TemporaryDirectory(prefix="aftermath-amplitude-") as tmp:
            _unzip(path, Path(tmp))
            return _read(con, Path(tmp), path, options)
    return _read(con, path, path, options)


def _read(
    con: duckdb.DuckDBPyConnection, path: Path, given: Path, options: dict[str, str]
) -> dict[str, duckdb.DuckDBPyRelation]:
    recs = EVENTS.records(con, path)
    params: dict[str, str] = {}
    # Without --account-property: the event's first group of any type, else a property of a
    # usual name.
    account = analytics.account(
        options,
        params,
        PROPERTY_OBJECTS,
        first=(analytics.first_group("$.groups"),),
        named_in=PROPERTY_OBJECTS[1:],
    )
    feature = analytics.feature(options, params, PROPERTY_OBJECTS[1:], "rec ->> 'event_type'")
    # event_time is UTC without an offset (2021-12-09 00:45:29.430000): said so explicitly.
    events = f"""
        select _row, {account} as account_id, {feature} as feature,
            strftime(try_cast(rec ->> 'event_time' as timestamp), '%Y-%m-%dT%H:%M:%S.%fZ') as ts
        from {recs.table}
    """
    # The events are staged in `usage` before a zip's unpacked files are removed.
    label = common.label(given, NAME)
    account_property = options.get("account_property", "")
    return {"usage": analytics.usage(con, NAME, label, events, params, account_property)}

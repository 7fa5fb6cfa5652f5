"""Which file of an exports folder (or which vendor export) feeds which contract table."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from aftermath import schema
from aftermath.errors import InputError, SourceError
from aftermath.ingest import vendors
from aftermath.ingest.readers import create_raw, file_builder, first_line
from aftermath.ingest.vendors.common import json_files
from aftermath.pull.store import is_pulled
from aftermath.queries import quoted_identifier


@dataclass
class Input:
    table: str
    label: str  # what messages call it: the file name, or "file [vendor]"
    # Creates the raw relation by that name; False when the source holds nothing for the table.
    build: Callable[[duckdb.DuckDBPyConnection, str], bool]
    path: Path | None = None  # a contract file's own path; None for a vendor export


def table_for(path: Path) -> str | None:
    name = path.name.lower()
    for suffix in sorted(schema.FILE_SUFFIXES, key=len, reverse=True):
        if name.endswith(suffix):
            stem = name[: -len(suffix)]
            return stem if stem in schema.TABLES else None
    return None


def is_uri(text: str) -> bool:
    """Whether `text` names a folder by URI (file://, hdfs://, s3a://...), which Spark reads."""
    return re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", text) is not None


def discover(
    source_dir: Path | None, sources: list, options: dict[str, str], notes: list[str]
) -> list[Input]:

    inputs: list[Input] = []
    ignored: list[str] = []
    vendor_files: list[tuple[str, Path, str]] = []
    if source_dir is not None:
        source_dir = Path(source_dir)
        if not source_dir.is_dir():
            raise InputError(
                f"{source_dir}: no such folder. Point `aftermath load` at a folder of exports."
            )
        # DIR may be one source's pull (DIR/SOURCE), or hold several beside other exports.
        entries = [source_dir] if is_pulled(source_dir) else sorted(source_dir.iterdir())
        for path in entries:
            if path.name.startswith(".") or path.name.lower().endswith(".md"):
                continue
            pulled = is_pulled(path)
            if pulled:
                vendor_files += _pulled_files(path, pulled, notes)
                continue
            table = table_for(path)
            # incidents.json and tickets.json are also the default names of Statuspage and
            # Zendesk exports, and a help desk's download may be saved as tickets.csv: their
            # shape (a CSV's header row) decides, not their name.
            vendor_shaped = not table or path.name.lower().endswith((".json", ".csv", ".csv.gz"))
            found = vendors.detect(path) if vendor_shaped else None
            part_of = vendors.companion(path) if vendor_shaped and not found else None
            if part_of:
                notes.append(f"{path.name}: {part_of[1]}")
            elif found:
                name, reason = found
                notes.append(f"{path.name}: read as a {name} export ({reason})")
                vendor_files.append((name, path, "detected"))
            elif table:
                inputs.append(Input(table, path.name, file_builder(path, table), path))
            elif path.stem.lower() in schema.TABLES and path.is_file():
                raise InputError(
                    f"{path.name}: '{path.suffix}' is not a format Aftermath reads. Save the "
                    f"{path.stem} table as .csv, .csv.gz, .parquet, .json or .jsonl."
                )
            else:
                ignored.append(path.name)
                notes.append(
                    f"{path.name}: ignored (not named after a table, not a known vendor export)"
                )
    for name, path in sources:
        if name not in vendors.ADAPTERS:
            raise InputError(
                f"unknown source '{name}'; known: {', '.join(sorted(vendors.ADAPTERS))}"
            )
        if not Path(path).exists():
            raise InputError(f"{path}: no such file or folder (given as --source {name}=...)")
        vendor_files.append((name, Path(path), "given"))
    for name, path, _how in vendor_files:
        inputs += _vendor_inputs(name, path, options)
    present = {i.table for i in inputs}
    for table in schema.TABLES.values():
        if table.required and table.name not in present and vendor_files:
            # A vendor export alone (a status-page history) is worth loading: the pages say
            # what the missing side would add.
            notes.append(f"no {table.name}: the dashboard shows what it needs to measure more")
        elif table.required and table.name not in present:
            article = "an" if table.name[0] in "aeiou" else "a"
            unread = (
                f" Not recognised, so not read: {', '.join(ignored)} (name a file after its table, "
                "or give a vendor export with --source NAME=PATH)."
                if ignored
                else ""
            )
            raise InputError(
                f"no {table.name} file: {article} {table.name}.csv (or .parquet/.json) is "
                f"required in {source_dir or 'the given sources'}. Required columns: "
                + ", ".join(c.name for c in table.columns if c.required)
                + "."
                + unread
            )
    return inputs


def _pulled_files(folder: Path, source: str, notes: list[str]) -> list[tuple[str, Path, str]]:
    """The record files `aftermath pull` wrote into `folder`, each read by the source's adapter
    (its own kind told by its shape, as in any export of that vendor)."""
    files = []
    for path in json_files(folder):
        if path.name.startswith("."):
            continue
        # A companion (PagerDuty's log entries) is read by the export it belongs to.
        part_of = vendors.companion(path)
        if part_of:
            notes.append(f"{folder.name}/{path.name}: {part_of[1]}")
        else:
            notes.append(f"{folder.name}/{path.name}: read as a {source} export (pulled)")
            files.append((source, path, "pulled"))
    return files


def _vendor_inputs(name: str, path: Path, options: dict[str, str]) -> list[Input]:

    adapter = vendors.ADAPTERS[name]
    label = f"{path.name} [{name}]"
    cache: dict[str, dict] = {}

    def relations(con: duckdb.DuckDBPyConnection) -> dict:
        # One adapter read per load, shared by every table it feeds.
        if "read" not in cache:
            try:
                cache["read"] = adapter.read(con, path, options)
            except SourceError as e:
                raise InputError(str(e)) from None
            except duckdb.OutOfMemoryException:
                raise  # the load's memory limit, reported by load()
            except duckdb.Error as e:
                raise InputError(
                    f"{label}: could not read it as a {name} export: {first_line(e)}"
                ) from None
        return cache["read"]

    def builder(table: str) -> Callable[[duckdb.DuckDBPyConnection, str], bool]:
        def build(con: duckdb.DuckDBPyConnection, raw: str) -> bool:
            rel = relations(con).get(table)
            if rel is None:
                return False
            own = ("_row", "_problems")
            cols = {c.lower(): quoted_identifier(c) for c in rel.columns if c not in own}
            row = "_row" if "_row" in rel.columns else "row_number() over ()"
            view = f"_vendor_{table}"
            rel.create_view(view, replace=True)
            create_raw(
                con,
                raw,
                table,
                label,
                cols,
                f"select {row} as _row, * from {view}",
                {},
                problems="_problems" in rel.columns,
            )
            return True

        return build

    return [Input(t, label, builder(t)) for t in adapter.FEEDS]

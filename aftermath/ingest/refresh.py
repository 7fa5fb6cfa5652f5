"""`aftermath load DIR --db FILE --refresh`: the previous database brought up to date with the
rows its export files gained, instead of a load from scratch.

Each contract file of DIR is compared with what the previous load read (`load_files`: its size,
modification time and SHA-256): an unchanged file (same size and time, or same size and bytes)
is not read at all; a file that only grew (its first bytes are the file read last time, and it
ended at a line end) has only its new rows read and checked, numbered on from the rows before
them; any other change has its table read again
whole, and the tables whose references point at it (tickets and the rest at incidents, ticket
comments at tickets) with it. New rows replace stored rows with the same id, as the later row of
a file does in a full load; usage adds to the day it rolls up into. The reference warnings are
brought up to date, and then the derived tables are computed again from the merged inputs: the
ones whose header says `refresh: by COLUMN` for the changed values only (pipeline/refresh_scope.py),
the rest whole. The work happens on a copy of the database swapped in at the end, so a failed
refresh leaves the previous database untouched.
"""

import hashlib
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

from aftermath import schema
from aftermath.errors import InputError
from aftermath.ingest.discover import Input, discover
from aftermath.ingest.readers import file_builder
from aftermath.ingest.validate import (
    REFERENCE_RULES,
    TableReport,
    merge_part,
    read_part,
    refresh_references,
    start_rejects,
)
from aftermath.progress import SILENT, Progress

# Formats whose rows can be appended: one row per line, read again with their header.
APPENDABLE = (".csv", ".jsonl", ".ndjson")
HASH_BLOCK = 1 << 20


@dataclass(frozen=True)
class FileFacts:
    bytes: int
    modified_ns: int
    sha256: str


def file_facts(path: Path, length: int | None = None) -> FileFacts:
    """Size, modification time and the SHA-256 of the first `length` bytes (all by default)."""
    stat = path.stat()
    length = stat.st_size if length is None else length
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        left = length
        while left > 0:
            block = f.read(min(HASH_BLOCK, left))
            if not block:
                break
            digest.update(block)
            left -= len(block)
    return FileFacts(stat.st_size, stat.st_mtime_ns, digest.hexdigest())


def write_load_files(
    con: duckdb.DuckDBPyConnection, inputs: list[Input], rows_read: dict[str, int], timezone: str
) -> None:
    """What each contract file was when it was read: what the next refresh compares with."""
    con.execute(
        "create or replace table load_files (table_name varchar, file varchar, bytes bigint, "
        "modified_ns bigint, sha256 varchar, rows_read bigint, timezone varchar)"
    )
    for item in inputs:
        if item.path is None:
            continue
        facts = file_facts(item.path)
        con.execute(
            "insert into load_files values ($t, $f, $b, $m, $s, $r, $tz)",
            {
                "t": item.table,
                "f": item.label,
                "b": facts.bytes,
                "m": facts.modified_ns,
                "s": facts.sha256,
                "r": rows_read.get(item.label, 0),
                "tz": timezone,
            },
        )


@dataclass
class Change:
    """What a refresh reads of one file: nothing, its new rows from row_offset on, or all."""

    item: Input
    kind: str  # "unchanged", "grown" or "whole"
    row_offset: int = 0
    byte_offset: int = 0


def plan(
    con: duckdb.DuckDBPyConnection, source_dir: Path, timezone: str, notes: list[str]
) -> list[Change]:
    """Compare the folder's files with the previous load's `load_files`."""
    found = con.execute(
        "select count(*) from duckdb_tables() where table_name = 'load_files'"
    ).fetchone()[0]
    if not found:
        raise InputError(
            "the database was not written by a load that records its files (an older version, "
            "or vendor exports): load it in full, without --refresh"
        )
    before = {
        file: (table, size, modified, sha, rows, zone)
        for file, table, size, modified, sha, rows, zone in con.execute(
            "select file, table_name, bytes, modified_ns, sha256, rows_read, timezone "
            "from load_files"
        ).fetchall()
    }
    inputs = discover(source_dir, [], {}, notes)
    vendor = [i.label for i in inputs if i.path is None]
    if vendor:
        raise InputError(
            f"{vendor[0]}: --refresh reads the contract's own files only; load vendor exports "
            "in full, without --refresh"
        )
    previous_tables = {table for table, *_ in before.values()}
    missing = sorted(set(before) - {i.label for i in inputs})
    if missing:
        raise InputError(
            f"{missing[0]}: the previous load read it and it is not in {source_dir} any more; "
            "load in full, without --refresh"
        )
    changes = []
    for item in inputs:
        if item.label not in before:
            whole = item.table in previous_tables  # a file of another format for a known table
            changes.append(Change(item, "whole" if whole else "grown"))
            continue
        table, size, modified, sha, rows, zone = before[item.label]
        if zone != timezone:
            raise InputError(
                f"the previous load read times without an offset in {zone}, not {timezone}: "
                f"refresh with --timezone {zone}, or load in full"
            )
        stat = item.path.stat()
        if (stat.st_size, stat.st_mtime_ns) == (size, modified):
            changes.append(Change(item, "unchanged"))
        elif stat.st_size == size and file_facts(item.path).sha256 == sha:
            # Written again with the same bytes (an export job that rewrites every file).
            changes.append(Change(item, "unchanged"))
        elif _grew(item.path, size, sha):
            changes.append(Change(item, "grown", rows, size))
        else:
            changes.append(Change(item, "whole"))
    return _cascade(changes)


def _grew(path: Path, size: int, sha: str) -> bool:
    """Longer, its first `size` bytes the ones read last time, ending there at a line end."""
    if not path.name.lower().endswith(APPENDABLE) or path.stat().st_size <= size or size == 0:
        return False
    with open(path, "rb") as f:
        f.seek(size - 1)
        if f.read(1) != b"\n":
            return False
    return file_facts(path, size).sha256 == sha


def _cascade(changes: list[Change]) -> list[Change]:
    """A table read again whole may have lost rows others point at: read those whole too."""
    whole = {c.item.table for c in changes if c.kind == "whole"}
    grew = True
    while grew:
        grew = False
        for table, _col, ref_table, _ref, _reason in REFERENCE_RULES:
            if ref_table in whole and table not in whole:
                whole.add(table)
                grew = True
    return [
        Change(c.item, "whole") if c.item.table in whole and c.kind != "whole" else c
        for c in changes
    ]


def tail_input(change: Change, folder: Path) -> Input:
    """The new rows of a grown file as a file of their own (a CSV keeps its header line), named
    as the file is, so that messages and rejects name the file."""
    path = change.item.path
    out = folder / path.name
    with open(path, "rb") as src, open(out, "wb") as dst:
        if path.name.lower().endswith(".csv"):
            dst.write(src.readline())
        src.seek(change.byte_offset)
        shutil.copyfileobj(src, dst, HASH_BLOCK)
    return Input(change.item.table, change.item.label, file_builder(out, change.item.table))


def refresh_inputs(
    con: duckdb.DuckDBPyConnection,
    changes: list[Change],
    notes: list[str],
    progress: Progress = SILENT,
    tracked: tuple[str, ...] = (),
) -> tuple[list[TableReport], dict[str, set] | None]:
    """The changed files' rows merged into the stored tables; every file's figures, old and new,
    and per `tracked` column the values of the rows read (valid or rejected: a superset of the
    values whose rows changed), or None when a table was read again whole (rows may be gone)."""
    start_rejects(con)
    reports = _stored_reports(con)
    read: set[str] = set()
    changed: dict[str, set] | None = {column: set() for column in tracked}
    if any(c.kind == "whole" for c in changes):
        changed = None
    with tempfile.TemporaryDirectory(prefix="aftermath-refresh-") as folder:
        for table in schema.TABLES.values():
            mine = [c for c in changes if c.item.table == table.name]
            if all(c.kind == "unchanged" for c in mine):
                continue
            before = [r for r in reports if r.table_name == table.name]
            if len(mine) > 1 or len(before) > 1:
                raise InputError(
                    f"{table.name}: --refresh reads one file per table; load in full, without "
                    "--refresh"
                )
            (change,) = mine
            if change.kind == "whole":
                # Read again from its first row: what the previous load kept of it goes.
                con.execute(f"delete from {table.name}")
                con.execute(
                    "delete from rejects where list_contains($files, file)",
                    {"files": [r.file for r in before]},
                )
                reports = [r for r in reports if r.table_name != table.name]
                before = []
            item = (
                tail_input(change, Path(folder))
                if change.kind == "grown" and change.byte_offset
                else change.item
            )
            part = read_part(con, table, item, 0, progress, change.row_offset)
            if part is None:
                continue
            columns = set(tracked) & set(table.column_names) if changed is not None else set()
            for column in sorted(columns):
                # A column of the contract's table, checked by schema.
                changed[column].update(
                    value
                    for (value,) in con.execute(
                        f"select distinct {column} from _checked_{table.name}_0 "
                        f"where {column} is not null"
                    ).fetchall()
                )
            merge_part(con, table, 0, part)
            read.add(table.name)
            if before:
                _add(before[0], part)
            else:
                reports.append(part)
    refresh_references(con, reports, read)
    notes += [n for (n,) in con.execute("select note from _notes").fetchall()]
    return reports, changed


def _stored_reports(con: duckdb.DuckDBPyConnection) -> list[TableReport]:
    return [
        TableReport(*row)
        for row in con.execute(
            "select table_name, file, rows_read, rows_loaded, rows_rejected, duplicates_merged, "
            "warnings from load_report"
        ).fetchall()
    ]


def _add(report: TableReport, new: TableReport) -> None:
    """A file's figures with its new rows': read = loaded + rejected + merged still holds."""
    report.rows_read += new.rows_read
    report.rows_loaded += new.rows_loaded
    report.rows_rejected += new.rows_rejected
    report.duplicates_merged += new.duplicates_merged

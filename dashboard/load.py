"""`aftermath load`: validate a folder of exports into a new DuckDB file, then swap it in.

Every input row ends up in its table or in `rejects`; rows read = loaded + rejected + merged.
Work happens in a temporary file beside the target, renamed over it only when everything
succeeded, so a failed load leaves the previous database untouched.
"""

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from dashboard import schema
from dashboard.lexicon import store_lexicon
from dashboard.queries import DerivedStep, derived_queries
from dashboard.settings import DEFAULTS, Settings
from dashboard.sources import SourceError

# A ticket description of tens of MB is legal; DuckDB's default line limit is 2 MB.
MAX_LINE_BYTES = 256 * 1024 * 1024


# What a load may hold in memory before DuckDB spills to disk: a laptop's share.
DEFAULT_MEMORY_LIMIT = "3GB"


class InputError(Exception):
    """Bad input the user can fix; the message says which file and what to do."""


@dataclass
class TableReport:
    table_name: str
    file: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    duplicates_merged: int = 0
    warnings: int = 0


@dataclass
class LoadResult:
    db_path: Path
    reports: list[TableReport]
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """The load report as a plain-text table."""
        head = f"{'table':<15} {'file':<36} {'read':>9} {'loaded':>9} {'rejected':>9} {'merged':>7}"
        lines = [head, "-" * len(head)]
        for r in self.reports:
            lines.append(
                f"{r.table_name:<15} {r.file[:36]:<36} {r.rows_read:>9} {r.rows_loaded:>9} "
                f"{r.rows_rejected:>9} {r.duplicates_merged:>7}"
                + (f"  ({r.warnings} warnings)" if r.warnings else "")
            )
        lines += [f"note: {n}" for n in self.notes]
        lines.append(f"database: {self.db_path}")
        return "\n".join(lines)


@dataclass
class _Input:
    table: str
    label: str  # what messages call it: the file name, or "file [vendor]"
    # Creates the raw relation by that name; False when the source holds nothing for the table.
    build: Callable[[duckdb.DuckDBPyConnection, str], bool]


def load(
    source_dir: Path | None,
    db_path: Path,
    settings: Settings = DEFAULTS,
    sources: list[tuple[str, Path]] | tuple = (),
    timezone: str = "UTC",
    options: dict[str, str] | None = None,
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
) -> LoadResult:
    """Validate and import the exports, compute the derived tables, swap the database in.
    DuckDB keeps to `memory_limit` and spills the rest to a folder beside the database."""
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    notes: list[str] = []
    inputs = _discover(source_dir, list(sources), options or {}, notes)
    tmp_path = db_path.with_name(f".{db_path.name}.tmp-{os.getpid()}")
    _remove(tmp_path)
    spill_dir = db_path.with_name(f".{db_path.name}.spill-{os.getpid()}")
    stage = "opening the database"
    con = duckdb.connect(str(tmp_path))
    try:
        try:
            con.execute("set TimeZone = $tz", {"tz": timezone})
        except duckdb.Error:
            raise InputError(
                f"unknown time zone '{timezone}' (use an IANA name such as Europe/Berlin)"
            ) from None
        try:
            con.execute("set memory_limit = $limit", {"limit": memory_limit})
        except duckdb.Error:
            raise InputError(
                f"memory limit '{memory_limit}' is not a size (use a number and a unit, e.g. 3GB)"
            ) from None
        # Spill beside the database, into a folder of this load's own that is removed afterwards.
        con.execute("set temp_directory = $dir", {"dir": str(spill_dir)})
        stage = "reading the inputs"
        reports = _load_inputs(con, inputs, notes)
        _drop_temporary(con, _temporary_objects(con))
        _write_load_tables(con, reports, source_dir, sources, settings)
        store_lexicon(con)
        for step in derived_queries(settings):
            stage = f"building {step.query.table}"
            _build(con, step)
            _drop_temporary(con, step.drop_after)
        con.execute("checkpoint")
        con.close()
        _remove(Path(f"{db_path}.wal"))
        os.replace(tmp_path, db_path)
    except BaseException as e:
        con.close()
        _remove(tmp_path)
        _remove(Path(f"{tmp_path}.wal"))
        if isinstance(e, duckdb.OutOfMemoryException):
            raise InputError(
                f"out of memory {stage} within the memory limit of {memory_limit}: "
                "load again with a larger --memory-limit"
            ) from None
        raise
    finally:
        shutil.rmtree(spill_dir, ignore_errors=True)
    return LoadResult(db_path, reports, notes)


def _remove(path: Path) -> None:
    if path.exists():
        path.unlink()


def _table_for(path: Path) -> str | None:
    name = path.name.lower()
    for suffix in sorted(schema.FILE_SUFFIXES, key=len, reverse=True):
        if name.endswith(suffix):
            stem = name[: -len(suffix)]
            return stem if stem in schema.TABLES else None
    return None


def _discover(
    source_dir: Path | None, sources: list, options: dict[str, str], notes: list[str]
) -> list[_Input]:
    from dashboard import sources as vendors

    inputs: list[_Input] = []
    vendor_files: list[tuple[str, Path, str]] = []
    if source_dir is not None:
        source_dir = Path(source_dir)
        if not source_dir.is_dir():
            raise InputError(
                f"{source_dir}: no such folder. Point `aftermath load` at a folder of exports."
            )
        for path in sorted(source_dir.iterdir()):
            if path.name.startswith(".") or path.name.lower().endswith(".md"):
                continue
            table = _table_for(path)
            # incidents.json and tickets.json are also the default names of Statuspage and
            # Zendesk exports: their shape decides, not their name.
            found = vendors.detect(path) if not table or path.suffix.lower() == ".json" else None
            if found:
                name, reason = found
                notes.append(f"{path.name}: read as a {name} export ({reason})")
                vendor_files.append((name, path, "detected"))
            elif table:
                inputs.append(_Input(table, path.name, _file_builder(path, table)))
            elif path.stem.lower() in schema.TABLES and path.is_file():
                raise InputError(
                    f"{path.name}: '{path.suffix}' is not a format Aftermath reads. Save the "
                    f"{path.stem} table as .csv, .csv.gz, .parquet, .json or .jsonl."
                )
            else:
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
            raise InputError(
                f"no {table.name} file: a {table.name}.csv (or .parquet/.json) is required in "
                f"{source_dir or 'the given sources'}. Required columns: "
                + ", ".join(c.name for c in table.columns if c.required)
            )
    return inputs


def _vendor_inputs(name: str, path: Path, options: dict[str, str]) -> list[_Input]:
    from dashboard import sources as vendors

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
                    f"{label}: could not read it as a {name} export: {_first_line(e)}"
                ) from None
        return cache["read"]

    def builder(table: str) -> Callable[[duckdb.DuckDBPyConnection, str], bool]:
        def build(con: duckdb.DuckDBPyConnection, raw: str) -> bool:
            rel = relations(con).get(table)
            if rel is None:
                return False
            cols = {c.lower(): f'"{c}"' for c in rel.columns if c != "_row"}
            row = "_row" if "_row" in rel.columns else "row_number() over ()"
            view = f"_vendor_{table}"
            rel.create_view(view, replace=True)
            _create_raw(con, raw, table, label, cols, f"select {row} as _row, * from {view}", {})
            return True

        return build

    return [_Input(t, label, builder(t)) for t in adapter.FEEDS]


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0][:300]


def _file_builder(path: Path, table: str) -> Callable[[duckdb.DuckDBPyConnection, str], bool]:
    def build(con: duckdb.DuckDBPyConnection, raw: str) -> bool:
        if path.is_dir():
            raise InputError(f"{path.name}: is a folder; expected a {table} file")
        if path.stat().st_size == 0:
            raise InputError(f"{path.name}: the file is empty. Export the {table} table again.")
        name = path.name.lower()
        try:
            if name.endswith(".parquet"):
                _read_parquet(con, raw, path, table)
            elif name.endswith((".json", ".jsonl", ".ndjson")):
                _read_json(con, raw, path, table)
            else:
                _read_csv(con, raw, path, table)
        except duckdb.OutOfMemoryException:
            raise  # the load's memory limit, reported by load()
        except duckdb.Error as e:
            kind = name.rsplit(".", 1)[-1].upper()
            raise InputError(
                f"{path.name}: could not read it as {kind}: {_first_line(e)}. "
                f"Check that the file really is {kind} and exported completely."
            ) from None
        return True

    return build


def _max_value_bytes(path: Path) -> int:
    """The longest line or JSON value to allow: DuckDB reserves buffers of a few times this per
    thread, so no more than the file can hold (a compressed file: up to 64 times its size)."""
    size = path.stat().st_size * (64 if path.name.lower().endswith(".gz") else 1)
    return min(MAX_LINE_BYTES, max(16 * 1024 * 1024, size + 1))


def _read_csv(con: duckdb.DuckDBPyConnection, raw: str, path: Path, table: str) -> None:
    if not path.name.lower().endswith(".gz"):
        with open(path, "rb") as f:
            head = f.read(4096)
        if not head.strip():
            raise InputError(f"{path.name}: the file is empty. Export the {table} table again.")
        if b"\x00" in head:
            raise InputError(f"{path.name}: this is not a CSV file (it holds binary data).")
    con.execute("drop table if exists reject_errors; drop table if exists reject_scans")
    con.execute(
        "create or replace temp table _csv as select row_number() over () as _rank, * "
        "from read_csv($path, all_varchar = true, header = true, store_rejects = true, "
        "max_line_size = $max_line)",
        {"path": str(path), "max_line": _max_value_bytes(path)},
    )
    cols = {c.lower().strip().lstrip("\ufeff"): f'"{c}"' for c in _columns(con, "_csv")[1:]}
    if not cols:
        raise InputError(f"{path.name}: the file is empty. Export the {table} table again.")
    # Rows the CSV reader itself refused (encoding, column count) become rejects; the rank of the
    # rows it kept is shifted back to their position in the file.
    con.execute(
        "create or replace temp table _csv_rejects as "
        "select line - 1 as _row, error_type, error_message, csv_line, column_name, "
        "row_number() over (order by line) as _i from reject_errors"
    )
    shift = "(select count(*) from _csv_rejects r where r._row - r._i < _rank)"
    if not con.execute("select count(*) from _csv_rejects").fetchone()[0]:
        shift = "0"
    source = f"select _rank + {shift} as _row, * exclude (_rank) from _csv"
    _create_raw(con, raw, table, path.name, cols, source, {})
    con.execute(
        "insert into _parse_rejects select $file, _row, coalesce(column_name, ''), "
        "left(csv_line, 200), case error_type "
        "when 'INVALID ENCODING' then 'the row is not valid UTF-8 text; re-export as UTF-8' "
        "when 'TOO MANY COLUMNS' then 'the row has more fields than the header' "
        "when 'MISSING COLUMNS' then 'the row has fewer fields than the header' "
        "else lower(error_type::varchar) || ': ' || error_message end from _csv_rejects",
        {"file": path.name},
    )


def _read_parquet(con: duckdb.DuckDBPyConnection, raw: str, path: Path, table: str) -> None:
    # A view, not a copy: typed Parquet columns go straight through to their checked table.
    con.read_parquet(str(path), file_row_number=True).create_view("_pq", replace=True)
    types = dict(con.execute("select column_name, column_type from (describe _pq)").fetchall())
    cols = {}
    for col, dtype in types.items():
        if col == "file_row_number":
            continue
        # Lists and structs become JSON text, which the list parser reads.
        nested = "[]" in dtype or dtype.startswith(("STRUCT", "MAP"))
        cols[col.lower()] = f'to_json("{col}")::varchar' if nested else f'"{col}"'
    _create_raw(
        con, raw, table, path.name, cols, "select file_row_number + 1 as _row, * from _pq", {}
    )


def _read_json(con: duckdb.DuckDBPyConnection, raw: str, path: Path, table: str) -> None:
    fmt = "newline_delimited" if path.name.lower().endswith((".jsonl", ".ndjson")) else "auto"
    con.execute(
        "create or replace temp table _js as select row_number() over () as _row, json "
        "from read_json_objects($path, format = $fmt, maximum_object_size = $max)",
        {"path": str(path), "fmt": fmt, "max": _max_value_bytes(path)},
    )
    if con.execute("select count(*) from _js where json_type(json) <> 'OBJECT'").fetchone()[0]:
        raise InputError(
            f"{path.name}: expected a JSON array of objects (or one object per line), one per "
            f"{table} row."
        )
    keys = [
        k for (k,) in con.execute("select distinct unnest(json_keys(json)) from _js").fetchall()
    ]
    by_name: dict[str, list[str]] = {}
    for key in keys:
        by_name.setdefault(key.lower().strip(), []).append(key)
    cols = {}
    params = {}
    for i, (name, variants) in enumerate(sorted(by_name.items())):
        refs = []
        for j, key in enumerate(variants):
            params[f"k{i}_{j}"] = key
            refs.append(f"json ->> $k{i}_{j}")
        cols[name] = refs[0] if len(refs) == 1 else f"coalesce({', '.join(refs)})"
    _create_raw(con, raw, table, path.name, cols, "select * from _js", params)


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [r[0] for r in con.execute(f"select * from {table} limit 0").description]


def _create_raw(
    con: duckdb.DuckDBPyConnection,
    raw: str,
    table: str,
    label: str,
    cols: dict[str, str],
    source_sql: str,
    params: dict,
) -> None:
    """A raw relation: `_row` and every contract column (NULL where the file lacks it).

    Text stays text and is parsed by `_check`; natively typed columns (Parquet, vendor JSON) keep
    their type. It is a view unless JSON key names had to be bound, which a view cannot hold.
    """
    spec = schema.TABLES[table]
    missing = [c.name for c in spec.columns if c.required and c.name not in cols]
    if table == "usage" and "day" not in cols and "ts" not in cols:
        missing.append("day (or ts)")
    if missing and cols:
        raise InputError(
            f"{label}: missing required column {', '.join(missing)}. Columns found: "
            f"{', '.join(sorted(cols)) or 'none'}. Rename the column in the export (names are "
            "case-insensitive)."
        )
    select = ", ".join(f"{cols.get(c, 'NULL::varchar')} as {c}" for c in spec.column_names)
    kind = "table" if params else "view"
    con.execute(
        f"create temp {kind} {raw} as select _row::bigint as _row, {select} from ({source_sql})",
        params,
    )
    extra = sorted(set(cols) - set(spec.column_names))
    if extra:
        con.execute(
            "insert into _notes values ($n)",
            {"n": f"{label}: columns ignored (not in the contract): {', '.join(extra[:12])}"},
        )


NATIVE_TIMESTAMPS = ("TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS", "DATE")


def _typed(kind: str, col: str, dtype: str = "VARCHAR") -> tuple[str, str, str]:
    """SQL for the typed value of raw column `col`, the reason when it will not type, and the
    test for an empty value. Text is parsed; a natively typed column is converted directly."""
    if dtype != "VARCHAR":
        blank = f"{col} is null"
        if kind in ("timestamp", "date") and dtype == "TIMESTAMP WITH TIME ZONE":
            expr = f"timezone('UTC', {col})"
        elif kind in ("timestamp", "date") and dtype in NATIVE_TIMESTAMPS:
            # A naive value is read in the load's time zone, as text without an offset is.
            expr = f"timezone('UTC', {col}::timestamptz)"
        else:
            expr, reason, _ = _typed(kind, f"{col}::varchar")
            return expr, reason, blank
        return (f"cast({expr} as date)" if kind == "date" else expr), "", blank
    v = f"nullif(trim({col}), '')"
    blank = f"{v} is null"
    ts = f"timezone('UTC', try_cast({v} as timestamptz))"
    if kind == "id":
        return v, "", blank
    if kind == "text":
        return f"nullif({col}, '')", "", blank
    if kind == "lower":
        return f"lower({v})", "", blank
    if kind == "timestamp":
        return ts, "not a timestamp; use ISO 8601 such as 2024-05-01T10:00:00Z", blank
    if kind == "date":
        return (
            f"coalesce(try_cast({v} as date), cast({ts} as date))",
            "not a date; use ISO 8601 such as 2024-05-01",
            blank,
        )
    if kind == "integer":
        return f"try_cast(try_cast({v} as double) as bigint)", "not a whole number", blank
    if kind == "number":
        return f"try_cast(replace({v}, ',', '') as double)", "not a number", blank
    if kind == "severity":
        words = " ".join(f"when '{w}' then {n}" for w, n in schema.SEVERITY_WORDS.items())
        digit = f"regexp_extract(lower({v}), '^(sev|p|s)?[ -]?([1-5])$', 2)"
        return (
            f"coalesce(case lower({v}) {words} end, try_cast(nullif({digit}, '') as integer))",
            "unknown severity; use SEV1..SEV5, P1..P5, 1..5 or critical/major/minor",
            blank,
        )
    if kind == "list":
        return (
            f"case when {v} like '[%' then try_cast(try_cast({v} as json) as varchar[]) "
            f"else list_filter(list_transform(regexp_split_to_array({v}, '[;,]'), "
            "lambda x: trim(x)), lambda x: x <> '') end",
            "not a list; use a JSON array or values separated by ; or ,",
            blank,
        )
    raise ValueError(kind)


TYPES = {
    "id": "varchar",
    "text": "varchar",
    "lower": "varchar",
    "timestamp": "timestamp",
    "date": "date",
    "integer": "bigint",
    "number": "double",
    "severity": "integer",
    "list": "varchar[]",
}

# Row-level rules beyond types: (table, column, condition on typed values, reason).
ORDER_RULES = [
    ("incidents", "resolved_at", "resolved_at < started_at", "resolved before it started"),
    ("incidents", "mitigated_at", "mitigated_at < started_at", "mitigated before it started"),
    ("incidents", "detected_at", "detected_at < started_at", "detected before it started"),
    ("tickets", "solved_at", "solved_at < created_at", "solved before it was created"),
]

# References checked after loading: the row is kept and the reject row is a warning.
REFERENCE_RULES = [
    ("tickets", "incident_id", "incidents", "incident_id", "names no incident in incidents"),
    ("status_updates", "incident_id", "incidents", "incident_id", "names no incident in incidents"),
    ("postmortems", "incident_id", "incidents", "incident_id", "names no incident in incidents"),
    ("action_items", "incident_id", "incidents", "incident_id", "names no incident in incidents"),
    ("ticket_events", "ticket_id", "tickets", "ticket_id", "names no ticket in tickets"),
]


def _load_inputs(
    con: duckdb.DuckDBPyConnection, inputs: list[_Input], notes: list[str]
) -> list[TableReport]:
    con.execute(
        'create table rejects (file varchar, row_number bigint, "column" varchar, '
        "value varchar, reason varchar, kind varchar)"
    )
    con.execute(
        'create temp table _parse_rejects (file varchar, row_number bigint, "column" varchar, '
        "value varchar, reason varchar)"
    )
    con.execute("create temp table _notes (note varchar)")
    reports: list[TableReport] = []
    for table in schema.TABLES.values():
        mine = [i for i in inputs if i.table == table.name]
        checked_parts = []
        for n, item in enumerate(mine):
            raw = f"_raw_{table.name}_{n}"
            con.execute("delete from _parse_rejects")
            if not item.build(con, raw):
                continue
            report = TableReport(table.name, item.label)
            parse_rejects = con.execute("select count(*) from _parse_rejects").fetchone()[0]
            con.execute("insert into rejects select *, 'rejected' from _parse_rejects")
            _check(con, table, raw, f"_checked_{table.name}_{n}", item.label)
            checked, bad = con.execute(
                "select count(*), count(*) filter (len(_problems) > 0) "
                f"from _checked_{table.name}_{n}"
            ).fetchone()
            report.rows_read = checked + parse_rejects
            report.rows_rejected = bad + parse_rejects
            checked_parts.append((n, report))
            reports.append(report)
        _store(con, table, checked_parts)
    for table, col, ref_table, ref_col, reason in REFERENCE_RULES:
        con.execute(
            f"create or replace temp table _unknown as select _file, _row, {col} as value "
            f"from _valid_{table} where {col} is not null "
            f"and {col} not in (select {ref_col} from {ref_table})"
        )
        con.execute(
            "insert into rejects select _file, _row, $col, value, $reason, 'warning' from _unknown",
            {"col": col, "reason": reason},
        )
        per_file = dict(
            con.execute("select _file, count(*) from _unknown group by _file").fetchall()
        )
        for report in reports:
            if report.table_name == table:
                report.warnings = per_file.get(report.file, 0)
    notes += [n for (n,) in con.execute("select note from _notes").fetchall()]
    return reports


def _build(con: duckdb.DuckDBPyConnection, step: DerivedStep) -> None:
    """One derived table, in one statement or in passes over a range of values (queries.py)."""
    query = step.query
    if not query.passes:
        con.execute(f"{query.create} {query.sql}", step.params)
        return
    size, table, column = query.passes
    # Identifiers from the file's header, checked to be words by queries.parse.
    (last,) = con.execute(f"select coalesce(max({column}), 0) from {table}").fetchone()
    for first in range(0, last + 1, size):
        bounds = {"pass_first": first, "pass_last": first + size - 1}
        prefix = query.create if first == 0 else f"insert into {query.table}"
        con.execute(f"{prefix} {query.sql}", step.params | bounds)


def _temporary_objects(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The staging copies, freed before the derived tables need the memory."""
    return [
        name
        for (name,) in con.execute(
            "select view_name from duckdb_views() where temporary and not internal "
            "union all select table_name from duckdb_tables() where temporary"
        ).fetchall()
    ]


def _drop_temporary(con: duckdb.DuckDBPyConnection, names: list[str] | tuple[str, ...]) -> None:
    """Drop temporary views and tables by name (identifiers from the catalog or queries/)."""
    kinds = dict(
        con.execute(
            "select view_name, 'view' from duckdb_views() where temporary and not internal "
            "union all select table_name, 'table' from duckdb_tables() where temporary"
        ).fetchall()
    )
    # Views first: a view may read a temporary table dropped in the same call.
    for name in sorted(names, key=lambda n: kinds.get(n) != "view"):
        if name in kinds:
            con.execute(f'drop {kinds[name]} temp."{name}"')


def _check(
    con: duckdb.DuckDBPyConnection, table: schema.Table, raw: str, out: str, label: str
) -> None:
    """Type every column; collect each row's problems as (column, value, reason) structs."""
    described = con.execute(f"select column_name, column_type from (describe {raw})").fetchall()
    dtypes = {name.lower(): dtype for name, dtype in described}
    typed = []
    problems = []
    for c in table.columns:
        expr, reason, blank = _typed(c.kind, c.name, dtypes[c.name])
        typed.append(f"{expr} as {c.name}")
        if c.required:
            problems.append(
                f"case when {blank} then {{'column': '{c.name}', 'value': '', "
                f"'reason': 'required value is empty'}} end"
            )
        if reason:
            problems.append(
                f"case when not ({blank}) and ({expr}) is null then {{'column': '{c.name}', "
                f"'value': left({c.name}::varchar, 200), 'reason': '{reason}'}} end"
            )
    row_rules = [
        f"case when {cond} then {{'column': '{col}', "
        f"'value': strftime({col}, '%Y-%m-%dT%H:%M:%SZ'), 'reason': '{reason}'}} end"
        for t, col, cond, reason in ORDER_RULES
        if t == table.name
    ]
    if table.name == "usage":
        row_rules.append(
            "case when day is null and ts is null then "
            "{'column': 'day', 'value': '', 'reason': 'needs a day or a ts'} end"
        )
    # Type checks see raw values; the row rules see typed ones.
    con.execute(
        f"create temp table {out} as select $file as _file, * exclude (_p), "
        f"list_filter(_p || [{', '.join(row_rules)}], lambda p: p is not null) as _problems "
        f"from (select _row, {', '.join(typed)}, [{', '.join(problems)}] as _p from {raw})",
        {"file": label},
    )
    con.execute(
        f"insert into rejects select _file, _row, p.column, p.value, p.reason, 'rejected' "
        f"from (select _file, _row, unnest(_problems) as p from {out})"
    )


def _store(con: duckdb.DuckDBPyConnection, table: schema.Table, parts: list) -> None:
    """The table itself: valid rows, the last of each id kept; usage rolled up per day."""
    cols = ", ".join(table.column_names)
    typed_cols = ", ".join(f"null::{TYPES[c.kind]} as {c.name}" for c in table.columns)
    union = (
        " union all ".join(
            f"select {n} as _part, _file, _row, {cols} from _checked_{table.name}_{n} "
            "where len(_problems) = 0"
            for n, _ in parts
        )
        or f"select 0 as _part, null::varchar as _file, 0::bigint as _row, {typed_cols} where false"
    )
    # Valid rows, merged duplicates included: what the reference checks look at.
    con.execute(f"create temp view _valid_{table.name} as {union}")
    for _n, report in parts:
        report.rows_loaded = report.rows_read - report.rows_rejected
    duplicates = (
        table.key
        and con.execute(
            f"select count(*) - count(distinct {table.key}) from _valid_{table.name}"
        ).fetchone()[0]
    )
    source = f"_valid_{table.name}"
    if duplicates:
        source = f"_kept_{table.name}"
        con.execute(
            f"create temp table {source} as select * from _valid_{table.name} "
            f"qualify row_number() over (partition by {table.key} order by _part desc, _row desc) = 1"
        )
        kept = dict(con.execute(f"select _part, count(*) from {source} group by _part").fetchall())
        for n, report in parts:
            report.duplicates_merged = report.rows_loaded - kept.get(n, 0)
            report.rows_loaded = kept.get(n, 0)
    if table.name == "usage":
        con.execute(
            "create table usage as select account_id, coalesce(day, cast(ts as date)) as day, "
            "coalesce(feature, '') as feature, sum(coalesce(value, 1)) as value "
            f"from {source} group by all"
        )
    else:
        con.execute(f"create table {table.name} as select {cols} from {source}")


def _write_load_tables(
    con: duckdb.DuckDBPyConnection,
    reports: list[TableReport],
    source_dir: Path | None,
    sources: list,
    settings: Settings,
) -> None:
    con.execute(
        "create table load_report (table_name varchar, file varchar, rows_read bigint, "
        "rows_loaded bigint, rows_rejected bigint, duplicates_merged bigint, warnings bigint)"
    )
    for r in reports:
        con.execute(
            "insert into load_report values ($t, $f, $read, $loaded, $rejected, $merged, $warn)",
            {
                "t": r.table_name,
                "f": r.file,
                "read": r.rows_read,
                "loaded": r.rows_loaded,
                "rejected": r.rows_rejected,
                "merged": r.duplicates_merged,
                "warn": r.warnings,
            },
        )
    described = [str(source_dir)] if source_dir else []
    described += [f"{name}={path}" for name, path in sources]
    con.execute(
        "create table load_info as select $at::timestamp as loaded_at, $source as source, "
        "$settings as settings, greatest("
        "(select max(greatest(started_at, resolved_at)) from incidents), "
        "(select max(greatest(created_at, solved_at)) from tickets), "
        "(select max(created_at) from ticket_events), "
        "(select max(posted_at) from status_updates)) as data_end_at",
        {
            "at": datetime.now(UTC).replace(tzinfo=None),
            "source": ", ".join(described),
            "settings": json.dumps(settings.params()),
        },
    )

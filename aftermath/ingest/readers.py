"""Reading one export file (CSV, JSON, Parquet) into a raw relation with every contract column.

Text stays text here; `validate` types it and turns what will not type into rejects.
"""

import codecs
import csv
import gzip
import io
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import duckdb

from aftermath import schema
from aftermath.errors import InputError
from aftermath.queries import quoted_identifier

# A ticket description of tens of MB is legal (DuckDB's default limit is 2 MB): JSON values up to
# this; CSV rows up to the second, since DuckDB's CSV reader reserves a few buffers of the longest
# line per thread (at 256 MB a 2GB memory limit ran out before the first row). A longer row is a
# reject.
MAX_LINE_BYTES = 256 * 1024 * 1024
MAX_CSV_LINE_BYTES = 16 * 1024 * 1024
# How much of a file's start tells its encoding, whether it is text, and its header.
HEAD_BYTES = 64 * 1024
# The delimiters a header may show; the one splitting it into the most fields wins (comma on a tie).
DELIMITERS = (",", ";", "\t", "|")


def first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0][:300]


def file_builder(path: Path, table: str) -> Callable[[duckdb.DuckDBPyConnection, str], bool]:
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
                f"{path.name}: could not read it as {kind}: {first_line(e)}. "
                f"Check that the file really is {kind} and exported completely."
            ) from None
        return True

    return build


def _max_value_bytes(path: Path) -> int:
    """The longest JSON value to allow: DuckDB reserves buffers of a few times this per thread,
    so no more than the file can hold (a compressed file: up to 64 times its size)."""
    size = path.stat().st_size * (64 if path.name.lower().endswith(".gz") else 1)
    return min(MAX_LINE_BYTES, max(16 * 1024 * 1024, size + 1))


def _read_csv(con: duckdb.DuckDBPyConnection, raw: str, path: Path, table: str) -> None:
    """A contract table's CSV file (see `read_csv_text`) as its raw relation."""
    ranked, cols = read_csv_text(con, path, path.name, f"the {table} table")
    create_raw(con, raw, table, path.name, cols, ranked, {})


def read_csv_text(
    con: duckdb.DuckDBPyConnection, path: Path, label: str, what: str
) -> tuple[str, dict[str, str]]:
    """A CSV file read with an explicit dialect, never DuckDB's sniffer (it gives up on a file
    with mixed line endings): the delimiter the header shows, double quotes, a header row; UTF-8,
    or UTF-16 by its byte-order mark; every field as text. Rows that still fail are listed in
    `_parse_rejects` under `label` with their numbers. Returns SQL for the rows (`_row`, 1 = the
    first data row, then the columns) and the columns by lower-case name (a repeated name gets
    `_` added: `labels`, `labels_`); `what` is what the file should hold, for messages."""
    with _open_binary(path) as f:
        head = f.read(HEAD_BYTES)
    encoding = "utf-16" if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else None
    if not (head.decode(encoding, errors="replace") if encoding else head).strip():
        raise InputError(f"{path.name}: the file is empty. Export {what} again.")
    if encoding is None and b"\x00" in head:
        raise InputError(f"{path.name}: this is not a CSV file (it holds binary data).")
    with tempfile.TemporaryDirectory(prefix="aftermath-csv-") as tmp:
        # UTF-16 becomes UTF-8 for DuckDB, which reads no UTF-16; line endings are kept.
        source = _rewritten(path, Path(tmp) / "utf8.csv", encoding) if encoding else path
        try:
            _read_csv_rows(con, source, path)
        except duckdb.InvalidInputException:
            # Line endings mixed (a CRLF export with rows appended by hand): one kind of ending.
            source = _rewritten(path, Path(tmp) / "lf.csv", encoding or "utf-8", newline=None)
            _read_csv_rows(con, source, path)

    cols = {
        c.lower().strip().lstrip("\ufeff"): quoted_identifier(c) for c in _columns(con, "_csv")[1:]
    }
    if not cols:
        raise InputError(f"{path.name}: the file is empty. Export {what} again.")
    # Rows the CSV reader itself refused (encoding, column count) become rejects; the rank of the
    # rows it kept is shifted back to their position in the file.
    con.execute(
        "create or replace temp table _csv_rejects as "
        "select line - 1 as _row, error_type, error_message, csv_line, column_name, "
        "row_number() over (order by line) as _i from (select * from reject_errors "
        # one reject per row: a row with two extra fields is reported once for each
        "qualify row_number() over (partition by line order by column_idx) = 1)"
    )
    shift = "(select count(*) from _csv_rejects r where r._row - r._i < _rank)"
    if not con.execute("select count(*) from _csv_rejects").fetchone()[0]:
        shift = "0"
    ranked = f"select _rank + {shift} as _row, * exclude (_rank) from _csv"
    con.execute(
        "create temp table if not exists _parse_rejects (file varchar, row_number bigint, "
        '"column" varchar, value varchar, reason varchar)'
    )
    con.execute(
        "insert into _parse_rejects select $file, _row, coalesce(column_name, ''), "
        "left(csv_line, 200), case error_type "
        "when 'INVALID ENCODING' then 'the row is not valid UTF-8 text; re-export as UTF-8' "
        "when 'TOO MANY COLUMNS' then 'the row has more fields than the header' "
        "when 'MISSING COLUMNS' then 'the row has fewer fields than the header' "
        "when 'LINE SIZE OVER MAXIMUM' then 'the row is longer than 16 MB' "
        "else lower(error_type::varchar) || ': ' || error_message end from _csv_rejects",
        {"file": label},
    )
    return ranked, cols


def _read_csv_rows(con: duckdb.DuckDBPyConnection, source: Path, path: Path) -> None:
    with _open_binary(source) as f:
        first = f.read(HEAD_BYTES)
    header_line = first.decode("utf-8", errors="replace").lstrip("\ufeff").splitlines()[0]
    delimiter = max(DELIMITERS, key=lambda d: len(next(csv.reader([header_line], delimiter=d))))
    names = next(csv.reader([header_line], delimiter=delimiter))
    columns: dict[str, str] = {}
    for i, name in enumerate(names):
        name = name.strip() or f"column{i + 1}"
        while name in columns:
            name += "_"
        columns[name] = "VARCHAR"
    con.execute("drop table if exists reject_errors; drop table if exists reject_scans")
    con.execute(
        "create or replace temp table _csv as select row_number() over () as _rank, * "
        "from read_csv($path, auto_detect = false, header = true, delim = $delim, "
        "quote = '\"', escape = '\"', columns = $columns, strict_mode = true, "
        "store_rejects = true, max_line_size = $max_line)",
        {
            "path": str(source),
            "delim": delimiter,
            "columns": columns,
            "max_line": MAX_CSV_LINE_BYTES,
        },
    )


def _open_binary(path: Path):
    return gzip.open(path, "rb") if path.name.lower().endswith(".gz") else open(path, "rb")


def _rewritten(path: Path, out: Path, encoding: str, newline: str | None = "") -> Path:
    """The file as UTF-8 (invalid bytes kept, for DuckDB to reject their rows); newline=None
    turns every line ending into LF."""
    errors = "surrogateescape" if encoding == "utf-8" else "replace"
    with (
        _open_binary(path) as raw,
        io.TextIOWrapper(raw, encoding=encoding, errors=errors, newline=newline) as text,
        open(out, "w", encoding="utf-8", errors="surrogateescape", newline="") as f,
    ):
        shutil.copyfileobj(text, f, 1 << 20)
    return out


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
        quoted = quoted_identifier(col)
        cols[col.lower()] = f"to_json({quoted})::varchar" if nested else quoted
    create_raw(
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
    create_raw(con, raw, table, path.name, cols, "select * from _js", params)


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [r[0] for r in con.execute(f"select * from {table} limit 0").description]


def create_raw(
    con: duckdb.DuckDBPyConnection,
    raw: str,
    table: str,
    label: str,
    cols: dict[str, str],
    source_sql: str,
    params: dict,
    problems: bool = False,
) -> None:
    """A raw relation: `_row` and every contract column (NULL where the file lacks it), and
    the source's own `_problems` when it says it has them (a vendor adapter's rejects).

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
    if problems:
        select += ", _problems"
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

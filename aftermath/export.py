"""Writing a table out: CSV safe to open in a spreadsheet, Parquet, or JSON with UTC timestamps."""

from pathlib import Path

import duckdb
import pandas as pd

from aftermath.queries import quoted_identifier

# A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("csv", "parquet", "json")


def guard_cell(value: object) -> object:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_csv(frame: pd.DataFrame) -> bytes:
    """A DataFrame as CSV bytes whose text cells are guarded against formula injection."""
    guarded = frame.copy()
    for col in guarded.columns:
        if guarded[col].dtype == object or pd.api.types.is_string_dtype(guarded[col]):
            guarded[col] = guarded[col].map(guard_cell)
    return guarded.to_csv(index=False).encode("utf-8")


def tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables where table_schema = 'main' "
        "order by table_name"
    ).fetchall()
    return [r[0] for r in rows]


def _select(con: duckdb.DuckDBPyConnection, table: str, fmt: str) -> str:
    """A select over `table` (a name checked against the database) shaped for the format."""
    cols = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = 'main' and table_name = $t order by ordinal_position",
        {"t": table},
    ).fetchall()
    exprs = []
    for name, dtype in cols:
        ref = quoted_identifier(name)
        if dtype.startswith("TIMESTAMP") and fmt != "parquet":
            ref = f"strftime({ref}, '%Y-%m-%dT%H:%M:%SZ')"
        elif dtype.endswith("[]") and fmt == "csv":
            ref = f"array_to_string({ref}, ';')"
        if fmt == "csv" and (dtype == "VARCHAR" or dtype.endswith("[]")):
            ref = f"case when regexp_matches({ref}, '^[=+\\-@\\t\\r]') then '''' || {ref} else {ref} end"
        exprs.append(f"{ref} as {quoted_identifier(name)}")
    return f"select {', '.join(exprs)} from {quoted_identifier(table)}"


def export_table(con: duckdb.DuckDBPyConnection, table: str, fmt: str, out: Path | str) -> None:
    """Write `table` to `out` (a path, or /dev/stdout) in `fmt`."""
    if table not in tables(con):
        raise KeyError(table)
    options = {
        "csv": "format csv, header true",
        "parquet": "format parquet",
        "json": "format json, array true",
    }[fmt]
    con.execute(f"copy ({_select(con, table, fmt)}) to '{_quote(str(out))}' ({options})")


def _quote(path: str) -> str:
    # COPY cannot take its target as a bound parameter; the path is the user's own, quoted.
    return path.replace("'", "''")

"""Building one derived table from its SQL file, and freeing the load-only objects after it."""

from pathlib import Path

import duckdb

from aftermath.pipeline.order import DerivedStep
from aftermath.queries import MACROS_DIR, SCRATCH

# DuckDB scans a table one row group per thread, and a temporary table's row groups hold 122,880
# rows: the quiet steps' cross join of every incident with the 100,000 account timelines of
# scale 1 ran on one core. Only a database file keeps a smaller row group size.
SCRATCH_ROW_GROUP_ROWS = 4096


def attach_scratch(con: duckdb.DuckDBPyConnection, path: Path | None = None) -> None:
    """The database of the scratch tables: a file of small row groups at `path` (the load's, removed
    with it); in memory without one (a test's steps, the same rows on one core)."""
    con.execute(
        f"attach $path as {SCRATCH} (row_group_size {SCRATCH_ROW_GROUP_ROWS})",
        {"path": str(path) if path else ":memory:"},
    )


def create_macros(con: duckdb.DuckDBPyConnection) -> None:
    """The shared SQL functions of queries/macros/, for this connection's steps to use."""
    for path in sorted(MACROS_DIR.glob("*.sql")):
        con.execute(path.read_text())


def build_step(con: duckdb.DuckDBPyConnection, step: DerivedStep) -> None:
    """One derived table, in one statement or in passes over a range of values (queries.py)."""
    query = step.query
    if "scratch" in query.kept and not _attached(con, SCRATCH):
        attach_scratch(con)
    # Spliced: the statement of one of our own files (its table name checked by queries.parse);
    # every value is bound.
    if not query.passes:
        con.execute(f"{query.create} {query.sql}", step.params)
        if "scratch" in query.kept:
            con.execute(f"create temp view {query.table} as select * from {SCRATCH}.{query.table}")
        return
    size, table, column = query.passes
    # Identifiers from the file's header, checked to be words by queries.parse.
    (last,) = con.execute(f"select coalesce(max({column}), 0) from {table}").fetchone()
    for first in range(0, last + 1, size):
        bounds = {"pass_first": first, "pass_last": first + size - 1}
        prefix = query.create if first == 0 else f"insert into {query.table}"
        con.execute(f"{prefix} {query.sql}", step.params | bounds)


def temporary_objects(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The staging copies, freed before the derived tables need the memory."""
    return [
        name
        for (name,) in con.execute(
            "select view_name from duckdb_views() where temporary and not internal "
            "union all select table_name from duckdb_tables() where temporary"
        ).fetchall()
    ]


def drop_temporary(con: duckdb.DuckDBPyConnection, names: list[str] | tuple[str, ...]) -> None:
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
    if _attached(con, SCRATCH):
        for name in names:
            con.execute(f'drop table if exists {SCRATCH}."{name}"')


def _attached(con: duckdb.DuckDBPyConnection, database: str) -> bool:
    found = con.execute(
        "select count(*) from duckdb_databases() where database_name = $name", {"name": database}
    ).fetchone()
    return found[0] > 0

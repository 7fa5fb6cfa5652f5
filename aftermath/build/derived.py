"""Building one derived table from its SQL file, and freeing the load-only objects after it."""

import duckdb

from aftermath.build.order import DerivedStep
from aftermath.queries import MACROS_DIR


def create_macros(con: duckdb.DuckDBPyConnection) -> None:
    """The shared SQL functions of queries/macros/, for this connection's steps to use."""
    for path in sorted(MACROS_DIR.glob("*.sql")):
        con.execute(path.read_text())


def build_step(con: duckdb.DuckDBPyConnection, step: DerivedStep) -> None:
    """One derived table, in one statement or in passes over a range of values (queries.py)."""
    query = step.query
    # Spliced: the statement of one of our own files (its table name checked by queries.parse);
    # every value is bound.
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

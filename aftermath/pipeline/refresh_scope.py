"""A refresh's partial recompute of the derived steps whose header says `refresh: by COLUMN`.

Such a step is row-local in COLUMN (queries.py): each of its rows depends only on the rows that
carry its value in the contract tables it reads, on whether the value appears in the derived
tables it reads that have the column, and on tables without the column. So with every input read
again the same way, the rows of a value change only when the value's contract rows changed or it
came into or went out of those derived tables. The step's stored rows of those values are deleted
and its own statement inserts them again, run with each contract table it reads narrowed to those
values: views of the same name in a schema of their own, put first on the search path.

A step is recomputed whole instead when a refresh cannot tell which values changed (a table read
again whole: rows may be gone), when the previous database lacks its table, when the bound
settings or the lexicon differ from the previous load's, or on the Spark engine.
"""

import json

import duckdb

from aftermath import schema
from aftermath.pipeline.order import DerivedStep, tables_read
from aftermath.queries import all_queries

# The narrowed views' schema; a name of our own, spliced.
SCOPE = "refresh_scope"
# What store_lexicon writes: a refresh whose lexicon differs recomputes every step whole.
LEXICON_TABLES = (
    "lexicon_phrases",
    "lexicon_negations",
    "lexicon_exclusions",
    "theme_tags",
    "theme_synonyms",
)


def partial_tables(
    con: duckdb.DuckDBPyConnection,
    steps: list[DerivedStep],
    changed: dict[str, set] | None,
    settings_params: dict,
) -> set[str]:
    """The stored tables a refresh can update by value rather than build again whole."""
    if changed is None:
        return set()
    stored = {name for (name,) in con.execute("select table_name from duckdb_tables()").fetchall()}
    previous = (
        con.execute("select settings from load_info").fetchone() if "load_info" in stored else None
    )
    if previous is None or json.loads(previous[0]) != json.loads(json.dumps(settings_params)):
        return set()
    return {
        step.query.table
        for step in steps
        if step.query.refresh_by in changed and step.query.table in stored
    }


def lexicon_snapshot(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """The stored lexicon tables' rows, to compare with the lexicon a refresh stores."""
    return [
        # Names from LEXICON_TABLES.
        (name, sorted(con.execute(f"select * from {name}").fetchall()))
        for name in LEXICON_TABLES
    ]


def update_step(con: duckdb.DuckDBPyConnection, step: DerivedStep, values: set) -> int:
    """The step's rows of `values` and of the values that came into or went out of the derived
    tables it reads, built again; returns how many values that was."""
    query = step.query
    column, table = query.refresh_by, query.table
    read = tables_read(query.sql)
    inputs = sorted(
        name
        for name in read
        if name in schema.TABLES and column in schema.TABLES[name].column_names
    )
    derived = sorted(
        other.table
        for other in all_queries()
        if other.table in read and column in other.columns and other.table not in schema.TABLES
    )
    # Identifiers: the step's table and column from its checked header, the tables it reads
    # from its parsed statement and the catalog.
    con.execute(f"create schema {SCOPE}")
    try:
        con.execute(
            f"create table {SCOPE}._values as select distinct {column} as value from {table} "
            "limit 0"
        )
        con.execute(
            f"insert into {SCOPE}._values select distinct unnest($values)",
            {"values": sorted(values)},
        )
        if derived:
            members = " union ".join(f"select {column} from {name}" for name in derived)
            con.execute(
                f"insert into {SCOPE}._values (({members}) except select {column} from {table}) "
                f"union (select {column} from {table} except ({members}))"
            )
        (count,) = con.execute(f"select count(distinct value) from {SCOPE}._values").fetchone()
        for name in inputs:
            con.execute(
                f"create view {SCOPE}.{name} as select * from main.{name} "
                f"where {column} in (select value from {SCOPE}._values)"
            )
        con.execute(
            f"delete from main.{table} where {column} in (select value from {SCOPE}._values)"
        )
        con.execute(f"set search_path = '{SCOPE},main'")
        try:
            con.execute(f"insert into main.{table} {query.sql}", step.params)
        finally:
            con.execute("reset search_path")
    finally:
        con.execute(f"drop schema {SCOPE} cascade")
    return count

"""Every SQL file declares its inputs first: each table it reads is read once, in a leading
import CTE of its own, and the rest of the file reads only CTEs (dbt's import CTEs).

DuckDB materializes a CTE that a statement reads more than once (a copy of the table in memory),
so an import read more than once says `not materialized`: each read stays a scan of the table,
with its filters and columns pushed down, as a direct read of the table would be."""

import pytest
import sqlglot
from sqlglot import exp

from aftermath import queries
from aftermath.pipeline.order import tables_read

ALL = sorted(q.name for q in queries.all_queries())


def _known_tables() -> set[str]:
    """Every table or view some file reads or the load builds: what a CTE must not be named."""
    every = queries.all_queries()
    built = {q.table for q in every if not q.name.startswith(f"{queries.PAGES_FOLDER}/")}
    return built.union(*(tables_read(q.sql) for q in every))


def _table_names(node: exp.Expression) -> list[str]:
    """The named tables a node reads (not table functions such as generate_series)."""
    return [t.name for t in node.find_all(exp.Table) if isinstance(t.this, exp.Identifier)]


def import_cte_problems(sql: str, known_tables: set[str]) -> list[str]:
    """What keeps `sql` from reading each table once, in a leading import CTE; empty when none."""
    (statement,) = sqlglot.parse(sql, read="duckdb")
    all_ctes = [cte.alias_or_name for cte in statement.find_all(exp.CTE)]
    problems = [f"CTE {name} is named like a table" for name in all_ctes if name in known_tables]
    leading: list[exp.CTE] = []
    for cte in statement.ctes:
        read = _table_names(cte.this)
        if len(read) != 1 or read[0] in all_ctes:
            break
        leading.append(cte)
    imported = [_table_names(cte.this)[0] for cte in leading]
    reads = [t.name for t in statement.find_all(exp.Table)]
    problems += [
        f"{cte.alias_or_name} is read {reads.count(cte.alias_or_name)} times: not materialized"
        for cte in leading
        if reads.count(cte.alias_or_name) > 1 and cte.args.get("materialized") is not False
    ]
    problems += [f"{t} is imported twice" for t in sorted(set(imported)) if imported.count(t) > 1]
    imports = {id(cte) for cte in leading}
    for table in statement.find_all(exp.Table):
        inside_import = any(id(parent) in imports for parent in _parents(table))
        named = isinstance(table.this, exp.Identifier)
        if named and not inside_import and table.name not in all_ctes:
            problems.append(f"{table.name} is read outside the leading import CTEs")
    return problems


def _parents(node: exp.Expression):
    while node.parent is not None:
        node = node.parent
        yield node


def test_the_check_finds_a_table_read_in_the_body_or_imported_twice():
    known = {"tickets", "incidents"}
    good = (
        "with ticket_rows as (select * from tickets where account_id is not null),\n"
        "incident_rows as (select * from incidents),\n"
        "final as (select * from ticket_rows inner join incident_rows using (incident_id))\n"
        "select * from final"
    )
    assert import_cte_problems(good, known) == []
    in_body = "with ticket_rows as (select * from tickets) select * from ticket_rows, incidents"
    assert import_cte_problems(in_body, known) == [
        "incidents is read outside the leading import CTEs"
    ]
    # An import after a logic CTE is not leading: it counts as a read in the body.
    late = (
        "with ticket_rows as (select * from tickets), counted as (select count(*) from ticket_rows),"
        " incident_rows as (select * from incidents) select * from counted, incident_rows"
    )
    assert import_cte_problems(late, known) == ["incidents is read outside the leading import CTEs"]
    twice = "with a as (select * from tickets), b as (select * from tickets) select * from a, b"
    assert import_cte_problems(twice, known) == ["tickets is imported twice"]
    in_subquery = (
        "with ticket_rows as (select * from tickets) "
        "select * from ticket_rows where exists (select 1 from incidents)"
    )
    assert import_cte_problems(in_subquery, known) == [
        "incidents is read outside the leading import CTEs"
    ]
    shadowing = "with tickets as (select 1) select * from tickets"
    assert import_cte_problems(shadowing, known) == ["CTE tickets is named like a table"]
    read_twice = (
        "with ticket_rows as (select * from tickets) select * from ticket_rows, ticket_rows"
    )
    assert import_cte_problems(read_twice, known) == [
        "ticket_rows is read 2 times: not materialized"
    ]
    assert import_cte_problems(read_twice.replace(" as (", " as not materialized ("), known) == []
    no_ctes = "select * from tickets"
    assert import_cte_problems(no_ctes, known) == [
        "tickets is read outside the leading import CTEs"
    ]


@pytest.mark.parametrize("name", ALL)
def test_each_file_reads_its_tables_in_leading_import_ctes(name):
    assert import_cte_problems(queries.get(name).sql, _known_tables()) == [], name

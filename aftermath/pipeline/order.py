"""The load's derived steps in dependency order, each with its bound settings."""

from dataclasses import dataclass
from functools import cache

import sqlglot
from sqlglot import exp

from aftermath.queries import FILTER_PARAMS, PAGES_FOLDER, PASS_PARAMS, Query, all_queries
from aftermath.settings import Settings


@dataclass(frozen=True)
class DerivedStep:
    query: Query
    params: dict
    drop_after: tuple[str, ...]  # load-only objects no later step reads


def derived_queries(settings: Settings) -> list[DerivedStep]:
    """Every derived file with its bound params, each after the tables it reads."""
    queries = {q.table: q for q in all_queries() if not q.name.startswith(f"{PAGES_FOLDER}/")}
    deps = {name: tables_read(q.sql) & (queries.keys() - {name}) for name, q in queries.items()}
    ordered: list[str] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in ordered:
            return
        if name in visiting:
            raise ValueError(f"queries: a cycle through {name}")
        visiting.add(name)
        for dep in sorted(deps[name]):
            visit(dep)
        visiting.discard(name)
        ordered.append(name)

    for name in sorted(queries):
        visit(name)
    values = settings.params()

    def reads(name: str) -> set[str]:
        """What building `name` reads, through views (inlined when a later step reads them)."""
        direct = deps[name]
        return direct.union(*(reads(d) for d in direct if queries[d].storage == "a view"))

    last_reader = {
        dep: i for i, name in enumerate(ordered) for dep in reads(name) if queries[dep].is_load_only
    }
    return [
        DerivedStep(
            queries[name],
            {
                p: None if p in FILTER_PARAMS else values[p]
                for p in queries[name].params
                if p not in PASS_PARAMS
            },
            tuple(dep for dep, last in last_reader.items() if last == i),
        )
        for i, name in enumerate(ordered)
    ]


@cache
def tables_read(sql: str) -> frozenset[str]:
    """The tables and views a statement reads, from its parsed table references (not its CTEs).

    Parsed, not searched for: a column that shares a table's name is not a dependency."""
    tables: set[str] = set()
    ctes: set[str] = set()
    for statement in sqlglot.parse(sql, read="duckdb"):
        if statement is None:
            continue
        ctes.update(cte.alias_or_name for cte in statement.find_all(exp.CTE))
        tables.update(table.name for table in statement.find_all(exp.Table))
    return frozenset(tables - ctes)

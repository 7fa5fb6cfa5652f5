"""The load's derived steps in dependency order, each with its bound settings."""

import re
from dataclasses import dataclass

from aftermath.queries import PAGES_FOLDER, PASS_PARAMS, Query, all_queries
from aftermath.settings import Settings


@dataclass(frozen=True)
class DerivedStep:
    query: Query
    params: dict
    drop_after: tuple[str, ...]  # load-only objects no later step reads


def derived_queries(settings: Settings) -> list[DerivedStep]:
    """Every derived file with its bound params, each after the tables it reads."""
    queries = {q.table: q for q in all_queries() if not q.name.startswith(f"{PAGES_FOLDER}/")}
    deps = {
        name: {
            other
            for other in queries
            if other != name and re.search(rf"\b{re.escape(other)}\b", _strip_comments(q.sql))
        }
        for name, q in queries.items()
    }
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
        return direct.union(*(reads(d) for d in direct if "view" in queries[d].kept))

    last_reader = {
        dep: i for i, name in enumerate(ordered) for dep in reads(name) if queries[dep].kept
    }
    return [
        DerivedStep(
            queries[name],
            {p: values[p] for p in queries[name].params if p not in PASS_PARAMS},
            tuple(dep for dep, last in last_reader.items() if last == i),
        )
        for i, name in enumerate(ordered)
    ]


def _strip_comments(sql: str) -> str:
    return re.sub(r"--[^\n]*", "", sql)

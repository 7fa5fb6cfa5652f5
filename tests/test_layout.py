"""The code's shape: the page code never reaches the loader, no import runs in a circle, the engine
never imports Streamlit, and the load orders its SQL by the tables each file really reads."""

import ast
from pathlib import Path

from aftermath.pipeline.order import derived_queries, tables_read
from aftermath.queries import PAGES_FOLDER, all_queries
from aftermath.settings import DEFAULTS
from tests.helpers import PROJECT_DIR

PACKAGES = ("aftermath", "dashboard", "queries")
LOADER = ("aftermath.pipeline", "aftermath.ingest")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PROJECT_DIR).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> dict[str, set[str]]:
    """Every module of ours and the modules it imports, at any depth of its code."""
    modules = {_module_name(p): p for pkg in PACKAGES for p in (PROJECT_DIR / pkg).rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                # `from aftermath import queries` imports the module aftermath.queries, not
                # (for this purpose) the package around it.
                subs = {f"{node.module}.{a.name}" for a in node.names} & modules.keys()
                found.update(subs or {node.module})
        graph[name] = {m for m in found if m in modules} | {
            m for m in found if m.split(".")[0] == "streamlit"
        }
    return graph


def _reach(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for nxt in graph.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def test_page_code_never_imports_the_loader():
    graph = _imports()
    pages = [m for m in graph if m.startswith("dashboard")]
    assert len(pages) >= 10  # app, db, charts, tables and the pages themselves
    for module in pages:
        reached = _reach(graph, module)
        assert not [m for m in reached if m.startswith(LOADER)], module


def test_the_engine_never_imports_streamlit_or_the_app():
    graph = _imports()
    for module in (m for m in graph if m.startswith("aftermath")):
        assert not [m for m in graph[module] if m.startswith(("streamlit", "dashboard"))], module


def test_no_import_runs_in_a_circle():
    graph = _imports()
    for module in graph:
        assert module not in _reach(graph, module), f"{module} imports itself through others"


def test_dependencies_come_from_table_references_not_words():
    # quiet_accounts is only a column here; the CTE is not a table either.
    sql = "with picked as (select quiet_accounts from incident_quiet) select * from picked"
    assert tables_read(sql) == {"incident_quiet"}
    assert tables_read("select * from a join b using (k) where k in (select k from c)") == {
        "a",
        "b",
        "c",
    }


def test_each_step_runs_after_every_table_it_reads():
    steps = [s.query for s in derived_queries(DEFAULTS)]
    built = [q.table for q in steps]
    for position, query in enumerate(steps):
        for table in tables_read(query.sql) & set(built):
            assert built.index(table) < position, f"{query.table} reads {table} before it exists"


def test_every_load_step_has_a_table_name_of_its_own():
    steps = [q for q in all_queries() if not q.name.startswith(f"{PAGES_FOLDER}/")]
    names = [q.table for q in steps]
    assert len(names) == len(set(names))
    assert {q.name.split("/")[0] for q in steps} == {"intermediate", "marts"}

"""The code's shape: the page code never reaches the loader, no import runs in a circle, the engine
never imports Streamlit, the load orders its SQL by the tables each file really reads, and the SQL
folders say where data flows (intermediate -> marts -> pages) and what the load keeps."""

import ast
from pathlib import Path

import duckdb

from aftermath import schema
from aftermath.pipeline.order import derived_queries, tables_read
from aftermath.pipeline.spark import LOADED_TABLES
from aftermath.queries import LAYERS, MARTS_FOLDER, PAGES_FOLDER, Query, all_queries, parse
from aftermath.settings import DEFAULTS
from tests.helpers import PROJECT_DIR

PACKAGES = ("aftermath", "dashboard", "queries")
# What the load writes before its first step: the contract's inputs, the lexicon, its report.
INPUTS = {*schema.TABLES, *LOADED_TABLES, "rejects", "load_report"}
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
    # The walk reaches the app, its helpers and every page (a module missing here is unchecked).
    assert {
        "dashboard.app",
        "dashboard.db",
        "dashboard.charts",
        "dashboard.tables",
        *(
            f"dashboard.app_pages.{p.stem}"
            for p in (PROJECT_DIR / "dashboard/app_pages").glob("[!_]*.py")
        ),
    } <= set(pages)
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


def backward_reads(files: list[Query]) -> list[str]:
    """Each read of a table built in a later folder than the reader's, and each page read of
    anything but a mart or an input table, from the files' parsed table references."""
    layer = {q.table: q.name.split("/")[0] for q in files if not q.name.startswith(PAGES_FOLDER)}
    found = []
    for query in files:
        own = query.name.split("/")[0]
        for table in sorted(tables_read(query.sql)):
            if table in INPUTS:
                continue
            read = layer.get(table)
            if read is None or LAYERS.index(read) > LAYERS.index(own):
                found.append(f"{query.name} reads {table} ({read or 'built by no file'})")
            elif own == PAGES_FOLDER and read != MARTS_FOLDER:
                found.append(f"{query.name} reads {table} ({read}): a page reads marts only")
    return found


def test_no_file_reads_a_later_folder_and_pages_read_marts_only():
    assert backward_reads(all_queries()) == []


def test_the_flow_check_finds_each_kind_of_wrong_read():
    def query(name: str, sql: str) -> Query:
        return parse(name, f"-- Made up.\n-- grain: x\n-- params: none\n-- columns: a\n{sql}")

    files = [
        query("intermediate/tickets/early", "select a from tickets"),
        query("intermediate/tickets/reads_a_mart", "select a from late"),
        query("marts/tickets/late", "select a from early"),
        query("pages/reads_intermediate", "select a from early join late using (a)"),
        query("pages/reads_nothing_built", "select a from nowhere"),
    ]
    assert backward_reads(files) == [
        "intermediate/tickets/reads_a_mart reads late (marts)",
        "pages/reads_intermediate reads early (intermediate): a page reads marts only",
        "pages/reads_nothing_built reads nowhere (built by no file)",
    ]


def test_the_load_keeps_the_marts_and_drops_the_intermediate_steps(demo_db):
    # A refresh updates ticket_tokens' stored rows by ticket_id (its `refresh: by` header): the
    # one intermediate step that outlives the load.
    steps = [q for q in all_queries() if not q.name.startswith(PAGES_FOLDER)]
    with duckdb.connect(str(demo_db), read_only=True) as con:
        stored = {
            name for (name,) in con.execute("select table_name from duckdb_tables()").fetchall()
        }
    marts = {q.table for q in steps if q.name.startswith(f"{MARTS_FOLDER}/")}
    assert stored - INPUTS - {"load_files"} == marts | {"ticket_tokens"}
    assert [q.table for q in steps if not q.is_load_only and q.table not in marts] == [
        "ticket_tokens"
    ]

"""Every SQL file keeps to its header: declared params are the ones used, columns the ones returned."""

from pathlib import Path

import duckdb
import pytest

from aftermath import queries
from aftermath.pipeline.derived import build_step
from aftermath.pipeline.load import load
from aftermath.pipeline.order import DerivedStep
from aftermath.queries import MACROS_DIR, QUERIES_DIR
from tests.helpers import build_load_only, write_exports

ALL = sorted(q.name for q in queries.all_queries())


@pytest.fixture(scope="module")
def small_db(tmp_path_factory) -> Path:
    folder = write_exports(
        tmp_path_factory.mktemp("contract"),
        {
            "incidents.csv": "incident_id,title,services,started_at,resolved_at\n"
            "I1,Billing errors,billing,2026-07-14T10:00:00Z,2026-07-14T11:00:00Z\n",
            "tickets.csv": "ticket_id,created_at,account_id,subject,incident_id\n"
            "T1,2026-07-14T10:30:00Z,A1,billing broken,I1\n",
        },
    )
    db = folder / "c.duckdb"
    load(folder, db)
    return db


def test_header_parser_reads_continued_columns():
    q = queries.parse(
        "x",
        "-- What it answers.\n-- grain:   one row per x\n-- params:  $a (int), $b\n"
        "-- columns: a, b,\n--          c\nselect 1\n",
    )
    assert (q.question, q.params, q.columns) == ("What it answers.", ("a", "b"), ("a", "b", "c"))
    with pytest.raises(ValueError, match="lacks columns"):
        queries.parse("y", "-- Q\n-- grain: g\n-- params: none\nselect 1")


@pytest.mark.parametrize("name", ALL)
def test_declared_params_are_the_params_used(name):
    query = queries.get(name)
    assert set(query.params) == queries.used_params(query.sql), name
    assert query.question.endswith((".", "?")), "the first line says what the file answers"


@pytest.mark.parametrize("name", ALL)
def test_query_runs_and_returns_its_declared_columns(name, small_db):
    query = queries.get(name)
    con = duckdb.connect(str(small_db), read_only=not query.is_load_only)
    try:
        if query.is_load_only:
            # Dropped by the load: built again here, as temporary objects, in the load's order.
            build_load_only(con)
            got = [r[0] for r in con.execute(f"select * from {query.table} limit 0").description]
        elif not name.startswith("pages/"):
            # Built by the load; its table must have exactly the declared columns.
            got = [r[0] for r in con.execute(f'select * from "{query.table}" limit 0').description]
        else:
            frame = queries.run_query(con, name, **dict.fromkeys(query.params))
            got = list(frame.columns)
    finally:
        con.close()
    assert got == list(query.columns)


def test_a_file_built_in_passes_keeps_every_row_in_order(tmp_path):
    query = queries.parse(
        "marts/numbers",
        "-- Which numbers are there?\n-- grain:   one row per number\n"
        "-- params:  $pass_first, $pass_last\n-- columns: k\n"
        "-- passes:  100 values of source.k at a time\n"
        "select k from source where k between $pass_first and $pass_last order by k desc\n",
    )
    assert query.passes == (100, "source", "k")
    con = duckdb.connect(str(tmp_path / "p.duckdb"))
    con.execute("create table source as select range as k from range(250)")
    build_step(con, DerivedStep(query, {}, ()))
    # 0..99, 100..199, 200..249: three passes, each in its own order, every row once.
    got = [k for (k,) in con.execute("select k from numbers").fetchall()]
    assert got == [*range(99, -1, -1), *range(199, 99, -1), *range(249, 199, -1)]
    with pytest.raises(ValueError, match="passes must read"):
        queries.parse("x", "-- Q?\n-- grain: g\n-- params: none\n-- columns: a\n-- passes: lots\n")


@pytest.mark.parametrize("path", sorted(MACROS_DIR.glob("*.sql")), ids=lambda p: p.stem)
def test_macro_files_carry_the_header_too(path):
    macros = queries.parse(f"macros/{path.stem}", path.read_text())
    assert macros.question.endswith("?")
    assert macros.grain.startswith("none: it defines the macro")
    assert (macros.params, macros.columns) == ((), ("none",))
    assert queries.used_params(macros.sql) == set()


def test_every_sql_file_is_a_query_or_a_shared_macro():
    # No SQL file beside the queries that the load, the pages and the Spark engine do not read
    # (the Spark engine transpiles each query itself: no file has a Spark copy).
    files = {p for p in QUERIES_DIR.rglob("*.sql")}
    macros = set(MACROS_DIR.glob("*.sql"))
    assert macros, "the quiet checks' window macros"
    assert len(files - macros) == len(ALL)


def test_a_quoted_identifier_keeps_a_name_with_quotes_in_it():
    # The Spark engine and export splice column names from the data; one may hold a quote.
    name = 'say "hi"'
    assert queries.quoted_identifier(name) == '"say ""hi"""'
    con = duckdb.connect()
    con.execute(f"create table t as select 1 as {queries.quoted_identifier(name)}")
    assert [row[0] for row in con.execute("describe t").fetchall()] == [name]


def test_a_load_step_is_named_by_a_plain_identifier():
    # Its file name becomes the table the loader creates, spliced into that statement.
    header = "-- Q?\n-- grain: g\n-- params: none\n-- columns: a\nselect 1 as a\n"
    assert queries.parse("marts/fine_name_2", header).table == "fine_name_2"
    for bad in ("marts/Bad-Name", "marts/x; drop table tickets", "marts/2nd"):
        with pytest.raises(ValueError, match="a file name must be"):
            queries.parse(bad, header)

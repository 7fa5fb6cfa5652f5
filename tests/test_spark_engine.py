"""Both engines give the same derived tables: `aftermath load --engine spark` against DuckDB.

Skipped where pyspark or a Java runtime is missing (make test says so), but not in CI, which
installs both (.ci/run). One SparkSession (local[2]) serves every test; each data set is loaded
once per engine. Equal means: the same columns and types, the same rows as multisets (`except
all` both ways on every column but the floating ones), and floats equal to 1e-9 relative.
"""

import importlib.util
import math
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from aftermath.build.load import load
from aftermath.build.order import derived_queries
from aftermath.settings import DEFAULTS
from tests.helpers import write_exports

MISSING = (
    "pyspark is missing (pip install -e '.[spark]')"
    if importlib.util.find_spec("pyspark") is None
    else "no Java runtime on PATH (Spark needs 17 or newer)"
    if shutil.which("java") is None
    else ""
)
if MISSING and os.environ.get("CI"):
    raise RuntimeError(f"CI runs the Spark engine's tests, but {MISSING}")
if MISSING:
    pytest.skip(MISSING, allow_module_level=True)

FIXTURES = Path(__file__).parent / "fixtures"
MASTER = "local[2]"
DERIVED = [s.query.table for s in derived_queries(DEFAULTS) if not s.query.kept]


def both_engines(folder: Path, out: Path, settings=DEFAULTS) -> tuple[Path, Path]:
    """The folder loaded by each engine: (duckdb database, spark database)."""
    out.mkdir(parents=True, exist_ok=True)
    by_duckdb = out / "duckdb.duckdb"
    load(folder, by_duckdb, settings)
    return by_duckdb, spark_load(folder, out)


def spark_load(folder: Path, out: Path, settings=DEFAULTS) -> Path:
    by_spark = out / "spark.duckdb"
    load(folder, by_spark, settings, engine="spark", spark_master=MASTER)
    return by_spark


def differences(by_duckdb: Path, by_spark: Path, table: str) -> list[str]:
    """What differs between the two databases' `table`; empty when they agree."""
    con = duckdb.connect()
    try:
        con.execute(f"attach '{by_duckdb}' as a (read_only)")
        con.execute(f"attach '{by_spark}' as b (read_only)")
        types = [con.execute(f"describe {db}.{table}").fetchall() for db in ("a", "b")]
        if [t[:2] for t in types[0]] != [t[:2] for t in types[1]]:
            return [f"{table}: columns differ: {types[0]} against {types[1]}"]
        floating = {name for name, kind, *_ in types[0] if kind in ("DOUBLE", "FLOAT")}
        exact = ", ".join(f'"{n}"' for n, *_ in types[0] if n not in floating) or "1"
        found = []
        for one, other in (("a", "b"), ("b", "a")):
            (extra,) = con.execute(
                f"select count(*) from (select {exact} from {one}.{table} "
                f"except all select {exact} from {other}.{table})"
            ).fetchone()
            if extra:
                found.append(f"{table}: {extra} rows only in the {one} database")
        if found or not floating:
            return found
        order = ", ".join(f"{i + 1}" for i in range(len(types[0])))
        rows = [
            con.execute(f"select * from {db}.{table} order by {order}").fetchall() for db in "ab"
        ]
        for row_a, row_b in zip(*rows, strict=True):
            for value_a, value_b in zip(row_a, row_b, strict=True):
                if not _close(value_a, value_b):
                    found.append(f"{table}: {row_a} against {row_b}")
                    break
        return found[:5]
    finally:
        con.close()


def _close(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9) or (math.isnan(a) and math.isnan(b))
    return a == b


@pytest.fixture(scope="module")
def demo(demo_db: Path, tmp_path_factory) -> tuple[Path, Path]:
    # The suite's demo database is the DuckDB side; its folder holds the exports.
    return demo_db, spark_load(demo_db.parent, tmp_path_factory.mktemp("spark_demo"))


@pytest.fixture(scope="module")
def impact_fixture(tmp_path_factory) -> tuple[Path, Path]:
    return both_engines(FIXTURES / "impact", tmp_path_factory.mktemp("spark_impact"))


@pytest.mark.parametrize("table", DERIVED)
def test_demo_same_on_both_engines(demo, table):
    assert differences(*demo, table) == []


@pytest.mark.parametrize("table", DERIVED)
def test_impact_fixture_same_on_both_engines(impact_fixture, table):
    assert differences(*impact_fixture, table) == []


def test_the_report_reads_the_same_from_both_engines(impact_fixture):
    from aftermath.report import render_report

    reports = []
    for db in impact_fixture:
        con = duckdb.connect(str(db), read_only=True)
        try:
            ids = [
                i for (i,) in con.execute("select incident_id from incidents order by 1").fetchall()
            ]
            reports.append([render_report(con, i) for i in ids])
        finally:
            con.close()
    assert len(reports[0]) == 4 and reports[0] == reports[1]


def test_bad_input_on_the_spark_path_is_one_message_and_exit_1(tmp_path, capsys):
    from aftermath.cli import main

    folder = write_exports(
        tmp_path / "bad",
        {"incidents.csv": "incident_id,started_at\nI1,2026-07-14T10:00:00Z\n"},
    )
    db = tmp_path / "a.duckdb"
    code = main(
        ["load", str(folder), "--db", str(db), "--engine", "spark", "--spark-master", MASTER]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("aftermath: no tickets file") and "Traceback" not in err
    assert not db.exists()


def test_a_failed_spark_step_leaves_the_previous_database(tmp_path, capsys, monkeypatch):
    from aftermath.build import spark
    from aftermath.cli import main

    db = tmp_path / "kept.duckdb"
    load(FIXTURES / "impact", db)
    before = db.read_bytes()
    # A step Spark cannot run, as a cluster's failure would reach us: one line, the old file kept.
    monkeypatch.setattr(spark, "spark_sql", lambda query, macros: "select * from no_such_table")
    args = ["load", str(FIXTURES / "impact"), "--db", str(db), "--engine", "spark"]
    code = main([*args, "--spark-master", MASTER, "--quiet"])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert err.startswith("aftermath: Spark could not build ") and err.count("\n") == 1
    assert db.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["kept.duckdb"]

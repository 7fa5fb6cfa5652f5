"""Both engines give the same derived tables: `aftermath load --engine spark` against DuckDB.

Skipped where pyspark or a Java runtime is missing (make test says so), but not in CI, which
installs both (.ci/run). One SparkSession (local[2], one shuffle partition, adaptive execution
off: these data sets are small, and planning dominates) serves the whole module; each data set is
loaded once per engine. Equal means: the same columns and types, the same rows as multisets
(`except all` both ways on every column but the floating ones), and floats equal to 1e-9
relative, for every derived table of the contract.

Compared on both engines:
- the demo data set;
- tests/fixtures/impact and tests/fixtures/voice, each as it is (and their reports, word for
  word);
- every hand-worked fixture of the suite, in ONE data set: conftest.py records the inputs of
  each load the other test modules make (as the load validated them; the demo and anything
  larger than 20,000 rows left out) and runs this module last; the data sets are joined into
  one with every id prefixed by its fixture's number, and loaded once with the default
  settings. A Spark load costs about as much for a few rows as for thousands (some 50 steps,
  each planned and run), so one load of the joint set costs what one fixture would, where a
  load per fixture would cost minutes each; and the engines' agreement holds for any input,
  the joint one included. What it does not check: the fixtures' own settings (exposure days,
  thresholds...) on Spark, and each fixture's data end, as the joint set has one data end for
  all. Run alone, this module has no recorded fixtures and skips that test, saying so.
"""

import importlib.util
import logging
import math
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from aftermath import schema
from aftermath.pipeline.load import load
from aftermath.pipeline.order import derived_queries
from aftermath.settings import DEFAULTS
from tests.helpers import HAND_WORKED, combined_hand_worked, rows, write_exports

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
# Small data sets: one task per shuffle, and no re-planning of each stage at run time.
SMALL_DATA = {"spark.sql.shuffle.partitions": "1", "spark.sql.adaptive.enabled": "false"}
DERIVED = [s.query.table for s in derived_queries(DEFAULTS) if not s.query.kept]


@pytest.fixture(scope="module", autouse=True)
def spark():
    """The module's one SparkSession: every load below finds it running on MASTER and uses it
    as it is."""
    from aftermath.pipeline.spark import spark_session

    # py4j says at INFO level each time it opens or closes a connection to the JVM.
    logging.getLogger("py4j").setLevel(logging.WARNING)
    session = spark_session(MASTER, SMALL_DATA)
    yield session
    session.stop()


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
        con.execute("attach $db as a (read_only)", {"db": str(by_duckdb)})
        con.execute("attach $db as b (read_only)", {"db": str(by_spark)})
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
    # A quote in the folder: the Spark engine's working files go beside the database.
    return both_engines(FIXTURES / "impact", tmp_path_factory.mktemp("spark_o'impact"))


@pytest.fixture(scope="module")
def voice_fixture(tmp_path_factory) -> tuple[Path, Path]:
    return both_engines(FIXTURES / "voice", tmp_path_factory.mktemp("spark_voice"))


@pytest.fixture(scope="module")
def hand_worked(tmp_path_factory) -> tuple[Path, Path]:
    if not HAND_WORKED:
        pytest.skip("no hand-worked fixture was loaded before this module: run the whole suite")
    out = tmp_path_factory.mktemp("spark_hand_worked")
    return both_engines(combined_hand_worked(out / "inputs"), out)


def test_spark_session_is_the_running_one_as_it_is(spark):
    from aftermath.pipeline.spark import spark_session

    assert spark_session(MASTER) is spark
    assert spark.conf.get("spark.sql.shuffle.partitions") == "1"


@pytest.mark.parametrize("table", DERIVED)
def test_demo_same_on_both_engines(demo, table):
    assert differences(*demo, table) == []


@pytest.mark.parametrize("table", DERIVED)
def test_impact_fixture_same_on_both_engines(impact_fixture, table):
    assert differences(*impact_fixture, table) == []


@pytest.mark.parametrize("table", DERIVED)
def test_voice_fixture_same_on_both_engines(voice_fixture, table):
    assert differences(*voice_fixture, table) == []


@pytest.mark.parametrize("table", DERIVED)
def test_hand_worked_fixtures_same_on_both_engines(hand_worked, table):
    assert differences(*hand_worked, table) == []


def test_the_hand_worked_fixtures_are_all_in_the_joint_data_set(hand_worked):
    # Each recorded fixture's incidents are there under its number: tests/fixtures/impact's
    # four among them, whenever tests/test_impact_fixture.py ran.
    by_duckdb, _ = hand_worked
    numbers = {
        n
        for (n,) in rows(
            by_duckdb, "select distinct split_part(incident_id, '.', 1) from incidents"
        )
    }
    assert numbers == {folder.name for _, folder in HAND_WORKED if has_incidents(folder)}
    impact = [folder.name for test, folder in HAND_WORKED if "test_impact_fixture.py" in test]
    for number in impact[:1]:
        assert rows(
            by_duckdb,
            "select incident_id from incidents where incident_id like $n order by 1",
            {"n": f"{number}.%"},
        ) == [(f"{number}.INC-{i}",) for i in range(1, 5)]


def has_incidents(folder: Path) -> bool:
    con = duckdb.connect()
    try:
        path = str(folder / "incidents.parquet")
        return con.execute("select count(*) > 0 from read_parquet($p)", {"p": path}).fetchone()[0]
    finally:
        con.close()


def reports(db: Path) -> list[str]:
    """Every incident's `aftermath report`, in incident order."""
    from aftermath.report import render_report

    con = duckdb.connect(str(db), read_only=True)
    try:
        ids = [i for (i,) in con.execute("select incident_id from incidents order by 1").fetchall()]
        return [render_report(con, i) for i in ids]
    finally:
        con.close()


def test_the_report_reads_the_same_from_both_engines(impact_fixture):
    by_duckdb, by_spark = impact_fixture
    assert len(reports(by_duckdb)) == 4 and reports(by_duckdb) == reports(by_spark)


def test_the_voice_report_reads_the_same_from_both_engines(voice_fixture):
    by_duckdb, by_spark = voice_fixture
    # The DuckDB side is tests/test_report.py's golden file.
    assert reports(by_spark) == reports(by_duckdb)
    assert reports(by_spark)[0] == (FIXTURES / "voice" / "report_VO-1.md").read_text()


@pytest.fixture(scope="module")
def impact_by_uri(impact_fixture, tmp_path_factory) -> tuple[Path, Path]:
    """tests/fixtures/impact read by Spark from its file:// URI, beside the DuckDB load of the
    folder."""
    from aftermath.cli import main

    db = tmp_path_factory.mktemp("spark_uri") / "uri.duckdb"
    uri = (FIXTURES / "impact").resolve().as_uri()
    args = ["load", uri, "--db", str(db), "--engine", "spark", "--spark-master", MASTER]
    assert main([*args, "--quiet"]) == 0
    return impact_fixture[0], db


@pytest.mark.parametrize("table", [*schema.TABLES, *DERIVED])
def test_a_file_uri_read_by_spark_loads_as_the_folder(impact_by_uri, table):
    assert differences(*impact_by_uri, table) == []


@pytest.mark.parametrize("as_uri", [False, True])
def test_bad_input_on_the_spark_path_is_one_message_and_exit_1(tmp_path, capsys, as_uri):
    from aftermath.cli import main

    folder = write_exports(
        tmp_path / "bad",
        {"incidents.csv": "incident_id,started_at\nI1,2026-07-14T10:00:00Z\n"},
    )
    given = folder.as_uri() if as_uri else str(folder)
    db = tmp_path / "a.duckdb"
    args = ["load", given, "--db", str(db), "--engine", "spark", "--spark-master", MASTER]
    code = main([*args, "--quiet"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("aftermath: no tickets file") and "Traceback" not in err
    # Said of the folder as given, the URI included.
    assert f"is required in {given}." in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad"]


def test_a_uri_spark_cannot_list_is_one_message(tmp_path, capsys):
    from aftermath.cli import main

    uri = (tmp_path / "none").as_uri()
    args = ["load", uri, "--db", str(tmp_path / "a.duckdb"), "--engine", "spark"]
    assert main([*args, "--spark-master", MASTER]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"aftermath: {uri}: Spark cannot list it") and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_a_uri_needs_the_spark_engine(tmp_path, capsys):
    from aftermath.cli import main

    uri = (FIXTURES / "impact").resolve().as_uri()
    assert main(["load", uri, "--db", str(tmp_path / "a.duckdb")]) == 1
    assert capsys.readouterr().err == (
        f"aftermath: {uri}: a URI is read by Spark: load it with --engine spark\n"
    )


def test_a_failed_spark_step_leaves_the_previous_database(tmp_path, capsys, monkeypatch):
    from aftermath.cli import main
    from aftermath.pipeline import spark

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

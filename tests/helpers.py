"""Small helpers the tests share: writing export folders and reading a database."""

from pathlib import Path

import duckdb
import pandas as pd

from aftermath import schema
from aftermath.pipeline.derived import build_step, create_macros
from aftermath.pipeline.order import derived_queries
from aftermath.queries import run_query
from aftermath.settings import DEFAULTS, Settings

PROJECT_DIR = Path(__file__).resolve().parent.parent


def write_exports(folder: Path, files: dict[str, str | bytes]) -> Path:
    """Write `{name: content}` into folder; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        data = content if isinstance(content, bytes) else content.encode()
        (folder / name).write_bytes(data)
    return folder


def page_frame(db: Path, name: str, **params: object) -> pd.DataFrame:
    """A page query (`queries/<name>.sql`) on the database file, opened read-only, as a page
    runs it."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return run_query(con, name, **params)
    finally:
        con.close()


def rows(db: Path, sql: str, params: dict | None = None) -> list[tuple]:
    """All rows of `sql` on the database file, opened read-only."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or {}).fetchall()
    finally:
        con.close()


def build_load_only(con: duckdb.DuckDBPyConnection, settings: Settings = DEFAULTS) -> None:
    """The load-only steps a load dropped, built again as temporary objects in the load's order
    (in passes where a step's header says so), for a test to read them."""
    create_macros(con)
    for step in derived_queries(settings):
        if step.query.kept:
            build_step(con, step)


# Every hand-worked fixture the suite loads, as the load validated it: conftest.py records each
# successful DuckDB load's input tables (a folder of Parquet files per load, numbered in the
# order of the run), for tests/test_spark_engine.py to load them on both engines.
HAND_WORKED: list[tuple[str, Path]] = []  # (the test that loaded it, its folder)
# A fixture worked out by hand is small; the demo and the benchmark's data sets are not.
HAND_WORKED_MAX_ROWS = 20_000


def record_hand_worked(db: Path, test: str, into: Path) -> None:
    """The input tables of the database `test` has just loaded, kept below `into` as one
    hand-worked fixture (skipped when larger than any fixture worked out by hand)."""
    folder = into / f"{len(HAND_WORKED):03d}"
    con = duckdb.connect()
    try:
        con.execute("attach $db as loaded (read_only)", {"db": str(db)})
        # Table names from schema.py.
        counts = {
            t: con.execute(f"select count(*) from loaded.{t}").fetchone()[0] for t in schema.TABLES
        }
        if sum(counts.values()) > HAND_WORKED_MAX_ROWS:
            return
        folder.mkdir()
        for table in schema.TABLES:
            path = folder / f"{table}.parquet"
            con.execute(f"copy loaded.{table} to '{path}' (format parquet)")
    finally:
        con.close()
    HAND_WORKED.append((test, folder))


def combined_hand_worked(folder: Path) -> Path:
    """Every recorded hand-worked fixture in one data set in `folder` (Parquet, one file per
    table): each id, and each account named in a postmortem, prefixed with its fixture's number,
    so that no two fixtures share a row."""
    folder.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    try:
        for table in schema.TABLES.values():
            files = [str(fixture / f"{table.name}.parquet") for _, fixture in HAND_WORKED]
            con.read_parquet(files, filename=True, union_by_name=True).create_view("recorded")
            stored = [name for (name, *_) in con.execute("describe recorded").fetchall()]
            kinds = {column.name: column.kind for column in table.columns}
            columns = ", ".join(_prefixed(c, kinds.get(c)) for c in stored if c != "filename")
            path = folder / f"{table.name}.parquet"
            con.execute(f"copy (select {columns} from recorded) to '{path}' (format parquet)")
    finally:
        con.close()
    return folder


def _prefixed(column: str, kind: str | None) -> str:
    # The fixture's number: the name of the folder it was recorded in. Names from schema.py.
    prefix = "regexp_extract(filename, '(\\d+)/[^/]+$', 1) || '.'"
    if kind == "id":
        return f'{prefix} || "{column}" as "{column}"'
    if column == "affected_accounts":
        return f'list_transform("{column}", lambda a: {prefix} || a) as "{column}"'
    return f'"{column}"'

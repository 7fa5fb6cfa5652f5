"""Small helpers the tests share: writing export folders and reading a database."""

from pathlib import Path

import duckdb

from aftermath.build.derived import build_step, create_macros
from aftermath.build.order import derived_queries
from aftermath.settings import DEFAULTS, Settings

PROJECT_DIR = Path(__file__).resolve().parent.parent


def write_exports(folder: Path, files: dict[str, str | bytes]) -> Path:
    """Write `{name: content}` into folder; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        data = content if isinstance(content, bytes) else content.encode()
        (folder / name).write_bytes(data)
    return folder


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

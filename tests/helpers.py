"""Small helpers the tests share: writing export folders and reading a database."""

from pathlib import Path

import duckdb

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

"""A vendor API answered on 127.0.0.1 for the `aftermath pull` tests, and what they check."""

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import duckdb
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from aftermath.cli import main


def serve(
    server: HTTPServer,
    path: str,
    answer: Callable[[Request], dict],
    failures: dict[int, int] | None = None,
    method: str = "GET",
    wait_in_body: bool = False,
) -> None:
    """`path` answers with `answer(request)` as JSON; its nth request (from 1) gets the status
    `failures[n]` instead, with `Retry-After: 0` (a 429 or 503 on the way), or with the wait in
    a JSON body as incident.io says it (`wait_in_body`)."""
    seen = [0]

    def handler(request: Request) -> Response:
        seen[0] += 1
        status = (failures or {}).get(seen[0])
        if status and wait_in_body:
            said = {"type": "too_many_requests", "status": status, "rate_limit": {"retry_after": 0}}
            return Response(json.dumps(said), status=status, content_type="application/json")
        if status:
            return Response("slow down", status=status, headers={"Retry-After": "0"})
        return Response(json.dumps(answer(request)), content_type="application/json")

    server.expect_request(path, method=method).respond_with_handler(handler)


def pull(*args: str) -> int:
    return main(["pull", *args])


def folder_bytes(folder: Path) -> dict[str, str]:
    """Every file below `folder` (hidden ones too) by its SHA-256: equal means byte for byte."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def load(folder: Path, db: Path) -> None:
    """Load `folder` into `db` as `aftermath load` does."""
    assert main(["load", str(folder), "--db", str(db), "--quiet"]) == 0


def db_rows(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def load_counts(folder: Path, db: Path, tables: tuple[str, ...]) -> dict[str, int]:
    """Load `folder` and count the rows of `tables` (the test's own constants)."""
    load(folder, db)
    return {t: db_rows(db, f"select count(*) from {t}")[0][0] for t in tables}


def asked(server: HTTPServer, path: str) -> list[dict]:
    """The query of each request the server had on `path`, in order."""
    return [dict(request.args) for request, _ in server.log if request.path == path]


def holds_secret(folder: Path, secret: str) -> list[str]:
    """The files below `folder` whose bytes contain `secret`."""
    return [str(p) for p in folder.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]

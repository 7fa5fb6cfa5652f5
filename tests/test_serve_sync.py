"""Fresh every morning: `aftermath serve --sync-every` refreshes the database on a timer, a failed
sync keeps the data served and the Data page says so, and the sidebar says when the data was loaded
and warns when that is more than a day ago."""

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from aftermath.pipeline.load import load
from aftermath.serve.config import sync_status_path
from aftermath.serve.server import Syncer
from tests.helpers import PROJECT_DIR, rows, write_exports

APP = PROJECT_DIR / "dashboard" / "app.py"
INCIDENTS = (
    "incident_id,title,started_at,resolved_at\n"
    "INC-1,Checkout down,2026-03-02T10:00:00Z,2026-03-02T11:00:00Z\n"
)
TICKETS = "ticket_id,created_at,account_id,subject,incident_id\nT-1,2026-03-02T10:10:00Z,A-1,Cannot pay,INC-1\n"
# Two hours, so that a database loaded now is not due and one made older is.
INTERVAL = 7200


@pytest.fixture
def exports(tmp_path: Path) -> Path:
    folder = write_exports(
        tmp_path / "exports", {"incidents.csv": INCIDENTS, "tickets.csv": TICKETS}
    )
    load(folder, tmp_path / "aftermath.duckdb")
    return folder


def _syncer(tmp_path: Path, folder: Path) -> Syncer:
    db = tmp_path / "aftermath.duckdb"
    command = [sys.executable, "-m", "aftermath.cli", "load", str(folder), "--refresh", "--quiet"]
    return Syncer([*command, "--db", str(db)], db, INTERVAL)


def _tickets(db: Path) -> list[tuple]:
    return rows(db, "select ticket_id from tickets order by ticket_id")


def test_a_sync_brings_new_rows_and_a_failed_one_keeps_the_data(tmp_path, exports):
    syncer, db = _syncer(tmp_path, exports), tmp_path / "aftermath.duckdb"
    with (exports / "tickets.csv").open("a") as out:
        out.write("T-2,2026-03-02T10:20:00Z,A-2,Still cannot pay,INC-1\n")
    assert syncer.run_once()
    assert _tickets(db) == [("T-1",), ("T-2",)]
    status = json.loads(sync_status_path(db).read_text())
    assert (status["ok"], status["message"]) == (True, "")
    # The night's export lost its incident ids: the load fails, the database stays as it was.
    (exports / "incidents.csv").write_text("title,started_at\nCheckout down,2026-03-02T10:00:00Z\n")
    loaded = db.stat().st_mtime_ns
    assert not syncer.run_once()
    assert db.stat().st_mtime_ns == loaded
    assert _tickets(db) == [("T-1",), ("T-2",)]
    status = json.loads(sync_status_path(db).read_text())
    assert status["ok"] is False
    assert "incidents.csv" in status["message"] and "incident_id" in status["message"]


def test_the_timer_syncs_a_database_older_than_the_interval_at_once(tmp_path, exports):
    syncer, db = _syncer(tmp_path, exports), tmp_path / "aftermath.duckdb"
    two_hours_ago = time.time() - INTERVAL - 60
    os.utime(db, (two_hours_ago, two_hours_ago))
    thread = threading.Thread(target=syncer.loop, daemon=True)
    thread.start()
    try:
        # A readiness wait for the one sync due now, not a timing.
        for _ in range(240):
            if sync_status_path(db).exists():
                break
            time.sleep(0.5)
        assert json.loads(sync_status_path(db).read_text())["ok"]
        assert db.stat().st_mtime > two_hours_ago + 60
    finally:
        syncer.stop()
        thread.join(timeout=30)
    assert not thread.is_alive()
    # The next is due an interval after this load: nothing ran meanwhile.
    assert json.loads(sync_status_path(db).read_text())["ok"]


def test_sync_every_needs_something_to_sync_from(tmp_path):
    (tmp_path / "aftermath.toml").write_text("[serve]\nport = 8600\n")
    done = subprocess.run(
        [sys.executable, "-m", "aftermath.cli", "serve", "--config", "aftermath.toml"]
        + ["--sync-every", "24h", "--db", str(tmp_path / "none.duckdb")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (done.returncode, done.stderr) == (
        1,
        "aftermath: --sync-every needs something to sync from: [sources.*] or [serve] exports = "
        "DIR in --config aftermath.toml\n",
    )


def _app(db: Path, monkeypatch: pytest.MonkeyPatch, page: str | None = None) -> AppTest:
    monkeypatch.setenv("AFTERMATH_DB", str(db))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _loaded(db: Path, at: datetime) -> None:
    """The database as loaded at `at`, swapped in as a load swaps in its new file."""
    changed = db.with_name("changed.duckdb")
    shutil.copy(db, changed)
    con = duckdb.connect(str(changed))
    con.execute("update load_info set loaded_at = $at", {"at": at})
    con.close()
    changed.replace(db)


def test_the_sidebar_says_when_the_data_was_loaded_and_warns_a_day_on(
    tmp_path, exports, monkeypatch
):
    db = tmp_path / "aftermath.duckdb"
    _loaded(db, datetime(2026, 3, 3, 6, 0))
    at = _app(db, monkeypatch)
    assert "Data loaded 2026-03-03 06:00 (UTC)" in [c.value for c in at.sidebar.caption]
    # Loaded 3 days and a minute ago: the age shown in whole days.
    _loaded(db, datetime.now(UTC).replace(tzinfo=None) - timedelta(days=3, minutes=1))
    at = _app(db, monkeypatch)
    assert [w.value for w in at.sidebar.warning] == [
        "The data is 3 d old: nothing newer has been loaded. The Data page says whether a sync "
        "failed."
    ]
    # Loaded an hour ago: no warning.
    _loaded(db, datetime.now(UTC).replace(tzinfo=None) - timedelta(hours=1))
    assert not _app(db, monkeypatch).sidebar.warning


def test_the_data_page_says_a_sync_failed_until_a_load_succeeds(tmp_path, exports, monkeypatch):
    db = tmp_path / "aftermath.duckdb"
    _loaded(db, datetime(2026, 3, 3, 6, 0))
    status = {
        "started_at": "2026-03-04T06:00:00+00:00",
        "finished_at": "2026-03-04T06:01:00+00:00",
        "ok": False,
        "message": "aftermath: incidents.csv: the column incident_id is missing",
    }
    sync_status_path(db).write_text(json.dumps(status))
    at = _app(db, monkeypatch, "app_pages/data.py")
    assert [e.value for e in at.error] == [
        "The sync at 2026-03-04 06:01 (UTC) failed, so the pages still show the data loaded "
        "before it. It is tried again at the next interval; what it said:"
    ]
    assert status["message"] in [t.value for t in at.text]
    # Loaded after the failure (by hand, or the next sync): the failure is history.
    _loaded(db, datetime(2026, 3, 4, 7, 0))
    assert not _app(db, monkeypatch, "app_pages/data.py").error

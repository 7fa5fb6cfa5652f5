"""`aftermath pull statuspage`: a real status page's incidents.json served on 127.0.0.1.

The served list is Emma's real `/api/v2/incidents.json` (../shared/realdata/statuspage/
emma_statuspage_2019): 22 incidents with 105 updates, most recent first.
"""

import copy
import json
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.pull_helpers import folder_bytes, load_counts, pull, serve

TABLES = ("incidents", "status_updates")


@pytest.fixture
def emma(realdata: Path) -> dict:
    return json.loads((realdata / "statuspage/emma_statuspage_2019/incidents.json").read_text())


def next_night(page: dict) -> dict:
    """The list a day later: a new incident on top (2 updates), a 5th update on the newest one
    (x0ljvc9m1wxj), and the two oldest gone from the list (it keeps 50; here, 22)."""
    later = copy.deepcopy(page)
    newest = later["incidents"][0]
    newest["incident_updates"].insert(
        0, {**newest["incident_updates"][0], "id": "upd-new", "status": "postmortem"}
    )
    newest["updated_at"] = "2019-02-22T09:00:00.000-06:00"
    fresh = copy.deepcopy(newest)
    fresh["id"] = "new00000001"
    fresh["incident_updates"] = fresh["incident_updates"][:2]
    later["incidents"] = [fresh, *later["incidents"][:-2]]
    later["page"]["updated_at"] = "2019-02-22T09:00:00.000-06:00"
    return later


def test_pull_keeps_history_and_loads_with_exact_counts(
    httpserver: HTTPServer, tmp_path: Path, emma: dict, capsys: pytest.CaptureFixture
) -> None:
    served = {"page": emma}
    # The first request is rate limited and the second fails for now: both retried.
    serve(httpserver, "/api/v2/incidents.json", lambda r: served["page"], failures={1: 429, 2: 503})
    out = tmp_path / "exports"
    assert pull("statuspage", httpserver.url_for("/"), "--out", str(out)) == 0
    captured = capsys.readouterr()
    assert "rate limited (429), waiting 0 s" in captured.err
    assert "server error (503), waiting 0 s" in captured.err
    assert "22 incidents (22 new, 0 changed)" in captured.out
    assert load_counts(out, tmp_path / "a.duckdb", TABLES) == {
        "incidents": 22,
        "status_updates": 105,
    }

    served["page"] = next_night(emma)
    assert pull("statuspage", httpserver.url_for("/"), "--out", str(out)) == 0
    # 22 kept + 1 new = 23 incidents (the two that left the list stay); updates 105 + the
    # newest's 5th + the new incident's 2 = 108.
    assert "23 incidents (1 new, 1 changed)" in capsys.readouterr().out
    assert load_counts(out, tmp_path / "b.duckdb", TABLES) == {
        "incidents": 23,
        "status_updates": 108,
    }
    # The pull folder alone loads the same (DIR = DIR/SOURCE).
    assert load_counts(out / "statuspage", tmp_path / "c.duckdb", TABLES)["incidents"] == 23


def test_a_page_that_is_not_json_fails_and_keeps_the_earlier_pull(
    httpserver: HTTPServer, tmp_path: Path, emma: dict, capsys: pytest.CaptureFixture
) -> None:
    out = tmp_path / "exports"
    httpserver.expect_oneshot_request("/api/v2/incidents.json").respond_with_json(emma)
    assert pull("statuspage", httpserver.url_for("/"), "--out", str(out)) == 0
    before = folder_bytes(out)
    httpserver.expect_request("/api/v2/incidents.json").respond_with_data(
        "<html><body>Sign in</body></html>", content_type="text/html"
    )
    capsys.readouterr()
    assert pull("statuspage", httpserver.url_for("/"), "--out", str(out), "--quiet") == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "answered with text/html, not JSON (it starts '<html><body>Sign in" in err
    assert folder_bytes(out) == before


def test_an_address_without_a_status_page(httpserver: HTTPServer, tmp_path: Path, capsys) -> None:
    httpserver.expect_request("/api/v2/incidents.json").respond_with_json(
        {"error": "Not found"}, status=404
    )
    assert pull("statuspage", httpserver.url_for("/"), "--out", str(tmp_path), "--quiet") == 1
    err = capsys.readouterr().err
    assert "/api/v2/incidents.json not found (404): Not found. Is http://127.0.0.1:" in err
    assert not (tmp_path / "statuspage").exists()
    assert [p.name for p in tmp_path.iterdir()] == []


def test_a_folder_no_pull_wrote_is_left_alone(tmp_path: Path, capsys) -> None:
    own = tmp_path / "statuspage"
    own.mkdir()
    (own / "incidents.json").write_text("[]")
    assert pull("statuspage", "http://127.0.0.1:9", "--out", str(tmp_path), "--quiet") == 1
    assert capsys.readouterr().err == (
        f"aftermath: {own} exists and no pull wrote it; move it away or pull into another "
        "--out folder\n"
    )
    assert (own / "incidents.json").read_text() == "[]"

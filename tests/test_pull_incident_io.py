"""`aftermath pull incident_io`: incident.io answered on 127.0.0.1, paged by
`pagination_meta.after`.

Page 1 is incident.io's own recorded incident (INC-1, ../shared/realdata/formats/incident_io),
page 2 the project's fixture (INC-12, INC-13); the follow-ups are the recorded one (on INC-1)
and the fixture's three (two on INC-12, one on an incident not in the export).
"""

import json
from datetime import UTC, datetime
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request

from tests.pull_helpers import asked, holds_secret, load_counts, pull, serve

FIXTURES = Path(__file__).parent / "fixtures" / "vendors" / "incident_io"
KEY = "inc-io-key-s3cr3t-1111"
TABLES = ("incidents", "postmortems", "action_items")


def test_pull_pages_by_cursor_then_asks_for_what_was_updated(
    httpserver: HTTPServer, realdata: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("INCIDENT_IO_API_KEY", KEY)
    recorded = realdata / "formats" / "incident_io"
    real = json.loads((recorded / "singer_tap_testdata_incidents.json").read_text())
    fixture = json.loads((FIXTURES / "incidents.json").read_text())["incidents"]
    served = {
        None: {"incidents": real, "pagination_meta": {"after": real[-1]["id"], "page_size": 1}},
        real[-1]["id"]: {"incidents": fixture, "pagination_meta": {"page_size": 250}},
    }
    follow_ups = json.loads((recorded / "singer_tap_testdata_follow_ups.json").read_text())
    follow_ups += json.loads((FIXTURES / "follow_ups.json").read_text())["follow_ups"]
    answers = {"follow_ups": follow_ups}

    def incidents(request: Request) -> dict:
        return served[request.args.get("after")]

    # The second page is rate limited, the wait said in the body as incident.io says it.
    serve(httpserver, "/v2/incidents", incidents, {2: 429}, wait_in_body=True)
    serve(httpserver, "/v2/follow_ups", lambda r: {"follow_ups": answers["follow_ups"]}, {1: 503})
    out = tmp_path / "exports"
    args = ("incident_io", "--base-url", httpserver.url_for("/"), "--out", str(out))
    assert pull(*args, "--since", "2023-01-01") == 0
    captured = capsys.readouterr()
    assert "incident.io: rate limited (429), waiting 0 s" in captured.err
    assert "incident.io: server error (503), waiting 0 s" in captured.err
    assert "3 incidents (3 new, 0 changed), 4 follow ups (4 new, 0 changed)" in captured.out
    incident_calls = asked(httpserver, "/v2/incidents")
    assert incident_calls[0] == {"page_size": "250", "created_at[gte]": "2023-01-01"}
    assert incident_calls[-1]["after"] == "01HDH3SMWK0C2D8TN41PVW61TA"
    # INC-1, INC-12, INC-13; INC-12 has a postmortem document; every follow-up is an action item
    # (the one on an unknown incident with a warning).
    assert load_counts(out, tmp_path / "a.duckdb", TABLES) == {
        "incidents": 3,
        "postmortems": 1,
        "action_items": 4,
    }

    # Next night: INC-13 changed, a new follow-up on it; only the updated incidents are listed.
    changed = {**fixture[1], "updated_at": "2024-05-08T10:00:00Z", "name": "Renamed"}
    served[None] = {"incidents": [changed], "pagination_meta": {"page_size": 250}}
    answers["follow_ups"] = [*follow_ups, {**follow_ups[-1], "id": "01FU4"}]
    httpserver.clear_log()
    assert pull(*args) == 0
    assert "3 incidents (0 new, 1 changed), 5 follow ups (1 new, 0 changed)" in (
        capsys.readouterr().out
    )
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    assert asked(httpserver, "/v2/incidents") == [{"page_size": "250", "updated_at[gte]": today}]
    assert load_counts(out, tmp_path / "b.duckdb", TABLES)["action_items"] == 5
    assert holds_secret(tmp_path, KEY) == []


def test_unauthorized(httpserver: HTTPServer, tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("INCIDENT_IO_API_KEY", KEY)
    httpserver.expect_request("/v2/incidents").respond_with_json(
        {"type": "authentication_error", "status": 401, "errors": [{"message": "Invalid key"}]},
        status=401,
    )
    args = ("incident_io", "--base-url", httpserver.url_for("/"), "--out", str(tmp_path))
    assert pull(*args, "--quiet") == 1
    err = capsys.readouterr().err
    assert err == (
        "aftermath: incident.io: unauthorized (401): Invalid key. Check INCIDENT_IO_API_KEY "
        "(Settings → API keys, with read access).\n"
    )
    assert KEY not in err

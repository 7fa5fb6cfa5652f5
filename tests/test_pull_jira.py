"""`aftermath pull jira`: Jira Cloud's `/rest/api/3/search/jql` answered on 127.0.0.1, paged by
`nextPageToken`.

Page 1 is the project's fixture (OPS-101..104, tests/fixtures/vendors/jira/search.json), page 2
the 33 real Jira Cloud issues DevLake recorded (../shared/realdata/peer/devlake/jira), which
name no incident.
"""

import csv
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request

from tests.pull_helpers import asked, db_rows, holds_secret, load, pull, serve

FIXTURES = Path(__file__).parent / "fixtures" / "vendors" / "jira"
TOKEN = "jira-token-s3cr3t-2222"


def recorded_issues(realdata: Path) -> list[dict]:
    csv.field_size_limit(1 << 26)
    path = realdata / "peer/devlake/jira/raw_tables/_raw_jira_api_issues.csv"
    with open(path, newline="") as f:
        return [json.loads(row["data"]) for row in csv.DictReader(f)]


def load_report(folder: Path, db: Path) -> list[tuple]:
    """(rows read, loaded, rejected) of the action items, as the load report gives them."""
    load(folder, db)
    return db_rows(
        db,
        "select rows_read, rows_loaded, rows_rejected from load_report "
        "where table_name = 'action_items'",
    )


def test_pull_pages_by_token_then_asks_for_what_was_updated(
    httpserver: HTTPServer, realdata: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("JIRA_EMAIL", "ops@example.com")
    monkeypatch.setenv("JIRA_API_TOKEN", TOKEN)
    fixture = json.loads((FIXTURES / "search.json").read_text())["issues"]
    served = {
        None: {"issues": fixture, "nextPageToken": "p2", "isLast": False},
        "p2": {"issues": recorded_issues(realdata), "isLast": True},
    }

    def search(request: Request) -> dict:
        return served[request.args.get("nextPageToken")]

    serve(httpserver, "/rest/api/3/search/jql", search, {2: 429})
    out = tmp_path / "exports"
    args = ("jira", "--site", httpserver.url_for("/"), "--jql", "project = OPS", "--out", str(out))
    assert pull(*args, "--since", "2020-01-01") == 0
    captured = capsys.readouterr()
    assert "Jira: rate limited (429), waiting 0 s" in captured.err
    assert "37 issues (37 new, 0 changed)" in captured.out
    searches = asked(httpserver, "/rest/api/3/search/jql")
    assert searches[0] == {
        "jql": '(project = OPS) AND updated >= "2020-01-01 00:00" ORDER BY updated ASC',
        "fields": "*navigable",
        "maxResults": "100",
    }
    assert searches[-1]["nextPageToken"] == "p2"
    # 4 + 33 read; OPS-101..103 name their incident (label, link, parent), OPS-104 and the 33
    # recorded issues name none and are rejected with that reason.
    assert load_report(out, tmp_path / "a.duckdb") == [(37, 3, 34)]

    began = datetime.now(UTC)
    served[None] = {
        "issues": [
            {**fixture[3], "fields": {**fixture[3]["fields"], "labels": ["incident:INC-7"]}}
        ],
        "isLast": True,
    }
    httpserver.clear_log()
    assert pull(*args) == 0
    assert "37 issues (0 new, 1 changed)" in capsys.readouterr().out
    [search] = asked(httpserver, "/rest/api/3/search/jql")
    # The last pull's start less a day (JQL reads dates in the user's zone).
    since = datetime.strptime(search["jql"].split('"')[1], "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
    assert timedelta(hours=23, minutes=58) < began - since < timedelta(days=1, minutes=2)
    assert load_report(out, tmp_path / "b.duckdb") == [(37, 4, 33)]
    assert holds_secret(tmp_path, TOKEN) == []


def test_a_bad_query_gets_the_api_s_own_words(
    httpserver: HTTPServer, tmp_path: Path, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("JIRA_EMAIL", "ops@example.com")
    monkeypatch.setenv("JIRA_API_TOKEN", TOKEN)
    httpserver.expect_request("/rest/api/3/search/jql").respond_with_json(
        {"errorMessages": ["Error in the JQL Query: 'projekt' is not a field."]}, status=400
    )
    args = ("jira", "--site", httpserver.url_for("/"), "--jql", "projekt = OPS")
    assert pull(*args, "--out", str(tmp_path), "--quiet") == 1
    assert capsys.readouterr().err == (
        "aftermath: Jira: 127.0.0.1/rest/api/3/search/jql refused the request (400): Error in "
        "the JQL Query: 'projekt' is not a field.\n"
    )

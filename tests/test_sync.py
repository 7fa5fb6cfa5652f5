"""`aftermath sync`: aftermath.toml's sources pulled from APIs on 127.0.0.1, then loaded.

The status page serves Emma's real incidents.json (22 incidents, 105 updates) and Zendesk the
pages of tests/test_pull_zendesk.py (problem 100 and 10 customer tickets, 5 comments).
"""

import json
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from aftermath.cli import main
from aftermath.errors import InputError
from aftermath.pull.config import read_config
from tests.pull_helpers import db_rows, holds_secret, serve
from tests.test_pull_zendesk import TOKEN, FakeZendesk


def write_config(folder: Path, text: str) -> Path:
    path = folder / "aftermath.toml"
    path.write_text(text)
    return path


def counts(db: Path) -> dict[str, int]:
    tables = ("incidents", "status_updates", "tickets", "ticket_events")
    return {t: db_rows(db, f"select count(*) from {t}")[0][0] for t in tables}


def test_sync_pulls_every_source_then_loads_them(
    httpserver: HTTPServer, realdata: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("ZENDESK_EMAIL", "agent@example.com")
    monkeypatch.delenv("ZENDESK_API_TOKEN", raising=False)
    (tmp_path / "zendesk-token").write_text(TOKEN + "\n")
    emma = json.loads((realdata / "statuspage/emma_statuspage_2019/incidents.json").read_text())
    status = {"page": emma}
    serve(httpserver, "/status/api/v2/incidents.json", lambda r: status["page"])
    fake = FakeZendesk(httpserver, realdata)
    config = write_config(
        tmp_path,
        f"""
[login]
password_hash = "belongs to serve: left alone here"

[sync]
out = "exports"
db = "aftermath.duckdb"

[sources.statuspage]
url = "{httpserver.url_for("/status")}"

[sources.zendesk]
base_url = "{httpserver.url_for("/")}"
since = 2024-01-01
key_files = {{ ZENDESK_API_TOKEN = "zendesk-token" }}
""",
    )
    assert main(["sync", "--config", str(config)]) == 0
    captured = capsys.readouterr()
    assert "loading" in captured.err and "in full: the pulled vendor exports (statuspage, " in (
        captured.err
    )
    # 22 status-page incidents + problem 100; 105 updates; 10 customer tickets, 5 comments.
    assert counts(tmp_path / "aftermath.duckdb") == {
        "incidents": 23,
        "status_updates": 105,
        "tickets": 10,
        "ticket_events": 5,
    }

    # The next night: Zendesk from its saved cursors (102 changed, 104 new, a comment on 102);
    # the status page fails, so its previous pull is loaded and sync says so.
    fake.night = 2
    httpserver.clear_log()
    status["page"] = "not a page"
    assert main(["sync", "--config", str(config), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "aftermath: Statuspage: 127.0.0.1/status/api/v2/incidents.json answered with JSON " in (
        err
    )
    assert err.endswith("aftermath: sync: Statuspage failed; loaded their previous pull\n")
    assert counts(tmp_path / "aftermath.duckdb") == {
        "incidents": 23,
        "status_updates": 105,
        "tickets": 11,
        "ticket_events": 6,
    }
    assert holds_secret(tmp_path / "exports", TOKEN) == []
    assert holds_secret(tmp_path, TOKEN) == [str(tmp_path / "zendesk-token")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[sources.zendesk]\nsubdomain = "acme"\napi_token = "abc"\n',
            "[sources.zendesk]: 'api_token' looks like a key, and keys never go in this file: "
            "set ZENDESK_EMAIL and ZENDESK_API_TOKEN in the environment, or name a file in "
            "key_files",
        ),
        (
            '[sources.zendesk]\nsubdmain = "acme"\n',
            "[sources.zendesk]: unknown option 'subdmain'; known: base_url, key_files, since, "
            "subdomain",
        ),
        ("[sources.freshdesk]\n", "[sources.freshdesk]: unknown source; known: statuspage, "),
        ('[serve]\naddress = "0.0.0.0"\n', "no [sources.NAME] table; list at least one of "),
        (
            '[sources.jira]\nsite = "x"\njql = "y"\nkey_files = { JIRA_API_TOKEN = "nope" }\n',
            "[sources.jira]: cannot read the key file ",
        ),
        ("[sources.pagerduty\n", "not valid TOML"),
    ],
)
def test_config_mistakes_are_one_message(tmp_path: Path, text: str, message: str) -> None:
    path = write_config(tmp_path, text)
    with pytest.raises(InputError) as raised:
        read_config(path)
    assert str(raised.value).startswith(f"{path}: ")
    assert message in str(raised.value)


def test_no_config_file(tmp_path: Path, capsys) -> None:
    assert main(["sync", "--config", str(tmp_path / "aftermath.toml")]) == 1
    assert "aftermath.toml: no such file. Write one listing your sources" in (
        capsys.readouterr().err
    )

"""`aftermath pull zendesk`: a Zendesk answered on 127.0.0.1, paginated as Zendesk does.

Tickets: the cursor export, page 1 the project's fixture (problem 100 and tickets 101-103, with
103's metric set), page 2 zenpy's real recorded page (tickets 28-38, 7 of them), followed by
`after_url` until `end_of_stream`. Ticket events: tests/fixtures/vendors/zendesk/ticket_events.json
(ticket 101's 5 comments and a status change), two pages linked by `next_page`.
"""

import json
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request

from tests.pull_helpers import asked, db_rows, folder_bytes, holds_secret, load_counts, pull, serve

FIXTURES = Path(__file__).parent / "fixtures" / "vendors" / "zendesk"
TOKEN = "zd-token-s3cr3t-0000"
TABLES = ("incidents", "tickets", "ticket_events")
USERS = {
    "7001": {"id": 7001, "name": "Sam Customer", "role": "end-user"},
    "7002": {"id": 7002, "name": "Kim Customer", "role": "end-user"},
    "900": {"id": 900, "name": "Alex Agent", "role": "agent"},
}


class FakeZendesk:
    """The three endpoints a pull asks, over fixed pages; `night` 2 is the next day's changes."""

    def __init__(self, server: HTTPServer, realdata: Path) -> None:
        self.server = server
        self.night = 1
        fixture = json.loads((FIXTURES / "tickets.json").read_text())
        real = json.loads(
            (
                realdata / "formats/zendesk/zenpy_betamax_incremental_tickets_per_page1.json"
            ).read_text()
        )
        self.ticket_pages = {
            None: (fixture["tickets"], fixture["metric_sets"], "c1"),
            "c1": (real["tickets"], [], "c2"),
        }
        changed = {
            **fixture["tickets"][2],
            "status": "solved",
            "updated_at": "2024-05-06T12:00:00Z",
        }
        new = {**fixture["tickets"][1], "id": 104, "organization_id": 503, "requester_id": 7004}
        self.ticket_pages["c2"] = ([changed, new], [], "c3")
        events = json.loads((FIXTURES / "ticket_events.json").read_text())["ticket_events"]
        later = {
            **events[0],
            "id": 20,
            "ticket_id": 102,
            "timestamp": 1715000000,
            "updater_id": 7002,
            "child_events": [
                {**events[0]["child_events"][0], "author_id": 7002, "body": "Any news?"}
            ],
        }
        # start_time → (events, next start_time, last page?)
        self.event_pages = {
            "0": (events[:3], events[2]["timestamp"], False),
            str(events[2]["timestamp"]): (events[3:], events[-1]["timestamp"], True),
            str(events[-1]["timestamp"]): ([later], later["timestamp"], True),
        }
        self.first_event_start = None
        serve(server, "/api/v2/incremental/tickets/cursor.json", self.tickets, {2: 429})
        serve(server, "/api/v2/incremental/ticket_events.json", self.events, {2: 503})
        serve(server, "/api/v2/users/show_many.json", self.users)

    def tickets(self, request: Request) -> dict:
        tickets, metric_sets, after = self.ticket_pages[request.args.get("cursor")]
        url = self.server.url_for(f"/api/v2/incremental/tickets/cursor.json?cursor={after}")
        return {
            "tickets": tickets,
            "metric_sets": metric_sets,
            "after_cursor": after,
            "after_url": url,
            "before_cursor": None,
            "end_of_stream": after != "c1",
        }

    def events(self, request: Request) -> dict:
        start = request.args["start_time"]
        if self.night == 1 and self.first_event_start is None:
            self.first_event_start = start
            start = "0"
        events, end_time, last = self.event_pages[start]
        url = f"/api/v2/incremental/ticket_events.json?start_time={end_time}&include=comment_events"
        return {
            "ticket_events": events,
            "next_page": None if last else self.server.url_for(url),
            "count": len(events),
            "end_of_stream": last,
            "end_time": end_time,
        }

    def users(self, request: Request) -> dict:
        return {"users": [USERS[i] for i in request.args["ids"].split(",") if i in USERS]}


@pytest.fixture
def keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZENDESK_EMAIL", "agent@example.com")
    monkeypatch.setenv("ZENDESK_API_TOKEN", TOKEN)


def zendesk_at(base_url: str, out: Path, *more: str) -> int:
    return pull("zendesk", "--base-url", base_url, "--out", str(out), *more)


def zendesk(server: HTTPServer, out: Path, *more: str) -> int:
    return zendesk_at(server.url_for("/"), out, *more)


def test_pull_then_pull_again_from_the_saved_cursors(
    httpserver: HTTPServer, realdata: Path, tmp_path: Path, keys: None, capsys
) -> None:
    fake = FakeZendesk(httpserver, realdata)
    out = tmp_path / "exports"
    assert zendesk(httpserver, out, "--since", "2024-01-01") == 0
    captured = capsys.readouterr()
    assert "Zendesk: rate limited (429), waiting 0 s" in captured.err
    assert "Zendesk: server error (503), waiting 0 s" in captured.err
    # 2024-01-01T00:00:00Z is 1704067200 in epoch seconds.
    assert fake.first_event_start == "1704067200"
    # The side-load goes on with the cursor (after_url leaves it out); the 429 asked again.
    assert asked(httpserver, "/api/v2/incremental/tickets/cursor.json") == [
        {"include": "metric_sets", "start_time": "1704067200"},
        {"cursor": "c1", "include": "metric_sets"},
        {"cursor": "c1", "include": "metric_sets"},
    ]
    # 4 fixture + 7 real = 11 tickets; 5 of the 6 events carry a comment (one is a status change).
    assert "11 tickets (11 new, 0 changed), 5 ticket events (5 new, 0 changed)" in captured.out
    # The authors 1 (the trigger), 900 and 7001 asked in one call; 1 is not a user Zendesk has.
    assert asked(httpserver, "/api/v2/users/show_many.json") == [{"ids": "1,7001,900"}]
    # Problem 100 is the incident; 10 customer tickets; the 5 comments.
    assert load_counts(out, tmp_path / "a.duckdb", TABLES) == {
        "incidents": 1,
        "tickets": 10,
        "ticket_events": 5,
    }
    roles = db_rows(
        tmp_path / "a.duckdb",
        "select author_role, count(*) from ticket_events group by all order by all",
    )
    # 7001 is an end-user (2 comments), 900 an agent (2), the trigger's comment is the system.
    assert roles == [("agent", 2), ("customer", 2), ("system", 1)]

    fake.night = 2
    httpserver.clear_log()
    assert zendesk(httpserver, out) == 0
    # The saved cursor and end_time, not --since: only the night's changes come back.
    assert asked(httpserver, "/api/v2/incremental/tickets/cursor.json") == [
        {"include": "metric_sets", "cursor": "c2"}
    ]
    assert (
        asked(httpserver, "/api/v2/incremental/ticket_events.json")[0]["start_time"] == "1714644000"
    )
    assert asked(httpserver, "/api/v2/users/show_many.json") == [{"ids": "7002"}]
    # Ticket 102 changed (solved), 104 is new; one new comment on 102.
    assert "12 tickets (1 new, 1 changed), 6 ticket events (1 new, 0 changed)" in (
        capsys.readouterr().out
    )
    assert load_counts(out, tmp_path / "b.duckdb", TABLES) == {
        "incidents": 1,
        "tickets": 11,
        "ticket_events": 6,
    }
    [(solved,)] = db_rows(
        tmp_path / "b.duckdb", "select solved_at from tickets where ticket_id = '102'"
    )
    assert solved.isoformat() == "2024-05-06T12:00:00"  # stored in UTC
    assert holds_secret(tmp_path, TOKEN) == []


def test_a_failed_pull_leaves_the_earlier_one_byte_for_byte(
    httpserver: HTTPServer, realdata: Path, tmp_path: Path, keys: None, capsys
) -> None:
    FakeZendesk(httpserver, realdata)
    out = tmp_path / "exports"
    assert zendesk(httpserver, out, "--since", "2024-01-01", "--quiet") == 0
    before = folder_bytes(out)
    httpserver.clear_all_handlers()
    # The ticket export answers; the events endpoint keeps failing.
    httpserver.expect_request("/api/v2/incremental/tickets/cursor.json").respond_with_json(
        {"tickets": [], "after_cursor": "c9", "end_of_stream": True}
    )
    httpserver.expect_request("/api/v2/incremental/ticket_events.json").respond_with_data(
        "busy", status=503, headers={"Retry-After": "0"}
    )
    capsys.readouterr()
    assert zendesk(httpserver, out, "--quiet") == 1
    err = capsys.readouterr().err
    assert err == (
        "aftermath: Zendesk: 127.0.0.1/api/v2/incremental/ticket_events.json still failing "
        "after 6 tries (503); try again later\n"
    )
    assert folder_bytes(out) == before
    assert sorted(p.name for p in out.iterdir()) == ["zendesk"]


def test_a_wrong_key_is_one_line_without_the_key(
    httpserver: HTTPServer, tmp_path: Path, keys: None, capsys
) -> None:
    httpserver.expect_request("/api/v2/incremental/tickets/cursor.json").respond_with_json(
        {"error": "Couldn't authenticate you"}, status=401
    )
    assert zendesk(httpserver, tmp_path, "--quiet") == 1
    err = capsys.readouterr().err
    assert err == (
        "aftermath: Zendesk: unauthorized (401): Couldn't authenticate you. Check ZENDESK_EMAIL "
        "and ZENDESK_API_TOKEN (an API token of that agent).\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_keys_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.delenv("ZENDESK_API_TOKEN", raising=False)
    monkeypatch.setenv("ZENDESK_EMAIL", "agent@example.com")
    assert pull("zendesk", "--subdomain", "acme", "--out", str(tmp_path)) == 1
    assert capsys.readouterr().err == (
        "aftermath: Zendesk: ZENDESK_API_TOKEN is not set; export it in the environment (keys "
        "are never read from the command line or written anywhere)\n"
    )


def test_a_base_url_that_is_no_address(tmp_path: Path, keys: None, capsys) -> None:
    assert zendesk_at("acme.example.com/api", tmp_path) == 1
    assert capsys.readouterr().err == (
        "aftermath: Zendesk: 'acme.example.com/api' is not a web address (https://...)\n"
    )


def test_a_cursor_that_does_not_move_is_stopped(
    httpserver: HTTPServer, tmp_path: Path, keys: None, capsys
) -> None:
    stuck = httpserver.url_for("/api/v2/incremental/tickets/cursor.json?cursor=same")
    httpserver.expect_request("/api/v2/incremental/tickets/cursor.json").respond_with_json(
        {"tickets": [], "after_cursor": "same", "after_url": stuck, "end_of_stream": False}
    )
    assert zendesk(httpserver, tmp_path, "--quiet") == 1
    # The first page, then the stuck cursor once; its second naming is refused.
    assert len(httpserver.log) == 2
    assert capsys.readouterr().err == (
        "aftermath: Zendesk: the API named a page it had already given "
        "(127.0.0.1/api/v2/incremental/tickets/cursor.json); stopped there\n"
    )

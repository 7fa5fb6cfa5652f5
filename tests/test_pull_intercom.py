"""`aftermath pull intercom`: Intercom answered on 127.0.0.1, searched by `updated_at` and paged
by `pages.next.starting_after`, each result then fetched whole (with its parts).

Conversations: the project's fixture (1001 with 3 parts, 1002) and Intercom's own API 2.16
example (503, ../shared/realdata/formats/intercom); tickets: the fixture's tracker ticket (2001)
and the example ticket (631).
"""

import copy
import json
import re
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request

from tests.pull_helpers import holds_secret, load_counts, pull, serve

FIXTURES = Path(__file__).parent / "fixtures" / "vendors" / "intercom"
TOKEN = "ic-token-s3cr3t-3333"
TABLES = ("incidents", "tickets", "ticket_events")


class FakeIntercom:
    def __init__(self, server: HTTPServer, realdata: Path) -> None:
        examples = json.loads(
            (realdata / "formats/intercom/intercom_openapi_2.16_examples.json").read_text()
        )
        fixture = json.loads((FIXTURES / "conversations.json").read_text())["conversations"]
        tracker = json.loads((FIXTURES / "tracker_ticket.json").read_text())
        self.whole = {
            "conversations": {
                c["id"]: c for c in [*fixture, examples["GET /conversations/{conversation_id}"]]
            },
            "tickets": {t["id"]: t for t in [tracker, examples["GET /tickets/{ticket_id}"]]},
        }
        self.found = {kind: list(found) for kind, found in self.whole.items()}
        self.bodies: list[dict] = []
        for kind in self.whole:
            serve(server, f"/{kind}/search", self.search(kind), {2: 429}, method="POST")
            serve(server, re.compile(rf"/{kind}/\w+$"), self.fetch(kind), method="GET")

    def search(self, kind: str):
        def answer(request: Request) -> dict:
            body = request.get_json()
            self.bodies.append({"kind": kind, **body})
            # Two results a page: the cursor is the index of the next one.
            at = int(body["pagination"].get("starting_after") or 0)
            ids = self.found[kind][at : at + 2]
            # A search result has no parts.
            results = [
                {k: v for k, v in self.whole[kind][i].items() if not k.endswith("_parts")}
                for i in ids
            ]
            more = at + 2 < len(self.found[kind])
            pages = {"type": "pages", "per_page": 2}
            if more:
                pages["next"] = {"page": at // 2 + 2, "starting_after": str(at + 2)}
            return {"type": f"{kind[:-1]}.list", kind: results, "pages": pages}

        return answer

    def fetch(self, kind: str):
        return lambda request: self.whole[kind][request.path.rsplit("/", 1)[1]]


def test_pull_searches_then_fetches_whole_then_asks_for_what_was_updated(
    httpserver: HTTPServer, realdata: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("INTERCOM_TOKEN", TOKEN)
    fake = FakeIntercom(httpserver, realdata)
    out = tmp_path / "exports"
    args = ("intercom", "--base-url", httpserver.url_for("/"), "--out", str(out))
    assert pull(*args, "--since", "2024-01-01") == 0
    captured = capsys.readouterr()
    assert "Intercom: rate limited (429), waiting 0 s" in captured.err
    assert "3 conversations (3 new, 0 changed), 2 tickets (2 new, 0 changed)" in captured.out
    # 2024-01-01T00:00:00Z = 1704067200; two pages of conversations, one of tickets.
    assert fake.bodies[0] == {
        "kind": "conversations",
        "query": {"field": "updated_at", "operator": ">", "value": 1704067200},
        "pagination": {"per_page": 150},
    }
    # Conversations: page 1, then page 2 (its 429 never reached the search); tickets: one page.
    assert [b["pagination"].get("starting_after") for b in fake.bodies] == [None, "2", None]
    # Tickets 1001, 1002, 503 (conversations) and 631 (a customer ticket); tracker 2001 is the
    # incident; comments: 1001's two parts with a body and the example's one ("Okay!").
    assert load_counts(out, tmp_path / "a.duckdb", TABLES) == {
        "incidents": 1,
        "tickets": 4,
        "ticket_events": 3,
    }

    # Next: conversation 1002 was updated an hour later; only it is found again.
    whole = fake.whole["conversations"]["1002"]
    later = copy.deepcopy(whole)
    later["updated_at"] = whole["updated_at"] + 3600
    fake.whole["conversations"]["1002"] = later
    fake.found = {"conversations": ["1002"], "tickets": []}
    fake.bodies.clear()
    assert pull(*args) == 0
    assert "3 conversations (0 new, 1 changed), 2 tickets (0 new, 0 changed)" in (
        capsys.readouterr().out
    )
    # The latest updated_at seen (the example's 1734537511), less a second: the search has no >=.
    assert [b["query"]["value"] for b in fake.bodies] == [1734537510, 1734537975]
    assert holds_secret(tmp_path, TOKEN) == []

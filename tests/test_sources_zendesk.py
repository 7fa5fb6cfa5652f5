"""Zendesk adapter: the real zenpy recordings in ../shared/realdata and documented-shape fixtures.

tests/fixtures/vendors/zendesk/ is written from Zendesk's documented API examples (see the
README there); the expected values below were read off those files by hand.
"""

import json
from pathlib import Path

import duckdb

from aftermath.ingest import vendors as sources
from aftermath.ingest.vendors import zendesk

FIXTURES = Path(__file__).parent / "fixtures" / "vendors" / "zendesk"


def records(rel: duckdb.DuckDBPyRelation) -> list[dict]:
    """The relation's rows as dicts, in file order."""
    rel = rel.order("_row")
    return [dict(zip(rel.columns, row, strict=True)) for row in rel.fetchall()]


def test_real_incremental_export_page(realdata: Path) -> None:
    path = realdata / "formats" / "zendesk" / "zenpy_betamax_incremental_tickets_per_page1.json"
    out = zendesk.read(duckdb.connect(), path, {})
    tickets = records(out["tickets"])
    # 7 tickets, ids 28, 29, 37, 38, 30, 31, 32 in file order; all new, via api, one org.
    assert [t["ticket_id"] for t in tickets] == ["28", "29", "37", "38", "30", "31", "32"]
    assert tickets[0] == {
        "_row": 1,
        "ticket_id": "28",
        "created_at": "2023-09-18T15:57:42Z",
        "account_id": "6130869157658",
        "subject": "test",
        "description": "test",
        "tags": "[]",
        "channel": "api",
        "priority": None,
        "solved_at": None,
        "incident_id": None,
    }
    assert out["incidents"].fetchall() == []
    assert out["ticket_events"].fetchall() == []


def test_real_documented_ticket_links_its_problem(realdata: Path) -> None:
    # Zendesk's own example ticket: type incident, problem_id 10, organization 256244608.
    path = realdata / "formats" / "zendesk" / "zenpy_spec_ticket.json"
    [ticket] = records(zendesk.read(duckdb.connect(), path, {})["tickets"])
    assert ticket["ticket_id"] == "1"
    assert ticket["incident_id"] == "10"
    assert ticket["account_id"] == "256244608"
    assert ticket["tags"] == '["sample","zendesk"]'
    assert (ticket["channel"], ticket["priority"]) == ("sample_ticket", "high")
    # Status pending: not solved.
    assert ticket["solved_at"] is None


def test_real_audit_gives_its_comment(tmp_path: Path, realdata: Path) -> None:
    # The recorded response holds a ticket and its creation audit; the audit alone is what
    # GET /api/v2/tickets/7/audits/ID.json returns.
    recorded = json.loads((realdata / "formats/zendesk/zenpy_spec_ticket_audit.json").read_text())
    path = tmp_path / "audit.json"
    path.write_text(json.dumps({"audit": recorded["audit"]}))
    assert sources.detect(path) == (
        "zendesk",
        "JSON with ticket audits having 'ticket_id' and 'events' → Zendesk",
    )
    # 10 events, one of type Comment; no users side-loaded, public: role unknown.
    assert records(zendesk.read(duckdb.connect(), path, {})["ticket_events"]) == [
        {
            "_row": 1,
            "ticket_id": "7",
            "created_at": "2015-08-29T03:45:36Z",
            "author_role": None,
            "body": "THIS IS MY FUNCY COMMENT",
        }
    ]


def test_problem_ticket_is_an_incident_and_links_its_incidents() -> None:
    out = zendesk.read(duckdb.connect(), FIXTURES / "tickets.json", {})
    # Ticket 100 is type problem: an incident, not a customer ticket.
    assert records(out["incidents"]) == [
        {
            "_row": 1,
            "incident_id": "100",
            "title": "Card payments failing at checkout",
            "severity": 1,  # priority urgent
            "started_at": "2024-05-01T09:00:00Z",
            "resolved_at": "2024-05-01T13:00:00Z",  # solved: updated_at
        }
    ]
    tickets = {t["ticket_id"]: t for t in records(out["tickets"])}
    assert sorted(tickets) == ["101", "102", "103"]
    # 101: incident ticket of problem 100, organization 501, closed → solved at updated_at.
    assert tickets["101"]["incident_id"] == "100"
    assert tickets["101"]["account_id"] == "501"
    assert tickets["101"]["solved_at"] == "2024-05-02T10:00:00Z"
    # 102: no organization → the requester is the account; open; not linked.
    assert tickets["102"]["account_id"] == "7002"
    assert (tickets["102"]["solved_at"], tickets["102"]["incident_id"]) == (None, None)
    # 103: solved 09:30 by updated_at, but the side-loaded metric set says 09:00.
    assert tickets["103"]["solved_at"] == "2024-05-03T09:00:00Z"
    assert tickets["103"]["channel"] == "chat"


def test_link_field_as_custom_field_or_tag_prefix() -> None:
    path = FIXTURES / "tickets.json"
    by_field = records(zendesk.read(duckdb.connect(), path, {"link_field": "360001"})["tickets"])
    # Custom field 360001 holds INC-7 on ticket 101 only; it wins over problem_id.
    assert [(t["ticket_id"], t["incident_id"]) for t in by_field] == [
        ("101", "INC-7"),
        ("102", None),
        ("103", None),
    ]
    by_tag = records(zendesk.read(duckdb.connect(), path, {"link_field": "incident_"})["tickets"])
    # Tag incident_inc-7 on ticket 102; ticket 101 keeps its problem link.
    assert [(t["ticket_id"], t["incident_id"]) for t in by_tag] == [
        ("101", "100"),
        ("102", "inc-7"),
        ("103", None),
    ]


def test_comments_folder_named_by_ticket_with_users_sideloaded() -> None:
    folder = FIXTURES / "comments"
    assert sources.detect(folder) == (
        "zendesk",
        "JSON with comments having 'author_id' and 'public' → Zendesk",
    )
    events = records(zendesk.read(duckdb.connect(), folder, {})["ticket_events"])
    # Ticket id from the file name 101.json; roles from the side-loaded users (7001 end-user,
    # 900 agent) and the trigger's via channel `rule`.
    assert [(e["ticket_id"], e["created_at"], e["author_role"]) for e in events] == [
        ("101", "2024-05-01T09:20:00Z", "customer"),
        ("101", "2024-05-01T09:45:00Z", "agent"),
        ("101", "2024-05-01T09:50:00Z", "agent"),
        ("101", "2024-05-02T08:00:00Z", "customer"),
        ("101", "2024-05-02T10:00:00Z", "system"),
    ]
    assert events[3]["body"] == "Still no refund. Is my data safe?"


def test_embedded_comments_of_a_full_json_export(tmp_path: Path) -> None:
    # The account's JSON export writes one ticket per line with its comments inside.
    lines = [
        {
            "id": 5,
            "requester_id": 70,
            "via": {"channel": "email"},
            "created_at": "2024-05-01T09:00:00Z",
            "status": "open",
            "comments": [
                {"author_id": 70, "body": "Help", "created_at": "2024-05-01T09:00:00Z"},
                {"author_id": 9, "body": "On it", "created_at": "2024-05-01T09:05:00Z"},
            ],
        },
        {"id": 6, "requester_id": 71, "via": {"channel": "web"}, "created_at": "x", "comments": []},
    ]
    path = tmp_path / "export.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines))
    events = zendesk.read(duckdb.connect(), path, {})["ticket_events"].order("created_at")
    assert events.fetchall() == [
        (1, "5", "2024-05-01T09:00:00Z", "customer", "Help"),
        (1, "5", "2024-05-01T09:05:00Z", "agent", "On it"),
    ]


def test_incremental_ticket_events_give_their_comments() -> None:
    path = FIXTURES / "ticket_events.json"
    assert sources.detect(path) == (
        "zendesk",
        "JSON with ticket events having 'ticket_id' and 'child_events' → Zendesk",
    )
    events = records(zendesk.read(duckdb.connect(), path, {})["ticket_events"])
    # 6 events, the 3rd a status change without a comment; no users side-loaded, so a role
    # only where the comment says it: private (agent) or the trigger's `rule` channel (system).
    assert [(e["_row"], e["created_at"], e["author_role"]) for e in events] == [
        (1, "2024-05-01T09:20:00Z", None),
        (2, "2024-05-01T09:45:00Z", None),
        (4, "2024-05-01T09:50:00Z", "agent"),
        (5, "2024-05-02T08:00:00Z", None),
        (6, "2024-05-02T10:00:00Z", "system"),
    ]
    assert {e["ticket_id"] for e in events} == {"101"}

"""Intercom adapter: Intercom's OpenAPI examples (../shared/realdata) and documented-shape fixtures.

tests/fixtures/vendors/intercom/ is written from Intercom's API 2.16 examples (README there).
Epoch seconds were converted by hand: 1714554000 = 2024-05-01T09:00:00Z, +600 s per 10 minutes.
"""

import json
from pathlib import Path

import duckdb

from aftermath.ingest import vendors as sources
from aftermath.ingest.vendors import intercom

FIXTURES = Path(__file__).parent / "fixtures" / "vendors" / "intercom"


def records(rel: duckdb.DuckDBPyRelation, order: str = "_row") -> list[dict]:
    """The relation's rows as dicts, in file order."""
    rel = rel.order(order)
    return [dict(zip(rel.columns, row, strict=True)) for row in rel.fetchall()]


def example(realdata: Path, tmp_path: Path, endpoint: str) -> Path:
    """One response example of the OpenAPI file, saved as the API would return it."""
    examples = json.loads(
        (realdata / "formats/intercom/intercom_openapi_2.16_examples.json").read_text()
    )
    path = tmp_path / "response.json"
    path.write_text(json.dumps(examples[endpoint]))
    return path


def test_real_conversation_example(realdata: Path, tmp_path: Path) -> None:
    path = example(realdata, tmp_path, "GET /conversations/{conversation_id}")
    out = intercom.read(duckdb.connect(), path, {})
    # created_at 1734537511 = 2024-12-18T15:58:31Z; state closed with no statistics, so solved
    # at updated_at (the same second); the contact's external_id "70" is the account.
    assert records(out["tickets"]) == [
        {
            "_row": 1,
            "ticket_id": "503",
            "created_at": "2024-12-18T15:58:31Z",
            "account_id": "70",
            "subject": None,
            "description": "this is the message body",
            "tags": '["Test tag"]',
            "channel": "conversation",
            "priority": None,
            "solved_at": "2024-12-18T15:58:31Z",
            "incident_id": None,
        }
    ]
    # 4 parts, one with a body: the admin's "<p>Okay!</p>" at 1663597223 = 2022-09-19T14:20:23Z.
    assert records(out["ticket_events"]) == [
        {
            "_row": 1,
            "ticket_id": "503",
            "created_at": "2022-09-19T14:20:23Z",
            "author_role": "agent",
            "body": "Okay!",
        }
    ]


def test_real_ticket_example(realdata: Path, tmp_path: Path) -> None:
    path = example(realdata, tmp_path, "GET /tickets/{ticket_id}")
    out = intercom.read(duckdb.connect(), path, {})
    # A Back-office ticket (not a tracker), state submitted, created 1734537974.
    [ticket] = records(out["tickets"])
    assert ticket["ticket_id"] == "631"
    assert ticket["created_at"] == "2024-12-18T16:06:14Z"
    assert ticket["subject"] == "attribute_value"
    assert ticket["account_id"] == "b16afa36-2637-4880-adee-a46d145bc27f"
    assert ticket["solved_at"] is None
    assert out["incidents"].fetchall() == []
    # Its one part is a state change without a body.
    assert out["ticket_events"].fetchall() == []


def test_conversations_linked_to_a_tracker_ticket() -> None:
    assert sources.detect(FIXTURES / "conversations.json") == (
        "intercom",
        "JSON object with 'conversations[]' having 'source' and 'contacts' → Intercom",
    )
    out = intercom.read(duckdb.connect(), FIXTURES, {})
    tickets = records(out["tickets"])
    assert [(t["ticket_id"], t["incident_id"]) for t in tickets] == [
        ("1001", "2001"),  # linked_objects: ticket 2001, category Tracker
        ("1002", None),
    ]
    first = tickets[0]
    assert first["created_at"] == "2024-05-01T09:00:00Z"
    assert first["solved_at"] == "2024-05-01T10:40:00Z"  # statistics.last_close_at 1714560000
    assert first["account_id"] == "acct-42"
    assert first["description"] == "The payment page shows an error & I can't pay"
    assert (first["priority"], first["tags"]) == ("high", '["billing"]')
    # The email conversation: subject from the source; no external_id → the contact id.
    assert (tickets[1]["subject"], tickets[1]["channel"]) == ("Export stuck", "email")
    assert tickets[1]["account_id"] == "6762f1261bb69f9f2193bbb8"
    # The tracker ticket is the incident: created 08:50, resolved, last updated 11:00.
    assert [
        (i["incident_id"], i["title"], i["started_at"], i["resolved_at"])
        for i in records(out["incidents"])
    ] == [("2001", "Payments outage", "2024-05-01T08:50:00Z", "2024-05-01T11:00:00Z")]
    # Parts with a body: the customer's at 09:10, the admin's at 09:20; the bot's close has none.
    assert [
        (e["ticket_id"], e["created_at"], e["author_role"], e["body"])
        for e in records(out["ticket_events"], "_row, created_at")
    ] == [
        ("1001", "2024-05-01T09:10:00Z", "customer", "Did it go through?"),
        ("1001", "2024-05-01T09:20:00Z", "agent", "We're on it: a fix is rolling out."),
    ]


def test_link_field_names_a_custom_attribute() -> None:
    out = intercom.read(
        duckdb.connect(), FIXTURES / "conversations.json", {"link_field": "Incident ID"}
    )
    # custom_attributes["Incident ID"] = INC-9 wins over the tracker link.
    assert [(t["ticket_id"], t["incident_id"]) for t in records(out["tickets"])] == [
        ("1001", "INC-9"),
        ("1002", None),
    ]

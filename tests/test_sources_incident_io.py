"""incident.io adapter: incident.io's own recorded test data (../shared/realdata) and fixtures.

tests/fixtures/vendors/incident_io/ is written in the shape of that recorded data (README
there); the expected values were read off the files by hand.
"""

import shutil
from pathlib import Path

import duckdb

from aftermath.ingest import vendors as sources
from aftermath.ingest.vendors import incident_io

FIXTURES = Path(__file__).parent / "fixtures" / "vendors" / "incident_io"


def records(rel: duckdb.DuckDBPyRelation) -> list[dict]:
    """The relation's rows as dicts, in file order."""
    rel = rel.order("_row")
    return [dict(zip(rel.columns, row, strict=True)) for row in rel.fetchall()]


def test_real_singer_tap_folder(realdata: Path) -> None:
    folder = realdata / "formats" / "incident_io"
    # Nine files; two are exports we read (incidents, follow-ups), the rest are lookups.
    assert sources.detect(folder) == (
        "incident_io",
        "folder with incidents having 'incident_timestamp_values' and follow-ups having "
        "'incident_id' and 'external_issue_reference' → incident.io",
    )
    out = incident_io.read(duckdb.connect(), folder, {})
    # INC-1, severity Minor → 3; only "Reported at" is set, so it is the start; not resolved.
    assert records(out["incidents"]) == [
        {
            "_row": 1,
            "incident_id": "INC-1",
            "title": "teal-ostrich",
            "severity": 3,
            "services": None,
            "started_at": "2023-10-24T15:10:35.411Z",
            "detected_at": "2023-10-24T15:10:35.411Z",
            "mitigated_at": None,
            "resolved_at": None,
        }
    ]
    assert out["postmortems"].fetchall() == []
    # One follow-up, on incident 01HDH3SMWK0C2D8TN41PVW61TA = INC-1, priority Low.
    assert records(out["action_items"]) == [
        {
            "_row": 1,
            "action_item_id": "01HDH3V6Z5XWT7CTHP13BKNHFE",
            "title": "This is a follow up",
            "description": "Something followups based goes here.",
            "owner": None,
            "completed_at": None,
            "tags": '["priority: low"]',
            "incident_id": "INC-1",
        }
    ]


def test_incidents_with_timestamps_services_and_postmortem() -> None:
    out = incident_io.read(duckdb.connect(), FIXTURES / "incidents.json", {})
    incidents = records(out["incidents"])
    # INC-12: Critical → 1; impact started 08:55 (before it was reported at 09:10); fixed
    # 10:00; resolved 10:30; services from the "Affected services" catalog entries.
    assert incidents[0] == {
        "_row": 1,
        "incident_id": "INC-12",
        "title": "Card payments failing",
        "severity": 1,
        "services": '["Checkout","Payments API"]',
        "started_at": "2024-05-01T08:55:00Z",
        "detected_at": "2024-05-01T09:10:00Z",
        "mitigated_at": "2024-05-01T10:00:00Z",
        "resolved_at": "2024-05-01T10:30:00Z",
    }
    # INC-13: Minor → 3, still open, no services chosen.
    assert (incidents[1]["incident_id"], incidents[1]["severity"]) == ("INC-13", 3)
    assert (incidents[1]["services"], incidents[1]["resolved_at"]) == (None, None)
    # Only INC-12 has a postmortem document; "Documented at" is when it was written.
    assert records(out["postmortems"]) == [
        {
            "_row": 1,
            "postmortem_id": "INC-12",
            "incident_id": "INC-12",
            "published_at": "2024-05-06T12:00:00Z",
            "url": "https://docs.example.com/postmortems/inc-12",
        }
    ]


def test_follow_ups_take_the_reference_of_the_incidents_beside_them(tmp_path: Path) -> None:
    out = incident_io.read(duckdb.connect(), FIXTURES / "follow_ups.json", {})
    # Two follow-ups of 01HX…012 = INC-12 (incidents.json in the same folder); the third
    # names an incident that is not in that export and keeps its internal id.
    assert [(a["action_item_id"], a["incident_id"]) for a in records(out["action_items"])] == [
        ("01FU1", "INC-12"),
        ("01FU2", "INC-12"),
        ("01FU3", "01HX00000000000000000000ZZ"),
    ]
    first = records(out["action_items"])[0]
    assert (first["owner"], first["completed_at"]) == ("Ana", "2024-05-08T16:00:00Z")
    # Alone in a folder, the follow-ups keep incident.io's internal ids.
    alone = shutil.copy(FIXTURES / "follow_ups.json", tmp_path / "follow_ups.json")
    out = incident_io.read(duckdb.connect(), Path(alone), {})
    assert [a["incident_id"] for a in records(out["action_items"])] == [
        "01HX0000000000000000000012",
        "01HX0000000000000000000012",
        "01HX00000000000000000000ZZ",
    ]

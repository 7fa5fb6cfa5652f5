"""PagerDuty adapter: the REST and Analytics examples of PagerDuty's OpenAPI (../shared/realdata).

Each example is saved to its own file, as the endpoint returns it; expected values were read
off the examples by hand.
"""

import json
from pathlib import Path

import duckdb

from aftermath.ingest import vendors as sources
from aftermath.ingest.vendors import pagerduty


def records(rel: duckdb.DuckDBPyRelation) -> list[dict]:
    """The relation's rows as dicts, in file order."""
    rel = rel.order("_row")
    return [dict(zip(rel.columns, row, strict=True)) for row in rel.fetchall()]


def examples(realdata: Path) -> dict:
    return json.loads((realdata / "formats/pagerduty/pagerduty_openapi_examples.json").read_text())


def save(tmp_path: Path, name: str, body: object) -> Path:
    path = tmp_path / name
    path.write_text(body if isinstance(body, str) else json.dumps(body))
    return path


def test_list_incidents_example(realdata: Path, tmp_path: Path) -> None:
    path = save(tmp_path, "incidents.json", examples(realdata)["GET /incidents"])
    assert sources.detect(path) == (
        "pagerduty",
        "JSON object with 'incidents[]' having 'incident_number' → PagerDuty",
    )
    assert records(pagerduty.read(duckdb.connect(), path, {})["incidents"]) == [
        {
            "_row": 1,
            "incident_id": "PT4KHLK",
            "title": "The server is on fire.",
            "severity": 2,  # priority.summary P2 (urgency high would also say 2)
            "services": '["My Mail Service"]',
            "started_at": "2015-10-06T21:30:42Z",
            "detected_at": "2015-10-06T21:30:42Z",
            "acknowledged_at": None,  # resolved: PagerDuty lists no acknowledgement any more
            "resolved_at": "2015-10-06T21:38:23Z",
        }
    ]


def test_single_incident_example_is_unresolved(realdata: Path, tmp_path: Path) -> None:
    path = save(tmp_path, "incident.json", examples(realdata)["GET /incidents/{id}"])
    [incident] = records(pagerduty.read(duckdb.connect(), path, {})["incidents"])
    # Status acknowledged, resolved_at null: still ongoing; acknowledged by Earline at 00:32:52.
    assert (incident["incident_id"], incident["resolved_at"]) == ("PT4KHLK", None)
    assert incident["acknowledged_at"] == "2015-11-10T00:32:52Z"


def test_analytics_raw_incidents_example(realdata: Path, tmp_path: Path) -> None:
    path = save(tmp_path, "raw.json", examples(realdata)["POST /analytics/raw/incidents"])
    incidents = records(pagerduty.read(duckdb.connect(), path, {})["incidents"])
    # Two incidents: no priority + urgency low → 4; priority_name SEV-2 → 2. The second
    # example resolves a day before it was created (as published); the loader rejects that.
    assert [
        (i["incident_id"], i["title"], i["severity"], i["services"], i["resolved_at"])
        for i in incidents
    ] == [
        ("PYC0H08", "The server is on fire!", 4, '["Engineering"]', "2023-05-31T10:15:00"),
        ("PCOOHCY", "Reply on social media", 2, '["Social media tracking"]', "2023-05-30T10:00:05"),
    ]
    # created_at + seconds_to_first_ack: 10:05:00 + 5 s, 10:00:00 + 48 s.
    assert [i["acknowledged_at"] for i in incidents] == [
        "2023-05-31T10:05:05",
        "2023-05-31T10:00:48",
    ]


def test_pages_saved_as_json_lines(realdata: Path, tmp_path: Path) -> None:
    page = examples(realdata)["GET /incidents"]
    second = json.loads(json.dumps(page))
    second["incidents"][0].update(id="PX2", priority=None, urgency="low", status="triggered")
    second["incidents"][0]["resolved_at"] = None
    path = save(tmp_path, "pages.jsonl", json.dumps(page) + "\n" + json.dumps(second) + "\n")
    incidents = records(pagerduty.read(duckdb.connect(), path, {})["incidents"])
    # Page 1's incident, then page 2's: no priority, urgency low → 4, still open.
    assert [(i["_row"], i["incident_id"], i["severity"], i["resolved_at"]) for i in incidents] == [
        (1, "PT4KHLK", 2, "2015-10-06T21:38:23Z"),
        (2, "PX2", 4, None),
    ]

"""PagerDuty adapter: the REST and Analytics examples of PagerDuty's OpenAPI (../shared/realdata).

Each example is saved to its own file, as the endpoint returns it; expected values were read
off the examples by hand.
"""

import csv
import json
import shutil
from datetime import datetime
from pathlib import Path

import duckdb

from aftermath.ingest import vendors as sources
from aftermath.ingest.vendors import pagerduty
from aftermath.pipeline.load import load
from tests.helpers import rows


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


FIXTURES = Path(__file__).parent / "fixtures" / "vendors" / "pagerduty"


def test_log_entries_beside_the_incidents_give_first_ack_and_resolution() -> None:
    # fixtures/vendors/pagerduty: two pages of incidents and two pages of log entries.
    # PA1 was acknowledged at 10:02:30, escalated at 10:17:30 and acknowledged again at 10:20:
    # the record lists only the current acknowledgement (10:20), the log the first (10:02:30).
    # PB2 is resolved without `resolved_at`: its resolve_log_entry says 09:25 (the fixture sets
    # last_status_change_at to 09:30 to show which is read); its acknowledgement comes from the
    # overview form `acknowledge_log_entry_reference` at 08:04.
    assert sources.detect(FIXTURES)[0] == "pagerduty"
    assert sources.companion(FIXTURES / "log_entries.jsonl")[0] == "pagerduty"
    for given in (FIXTURES, FIXTURES / "incidents.jsonl"):
        incidents = records(pagerduty.read(duckdb.connect(), given, {})["incidents"])
        assert [
            (i["_row"], i["incident_id"], i["acknowledged_at"], i["resolved_at"]) for i in incidents
        ] == [
            (1, "PA1", "2026-07-14T10:02:30Z", None),
            (2, "PB2", "2026-07-15T08:04:00Z", "2026-07-15T09:25:00Z"),
        ]


def test_log_entries_inside_the_incidents(realdata: Path, tmp_path: Path) -> None:
    # DevLake's PagerDuty capture (keon-test): each incident JSON carries its `log_entries`.
    raw = realdata / "peer/devlake/pagerduty/raw_tables/_raw_pagerduty_incidents.csv"
    with raw.open(newline="") as f:
        csv.field_size_limit(1 << 30)
        captured = [json.loads(row["data"]) for row in csv.DictReader(f)]
    path = save(tmp_path, "incidents.json", {"incidents": captured})
    incidents = records(pagerduty.read(duckdb.connect(), path, {})["incidents"])
    # SOURCES.md: #4 first acknowledged 06:23:07 (1 s; acked again at 06:34:25 and 06:34:53),
    # still triggered; #5 acked after 9 s; #6 acked after 10 s, resolve_log_entry 06:51:44.
    assert [(i["title"], i["acknowledged_at"], i["resolved_at"]) for i in incidents] == [
        ("Crash reported", "2022-11-03T06:23:07.000000Z", None),
        ("Slow startup", "2022-11-03T06:44:37.000000Z", None),
        ("Spamming logs", "2022-11-03T06:45:46.000000Z", "2022-11-03T06:51:44.000000Z"),
    ]


def test_a_folder_of_exports_reads_the_log_entries_with_the_incidents(tmp_path: Path) -> None:
    # As `aftermath pull` lays it out: the source's files in a folder of their own.
    folder = tmp_path / "exports"
    shutil.copytree(FIXTURES, folder / "pagerduty")
    result = load(folder, tmp_path / "pd.duckdb")
    assert (
        "pagerduty: read as a pagerduty export (folder of 2 JSON files, the first incidents file "
        "a JSON object with 'incidents[]' having 'incident_number' → PagerDuty)" in result.notes
    )
    # As the adapter read above: PA1 first acknowledged at 10:02:30, PB2 resolved at 09:25.
    assert rows(
        tmp_path / "pd.duckdb",
        "select incident_id, acknowledged_at, resolved_at from incidents order by 1",
    ) == [
        ("PA1", datetime(2026, 7, 14, 10, 2, 30), None),
        ("PB2", datetime(2026, 7, 15, 8, 4), datetime(2026, 7, 15, 9, 25)),
    ]

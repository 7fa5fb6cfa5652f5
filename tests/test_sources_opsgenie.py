"""Opsgenie adapter: a hand-made incidents page and alerts page (fixtures/vendors/opsgenie, in
the shape of the Incident and Alert API answers) and the real captures in ../shared/realdata."""

import json
from pathlib import Path

import duckdb

from aftermath.ingest import vendors
from aftermath.ingest.vendors import opsgenie

FIXTURES = Path(__file__).parent / "fixtures" / "vendors" / "opsgenie"


def records(rel: duckdb.DuckDBPyRelation) -> list[dict]:
    rel = rel.order("_row")
    return [dict(zip(rel.columns, row, strict=True)) for row in rel.fetchall()]


def test_incidents_with_their_timelines() -> None:
    path = FIXTURES / "incidents.json"
    assert vendors.detect(path) == (
        "opsgenie",
        "JSON object with 'data[]' having 'tinyId' and 'message' → Opsgenie",
    )
    assert records(opsgenie.read(duckdb.connect(), path, {})["incidents"]) == [
        {
            # Impact started 10:00, Opsgenie heard of it at 10:03. Two responders acked at
            # 10:07:00.39 and .393: the first is .39 (as text ".393Z" sorts before ".39Z").
            # Impact ended 10:45 (mitigated); IncidentResolved at 10:50.
            "_row": 1,
            "incident_id": "og-1",
            "title": "Payments declined",
            "severity": 2,
            "services": '["payments"]',
            "started_at": "2026-07-14T10:00:00Z",
            "detected_at": "2026-07-14T10:03:00Z",
            "acknowledged_at": "2026-07-14T10:07:00.39Z",
            "mitigated_at": "2026-07-14T10:45:00Z",
            "resolved_at": "2026-07-14T10:50:00Z",
        },
        {
            # Open, no impact dates, no services: started when created, nothing after.
            "_row": 2,
            "incident_id": "og-2",
            "title": "Exports slow",
            "severity": 4,
            "services": None,
            "started_at": "2026-07-15T08:00:00Z",
            "detected_at": "2026-07-15T08:00:00Z",
            "acknowledged_at": None,
            "mitigated_at": None,
            "resolved_at": None,
        },
        {
            # Closed without a timeline: resolved when the impact ended (12:30), not at the
            # last update (13:00).
            "_row": 3,
            "incident_id": "og-3",
            "title": "Login errors",
            "severity": 3,
            "services": '["auth"]',
            "started_at": "2026-07-16T12:00:00Z",
            "detected_at": "2026-07-16T12:01:00Z",
            "acknowledged_at": None,
            "mitigated_at": "2026-07-16T12:30:00Z",
            "resolved_at": "2026-07-16T12:30:00Z",
        },
    ]


def test_alerts_report_milliseconds_to_ack_and_close() -> None:
    [alert] = records(opsgenie.read(duckdb.connect(), FIXTURES / "alerts.json", {})["incidents"])
    # Created 09:00:00.000; report.ackTime 90,500 ms → 09:01:30.500; closeTime 600,000 ms →
    # 09:10:00.000 (not updatedAt 09:30). P1 → 1.
    assert (alert["severity"], alert["acknowledged_at"], alert["resolved_at"]) == (
        1,
        "2026-07-17T09:01:30.500Z",
        "2026-07-17T09:10:00.000Z",
    )


def test_real_alerts_example(realdata: Path) -> None:
    path = realdata / "peer/faros/source/opsgenie-source/test_files/alerts.json"
    alerts = records(opsgenie.read(duckdb.connect(), path, {})["incidents"])
    # SOURCES.md: ackTime 15,702 ms and closeTime 60,503 ms after 2017-03-21T20:32:52.353Z.
    assert [(a["acknowledged_at"], a["resolved_at"]) for a in alerts] == [
        ("2017-03-21T20:33:08.055Z", "2017-03-21T20:33:52.856Z"),
        (None, None),  # open, never acknowledged
    ]


def test_real_incidents_captured_by_devlake(realdata: Path, tmp_path: Path) -> None:
    # DevLake keeps each GET /v1/incidents record in its `data` column; saved as one page.
    import csv

    raw = realdata / "peer/devlake/opsgenie/raw_tables/_raw_opsgenie_incidents.csv"
    with raw.open(newline="") as f:
        page = {"data": [json.loads(row["data"]) for row in csv.DictReader(f)]}
    path = tmp_path / "incidents.json"
    path.write_text(json.dumps(page))
    incidents = records(opsgenie.read(duckdb.connect(), path, {})["incidents"])
    # SOURCES.md: Incident#2 created 18:20:28.003, resolved, impactEndDate 18:21:21.49 (53.487
    # s); Incident#1 open, P3.
    assert sorted(
        (i["title"], i["severity"], i["started_at"], i["resolved_at"]) for i in incidents
    ) == [
        ("Incident#1", 3, "2023-09-06T14:30:56.346Z", None),
        ("Incident#2", 5, "2023-09-05T18:20:28.003Z", "2023-09-05T18:21:21.49Z"),
    ]


def test_alerts_csv_export() -> None:
    path = Path(__file__).parent / "fixtures" / "vendors" / "downloads" / "opsgenie_alerts.csv"
    assert vendors.detect(path) == (
        "opsgenie",
        "CSV with the columns 'TinyID', 'Message', 'CreatedAt' → Opsgenie",
    )
    alerts = records(opsgenie.read(duckdb.connect(), path, {})["incidents"])
    # CreatedAt 1,784,023,200,000 ms = 2026-07-14T10:00:00Z. The first is closed: without the
    # report's times, resolved at its last update (UpdatedAt, 10:30). The CSV says only whether
    # it was acknowledged, not when: empty. The second is still open.
    assert [
        (a["incident_id"], a["severity"], a["started_at"], a["acknowledged_at"], a["resolved_at"])
        for a in alerts
    ] == [
        ("8c1f2a0e-1", 1, "2026-07-14T10:00:00.000Z", None, "2026-07-14T10:30:00.000Z"),
        ("8c1f2a0e-2", 3, "2026-07-14T11:00:00.000Z", None, None),
    ]

"""FireHydrant adapter: a hand-made incidents page (fixtures/vendors/firehydrant, in the shape of
GET /v1/incidents) and the real capture in ../shared/realdata."""

from pathlib import Path

import duckdb

from aftermath.ingest import vendors
from aftermath.ingest.vendors import firehydrant

FIXTURES = Path(__file__).parent / "fixtures" / "vendors" / "firehydrant"


def records(rel: duckdb.DuckDBPyRelation) -> list[dict]:
    rel = rel.order("_row")
    return [dict(zip(rel.columns, row, strict=True)) for row in rel.fetchall()]


def test_milestones_give_every_time() -> None:
    path = FIXTURES / "incidents.json"
    assert vendors.detect(path) == (
        "firehydrant",
        "JSON object with 'data[]' having 'milestones' and 'current_milestone' → FireHydrant",
    )
    assert records(firehydrant.read(duckdb.connect(), path, {})["incidents"]) == [
        {
            # The started milestone (09:55) wins over started_at (10:00, when it was declared);
            # services and functionalities are both what it affected.
            "_row": 1,
            "incident_id": "fh-1",
            "title": "Checkout down",
            "severity": 2,
            "services": '["checkout","payments"]',
            "started_at": "2026-07-14T09:55:00Z",
            "detected_at": "2026-07-14T09:58:00Z",
            "acknowledged_at": "2026-07-14T10:05:00Z",
            "mitigated_at": "2026-07-14T10:40:00Z",
            "resolved_at": "2026-07-14T11:00:00Z",
        },
        {
            # Severity UNSET: the priority P3 says 3. Resolved at 08:30, then back to
            # mitigated (its current milestone): still open.
            "_row": 2,
            "incident_id": "fh-2",
            "title": "Search reopened",
            "severity": 3,
            "services": None,
            "started_at": "2026-07-15T08:00:00Z",
            "detected_at": None,
            "acknowledged_at": "2026-07-15T08:10:00Z",
            "mitigated_at": "2026-07-15T08:50:00Z",
            "resolved_at": None,
        },
    ]


def test_real_capture(realdata: Path) -> None:
    path = realdata / "peer/faros/source/firehydrant-source/test_files/incidents.json"
    incidents = records(firehydrant.read(duckdb.connect(), path, {})["incidents"])
    # SOURCES.md: incident 2 started 01:28:08.563, acknowledged 02:03:42.000, mitigated and
    # resolved 03:09:06.407, SEV4; incidents 1 and 3 only acknowledged.
    assert [
        (i["title"], i["severity"], i["started_at"], i["acknowledged_at"], i["resolved_at"])
        for i in incidents
    ] == [
        ("incident 3", 4, "2022-03-08T06:13:17.672Z", "2022-03-08T06:13:17.804Z", None),
        ("test", 4, "2022-03-07T15:17:51.779Z", "2022-03-07T15:17:52.022Z", None),
        (
            "incident 2",
            4,
            "2022-03-08T01:28:08.563Z",
            "2022-03-08T02:03:42.000Z",
            "2022-03-08T03:09:06.407Z",
        ),
    ]

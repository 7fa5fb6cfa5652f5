"""Statuspage adapter: real histories from ../shared/realdata and a manage-API fixture.

Expected numbers were counted in the source files by hand (json module / jq), not by the
adapter: see the comment on each.
"""

from pathlib import Path

import duckdb
import pytest

from aftermath.ingest import vendors as sources
from aftermath.ingest.vendors import statuspage

FIXTURES = Path(__file__).parent / "fixtures" / "vendors" / "statuspage"


def records(rel: duckdb.DuckDBPyRelation) -> list[dict]:
    """The relation's rows as dicts, in file order; the adapter's own rejects are asserted
    where a test expects some (tests/test_sources_peers.py)."""
    rel = rel.order("_row")
    return [
        {k: v for k, v in zip(rel.columns, row, strict=True) if k != "_problems"}
        for row in rel.fetchall()
    ]


def count_by(rel: duckdb.DuckDBPyRelation, column: str) -> dict:
    return dict(rel.aggregate(f"{column}, count(*)", column).fetchall())


def test_github_folder_of_incident_files(realdata: Path) -> None:
    folder = realdata / "statuspage" / "github_incident_history" / "incidents"
    con = duckdb.connect()
    out = statuspage.read(con, folder, {})
    incidents = records(out["incidents"])
    # 1,282 files, one incident each; 2,801 incident_updates in all (realdata README).
    assert len(incidents) == 1282
    assert out["status_updates"].aggregate("count(*)").fetchall() == [(2801,)]
    # Impact minor 1048 / major 199 / none 33 / critical 2 → 3 / 2 / 4 / 1.
    assert count_by(out["incidents"], "severity") == {3: 1048, 2: 199, 4: 33, 1: 2}
    # Update statuses: investigating 1513, resolved 1282, monitoring 4, identified 2.
    assert count_by(out["status_updates"], "status") == {
        "investigating": 1513,
        "resolved": 1282,
        "monitoring": 4,
        "identified": 2,
    }
    # 1,098 incidents list components; one more names a component its updates moved off
    # `operational`.
    assert sum(1 for i in incidents if i["services"]) == 1099
    # No postmortem fields in the public API files.
    assert out["postmortems"].fetchall() == []
    # The first file by name, 00km0kwpz23b.json, read by eye.
    assert incidents[0] == {
        "_row": 1,
        "incident_id": "00km0kwpz23b",
        "title": "Incident with Actions and Git Operations",
        "severity": 3,
        "services": '["Actions","Git Operations"]',
        "started_at": "2023-01-10T17:04:42.456Z",
        "mitigated_at": None,
        "resolved_at": "2023-01-10T18:14:45.860Z",
        "status_page_url": "https://stspg.io/xh2z5s3wq1b8",
    }
    # nk9gdvl03ztg.json (the 826th file) was posted after the fact: started_at
    # 2020-11-16T09:55:00.989Z is later than its backdated resolved_at, so the start is
    # created_at, 2020-11-10T20:00:00.000Z (as are 900 qb2vmff9bnf5 and 919 qrrdvssfmrs2).
    assert [
        (incidents[n - 1]["incident_id"], incidents[n - 1]["started_at"]) for n in (826, 900, 919)
    ] == [
        ("nk9gdvl03ztg", "2020-11-10T20:00:00.000Z"),
        ("qb2vmff9bnf5", "2020-03-31T08:00:00.000Z"),
        ("qrrdvssfmrs2", "2020-04-08T13:30:00.000Z"),
    ]
    first = out["status_updates"].filter("incident_id = '00km0kwpz23b'").order("posted_at")
    assert first.fetchall() == [
        (
            1,
            "00km0kwpz23b",
            "2023-01-10T17:04:42.496Z",
            "investigating",
            "We are investigating reports of degraded performance for Git Operations.",
        ),
        (
            1,
            "00km0kwpz23b",
            "2023-01-10T17:22:57.051Z",
            "investigating",
            "Actions is experiencing degraded performance. We are still investigating and will "
            "provide an update when we have one.",
        ),
        (
            1,
            "00km0kwpz23b",
            "2023-01-10T17:54:38.073Z",
            "investigating",
            "Some action hosted runners are experiencing longer than normal run times.",
        ),
        (
            1,
            "00km0kwpz23b",
            "2023-01-10T18:14:45.860Z",
            "resolved",
            "This incident has been resolved.",
        ),
    ]


def test_emma_list_with_local_offsets(realdata: Path) -> None:
    path = realdata / "statuspage" / "emma_statuspage_2019" / "incidents.json"
    con = duckdb.connect()
    out = statuspage.read(con, path, {})
    incidents = records(out["incidents"])
    # 22 incidents, 105 updates: investigating 42 / identified 22 / monitoring 19 / resolved 22.
    assert len(incidents) == 22
    assert count_by(out["status_updates"], "status") == {
        "investigating": 42,
        "identified": 22,
        "monitoring": 19,
        "resolved": 22,
    }
    # Impact minor 14 / none 5 / major 3.
    assert count_by(out["incidents"], "severity") == {3: 14, 4: 5, 2: 3}
    # No `started_at` in this export: created_at stands in, offsets kept for the loader.
    assert incidents[0] == {
        "_row": 1,
        "incident_id": "x0ljvc9m1wxj",
        "title": "Intermittent navigation/sending trouble for some users",
        "severity": 4,
        "services": None,
        "started_at": "2019-02-20T12:00:19.418-06:00",
        "mitigated_at": "2019-02-20T13:11:24.478-06:00",
        "resolved_at": "2019-02-20T13:40:58.572-06:00",
        "status_page_url": "http://stspg.io/7a0d3a4d2",
    }
    # No components on the incidents: services come from updates' affected_components that
    # left `operational` (13 incidents); the 15th incident touched only Support Hub
    # (partial_outage), while its updates also list unchanged components and the code-less
    # placeholder "No components were affected by this update.".
    assert sum(1 for i in incidents if i["services"]) == 13
    assert incidents[14]["incident_id"] == "831gnl8mffp2"
    assert incidents[14]["services"] == '["Support Hub"]'
    assert not any("No components" in (i["services"] or "") for i in incidents)


def test_feed_rebuilt_history_jsonl(realdata: Path) -> None:
    path = realdata / "statuspage" / "mrshu_github_statuses" / "parsed" / "incidents.jsonl"
    con = duckdb.connect()
    out = statuspage.read(con, path, {})
    # 819 incidents, 4,570 updates; impact minor 604, major 138, none 31, critical 28,
    # maintenance 18.
    assert count_by(out["incidents"], "severity") == {3: 604, 2: 138, 4: 31, 1: 28, 5: 18}
    assert out["status_updates"].aggregate("count(*)").fetchall() == [(4570,)]
    # Title-case feed statuses arrive lowercased: Update 2860, Resolved 801, ...
    assert count_by(out["status_updates"], "status") == {
        "update": 2860,
        "resolved": 801,
        "investigating": 779,
        "monitoring": 76,
        "scheduled": 18,
        "in progress": 18,
        "completed": 18,
    }
    first = records(out["incidents"])[0]
    assert first == {
        "_row": 1,
        "incident_id": "9632825",
        "title": "Incident with Codespaces",
        "severity": 3,
        "services": '["Codespaces"]',
        "started_at": "2022-03-26T01:43:00Z",
        "mitigated_at": None,
        "resolved_at": "2022-03-26T03:35:00Z",
        "status_page_url": "https://www.githubstatus.com/incidents/5jfkz8q1mlql",
    }


def test_manage_api_fixture_with_postmortem_and_maintenance() -> None:
    con = duckdb.connect()
    out = statuspage.read(con, FIXTURES / "manage_api_incidents.json", {})
    incidents = records(out["incidents"])
    # Critical → 1, planned maintenance → 5; monitoring_at is the mitigation time.
    assert [(i["incident_id"], i["severity"], i["services"]) for i in incidents] == [
        ("p1k9x7v2m4qd", 1, '["API","Checkout"]'),
        ("m7b2c4d6e8f0", 5, None),
    ]
    assert incidents[0]["started_at"] == "2024-05-01T08:50:00.000Z"
    assert incidents[0]["mitigated_at"] == "2024-05-01T10:00:00.000Z"
    # 3 + 3 updates; posted_at is display_at (10:31), not created_at (10:30).
    updates = records(out["status_updates"])
    assert len(updates) == 6
    assert updates[0]["posted_at"] == "2024-05-01T10:31:00.000Z"
    assert records(out["postmortems"]) == [
        {
            "_row": 1,
            "postmortem_id": "p1k9x7v2m4qd",
            "incident_id": "p1k9x7v2m4qd",
            "published_at": "2024-05-06T12:00:00.000Z",
            "url": "http://stspg.io/p1k9x7",
        }
    ]


def test_single_incident_file_and_detection(realdata: Path) -> None:
    one = realdata / "statuspage" / "github_incident_history" / "incidents" / "00km0kwpz23b.json"
    con = duckdb.connect()
    out = statuspage.read(con, one, {})
    assert out["incidents"].aggregate("count(*)").fetchall() == [(1,)]
    assert sources.detect(one) == (
        "statuspage",
        "JSON object with 'incident' having 'incident_updates' → Statuspage",
    )
    emma = realdata / "statuspage" / "emma_statuspage_2019" / "incidents.json"
    assert sources.detect(emma) == (
        "statuspage",
        "JSON object with 'incidents[]' having 'incident_updates' → Statuspage",
    )


def test_an_empty_incident_list_reads_as_no_rows(tmp_path: Path) -> None:
    path = tmp_path / "incidents.json"
    path.write_text('{"page": {"id": "x"}, "incidents": []}')
    out = statuspage.read(duckdb.connect(), path, {})
    assert [len(rel.fetchall()) for rel in out.values()] == [0, 0, 0]


def test_another_vendors_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "tickets.json"
    path.write_text('{"tickets": [{"id": 1, "requester_id": 2}], "count": 1}')
    with pytest.raises(sources.SourceError) as e:
        statuspage.read(duckdb.connect(), path, {})
    assert str(e.value).startswith("tickets.json [statuspage]: this is not that export")
    assert "top-level keys are count, tickets" in str(e.value)

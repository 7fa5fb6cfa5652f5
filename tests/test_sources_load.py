"""Vendor exports through the real loader: `load(..., sources=[(name, path)])` into a DuckDB file."""

from datetime import datetime
from pathlib import Path

import duckdb

from aftermath.pipeline.load import load

FIXTURES = Path(__file__).parent / "fixtures" / "vendors"


def query(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_real_github_history_loads(tmp_path: Path, realdata: Path) -> None:
    history = realdata / "statuspage" / "github_incident_history" / "incidents"
    db = tmp_path / "t.duckdb"
    # A status-page history alone loads: no tickets is a note, not an error.
    result = load(None, db, sources=[("statuspage", history)])
    assert "no tickets: the dashboard shows what it needs to measure more" in result.notes
    assert query(db, "select count(*) from tickets") == [(0,)]
    # Every incident and update loads: the three incidents posted after the fact start at
    # their created_at, so none is "resolved before it started".
    assert query(db, "select count(*) from incidents") == [(1282,)]
    assert query(db, "select count(*) from status_updates") == [(2801,)]
    assert query(db, "select count(*) from rejects") == [(0,)]
    # 00km0kwpz23b: 17:04:42.456 → 18:14:45.860 UTC is 70.0567 minutes; its first update was
    # posted at 17:04:42.496 and "resolved" at 18:14:45.860.
    assert query(
        db,
        "select title, severity, services, round(outage_minutes, 4), first_update_at, "
        "status_resolved_at from incidents join incident_impact using (incident_id, title, "
        "severity) where incident_id = '00km0kwpz23b'",
    ) == [
        (
            "Incident with Actions and Git Operations",
            3,
            ["Actions", "Git Operations"],
            70.0567,
            datetime(2023, 1, 10, 17, 4, 42, 496000),
            datetime(2023, 1, 10, 18, 14, 45, 860000),
        )
    ]


def test_local_offsets_become_utc(tmp_path: Path, realdata: Path) -> None:
    emma = realdata / "statuspage" / "emma_statuspage_2019" / "incidents.json"
    db = tmp_path / "t.duckdb"
    load(None, db, sources=[("statuspage", emma)])
    # 2019-02-20T12:00:19.418-06:00 is 18:00:19.418 UTC.
    assert query(
        db,
        "select strftime(started_at, '%Y-%m-%d %H:%M:%S.%g') from incidents "
        "where incident_id = 'x0ljvc9m1wxj'",
    ) == [("2019-02-20 18:00:19.418",)]
    assert query(db, "select count(*) from incidents") == [(22,)]
    assert query(db, "select count(*) from status_updates") == [(105,)]


def test_vendor_tools_together(tmp_path: Path) -> None:
    db = tmp_path / "t.duckdb"
    load(
        None,
        db,
        sources=[
            ("zendesk", FIXTURES / "zendesk" / "tickets.json"),
            ("zendesk", FIXTURES / "zendesk" / "comments"),
            ("incident_io", FIXTURES / "incident_io"),
            ("jira", FIXTURES / "jira" / "search.json"),
        ],
    )
    # Incidents: Zendesk problem ticket 100 plus INC-12 and INC-13 from incident.io.
    assert query(db, "select incident_id from incidents order by 1") == [
        ("100",),
        ("INC-12",),
        ("INC-13",),
    ]
    # Ticket 101 links problem 100; its five comments load as events of it.
    assert query(db, "select ticket_id, incident_id from tickets order by 1") == [
        ("101", "100"),
        ("102", None),
        ("103", None),
    ]
    assert query(db, "select author_role, count(*) from ticket_events group by 1 order by 1") == [
        ("agent", 2),
        ("customer", 2),
        ("system", 1),
    ]
    # Action items: 3 incident.io follow-ups + 3 Jira issues that name an incident; OPS-104
    # names none and is rejected, 01FU3's incident is not in the export (a warning).
    assert query(db, "select count(*) from action_items") == [(6,)]
    assert query(db, "select file, row_number, kind from rejects order by 1, 2") == [
        ("incident_io [incident_io]", 3, "warning"),
        ("search.json [jira]", 4, "rejected"),
    ]
    # Jira's completed_at 2024-05-14T16:20:00.000+0000 and due date arrive typed.
    assert query(
        db,
        "select due_date::varchar, completed_at::varchar from action_items where action_item_id = 'OPS-101'",
    ) == [("2024-05-15", "2024-05-14 16:20:00")]


def test_statuspage_export_named_incidents_json_is_read_by_its_shape(tmp_path: Path) -> None:
    # incidents.json is both a contract file name and Statuspage's default export name.
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "incidents.json").write_bytes(
        (FIXTURES / "statuspage" / "manage_api_incidents.json").read_bytes()
    )
    db = tmp_path / "t.duckdb"
    result = load(folder, db)
    assert any("read as a statuspage export" in n for n in result.notes)
    got = query(db, "select table_name, file, rows_read, warnings from load_report order by 1")
    # Only the tables the export feeds are reported, each with its own warnings.
    assert [g[0] for g in got] == sorted({g[0] for g in got})
    assert all(file == "incidents.json [statuspage]" for _, file, _, _ in got)
    assert query(db, "select count(*) > 0 from incidents") == [(True,)]

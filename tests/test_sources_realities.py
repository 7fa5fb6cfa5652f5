"""Vendor exports as they really come, each on a fixture written in the shape of a real capture
(field names as in ../shared/realdata/README.md), every figure worked out by hand."""

import json
from pathlib import Path

import duckdb
import pytest

from aftermath.errors import InputError
from aftermath.ingest.vendors import common, intercom, jira, pagerduty, zendesk
from aftermath.pipeline.load import load
from tests.helpers import rows, write_exports

# PagerDuty GET /incidents, as exported with empty `id`s and a page that says more follow.
PAGERDUTY = {
    "incidents": [
        {
            "id": "",
            "type": "incident",
            "incident_number": 1234,
            "title": "Checkout API 5xx",
            "created_at": "2026-07-14T10:00:00Z",
            "status": "resolved",
            "resolved_at": "2026-07-14T11:01:00Z",
            "urgency": "high",
            "service": {"summary": "checkout"},
        },
        {
            "id": "",
            "type": "incident",
            "incident_number": 1235,
            "title": "Search latency",
            "created_at": "2026-07-15T08:00:00Z",
            "status": "triggered",
            "urgency": "low",
            "service": {"summary": "search"},
        },
    ],
    "limit": 2,
    "offset": 0,
    "more": True,
}

# Statuspage /api/v2/incidents.json: `page` with the export's own time, then the incidents.
STATUSPAGE = {
    "page": {
        "id": "abc",
        "name": "Example",
        "url": "https://status.example.com",
        "time_zone": "Etc/UTC",
        "updated_at": "2026-07-15T12:00:00.000Z",
    },
    "incidents": [
        {
            # The first update is dated 10:00, before created_at (10:05): the start is 10:00. A
            # `monitoring` update at 10:40 and no monitoring_at: mitigated 10:40. Resolved 11:41.
            "id": "sp1",
            "name": "Payments failing",
            "status": "resolved",
            "impact": "major",
            "created_at": "2026-07-14T10:05:00.000Z",
            "started_at": "2026-07-14T10:05:00.000Z",
            "monitoring_at": None,
            "resolved_at": "2026-07-14T11:41:00.000Z",
            "shortlink": "https://stspg.io/sp1",
            "incident_updates": [
                {"status": "resolved", "body": "Fixed.", "created_at": "2026-07-14T11:41:00Z"},
                {"status": "monitoring", "body": "Fix out.", "created_at": "2026-07-14T10:40:00Z"},
                {
                    "status": "investigating",
                    "body": "Looking.",
                    "created_at": "2026-07-14T10:06:00Z",
                    "display_at": "2026-07-14T10:00:00Z",
                },
            ],
            "components": [{"name": "Payments"}],
        },
        {
            # Ongoing: its last update is 08:30, the export was taken at 12:00 the same day.
            "id": "sp2",
            "name": "Search degraded",
            "status": "investigating",
            "impact": "minor",
            "created_at": "2026-07-15T08:00:00.000Z",
            "started_at": "2026-07-15T08:00:00.000Z",
            "resolved_at": None,
            "incident_updates": [
                {"status": "investigating", "body": "Slow.", "created_at": "2026-07-15T08:30:00Z"}
            ],
            "components": [{"name": "Search"}],
        },
    ],
}


def _notes_of(read, payload: dict, tmp_path: Path, name: str) -> list[str]:
    path = tmp_path / name
    path.write_text(json.dumps(payload))
    con = duckdb.connect()
    read(con, path, {})
    return common.notes(con)


def test_pagerduty_empty_ids_fall_back_to_the_incident_number(tmp_path):
    folder = write_exports(tmp_path / "pd", {"pagerduty.json": json.dumps(PAGERDUTY)})
    db = tmp_path / "pd.duckdb"
    result = load(folder, db)
    # Both incidents load (the export said rejected 2 before), under their numbers.
    assert rows(db, "select incident_id, severity, resolved_at from incidents order by 1") == [
        ("1234", 2, rows(db, "select timestamp '2026-07-14 11:01:00'")[0][0]),
        ("1235", 4, None),
    ]
    (report,) = [r for r in result.reports if r.table_name == "incidents"]
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (2, 2, 0)
    # `more: true` and no page saying it is the last: the load report says so.
    assert any("more pages exist ('more': true)" in n for n in result.notes)


def test_pagerduty_pages_concatenated_with_the_last_one_are_whole(tmp_path):
    last = {**PAGERDUTY, "incidents": [], "offset": 2, "more": False}
    path = tmp_path / "pd.jsonl"
    path.write_text(json.dumps(PAGERDUTY) + "\n" + json.dumps(last) + "\n")
    con = duckdb.connect()
    pagerduty.read(con, path, {})
    assert common.notes(con) == []


@pytest.mark.parametrize(
    ("read", "payload", "says"),
    [
        # Zendesk list page with next_page, and an incremental export not at its end.
        (
            zendesk.read,
            {
                "tickets": [
                    {"id": 1, "created_at": "2026-07-14T10:00:00Z", "requester_id": 7, "via": {}}
                ],
                "next_page": "https://x.zendesk.com/api/v2/tickets.json?page=2",
                "count": 2,
            },
            "'next_page', or 'after_url' with 'end_of_stream': false",
        ),
        (
            zendesk.read,
            {
                "tickets": [
                    {"id": 1, "created_at": "2026-07-14T10:00:00Z", "requester_id": 7, "via": {}}
                ],
                "after_url": "https://x.zendesk.com/api/v2/incremental/tickets/cursor.json?c=1",
                "end_of_stream": False,
            },
            "'next_page', or 'after_url' with 'end_of_stream': false",
        ),
        (
            intercom.read,
            {
                "type": "conversation.list",
                "conversations": [
                    {
                        "type": "conversation",
                        "id": "1",
                        "created_at": 1784023200,
                        "source": {"subject": "x", "body": "y"},
                    }
                ],
                "pages": {"type": "pages", "next": {"starting_after": "abc"}, "per_page": 1},
            },
            "'pages.next'",
        ),
        (
            jira.read,
            {
                "startAt": 0,
                "maxResults": 1,
                "total": 3,
                "issues": [
                    {
                        "key": "OPS-1",
                        "fields": {"summary": "Fix it", "labels": ["incident-I1"]},
                    }
                ],
            },
            "'total' above the issues given, or 'isLast': false",
        ),
    ],
)
def test_an_export_that_says_more_pages_exist_is_named(tmp_path, read, payload, says):
    (note,) = _notes_of(read, payload, tmp_path, "export.json")
    assert note.startswith("export.json [")
    assert f"more pages exist ({says})" in note


def test_the_last_page_of_each_export_says_nothing(tmp_path):
    for read, payload in [
        (
            zendesk.read,
            {
                "tickets": [{"id": 1, "created_at": "2026-07-14T10:00:00Z", "requester_id": 7}],
                "next_page": None,
            },
        ),
        (
            zendesk.read,
            {
                "tickets": [{"id": 1, "created_at": "2026-07-14T10:00:00Z", "requester_id": 7}],
                "after_url": None,
                "end_of_stream": True,
            },
        ),
        (jira.read, {"startAt": 2, "total": 3, "issues": [{"key": "OPS-3", "fields": {}}]}),
    ]:
        assert _notes_of(read, payload, tmp_path, "last.json") == []


@pytest.fixture(scope="module")
def statuspage_only(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    folder = write_exports(
        tmp_path_factory.mktemp("sp"), {"incidents.json": json.dumps(STATUSPAGE)}
    )
    db = folder / "sp.duckdb"
    return db, load(folder, db).notes


def test_statuspage_start_mitigation_and_ongoing_end(statuspage_only):
    db, _ = statuspage_only
    assert rows(
        db,
        "select incident_id, started_at, mitigated_at, resolved_at from incidents order by 1",
    ) == [
        (
            "sp1",
            *rows(
                db,
                "select timestamp '2026-07-14 10:00', timestamp '2026-07-14 10:40', "
                "timestamp '2026-07-14 11:41'",
            )[0],
        ),
        (
            "sp2",
            *rows(db, "select timestamp '2026-07-15 08:00', null::timestamp, null::timestamp")[0],
        ),
    ]
    # sp1: 10:00 -> 11:41 = 101 minutes; mitigated after 40. sp2 runs to the export's own time,
    # 12:00 (page.updated_at), not to its last update at 08:30: 240 minutes.
    assert rows(
        db,
        "select incident_id, outage_minutes, time_to_mitigate_minutes from incident_impact "
        "order by 1",
    ) == [("sp1", 101.0, 40.0), ("sp2", 240.0, None)]


def test_status_page_only_every_customer_figure_is_empty_and_says_why(statuspage_only):
    db, notes = statuspage_only
    assert "no tickets: the dashboard shows what it needs to measure more" in notes
    got = rows(
        db,
        "select customer_impact_minutes, impact_ratio, comms_gap_minutes, customers_first_minutes,"
        " suggested_severity, severity_gap, excess_tickets, linked_tickets, affected_accounts,"
        " confusion_tickets, customer_impact_reason, comms_gap_reason from incident_impact"
        " where incident_id = 'sp1'",
    )
    assert got == [(None,) * 10 + ("needs tickets", "needs tickets")]
    (totals,) = rows(
        db, "select incidents, customer_impact_hours, measured_incidents from overview_totals"
    )
    assert totals == (2, None, 0)


def test_status_page_only_report_says_what_is_missing(statuspage_only):
    from aftermath.report import render_report

    db, _ = statuspage_only
    con = duckdb.connect(str(db), read_only=True)
    try:
        text = render_report(con, "sp1")
    finally:
        con.close()
    assert "customers felt it for" not in text
    assert "once the impact had ended" not in text
    assert "How long customers felt it is **not measured**: it needs tickets" in text
    assert "- **Customer impact:** not measured (needs tickets)." in text
    assert "- **Tickets:** not measured (needs tickets)." in text
    assert "whether customers were still hurting then is not measured (needs tickets)" in text


def test_a_file_nothing_recognises_is_named_in_the_error(tmp_path):
    folder = write_exports(
        tmp_path / "in",
        {"events.jsonl": '{"x": 1}\n', "tickets.csv": "ticket_id,created_at\nT1,2026-07-14\n"},
    )
    with pytest.raises(InputError) as caught:
        load(folder, tmp_path / "x.duckdb")
    message = str(caught.value)
    assert message.startswith("no incidents file: an incidents.csv (or .parquet/.json) is required")
    assert "Not recognised, so not read: events.jsonl" in message


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_status_page_only_exports_say_why_figures_are_empty(statuspage_only, tmp_path, fmt):
    from aftermath import export

    db, _ = statuspage_only
    out = tmp_path / f"impact.{fmt}"
    con = duckdb.connect(str(db), read_only=True)
    try:
        export.export_table(con, "incident_impact", fmt, out)
    finally:
        con.close()
    if fmt == "json":
        (sp1,) = [r for r in json.loads(out.read_text()) if r["incident_id"] == "sp1"]
    else:
        import csv

        (sp1,) = [r for r in csv.DictReader(out.open()) if r["incident_id"] == "sp1"]
    empty = None if fmt == "json" else ""
    assert (sp1["customer_impact_minutes"], sp1["linked_tickets"]) == (empty, empty)
    assert (sp1["customer_impact_reason"], sp1["comms_gap_reason"]) == (
        "needs tickets",
        "needs tickets",
    )

"""CSV downloads of the tools a team already uses, known by their header row and loaded as they
come (fixtures/vendors/downloads, written in each tool's column names; every figure below worked
out by hand from those files)."""

import json
import shutil
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from aftermath.cli import main
from aftermath.errors import InputError
from aftermath.ingest import vendors
from aftermath.ingest.vendors import downloads
from aftermath.pipeline.load import load
from tests.helpers import rows

FIXTURES = Path(__file__).parent / "fixtures" / "vendors" / "downloads"
DOWNLOADS = (
    "zendesk_tickets.csv",
    "pagerduty_incidents.csv",
    "jira_export.csv",
    "freshdesk_tickets.csv",
    "intercom_conversations.csv",
)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    folder = tmp_path_factory.mktemp("downloads")
    for name in DOWNLOADS:
        shutil.copy(FIXTURES / name, folder / name)
    db = folder / "downloads.duckdb"
    return db, load(folder, db, options={"link_field": "Incident"}).notes


def test_each_download_is_known_by_its_header(loaded):
    _, notes = loaded
    assert [n for n in notes if "read as a" in n] == [
        "freshdesk_tickets.csv: read as a freshdesk export (CSV with the columns 'Ticket ID', "
        "'Created time' → Freshdesk)",
        "intercom_conversations.csv: read as a intercom export (CSV with the columns "
        "'Conversation ID', 'Conversation started at' → Intercom)",
        "jira_export.csv: read as a jira export (CSV with the columns 'Summary', 'Issue key' → "
        "Jira)",
        "pagerduty_incidents.csv: read as a pagerduty export (CSV with the columns "
        "'incident_number', 'created_on' → PagerDuty)",
        "zendesk_tickets.csv: read as a zendesk export (CSV with the columns 'Id', 'Requester', "
        "'Created at' → Zendesk)",
    ]


def test_tickets_from_three_help_desks(loaded):
    db, _ = loaded
    # Zendesk writes `2026-07-14 10:31:00 +0200` (08:31 UTC) and separates tags by spaces; its
    # `Incident [txt]` column is the --link-field "Incident". Freshdesk's 03/04/2026 is 3 April:
    # its other row's 13/04/2026 puts the day first. Intercom's "Jul 14, 2026 10:31 AM" has no
    # offset: UTC, the load's zone.
    assert rows(
        db,
        "select ticket_id, created_at, account_id, tags, solved_at, incident_id from tickets "
        "order by created_at",
    ) == [
        (
            "301",
            datetime(2026, 4, 3, 14, 5),
            "Northwind",
            ["billing", "double charge"],
            datetime(2026, 4, 4, 9, 0),
            "INC-7",
        ),
        ("302", datetime(2026, 4, 13, 8, 15), "Contoso", ["payroll"], None, None),
        (
            "9001",
            datetime(2026, 7, 14, 8, 31),
            "Northwind",
            ["billing", "double_charge", "incident:INC-7"],
            datetime(2026, 7, 15, 6, 0),
            None,
        ),
        ("9002", datetime(2026, 7, 14, 9, 5), None, ["login"], None, "INC-7"),
        (
            "215470001",
            datetime(2026, 7, 14, 10, 31),
            "A-0042",
            ["billing", "incident:INC-7"],
            datetime(2026, 7, 14, 16, 2),
            None,
        ),
        ("215470002", datetime(2026, 7, 14, 11, 15), "A-0107", ["exports"], None, "INC-7"),
    ]


def test_pagerduty_csv_times(loaded):
    db, _ = loaded
    # PQ1 created 12:00 +02:00 = 10:00 UTC; acked 95 s later; resolved_on 13:01 +02:00.
    # PQ3's created_on has no offset (UTC): seconds_to_first_ack 30, seconds_to_resolve 5,400
    # (no resolved_on) → 09:00:30 and 10:30. P1 → 1; no priority: urgency low → 4, high → 2.
    assert rows(
        db,
        "select incident_id, severity, services, started_at, acknowledged_at, resolved_at "
        "from incidents order by incident_id",
    ) == [
        (
            "PQ1",
            1,
            ["checkout"],
            datetime(2026, 7, 14, 10, 0),
            datetime(2026, 7, 14, 10, 1, 35),
            datetime(2026, 7, 14, 11, 1),
        ),
        ("PQ2", 4, ["search"], datetime(2026, 7, 15, 6, 0), None, None),
        (
            "PQ3",
            2,
            ["exports"],
            datetime(2026, 7, 16, 9, 0),
            datetime(2026, 7, 16, 9, 0, 30),
            datetime(2026, 7, 16, 10, 30),
        ),
    ]


def test_jira_export_csv(loaded):
    db, _ = loaded
    # Three Labels columns are one list; `team:engineering` names the team, else Component/s.
    # OPS-11 follows INC-7 by its label, OPS-12 by its `Custom field (Incident)`. Dates as the
    # navigator writes them: 20/Jun/26 4:05 PM.
    assert rows(
        db,
        "select action_item_id, incident_id, team, owner, due_date, completed_at, tags "
        "from action_items order by 1",
    ) == [
        (
            "OPS-11",
            "INC-7",
            "engineering",
            "Ana Lima",
            datetime(2026, 6, 28).date(),
            datetime(2026, 6, 20, 16, 5),
            ["incident:INC-7", "retries", "team:engineering"],
        ),
        ("OPS-12", "INC-7", "support", "Bo Chen", None, None, ["macros"]),
    ]


def test_rows_that_cannot_be_read_are_rejected_with_the_reason(loaded):
    db, _ = loaded
    # Zendesk row 3 says it was created "yesterday"; Jira's OPS-13 is due on 31 June.
    assert rows(
        db,
        "select file, row_number, \"column\", value, reason from rejects where kind = 'rejected' "
        "order by file",
    ) == [
        (
            "jira_export.csv [jira]",
            3,
            "due_date",
            "31/Jun/26",
            "not a date and time as Jira writes them; see jira.md for the forms read",
        ),
        (
            "zendesk_tickets.csv [zendesk]",
            3,
            "created_at",
            "yesterday",
            "not a date and time as Zendesk writes them; see zendesk.md for the forms read",
        ),
    ]
    assert rows(
        db, "select file, rows_read, rows_loaded, rows_rejected from load_report order by file"
    ) == [
        ("freshdesk_tickets.csv [freshdesk]", 2, 2, 0),
        ("intercom_conversations.csv [intercom]", 2, 2, 0),
        ("jira_export.csv [jira]", 3, 2, 1),
        ("pagerduty_incidents.csv [pagerduty]", 3, 3, 0),
        ("zendesk_tickets.csv [zendesk]", 3, 2, 1),
    ]


def test_a_date_order_no_row_settles_stops_with_one_message(tmp_path, capsys):
    folder = tmp_path / "exports"
    folder.mkdir()
    shutil.copy(FIXTURES / "freshdesk_ambiguous.csv", folder / "tickets.csv")
    db = tmp_path / "a.duckdb"
    # 03/04/2026, 04/04/2026 and 05/06/2026: every number is 12 or less.
    assert main(["load", str(folder), "--db", str(db), "--quiet"]) == 1
    assert capsys.readouterr().err.strip() == (
        "aftermath: tickets.csv [freshdesk]: its dates such as '03/04/2026 14:05' can be "
        "read day first or month first, and no row settles which. Load again with --date-order "
        "dmy (day first, 03/04/2025 = 3 April) or --date-order mdy (month first, 03/04/2025 = "
        "March 4)."
    )
    assert not db.exists()
    assert main(["load", str(folder), "--db", str(db), "--quiet", "--date-order", "mdy"]) == 0
    assert rows(db, "select ticket_id, created_at from tickets order by 1") == [
        ("401", datetime(2026, 3, 4, 14, 5)),
        ("402", datetime(2026, 5, 6, 10, 0)),
    ]


def test_a_date_order_against_the_rows_is_refused(tmp_path):
    # freshdesk_tickets.csv has 13/04/2026: day first, whatever --date-order says.
    with pytest.raises(InputError, match="--date-order mdy was given, but its dates have a day"):
        load(
            None,
            tmp_path / "b.duckdb",
            sources=[("freshdesk", FIXTURES / "freshdesk_tickets.csv")],
            options={"date_order": "mdy"},
        )


def test_a_csv_given_for_the_wrong_tool_is_named(tmp_path):
    with pytest.raises(vendors.SourceError) as e:
        vendors.ADAPTERS["jira"].read(duckdb.connect(), FIXTURES / "zendesk_tickets.csv", {})
    assert str(e.value).startswith(
        "zendesk_tickets.csv [jira]: this CSV file is not a Jira download: expected Jira's Export "
        "CSV with the columns Summary and Issue key; its columns are summation column, id, "
    )


@pytest.mark.parametrize(
    ("text", "order", "iso"),
    [
        ("12/Jun/20 12:13 AM", "dmy", "2020-06-12T00:13:00"),  # Jira, English months
        ("14/Jul/25 3:42 PM", "dmy", "2025-07-14T15:42:00"),
        ("6/21/2025 16:14", "mdy", "2025-06-21T16:14:00"),
        ("03/04/25", "dmy", "2025-04-03T00:00:00"),  # two-digit year: 2025, not the year 25
        ("03.04.2025 09:30", "dmy", "2025-04-03T09:30:00"),
        ("2026-07-14 10:31:00 +0200", "dmy", "2026-07-14T08:31:00Z"),
        ("2026-07-14T10:31:00-08:00", "mdy", "2026-07-14T10:31:00-08:00"),  # ISO kept as it is
        ("Jul 14, 2026 4:02 PM", "mdy", "2026-07-14T16:02:00"),
        ("yesterday", "dmy", None),
    ],
)
def test_download_times(text, order, iso):
    sql = downloads.timestamp("$v::varchar", order)
    assert duckdb.connect().execute(f"select {sql}", {"v": text}).fetchone()[0] == iso


def test_pagerduty_csv_gives_the_figures_of_the_api(realdata, tmp_path):
    # PagerDuty's Analytics raw incidents example (the API's answer) and the same two incidents
    # as the web app's CSV writes them (its column names, the same values): one database each,
    # identical incidents and rejects. The second resolves a day before it was created (as
    # published): rejected by both.
    examples = json.loads(
        (realdata / "formats/pagerduty/pagerduty_openapi_examples.json").read_text()
    )
    api = examples["POST /analytics/raw/incidents"]
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "raw.json").write_text(json.dumps(api))
    fields = (
        "id",
        "incident_number",
        "description",
        "service_name",
        "created_on",
        "resolved_on",
        "seconds_to_first_ack",
        "seconds_to_resolve",
        "urgency",
        "priority_name",
    )
    lines = [",".join(fields)]
    for i in api["data"]:
        values = (
            i["id"],
            i["incident_number"],
            i["description"],
            i["service_name"],
            i["created_at"],
            i["resolved_at"],
            i["seconds_to_first_ack"],
            i["seconds_to_resolve"],
            i["urgency"],
            i["priority_name"] or "",
        )
        lines.append(",".join(str(v) for v in values))
    (tmp_path / "csv").mkdir()
    (tmp_path / "csv" / "incidents.csv").write_text("\n".join(lines) + "\n")
    figures = []
    for kind in ("api", "csv"):
        db = tmp_path / f"{kind}.duckdb"
        load(tmp_path / kind, db)
        figures.append(
            (
                rows(db, "select * from incidents order by incident_id"),
                rows(db, 'select row_number, "column", reason from rejects order by 1'),
            )
        )
    assert figures[0] == figures[1]
    # PYC0H08: created 10:05, acknowledged 5 s later, resolved 10:15; urgency low → 4.
    assert figures[0][0] == [
        (
            "PYC0H08",
            "The server is on fire!",
            4,
            ["Engineering"],
            datetime(2023, 5, 31, 10, 5),
            datetime(2023, 5, 31, 10, 5),
            datetime(2023, 5, 31, 10, 5, 5),
            None,
            datetime(2023, 5, 31, 10, 15),
            None,
        ),
    ]
    assert figures[0][1] == [(2, "resolved_at", "resolved before it started")]

"""The week-later check on the calendar: `aftermath report INCIDENT_ID --week-later-ics FILE` and
the Incident page write one 15-minute event at week_later.check_due_at, its description the
checklist; parsed back here by icalendar (tests/fixtures/review, worked out in its README.md)."""

import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from icalendar import Calendar

from aftermath.errors import InputError
from aftermath.week_later_ics import week_later_ics
from tests.test_report import run_cli

FIXTURE = Path(__file__).parent / "fixtures" / "review"


@pytest.fixture
def db(review_db: Path) -> Path:
    return review_db


def report(db: Path, *args: str) -> subprocess.CompletedProcess:
    return run_cli("report", *args, "--db", str(db))


def test_the_event_parses_back(db, tmp_path):
    out = tmp_path / "check.ics"
    done = report(db, "RV-1", "--week-later-ics", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("## Customer impact")  # the report is printed as before
    raw = out.read_bytes()
    # RFC 5545: CRLF line ends, no line longer than 75 octets (long ones folded).
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    assert max(len(line) for line in raw.split(b"\r\n")) <= 75
    (event,) = Calendar.from_ical(raw).walk("VEVENT")
    # Resolved 2026-09-01 10:00 UTC + 7 days; 15 minutes.
    assert event.decoded("dtstart") == datetime(2026, 9, 8, 10, 0, tzinfo=UTC)
    assert event.decoded("duration") == timedelta(minutes=15)
    assert str(event["summary"]) == "Week-later check: RV-1 Invoice runs failing"
    # As of the data's end (09-02 11:00, before the due date): no usage, so quiet is unknown;
    # R2 open; the action items are due 09-04 and 09-05, not overdue yet; nobody wrote again.
    assert str(event["description"]).splitlines() == [
        "A week after RV-1 was resolved: is every customer back? Figures as of 2026-09-02 "
        "11:00 UTC; run `aftermath report RV-1` on the newest data before the call.",
        "",
        "[ ] Accounts still quiet: needs usage covering the week. Call them.",
        "[ ] Related tickets still open: 1. Close or answer them.",
        "[ ] Action items overdue: 0. Ask their owners for a date.",
        "[ ] Accounts that wrote again after resolution: 0. Read what they said.",
    ]


def test_an_ongoing_incident_has_no_check_date(db, tmp_path):
    con = duckdb.connect(str(db), read_only=True)
    try:
        with pytest.raises(InputError, match="'RV-2' is still ongoing"):
            week_later_ics(con, "RV-2")
    finally:
        con.close()
    out = tmp_path / "none.ics"
    done = report(db, "RV-2", "--week-later-ics", str(out))
    assert done.returncode == 1 and "still ongoing" in done.stderr
    assert "Traceback" not in done.stderr and not out.exists()

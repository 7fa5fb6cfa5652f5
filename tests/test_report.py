"""`aftermath report`: the postmortem's "Customer impact" section, checked against a golden file."""

import csv
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from aftermath.pipeline.load import InputError, load
from aftermath.report import md_text, render_report

FIXTURE = Path(__file__).parent / "fixtures" / "voice"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("voice") / "v.duckdb"
    load(FIXTURE, path)
    return path


def report(db: Path, incident_id: str) -> str:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return render_report(con, incident_id)
    finally:
        con.close()


def test_report_matches_the_golden_file(db):
    # Every figure of report_VO-1.md is worked out by hand in tests/fixtures/voice/README.md. After
    # a deliberate change, write the new text with `aftermath report VO-1` and read the diff.
    assert report(db, "VO-1") == (FIXTURE / "report_VO-1.md").read_text()


def test_customer_text_cannot_inject_markup(db):
    text = report(db, "VO-1")
    assert "<script>" not in text and "](" not in text.replace("\\](", "")
    assert "\\<script\\>alert(1)\\</script\\>" in text
    assert "Bolt \\& Sons" in text


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("<img src=x onerror=alert(1)>", "\\<img src=x onerror=alert(1)\\>"),
        ("[click](https://evil.example)", "\\[click\\](https\\://evil.example)"),
        ("see www.evil.example now", "see www\\.evil.example now"),
        ("mail me@evil.example", "mail me\\@evil.example"),
        (
            "*bold* _it_ `code` ~~x~~ | $x$",
            "\\*bold\\* \\_it\\_ \\`code\\` \\~\\~x\\~\\~ \\| \\$x\\$",
        ),
        ("&lt;b&gt;", "\\&lt;b\\&gt;"),
        ("two\nlines\r\n\n# heading", "two lines # heading"),
        ("back\\slash", "back\\\\slash"),
    ],
)
def test_md_text_shows_any_text_as_plain_text(raw, shown):
    assert md_text(raw) == shown


def test_a_quiet_incident_says_what_is_missing(db):
    text = report(db, "VO-2")
    for line in [
        # Says that the comms gap is not measured, rather than leave it out silently.
        "- **Status page:** no status update was posted, so there is no comms gap to measure.",
        "- **Tickets:** none related.",
        "- **Accounts:** 0 wrote in (MRR 0); 0 went quiet afterwards (MRR 0), 0 of them without "
        "a word to support; 1 account already quiet before it, not counted.",
        "No related ticket shows a signal.",
        "Nobody (no quiet account, and no urgent, trust-loss or unsolved ticket).",
        "No related ticket, so nothing to read.",
        # Cobalt, already quiet before, is not counted in the text: nor listed in the table.
        "No account wrote in or went quiet.",
    ]:
        assert line in text.splitlines(), line
    assert "Cobalt" not in text


def test_unknown_incident_is_an_input_error(db):
    with pytest.raises(InputError, match="no incident 'VO-9'"):
        report(db, "VO-9")


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "aftermath.cli", *args], capture_output=True, text=True, check=False
    )


def test_cli_prints_the_report_and_exits_1_on_an_unknown_incident(db):
    done = run_cli("report", "VO-1", "--db", str(db))
    assert (done.returncode, done.stdout) == (0, (FIXTURE / "report_VO-1.md").read_text())
    done = run_cli("report", "VO-9", "--db", str(db))
    assert done.returncode == 1
    assert done.stderr.startswith("aftermath: no incident 'VO-9' in the database")
    assert "Traceback" not in done.stderr
    done = run_cli("report", "VO-1", "--db", str(db.with_name("none.duckdb")))
    assert (done.returncode, done.stderr.split(";")[0]) == (
        1,
        f"aftermath: no database at {db.with_name('none.duckdb')}",
    )


def test_the_report_tables_agree_with_its_text(demo_db, tmp_path):
    # INC-305 on the demo: 40 accounts wrote in; 25 went quiet, 19 of them without a ticket, and
    # 6 accounts already quiet before it are not counted (data/demo/README.md). The accounts the
    # text counts are the 40 that wrote in and the 19 silent ones: 59, the top 10 in the
    # section, all 59 in the CSV it names, none of the 6 already quiet.
    text = report(demo_db, "INC-305")
    assert "- **Accounts:** 40 wrote in" in text
    assert "; 25 went quiet afterwards" in text and "19 of them without a word" in text
    assert "6 accounts already quiet before it, not counted" in text
    section = text[text.index("### Affected customers") : text.index("### Tickets")]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "---" not in line]
    assert "The top 10 of 59 accounts, by MRR:" in section
    assert len(rows) == 1 + 10  # the header and the top 10
    assert "already quiet" not in section
    assert "`INC-305-affected-accounts.csv`" in section
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "aftermath.cli",
            "report",
            "INC-305",
            "--db",
            str(demo_db),
            "--csv",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout == text
    accounts = list(csv.DictReader((tmp_path / "INC-305-affected-accounts.csv").open()))
    assert len(accounts) == 59
    assert sum(a["quiet"] == "True" for a in accounts) == 25
    assert sum(a["silent"] == "True" for a in accounts) == 19
    assert sum(int(a["related_tickets"]) > 0 for a in accounts) == 40
    assert not any(a["already_quiet"] == "True" and a["related_tickets"] == "0" for a in accounts)
    # 43 related tickets (16 linked, 27 suggested): the first 10 in the section, all in the CSV.
    tickets = list(csv.DictReader((tmp_path / "INC-305-tickets.csv").open()))
    assert len(tickets) == 43
    assert "The top 10 of 43 tickets, the first by time:" in text
    # Postmortem-sized: no longer the 12.9 KB of a 65-row table and 43 tickets.
    assert len(text.encode()) < 8_000

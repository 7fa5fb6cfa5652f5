"""`aftermath outreach`: a draft for each account of tests/fixtures/review's contact list, in call
order (the drafts worked out by hand in its README.md), as Markdown and as CSV for a mail merge."""

import csv
import io
import subprocess
from pathlib import Path

import duckdb
import pytest

from aftermath.errors import InputError
from aftermath.outreach import CSV_COLUMNS, PLACEHOLDERS, drafts, read_template, render
from tests.test_report import run_cli

FIXTURE = Path(__file__).parent / "fixtures" / "review"


@pytest.fixture
def db(review_db: Path) -> Path:
    return review_db


def outreach(db: Path, *args: str) -> subprocess.CompletedProcess:
    return run_cli("outreach", *args, "--db", str(db))


def template(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mine.txt"
    path.write_text(text)
    return path


def test_markdown_drafts_match_the_hand_worked_file(db):
    # outreach_RV-1.md, line by line as README.md works it out: Northwind, Quill, Pine & Co in
    # call order; each with its own tickets' subjects and the action items answering their themes
    # (Pine & Co's "urgent" has none); the window 09:00 to 10:00 UTC and the last status update.
    done = outreach(db, "RV-1")
    assert done.returncode == 0, done.stderr
    expected = (FIXTURE / "outreach_RV-1.md").read_text()
    assert done.stdout.splitlines() == expected.splitlines()


def test_customer_text_is_quoted_as_text_in_markdown(db):
    text = outreach(db, "RV-1").stdout
    assert "<script>" not in text
    assert "- “Invoice run failed \\<script\\>alert(1)\\</script\\>”, opened" in text
    assert '- “=HYPERLINK("http\\://evil","Payroll blocked")”, opened' in text
    assert "Hello Pine \\& Co team," in text


def test_csv_has_one_row_per_account_in_call_order(db):
    done = outreach(db, "RV-1", "--format", "csv")
    assert done.returncode == 0, done.stderr
    found = list(csv.DictReader(io.StringIO(done.stdout)))
    assert list(found[0]) == CSV_COLUMNS
    assert [(r["priority"], r["account_id"], r["account_name"]) for r in found] == [
        ("1", "B1", "Northwind"),
        ("2", "B3", "Quill"),
        ("3", "B2", "Pine & Co"),
    ]
    assert {r["email_subject"] for r in found} == {
        "Invoice runs failing: what happened, and what we are doing about it"
    }
    # Plain text for the mail merge: the customer's words inside quotation marks, unescaped.
    pine = found[2]["body"].splitlines()
    assert pine[0] == "Hello Pine & Co team,"
    assert (
        '- “=HYPERLINK("http://evil","Payroll blocked")”, opened 1 September 2026 09:10 UTC' in pine
    )
    assert (
        "- “Invoice run failed <script>alert(1)</script>”, opened 1 September 2026 09:20 UTC"
        in (found[1]["body"].splitlines())
    )


def test_a_cell_a_spreadsheet_would_run_is_guarded(db, tmp_path):
    mine = template(tmp_path, "Subject: {reply_to}\n\n{reply_to} for {account_name}\n")
    done = outreach(db, "RV-1", "--format", "csv", "--template", str(mine), "--reply-to", "=1+1")
    found = list(csv.DictReader(io.StringIO(done.stdout)))
    assert [(r["email_subject"], r["body"]) for r in found][0] == ("'=1+1", "'=1+1 for Northwind\n")


def test_a_users_template_and_time_zone(db, tmp_path):
    mine = template(
        tmp_path,
        "Subject: {incident_id} for {account_id} (#{priority})\n\n"
        "{{{account_name}}} felt it {impact_window}.\n{our_follow_ups}\n",
    )
    done = outreach(db, "RV-1", "--template", str(mine), "--timezone", "Europe/Berlin")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    # 09:00 to 10:00 UTC is 11:00 to 12:00 in Berlin's summer time; {{ and }} write braces.
    assert lines[:7] == [
        "## 1. Northwind (B1)",
        "",
        "**Subject:** RV-1 for B1 (#1)",
        "",
        "{Northwind} felt it on 1 September 2026 from 11:00 to 12:00 CEST.",
        "- Retry failed invoice runs automatically",
        "",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "Subject: hi\n\nDear {acount_name},\n",
            "mine.txt, line 3: unknown placeholder {acount_name}; known: {account_name}",
        ),
        ("Subject: {priority:>3}\n\nhi\n", "mine.txt, line 1: unknown placeholder {priority}"),
        ("Subject: hi\n\n{account_name.upper}\n", "unknown placeholder {account_name.upper}"),
        ("Hello {account_name}\n", "the first line must be 'Subject: ...'"),
        ("Subject: hi\n\nbrace { alone\n", "not a valid template"),
    ],
)
def test_a_bad_template_is_one_clear_error(db, tmp_path, text, message):
    done = outreach(db, "RV-1", "--template", str(template(tmp_path, text)))
    assert done.returncode == 1
    assert message in done.stderr and len(done.stderr.splitlines()) == 1, done.stderr
    assert not done.stdout


def test_the_default_template_uses_every_placeholder_but_the_ids():
    shipped = read_template()
    used = {field for parts in (shipped.subject, shipped.body) for _, field in parts if field}
    assert used == set(PLACEHOLDERS) - {"account_id", "incident_id", "priority"}


def test_nobody_to_contact_and_unknown_incident(db):
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert drafts(con, "RV-2", read_template()) == []
        assert render([], "md", "RV-2") == (
            "Nobody to contact after RV-2: the contact list is empty.\n"
        )
        with pytest.raises(InputError, match="no incident 'RV-9'"):
            drafts(con, "RV-9", read_template())
    finally:
        con.close()
    done = outreach(db, "RV-1", "--timezone", "Mars/Olympus")
    assert (done.returncode, done.stderr.strip()) == (
        1,
        "aftermath: unknown time zone 'Mars/Olympus' (an IANA name such as Europe/Berlin)",
    )

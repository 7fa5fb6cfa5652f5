"""`aftermath surge`: the Markdown engineering reads to declare a surge after the fact (the demo's)."""

import subprocess
import sys

import duckdb

from aftermath.surge_report import render_surge


def surge_markdown(db, surge_id: str) -> str:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return render_surge(con, surge_id)
    finally:
        con.close()


def test_the_planted_surge_reads_as_data_demo_readme_tells_it(demo_db):
    text = surge_markdown(demo_db, "S-20260924-09")
    for line in (
        "## Ticket surge S-20260924-09",
        "**No incident was declared** for it.",
        # 09:00 to 12:00; the first bank-feed ticket at 09:03 (stories.toml)
        "- **When:** 2026-09-24 09:00 UTC → 12:00 UTC (3 h); first ticket 2026-09-24 09:03 UTC.",
        "- **Peak:** 2026-09-24 10:00 UTC, 19 tickets against 1 usual (19 × normal).",
        "- **Tickets:** 50 against 3 usual for those hours: 47 above normal",
        "- **Customers:** 49 accounts wrote in, MRR 63,945.",
        "bank (36), feed (36), connection (10), importing (10), shows (10)",
    ):
        assert line in text, line
    # 49 accounts and 50 tickets: 50 rows at most each, so nothing is cut.
    accounts = text.split("### Accounts that wrote in")[1].split("### Tickets")[0]
    assert accounts.count("\n| ") == 49 + 1  # the header row too
    assert text.split("### Tickets")[1].count("\n| ") == 50 + 1
    assert "more: `aftermath export" not in text


def test_a_declared_surge_names_its_incident(demo_db):
    text = surge_markdown(demo_db, "S-20260714-10")
    assert "Declared as **INC-305**." in text
    # 13 tickets at 10:00 against 1 usual (the billing outage's first hour)
    assert "- **Peak:** 2026-07-14 10:00 UTC, 13 tickets against 1 usual (13 × normal)." in text


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "aftermath.cli", *args], capture_output=True, text=True, check=False
    )


def test_cli_prints_the_surge_and_exits_1_on_an_unknown_one(demo_db):
    done = run_cli("surge", "S-20260924-09", "--db", str(demo_db))
    assert done.returncode == 0 and done.stdout.startswith("## Ticket surge S-20260924-09\n")
    done = run_cli("surge", "S-19990101-00", "--db", str(demo_db))
    assert done.returncode == 1
    assert done.stderr == (
        "aftermath: no surge 'S-19990101-00' in the database; "
        "`aftermath export ticket_surges` lists them\n"
    )

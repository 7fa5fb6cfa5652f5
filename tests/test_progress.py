"""`aftermath load` says how far it has got on standard error, and `--quiet` silences it."""

import io
import re
import subprocess
import sys
from pathlib import Path

from aftermath.progress import CLEAR_LINE, Progress
from tests.helpers import write_exports

STAMP = r"\[\s+\d+\.\d s\]"


def _exports(folder: Path) -> Path:
    return write_exports(
        folder,
        {
            "incidents.csv": "incident_id,title,started_at,resolved_at\n"
            "I1,Billing errors,2026-07-14T10:00:00Z,2026-07-14T11:00:00Z\n",
            "tickets.csv": "ticket_id,created_at,account_id,subject,incident_id\n"
            "T1,2026-07-14T10:30:00Z,A1,billing broken,I1\n"
            "T2,not a time,A2,help,\n",
        },
    )


def _load(folder: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "aftermath.cli",
            "load",
            folder,
            "--db",
            folder / "x.duckdb",
            *extra,
        ],
        capture_output=True,
        text=True,
    )


def _said(stderr: str) -> list[str]:
    lines = stderr.splitlines()
    assert all(re.match(STAMP, line) for line in lines), lines
    return [re.sub(rf"^{STAMP} | \(\d+\.\d s\)$", "", line) for line in lines]


def test_plain_lines_say_each_file_the_checks_and_what_was_found(tmp_path: Path):
    run = _load(_exports(tmp_path))
    assert run.returncode == 0, run.stderr
    assert "\r" not in run.stderr  # standard error is a pipe here: a log, nothing overwritten
    said = _said(run.stderr)
    # In the user's words: each file read, the checks, and what the derived tables found (I1,
    # finished; T1 linked to it; no usage, so no incident judged for quiet accounts; too few
    # tickets for a surge), then the database written. No internal table's name.
    assert said == [
        "read incidents.csv into incidents: 1 row, 0 rejected",
        "read tickets.csv into tickets: 2 rows, 1 rejected",  # 'not a time'
        "checking references between the tables",
        "computed impact: 1 incident, 1 related ticket, customer impact measured for 1",
        "found quiet accounts: 0 after the 0 incidents judged",
        "found surges: 0 ticket surges, 0 with no incident",
        "writing the database",
    ]
    assert run.stdout.startswith("table ")  # the load report itself stays on standard output


def test_verbose_names_every_internal_step(tmp_path: Path):
    run = _load(_exports(tmp_path), "--verbose")
    assert run.returncode == 0, run.stderr
    said = _said(run.stderr)
    assert said[:2] == [
        "read incidents.csv into incidents: 1 row, 0 rejected",
        "stored incidents: 1 row",
    ]
    assert "no usage in the inputs: stored as an empty table" in said
    assert "built incident_impact: 1 row" in said
    # The steps come in the order they ran: every input before the first derived table.
    assert said.index("checking references between the tables") < said.index(
        "built incident_impact: 1 row"
    )
    assert said[-1] == "writing the database"


def test_quiet_prints_only_the_final_report(tmp_path: Path):
    run = _load(_exports(tmp_path), "--quiet")
    assert run.returncode == 0
    assert run.stderr == ""
    assert run.stdout.startswith("table ") and "database:" in run.stdout


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_the_running_step_stands_on_a_live_line():
    screen = _Terminal()
    progress = Progress(screen)
    with progress.step("building incident_impact") as step:
        assert screen.getvalue().startswith(CLEAR_LINE)
        assert screen.getvalue().endswith("building incident_impact ...")
        step.done = "built incident_impact: 12 rows"
    # The live line is cleared and replaced by the step's result, which stays as a log line.
    *_, last = screen.getvalue().split(CLEAR_LINE)
    assert re.fullmatch(rf"{STAMP} built incident_impact: 12 rows \(\d+\.\d s\)\n", last)


def test_on_a_terminal_an_internal_step_shows_in_the_users_words():
    screen = _Terminal()
    progress = Progress(screen)
    with progress.step("building quiet_windows", detail="computing quiet accounts (step 3 of 9)"):
        assert screen.getvalue().endswith("computing quiet accounts (step 3 of 9) ...")
    # Done, it leaves no log line (the summary of what was computed says it), and its internal
    # name never showed.
    assert "\n" not in screen.getvalue()
    assert "quiet_windows" not in screen.getvalue()

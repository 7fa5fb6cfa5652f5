"""The benchmark scripts at a tiny scale, so they cannot rot. No timing is asserted."""

import json
import re
import subprocess
import sys
from pathlib import Path

import duckdb

from aftermath.pipeline.load import load
from aftermath.queries import all_queries
from benchmarks import generate, help_desks, run, suggestions
from benchmarks.results_markdown import TARGETS
from tests.helpers import write_exports

TINY = 0.0005  # 50 accounts, 5,000 tickets, 3 incidents: the generator's floors, a few seconds
LOAD_ROWS = [
    "input rows (millions)",
    "input files (MB)",
    "floor: DuckDB reads the files (s)",
    "floor CPU time (s)",
    "floor peak memory (MB)",
    "`aftermath load` end to end (s)",
    "load CPU time (s)",
    "load ÷ floor",
    "load ÷ floor, CPU time",
    "machine load average before → after the load",
    "load time growth per step up in scale",
    "load peak memory (MB)",
    "database file (MB)",
    "database file ÷ input files",
    "refresh adding one day (s)",
    "refresh peak memory (MB)",
    "refresh ÷ full load",
    "slowest page query, warm p95 (ms)",
    "slowest page query, cold p95 (ms)",
]


def _table(markdown: str, heading: str) -> list[list[str]]:
    """The cells of the first table under `heading`, header row first, separator row dropped."""
    rows = []
    for line in markdown.split(heading, 1)[1].splitlines():
        if line.startswith("|"):
            if not set(line) <= set("|-"):
                rows.append([cell.strip() for cell in line.strip("|").split("|")])
        elif rows:
            break
    return rows


def test_generate_writes_every_table_at_the_shape_and_is_deterministic(tmp_path: Path) -> None:
    first = generate.generate(TINY, tmp_path / "a", seed=3)
    generate.generate(TINY, tmp_path / "b", seed=3)
    generate.generate(TINY, tmp_path / "c", seed=4)
    # The shape's floors at this scale: 50 accounts, 5,000 tickets (0.0005 x 10 million),
    # 3 incidents; the generator writes exactly those counts.
    assert first["shape"] == {"accounts": 50, "tickets": 5000, "incidents": 3, "days": 730}
    assert first["rows"]["accounts"] == 50
    assert first["rows"]["tickets"] == 5000
    assert first["rows"]["incidents"] == 3
    assert set(first["rows"]) == {
        "accounts",
        "action_items",
        "incidents",
        "postmortems",
        "status_updates",
        "ticket_events",
        "tickets",
        "usage",
    }
    assert first["rows"]["usage"] > 0 and first["rows"]["ticket_events"] > 0
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert "usage.parquet" in files and "tickets.csv" in files
    # The answer key for suggestions (benchmarks/suggestions.py): every ticket written about an
    # incident, linked or not; at this tiny scale no incident is big enough to have one.
    key = duckdb.execute(
        "select * from read_parquet($p)", {"p": str(tmp_path / "a" / generate.TRUTH_FILE)}
    )
    assert [d[0] for d in key.description] == ["ticket_id", "incident_id", "is_linked"]
    for name in ("tickets.csv", "usage.parquet", "ticket_events.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert (tmp_path / "a" / "tickets.csv").read_bytes() != (
        tmp_path / "c" / "tickets.csv"
    ).read_bytes()
    assert generate.read_manifest(tmp_path / "a")["rows"] == first["rows"]


def test_skip_reasons_name_time_and_disk(tmp_path: Path) -> None:
    measured = [{"scale": 0.1, "load_seconds": 600.0, "floor_seconds": 60.0}]
    # (600 + 60) s x 10 = 6,600 s = 110 minutes > 60.
    reason = run.skip_reason(tmp_path, 1.0, measured, 60, have_data=False)
    assert reason is not None and "about 110 minutes" in reason
    assert run.skip_reason(tmp_path, 1.0, measured, 120, have_data=False) is None
    # The main scale is never skipped for time, only for disk.
    assert run.skip_reason(tmp_path, 1.0, measured, 60, have_data=False, is_main=True) is None
    disk = run.skip_reason(tmp_path, 1e6, [], 60, have_data=False)
    assert disk is not None and "of disk" in disk


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 21)]  # 1..20
    assert run.percentile(values, 50) == 10.0  # rank ceil(0.5 * 20) = 10
    assert run.percentile(values, 95) == 19.0  # rank ceil(0.95 * 20) = 19
    assert run.percentile([5.0, 1.0, 3.0], 95) == 5.0  # rank 3 of 3


def test_profile_sums_steps_and_names_the_one_that_failed() -> None:
    records = [
        {"label": "create table tickets", "seconds": 2.0, "cpu_seconds": 3.0, "peak_mb": 500},
        {"label": "derived a", "seconds": 1.0, "cpu_seconds": 1.5, "peak_mb": 800},
        {"label": "derived a", "seconds": 0.5, "cpu_seconds": 0.5, "peak_mb": 700},
        {"label": "checkpoint", "seconds": 0.25, "cpu_seconds": 0.25, "peak_mb": 900},
        {"label": "derived b", "failed": True, "seconds": 0.75, "cpu_seconds": 1, "peak_mb": 950},
        {"error": "OutOfMemoryException: Out of Memory Error: failed to pin block"},
    ]
    summary = run.summarize_profile(records)
    assert summary["seconds"] == 4.5  # 2 + 1 + 0.5 + 0.25 + 0.75
    assert summary["input_seconds"] == 2.0
    assert summary["derived_seconds"] == 2.25  # both runs of derived a, and derived b
    assert summary["checkpoint_seconds"] == 0.25
    assert summary["peak_rss_mb"] == 950
    assert summary["failed_in"] == "derived b"
    # Peak rises: 500 from 0, 300 from 500 to 800, none at 700, 100 to 900, 50 to 950.
    assert [(t["label"], t["seconds"], t["peak_rise_mb"]) for t in summary["top"]] == [
        ("create table tickets", 2.0, 500),
        ("derived a", 1.5, 300),
        ("derived b (failed)", 0.75, 50),
        ("checkpoint", 0.25, 100),
    ]


def test_a_failed_child_reports_its_exception_line() -> None:
    output = (
        "Traceback (most recent call last):\n  File x\n"
        "_duckdb.OutOfMemoryException: Out of Memory Error: failed to pin block\n\n"
        "Possible solutions:\n* Reducing the number of threads\n"
    )
    failed = run.ChildFailed("load", 1, output)
    assert failed.error == "_duckdb.OutOfMemoryException: Out of Memory Error: failed to pin block"


def test_run_measures_two_scales_and_keeps_the_notes(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    kept = "## The Spark engine\n\nSpark's figures.\n\n## Notes\n\nHand-written finding that must survive.\n"
    results.write_text("# old\n\n## Load\n\nOld figures.\n\n" + kept)
    figures = tmp_path / "results.json"
    code = run.main(
        [
            "--scale",
            str(2 * TINY),
            "--scales",
            f"{TINY},{2 * TINY}",
            "--repeat",
            "2",
            "--cold-repeat",
            "1",
            "--profile",
            "--memory-limit",
            "1GB",
            "--data",
            str(tmp_path / "data"),
            "--results",
            str(results),
            "--json",
            str(figures),
        ]
    )
    assert code == 0
    text = results.read_text()
    # The Spark engine's section (its own runs write it) and the notes stay; the rest is new.
    assert text.endswith("\n\n" + kept) and "Old figures." not in text
    assert "Machine: " in text and "DuckDB " in text
    assert "`memory_limit` at 1GB" in text

    load = _table(text, "## Load")
    assert load[0] == [
        "figure",
        "target",
        "scale 0.0005",
        "scale 0.001",
        "growth",
        "meets target at scale 0.001",
    ]
    assert [row[0] for row in load[1:]] == LOAD_ROWS
    assert all(len(row) == 6 for row in load)
    by_name = {row[0]: row for row in load[1:]}
    # Each verdict is its figure at the larger scale held to the target (the refresh was measured
    # at both scales: a load of one day less, then the refresh); a scale of neither 0.3 nor 1 is
    # held to scale 1's load ratio.
    for name, target in (
        ("load ÷ floor", TARGETS["load_ratio"][1.0]),
        ("load peak memory (MB)", TARGETS["load_rss_mb"]),
        ("database file ÷ input files", TARGETS["db_per_input"]),
        ("refresh ÷ full load", TARGETS["refresh_share"]),
    ):
        figure = float(by_name[name][3].replace(",", ""))
        assert by_name[name][5] == ("yes" if figure <= target else "**no**"), name
    growth = by_name["load time growth per step up in scale"]
    step = float(re.fullmatch(r"×([\d.]+) for ×2", growth[4])[1])
    assert growth[5] == ("yes" if step <= TARGETS["load_growth"] else "**no**")
    refresh = next(row for row in load if row[0] == "refresh adding one day (s)")
    assert all(float(cell) > 0 for cell in refresh[2:4])

    pages = _table(text, "## Page queries")
    assert pages[0] == [
        "query",
        "warm 0.0005",
        "warm 0.001",
        "cold 0.0005",
        "cold 0.001",
        "warm CPU 0.001",
    ]
    # One row per page query, and a second "(every incident)" row for those whose incident
    # filter is optional.
    labels = sorted(label for label, _, _ in run.page_cases({}))
    assert [row[0] for row in pages[1:]] == labels
    optional = [q for q in all_queries("pages") if "$incident_id is null" in q.sql]
    assert len(labels) == len(all_queries("pages")) + len(optional)
    # A p95 over its target is in bold: warm cells first, then cold.
    for row in pages[1:]:
        targets = [TARGETS["warm_p95_ms"]] * 2 + [TARGETS["cold_p95_ms"]] * 2
        for cell, target in zip(row[1:5], targets, strict=True):
            p95 = cell.split(" / ")[1]
            over = float(p95.strip("*").replace(",", "")) > target
            assert p95.startswith("**") == over, (row[0], cell)

    profile = _table(text, "## Where the load spends its time")
    assert profile[0] == ["step", "seconds", "CPU seconds", "share", "peak rise (MB)"]
    assert any(row[0].startswith("`derived ") for row in profile[1:])

    data = json.loads(figures.read_text())
    assert [r["scale"] for r in data["results"]] == [TINY, 2 * TINY]
    assert data["results"][1]["rows"]["tickets"] == 10000  # 0.001 x 10 million
    assert set(data["results"][0]["pages"]) == set(labels)
    # Databases are removed unless --keep; the generated folders stay for the next run.
    assert sorted(p.name for p in (tmp_path / "data").iterdir() if p.suffix == ".duckdb") == []


def test_the_suggestions_grid_scores_a_small_help_desk(tmp_path):
    # The smallest cell of `benchmarks/suggestions.py --grid`: 50 tickets a day, tagged, both
    # incidents. Each incident has 18 tickets (10 linked), the last at the end of its impact.
    cell = suggestions.measure_cell(tmp_path / "cell", 50, True, 2)
    assert cell["unlinked_incident_tickets"] == 16
    key = duckdb.execute(
        "select incident_id, count(*), count(*) filter (where is_linked) from read_parquet($p) "
        "group by incident_id order by incident_id",
        {"p": str(tmp_path / "cell" / help_desks.TRUTH_FILE)},
    ).fetchall()
    assert key == [("INC-PAY", 18, 10), ("INC-SSO", 18, 10)]
    assert set(cell["impact"]) == {"INC-PAY", "INC-SSO"}
    assert help_desks.true_impact("INC-PAY") == (80.0, 15.0)
    assert help_desks.true_impact("INC-SSO") == (120.0, 25.0)
    table = suggestions.grid_table([cell]).splitlines()
    assert len(table) == 3 and table[2].startswith("| 50 | product area | 2 |")


def test_bare_operations_count_what_each_operation_produces(tmp_path):
    # T1: subject card, charged, twice (3 distinct words); description charged, twice, card,
    # declined (4). T2: subject cant, log, in (3); description confused, did, it, work (4).
    # Split into words: 3 + 4 + 3 + 4 = 14; subjects and tags (no tags): 3 + 3 = 6. Signals: T1
    # says "charged twice" (trust_loss), T2 "confused" and "did it work" (confusion): 2 matches
    # over the four scans. Usage: A1 on two days (two features on the first), A2 on one: 2
    # accounts' lists. 2 incidents x 2 accounts: 4 pairs.
    folder = write_exports(
        tmp_path / "exports",
        {
            "incidents.csv": "incident_id,title,services,started_at,resolved_at\n"
            "I1,Billing errors,billing,2026-01-01T10:00:00Z,2026-01-01T11:00:00Z\n"
            "I2,Login down,auth,2026-01-02T10:00:00Z,2026-01-02T11:00:00Z\n",
            "tickets.csv": "ticket_id,created_at,account_id,subject,description\n"
            'T1,2026-01-01T10:30:00Z,A1,Card charged twice,"charged twice, card declined"\n'
            'T2,2026-01-02T10:30:00Z,A2,Can\'t log in,"confused, did it work?"\n',
            "accounts.csv": "account_id,name,segment,mrr\nA1,One,smb,10\nA2,Two,smb,20\n",
            "usage.csv": "account_id,day,feature,value\n"
            "A1,2026-01-01,billing,3\nA1,2026-01-01,api,2\nA1,2026-01-02,billing,1\n"
            "A2,2026-01-01,billing,5\n",
        },
    )
    db = tmp_path / "bare.duckdb"
    load(folder, db)
    printed = subprocess.run(
        [sys.executable, str(Path(run.__file__).with_name("bare_operations.py")), "--db", str(db)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    counts = {row[0]: row[-1] for row in _table("\n" + printed, "\n")[1:]}
    assert counts == {
        "`candidate_term_hits`": "14",
        "`ticket_signals`": "2",
        "`ticket_words`": "6",
        "`account_timelines`": "2",
        "`incident_exposure`": "4",
    }

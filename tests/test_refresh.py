"""`aftermath load --refresh`: the previous database plus the rows its files gained equals a full
load of the grown files, table by table; a failed refresh leaves the previous database as it was."""

import io
import os
import re
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from aftermath.cli import main
from aftermath.errors import InputError
from aftermath.pipeline.load import load
from aftermath.progress import Progress
from aftermath.settings import DEFAULTS
from benchmarks import generate
from benchmarks.run import earlier_exports
from tests.helpers import rows, write_exports


def tables_differ(refreshed: Path, full: Path) -> dict[str, int]:
    """Per table, how many rows one database holds that the other does not (`except all` both
    ways); the load's own time (load_info.loaded_at) aside."""
    con = duckdb.connect(str(refreshed), read_only=True)
    try:
        con.execute("attach $p as full_load (read_only)", {"p": str(full)})
        names = [
            n
            for (n,) in con.execute(
                "select table_name from duckdb_tables() where database_name = 'full_load' "
                "order by table_name"
            ).fetchall()
        ]
        mine = {
            n
            for (n,) in con.execute(
                "select table_name from duckdb_tables() where database_name = current_database()"
            ).fetchall()
        }
        assert mine == set(names)
        differ = {}
        for name in names:
            # Names from the catalog. loaded_at is when each load ran; a sum of fractional
            # doubles (MRR in cents) depends on the order rows are added, which threads decide
            # (two full loads may differ in the last digit too): compared to 6 decimals.
            columns = ", ".join(
                f'round("{column}", 6) as "{column}"' if kind == "DOUBLE" else f'"{column}"'
                for column, kind in con.execute(
                    "select column_name, data_type from duckdb_columns() "
                    "where database_name = 'full_load' and table_name = $t order by column_index",
                    {"t": name},
                ).fetchall()
                if column != "loaded_at"
            )
            ours, theirs = (
                f"select {columns} from main.{name}",
                f"select {columns} from full_load.{name}",
            )
            (extra,) = con.execute(
                f"select count(*) from (({ours} except all {theirs}) "
                f"union all ({theirs} except all {ours}))"
            ).fetchone()
            if extra:
                differ[name] = extra
        return differ
    finally:
        con.close()


def refreshed_and_full(
    full_exports: Path, tmp_path: Path, share: float
) -> tuple[Path, Path, str, dict[str, int]]:
    """A database loaded from the earlier exports and refreshed from the full ones, a full load
    of those, what the refresh said it did and the rows the earlier load read per file."""
    earlier = earlier_exports(full_exports, tmp_path / "earlier", share)
    refreshed = tmp_path / "refreshed.duckdb"
    first = load(earlier, refreshed)
    said = io.StringIO()
    load(full_exports, refreshed, refresh=True, progress=Progress(said, verbose=True))
    full = tmp_path / "full.duckdb"
    load(full_exports, full)
    earlier_rows = {r.file: r.rows_read for r in first.reports}
    return refreshed, full, said.getvalue(), earlier_rows


def new_rows_read(said: str, file: str) -> int:
    """How many rows the refresh read of `file`, from the row after the earlier ones on."""
    (count,) = re.findall(rf"read {re.escape(file)} from row \d+ on into \w+: ([\d,]+) row", said)
    return int(count.replace(",", ""))


def test_refreshing_the_demo_equals_loading_it_in_full(tmp_path):
    from aftermath.demo import write_demo

    exports = tmp_path / "demo"
    write_demo(exports)
    refreshed, full, said, earlier_rows = refreshed_and_full(exports, tmp_path, 0.8)
    assert tables_differ(refreshed, full) == {}
    assert "updated ticket_tokens" in said and "updated ticket_signals" in said
    # Only the new rows of the grown files were read, the unchanged files not at all.
    for file in ("tickets.csv", "ticket_events.jsonl", "status_updates.jsonl"):
        ((whole,),) = rows(full, "select rows_read from load_report where file = $f", {"f": file})
        assert 0 < new_rows_read(said, file) == whole - earlier_rows[file]
    assert "incidents.json" not in said and "usage.parquet" not in said


def test_refreshing_benchmark_data_equals_loading_it_in_full(tmp_path):
    exports = tmp_path / "bench"
    generate.generate(0.01, exports, seed=1)
    refreshed, full, said, earlier_rows = refreshed_and_full(exports, tmp_path, 0.9)
    assert tables_differ(refreshed, full) == {}
    # The steps that refresh by ticket were updated, not built again, in the refresh compared.
    assert "updated ticket_tokens" in said and "updated ticket_signals" in said
    ((whole,),) = rows(full, "select rows_read from load_report where file = 'tickets.csv'")
    assert 0 < new_rows_read(said, "tickets.csv") == whole - earlier_rows["tickets.csv"]


INCIDENTS = (
    "incident_id,title,services,started_at,resolved_at\n"
    "I1,Login errors,login,2026-03-02T10:00:00Z,2026-03-02T11:00:00Z\n"
)
TICKETS = (
    "ticket_id,created_at,account_id,subject,incident_id\n"
    "T1,2026-03-02T10:10:00Z,A1,cannot log in,I1\n"
    "T2,2026-03-02T10:20:00Z,A2,login broken,I2\n"
)


def test_new_rows_replace_their_ids_are_checked_and_clear_warnings(tmp_path):
    folder = write_exports(tmp_path / "x", {"incidents.csv": INCIDENTS, "tickets.csv": TICKETS})
    db = tmp_path / "x.duckdb"
    load(folder, db)
    # T2 names I2, not there yet: a warning.
    assert rows(db, "select row_number, value from rejects where kind = 'warning'") == [(2, "I2")]
    with open(folder / "incidents.csv", "a") as f:
        f.write("I2,Login slow,login,2026-03-02T10:15:00Z,2026-03-02T12:00:00Z\n")
    with open(folder / "tickets.csv", "a") as f:
        # Row 3 replaces T1 (the later row wins), row 4 has no time: rejected as row 4.
        f.write("T1,2026-03-02T10:12:00Z,A1,cannot log in at all,I1\nT3,,A3,help,I1\n")
    load(folder, db, refresh=True)
    assert rows(db, "select row_number, value from rejects where kind = 'warning'") == []
    assert rows(db, 'select file, row_number, "column" from rejects') == [
        ("tickets.csv", 4, "created_at")
    ]
    assert rows(db, "select ticket_id, subject from tickets order by ticket_id") == [
        ("T1", "cannot log in at all"),
        ("T2", "login broken"),
    ]
    assert rows(
        db,
        "select rows_read, rows_loaded, rows_rejected, duplicates_merged from load_report "
        "where file = 'tickets.csv'",
    ) == [(4, 2, 1, 1)]
    full = tmp_path / "full.duckdb"
    load(folder, full)
    assert tables_differ(db, full) == {}


def test_a_file_changed_other_than_by_new_rows_is_read_again_whole(tmp_path):
    folder = write_exports(tmp_path / "x", {"incidents.csv": INCIDENTS, "tickets.csv": TICKETS})
    db = tmp_path / "x.duckdb"
    load(folder, db)
    (folder / "tickets.csv").write_text(TICKETS.replace("cannot log in", "locked out"))
    load(folder, db, refresh=True)
    full = tmp_path / "full.duckdb"
    load(folder, full)
    assert tables_differ(db, full) == {}
    assert rows(db, "select subject from tickets where ticket_id = 'T1'") == [("locked out",)]


def test_a_file_written_again_with_the_same_bytes_is_not_read(tmp_path):
    folder = write_exports(tmp_path / "x", {"incidents.csv": INCIDENTS, "tickets.csv": TICKETS})
    db = tmp_path / "x.duckdb"
    load(folder, db)
    incidents = folder / "incidents.csv"
    incidents.write_text(INCIDENTS)
    os.utime(incidents, ns=(1, 1))
    with open(folder / "tickets.csv", "a") as f:
        f.write("T3,2026-03-02T10:30:00Z,A3,cannot log in,I1\n")
    said = io.StringIO()
    load(folder, db, refresh=True, progress=Progress(said, verbose=True))
    # Not read, so the tickets that point at its incidents were not read again whole either.
    assert "incidents.csv" not in said.getvalue()
    assert "read tickets.csv from row 3 on into tickets: 1 row" in said.getvalue()
    full = tmp_path / "full.duckdb"
    load(folder, full)
    assert tables_differ(db, full) == {}


def test_a_failed_refresh_leaves_the_previous_database_untouched(tmp_path, capsys):
    folder = write_exports(tmp_path / "x", {"incidents.csv": INCIDENTS, "tickets.csv": TICKETS})
    db = tmp_path / "x.duckdb"
    load(folder, db)
    before = db.read_bytes()
    (folder / "incidents.csv").unlink()
    assert main(["load", str(folder), "--db", str(db), "--refresh", "--quiet"]) == 1
    assert "incidents" in capsys.readouterr().err
    assert db.read_bytes() == before
    with pytest.raises(InputError, match="no database"):
        load(folder, tmp_path / "none.duckdb", refresh=True)


EVENTS = (
    "ticket_id,created_at,author_role,body\n"
    "T1,2026-03-02T10:11:00Z,customer,still cannot log in\n"
    "T2,2026-03-02T10:21:00Z,agent,we are looking\n"
)
SIGNAL_TICKETS = (
    "ticket_id,created_at,account_id,subject,incident_id\n"
    "T1,2026-03-02T10:10:00Z,A1,cannot log in,I1\n"
    "T2,2026-03-02T10:20:00Z,A2,login is confusing,I1\n"
    "T4,2026-03-02T10:30:00Z,A4,login page confused me,I1\n"
)


def test_a_refresh_recomputes_the_signals_and_tokens_of_the_tickets_it_touches(tmp_path):
    """ticket_signals and ticket_tokens (`refresh: by ticket_id`) are updated for the tickets
    whose rows the new rows are, not built again; T4's stored rows, untouched, stay."""
    folder = write_exports(
        tmp_path / "x",
        {"incidents.csv": INCIDENTS, "tickets.csv": SIGNAL_TICKETS, "ticket_events.csv": EVENTS},
    )
    db = tmp_path / "x.duckdb"
    load(folder, db)
    signals = "select ticket_id, signal, evidence from ticket_signals order by all"
    assert rows(db, signals) == [
        ("T2", "confusion", "confusing"),
        ("T4", "confusion", "confused"),
    ]
    with open(folder / "tickets.csv", "a") as f:
        # T2 is written again without the word that gave it a signal; T3 is new.
        f.write("T2,2026-03-02T10:20:00Z,A2,login spinner frozen,I1\n")
        f.write("T3,2026-03-02T10:40:00Z,A3,no idea why,I1\n")
    with open(folder / "ticket_events.csv", "a") as f:
        # A customer comment gives the older ticket T1 a signal.
        f.write("T1,2026-03-02T10:50:00Z,customer,this is confusing\n")
    said = io.StringIO()
    load(folder, db, refresh=True, progress=Progress(said, verbose=True))
    for table in ("ticket_signals", "ticket_tokens"):
        assert f"updated {table} for 3 changed ticket_id values" in said.getvalue()
    assert rows(db, signals) == [
        ("T1", "confusion", "confusing"),
        ("T3", "confusion", "no idea"),
        ("T4", "confusion", "confused"),
    ]
    assert rows(
        db,
        "select word from ticket_tokens where ticket_id = 'T2' and field = 'subject' order by 1",
    ) == [("frozen",), ("login",), ("spinner",)]
    full = tmp_path / "full.duckdb"
    load(folder, full)
    assert tables_differ(db, full) == {}


def test_a_refresh_that_cannot_tell_the_changed_tickets_builds_every_step_whole(tmp_path):
    """A file read again whole (rows may be gone) or other settings: no step is updated by
    value, and the result still equals a full load."""
    folder = write_exports(
        tmp_path / "x",
        {"incidents.csv": INCIDENTS, "tickets.csv": SIGNAL_TICKETS, "ticket_events.csv": EVENTS},
    )
    db = tmp_path / "x.duckdb"
    load(folder, db)
    (folder / "tickets.csv").write_text(SIGNAL_TICKETS.replace("confused me", "fine"))
    said = io.StringIO()
    load(folder, db, refresh=True, progress=Progress(said, verbose=True))
    assert "built ticket_signals" in said.getvalue() and "updated" not in said.getvalue()
    full = tmp_path / "full.duckdb"
    load(folder, full)
    assert tables_differ(db, full) == {}
    assert rows(db, "select ticket_id from ticket_signals") == [("T2",)]

    other = replace(DEFAULTS, min_shared_words=3)
    with open(folder / "ticket_events.csv", "a") as f:
        f.write("T1,2026-03-02T10:50:00Z,customer,this is confusing\n")
    said = io.StringIO()
    load(folder, db, settings=other, refresh=True, progress=Progress(said, verbose=True))
    assert "built ticket_tokens" in said.getvalue() and "updated" not in said.getvalue()
    load(folder, full, settings=other)
    assert tables_differ(db, full) == {}

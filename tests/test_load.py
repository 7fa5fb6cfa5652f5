"""The loader: every row loaded or rejected with a reason, bad files stopped with one message."""

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from aftermath.pipeline.load import InputError, load
from tests.helpers import rows, write_exports

INCIDENTS = (
    "incident_id,title,severity,services,started_at,resolved_at\n"
    "INC-1,Billing down,SEV2,billing;payments,2026-07-14T10:20:00Z,2026-07-14T11:00:00Z\n"
)
TICKETS = (
    "ticket_id,created_at,account_id,subject,incident_id\n"
    "T1,2026-07-14T10:30:00Z,A1,charged twice,INC-1\n"
)


def counts(db: Path) -> list[tuple]:
    return rows(
        db,
        "select table_name, rows_read, rows_loaded, rows_rejected, duplicates_merged, warnings "
        "from load_report order by table_name, file",
    )


def assert_nothing_lost(db: Path) -> None:
    for table, read, loaded, rejected, merged, _ in counts(db):
        assert read == loaded + rejected + merged, table


def test_minimal_folder_loads_and_types_every_column(tmp_path):
    folder = write_exports(tmp_path / "in", {"incidents.csv": INCIDENTS, "tickets.csv": TICKETS})
    db = tmp_path / "a.duckdb"
    load(folder, db)
    assert rows(
        db, "select incident_id, severity, services, started_at::varchar from incidents"
    ) == [("INC-1", 2, ["billing", "payments"], "2026-07-14 10:20:00")]
    # Optional tables exist, empty, so the derived SQL can always read them.
    assert rows(db, "select count(*) from usage") == [(0,)]
    assert counts(db) == [("incidents", 1, 1, 0, 0, 0), ("tickets", 1, 1, 0, 0, 0)]


def test_offsets_become_utc_and_naive_times_follow_timezone(tmp_path):
    incidents = (
        "incident_id,started_at,resolved_at\n"
        "A,2026-07-15T10:00:00+02:00,2026-07-15 09:30\n"  # 08:00 UTC; naive → option's zone
    )
    folder = write_exports(tmp_path / "in", {"incidents.csv": incidents, "tickets.csv": TICKETS})
    load(folder, tmp_path / "utc.duckdb")
    assert rows(
        tmp_path / "utc.duckdb", "select started_at::varchar, resolved_at::varchar from incidents"
    ) == [("2026-07-15 08:00:00", "2026-07-15 09:30:00")]
    load(folder, tmp_path / "ny.duckdb", timezone="America/New_York")
    # 09:30 in New York in July (EDT, UTC−4) is 13:30 UTC; an explicit offset is unaffected.
    assert rows(
        tmp_path / "ny.duckdb", "select started_at::varchar, resolved_at::varchar from incidents"
    ) == [("2026-07-15 08:00:00", "2026-07-15 13:30:00")]


def test_bad_values_are_rejected_with_file_row_column_reason(tmp_path):
    incidents = (
        "Incident_ID,Severity,Started_At,Resolved_At\n"
        "I1,purple,2026-07-14T10:00:00Z,\n"  # row 1: unknown severity word
        "I2,P1,yesterday,\n"  # row 2: unparseable timestamp
        "I3,critical,2026-07-14T10:00:00Z,2026-07-14T09:00:00Z\n"  # row 3: negative duration
        "I4,minor,2026-07-14T10:00:00Z,2026-07-14T12:00:00Z\n"  # row 4: fine, minor = 3
        ",SEV1,2026-07-14T10:00:00Z,\n"  # row 5: no id
    )
    folder = write_exports(tmp_path / "in", {"incidents.csv": incidents, "tickets.csv": TICKETS})
    db = tmp_path / "a.duckdb"
    load(folder, db)
    assert rows(db, "select incident_id, severity from incidents") == [("I4", 3)]
    assert rows(
        db, 'select file, row_number, "column", value, kind from rejects order by kind, row_number'
    ) == [
        ("incidents.csv", 1, "severity", "purple", "rejected"),
        ("incidents.csv", 2, "started_at", "yesterday", "rejected"),
        ("incidents.csv", 3, "resolved_at", "2026-07-14T09:00:00Z", "rejected"),
        ("incidents.csv", 5, "incident_id", "", "rejected"),
        ("tickets.csv", 1, "incident_id", "INC-1", "warning"),  # INC-1 is not in this file
    ]
    reasons = dict(rows(db, "select \"column\", reason from rejects where kind = 'rejected'"))
    assert reasons["resolved_at"] == "resolved before it started"
    assert "ISO 8601" in reasons["started_at"]
    assert counts(db)[0] == ("incidents", 5, 1, 4, 0, 0)


def test_duplicate_ids_keep_the_last_row_and_are_counted(tmp_path):
    tickets = (
        "ticket_id,created_at,subject\n"
        "T1,2026-07-14T10:00:00Z,first\n"
        "T2,2026-07-14T10:05:00Z,other\n"
        "T1,2026-07-14T10:10:00Z,second\n"
        "T1,2026-07-14T10:20:00Z,third\n"
    )
    folder = write_exports(tmp_path / "in", {"incidents.csv": INCIDENTS, "tickets.csv": tickets})
    db = tmp_path / "a.duckdb"
    load(folder, db)
    assert rows(db, "select ticket_id, subject from tickets order by ticket_id") == [
        ("T1", "third"),
        ("T2", "other"),
    ]
    assert ("tickets", 4, 2, 0, 2, 0) in counts(db)


def test_ticket_naming_unknown_incident_is_kept_with_a_warning(tmp_path):
    tickets = (
        "ticket_id,created_at,incident_id\n"
        "T1,2026-07-14T10:30:00Z,INC-1\n"
        "T2,2026-07-14T10:40:00Z,INC-404\n"
    )
    folder = write_exports(tmp_path / "in", {"incidents.csv": INCIDENTS, "tickets.csv": tickets})
    db = tmp_path / "a.duckdb"
    load(folder, db)
    assert rows(db, "select count(*) from tickets") == [(2,)]
    assert rows(db, 'select row_number, "column", value, reason, kind from rejects') == [
        (2, "incident_id", "INC-404", "names no incident in incidents", "warning")
    ]
    assert ("tickets", 2, 2, 0, 0, 1) in counts(db)


def test_non_utf8_row_and_wrong_field_count_are_rejected_not_lost(tmp_path):
    tickets = (
        b"ticket_id,created_at,subject\n"
        b"T1,2026-07-14T10:00:00Z,fine\n"
        b"T2,2026-07-14T10:01:00Z,caf\xe9 latin-1\n"
        b"T3,2026-07-14T10:02:00Z,too,many\n"
        b"T4,2026-07-14T10:03:00Z,also fine\n"
    )
    folder = write_exports(tmp_path / "in", {"incidents.csv": INCIDENTS, "tickets.csv": tickets})
    db = tmp_path / "a.duckdb"
    load(folder, db)
    assert rows(db, "select ticket_id from tickets order by 1") == [("T1",), ("T4",)]
    rejected = rows(db, "select row_number, reason from rejects where kind = 'rejected' order by 1")
    assert [r[0] for r in rejected] == [2, 3]
    assert "UTF-8" in rejected[0][1]
    assert_nothing_lost(db)
    # Row numbers of kept rows stay their place in the file, after rejected ones too.
    warn = rows(db, "select count(*) from rejects where kind = 'warning'")
    assert warn == [(0,)]


def test_ten_megabyte_description_loads_whole(tmp_path):
    big = "x" * (10 * 1024 * 1024)
    tickets = f"ticket_id,created_at,description\nT1,2026-07-14T10:00:00Z,{big}\n"
    folder = write_exports(tmp_path / "in", {"incidents.csv": INCIDENTS, "tickets.csv": tickets})
    db = tmp_path / "a.duckdb"
    load(folder, db)
    assert rows(db, "select length(description) from tickets") == [(10 * 1024 * 1024,)]


def test_json_parquet_gzip_and_lists_in_every_spelling(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "incidents.json").write_text(
        json.dumps(
            [
                {"INCIDENT_ID": "I1", "started_at": "2026-07-14T10:00:00Z", "services": ["a", "b"]},
                {"incident_id": "I2", "started_at": "2026-07-14T11:00:00Z", "services": "c, d"},
            ]
        )
    )
    with gzip.open(folder / "tickets.csv.gz", "wt") as f:
        f.write('ticket_id,created_at,tags\nT1,2026-07-14T10:00:00Z,"[""x"",""y""]"\n')
    pd.DataFrame(
        {
            "account_id": ["A1", "A1", "A1"],
            "ts": pd.to_datetime(["2026-07-14 10:00", "2026-07-14 11:00", "2026-07-15 09:00"]),
            "feature": ["billing", "billing", "billing"],
        }
    ).to_parquet(folder / "usage.parquet")
    (folder / "accounts.jsonl").write_text('{"account_id": "A1", "mrr": "1,200.50"}\n')
    db = tmp_path / "a.duckdb"
    load(folder, db)
    assert rows(db, "select incident_id, services from incidents order by 1") == [
        ("I1", ["a", "b"]),
        ("I2", ["c", "d"]),
    ]
    assert rows(db, "select tags from tickets") == [(["x", "y"],)]
    # Raw events roll up to one row per account, feature and day, each event counting 1.
    assert rows(db, "select day::varchar, feature, value from usage order by day") == [
        ("2026-07-14", "billing", 2.0),
        ("2026-07-15", "billing", 1.0),
    ]
    assert rows(db, "select mrr from accounts") == [(1200.5,)]


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"incidents.csv": INCIDENTS}, "no tickets file"),
        (
            {"incidents.csv": INCIDENTS, "tickets.csv": "ticket_id,subject\nT1,x\n"},
            "tickets.csv: missing required column created_at",
        ),
        (
            {"incidents.csv": INCIDENTS, "tickets.xlsx": b"PK\x03\x04"},
            "tickets.xlsx: '.xlsx' is not a format",
        ),
        ({"incidents.csv": INCIDENTS, "tickets.csv": b""}, "tickets.csv: the file is empty"),
        (
            {"incidents.csv": INCIDENTS, "tickets.csv": b"\x89PNG\r\n\x1a\n\x00\x00"},
            "not a CSV file",
        ),
        (
            {"incidents.json": '[{"incident_id": "I1", ', "tickets.csv": TICKETS},
            "incidents.json: could not read it as JSON",
        ),
        (
            {"incidents.csv": INCIDENTS, "tickets.parquet": b"not parquet at all"},
            "tickets.parquet: could not read it as PARQUET",
        ),
    ],
)
def test_bad_files_stop_the_load_with_one_message(tmp_path, files, message):
    folder = write_exports(tmp_path / "in", files)
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(".", r"\.")):
        load(folder, tmp_path / "a.duckdb")
    assert not (tmp_path / "a.duckdb").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".a.duckdb.tmp")]


def test_failed_load_leaves_the_previous_database_untouched(tmp_path):
    good = write_exports(tmp_path / "good", {"incidents.csv": INCIDENTS, "tickets.csv": TICKETS})
    db = tmp_path / "a.duckdb"
    load(good, db)
    before = db.read_bytes()
    bad = write_exports(tmp_path / "bad", {"incidents.csv": INCIDENTS, "tickets.csv": b""})
    with pytest.raises(InputError):
        load(bad, db)
    assert db.read_bytes() == before
    assert rows(db, "select count(*) from tickets") == [(1,)]


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "aftermath.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )


def test_cli_bad_input_exits_1_with_one_line_and_no_traceback(tmp_path):
    folder = write_exports(
        tmp_path / "in", {"incidents.csv": INCIDENTS, "tickets.csv": "ticket_id\nT1\n"}
    )
    message = (
        "aftermath: tickets.csv: missing required column created_at. Columns found: ticket_id. "
        "Rename the column in the export (names are case-insensitive)."
    )
    done = run_cli("load", str(folder), "--db", str(tmp_path / "a.duckdb"), "--quiet")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [message]
    # Without --quiet the steps that finished come first, each a time-stamped line; the error
    # is still one line, the last.
    done = run_cli("load", str(folder), "--db", str(tmp_path / "a.duckdb"))
    assert done.returncode == 1
    *steps, last = done.stderr.strip().splitlines()
    assert last == message
    assert steps and all(line.startswith("[") for line in steps)


def test_cli_usage_errors_exit_2(tmp_path):
    assert run_cli("load").returncode == 2
    assert run_cli("frobnicate").returncode == 2
    assert run_cli("load", str(tmp_path), "--set", "nonsense=1").returncode == 2


def test_cli_load_prints_the_report_and_export_guards_formulas(tmp_path):
    tickets = (
        "ticket_id,created_at,subject,incident_id\n"
        'T1,2026-07-14T10:30:00Z,"=HYPERLINK(""http://x"")",INC-1\n'
        "T2,2026-07-14T10:31:00+02:00,-2+3,\n"
    )
    folder = write_exports(tmp_path / "in", {"incidents.csv": INCIDENTS, "tickets.csv": tickets})
    db = str(tmp_path / "a.duckdb")
    done = run_cli("load", str(folder), "--db", db)
    assert done.returncode == 0, done.stderr
    assert "tickets" in done.stdout and "rejected" in done.stdout
    out = run_cli("export", "tickets", "--db", db)
    assert out.returncode == 0
    lines = out.stdout.splitlines()
    # account_id is empty; the subject gets the apostrophe, timestamps are UTC ISO 8601.
    assert lines[1].startswith("T1,2026-07-14T10:30:00Z,,\"'=HYPERLINK(")
    assert lines[2].startswith("T2,2026-07-14T08:31:00Z,,'-2+3,")
    as_json = json.loads(run_cli("export", "tickets", "--db", db, "--format", "json").stdout)
    assert as_json[1]["created_at"] == "2026-07-14T08:31:00Z"
    assert as_json[0]["subject"] == '=HYPERLINK("http://x")'  # JSON is data, not a spreadsheet
    missing = run_cli("export", "nope", "--db", db)
    assert missing.returncode == 1 and "no table 'nope'" in missing.stderr
    parquet = tmp_path / "t.parquet"
    assert (
        run_cli(
            "export", "tickets", "--db", db, "--format", "parquet", "-o", str(parquet)
        ).returncode
        == 0
    )
    assert len(pd.read_parquet(parquet)) == 2


def test_cli_set_overrides_a_setting_and_the_database_records_it(tmp_path):
    folder = write_exports(tmp_path / "in", {"incidents.csv": INCIDENTS, "tickets.csv": TICKETS})
    db = tmp_path / "a.duckdb"
    done = run_cli("load", str(folder), "--db", str(db), "--set", "min_shared_words=3")
    assert done.returncode == 0, done.stderr
    (settings,) = rows(db, "select settings from load_info")[0]
    assert json.loads(settings)["min_shared_words"] == 3
    assert json.loads(settings)["impact_gap_minutes"] == 120  # the rest keep their defaults


def test_memory_limit_out_of_memory_is_one_message_and_keeps_the_old_database(tmp_path):
    folder = write_exports(tmp_path / "in", {"incidents.csv": INCIDENTS, "tickets.csv": TICKETS})
    db = tmp_path / "a.duckdb"
    load(folder, db, memory_limit="200MB")
    before = db.read_bytes()
    # DuckDB's JSON reader asks for a 512 MiB buffer, so 20MB cannot read incidents.json.
    (folder / "incidents.csv").unlink()
    (folder / "incidents.json").write_text(
        '[{"incident_id": "INC-1", "started_at": "2026-07-14T10:20:00Z"}]'
    )
    done = run_cli("load", str(folder), "--db", str(db), "--memory-limit", "20MB")
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "aftermath: out of memory reading the inputs within the memory limit of 20MB: "
        "load again with a larger --memory-limit"
    ]
    assert db.read_bytes() == before
    # Neither the temporary database, the scratch database nor the spill folder is left beside
    # the target.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.duckdb", "in"]


def test_memory_limit_must_be_a_size(tmp_path):
    folder = write_exports(tmp_path / "in", {"incidents.csv": INCIDENTS, "tickets.csv": TICKETS})
    with pytest.raises(InputError, match="memory limit 'lots' is not a size"):
        load(folder, tmp_path / "a.duckdb", memory_limit="lots")

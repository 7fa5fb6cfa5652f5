"""CSV as spreadsheets and help desks write it: mixed line endings, UTF-16, other delimiters."""

import codecs
from pathlib import Path

from aftermath.pipeline.load import load
from tests.helpers import rows, write_exports

INCIDENTS = "incident_id,title,started_at,resolved_at\nI1,Outage,2026-07-14T10:00:00Z,2026-07-14T11:00:00Z\n"


def test_a_crlf_export_with_rows_appended_by_hand_loads_every_row(tmp_path):
    # Three CRLF rows as exported (one with a quoted line break), then two LF rows typed in.
    tickets = (
        b"ticket_id,created_at,subject,incident_id\r\n"
        b'T1,2026-07-14T10:10:00Z,"Checkout\r\nbroken",I1\r\n'
        b"T2,2026-07-14T10:20:00Z,Cannot pay,I1\r\n"
        b"T3,2026-07-14T10:30:00Z,Card declined,I1\r\n"
        b"T4,2026-07-14T10:40:00Z,Still broken,I1\n"
        b"T5,2026-07-14T10:50:00Z,Refund?,\n"
    )
    folder = write_exports(tmp_path / "in", {"incidents.csv": INCIDENTS, "tickets.csv": tickets})
    result = load(folder, tmp_path / "a.duckdb")
    assert rows(tmp_path / "a.duckdb", "select ticket_id, subject from tickets order by 1") == [
        ("T1", "Checkout\nbroken"),  # the line break inside quotes stays one (as LF)
        ("T2", "Cannot pay"),
        ("T3", "Card declined"),
        ("T4", "Still broken"),
        ("T5", "Refund?"),
    ]
    (report,) = [r for r in result.reports if r.table_name == "tickets"]
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (5, 5, 0)


def test_a_row_that_still_cannot_be_parsed_is_a_reject_with_its_number(tmp_path):
    tickets = (
        b"ticket_id,created_at,subject\r\n"
        b"T1,2026-07-14T10:10:00Z,ok\r\n"
        b"T2,2026-07-14T10:20:00Z,one,too,many\r\n"
        b"T3,2026-07-14T10:30:00Z,ok\n"
    )
    folder = write_exports(tmp_path / "in", {"incidents.csv": INCIDENTS, "tickets.csv": tickets})
    result = load(folder, tmp_path / "b.duckdb")
    db = tmp_path / "b.duckdb"
    assert rows(db, "select ticket_id from tickets order by 1") == [("T1",), ("T3",)]
    assert rows(db, "select file, row_number, reason from rejects") == [
        ("tickets.csv", 2, "the row has more fields than the header")
    ]
    # The console report names the reason beside the count.
    assert "rejected: 1 x the row has more fields than the header" in result.summary()


def test_a_row_longer_than_the_reader_allows_is_a_reject_and_the_rest_load(tmp_path):
    # 17 MB in one CSV row: over the 16 MB the CSV reader is given, so the row alone is refused.
    big = "x" * (17 * 1024 * 1024)
    tickets = (
        "ticket_id,created_at,description\n"
        "T1,2026-07-14T10:10:00Z,short\n"
        f"T2,2026-07-14T10:20:00Z,{big}\n"
        "T3,2026-07-14T10:30:00Z,short\n"
    )
    folder = write_exports(tmp_path / "in", {"incidents.csv": INCIDENTS, "tickets.csv": tickets})
    db = tmp_path / "long.duckdb"
    load(folder, db)
    assert rows(db, "select ticket_id from tickets order by 1") == [("T1",), ("T3",)]
    assert rows(db, "select file, row_number, reason from rejects") == [
        ("tickets.csv", 2, "the row is longer than 16 MB")
    ]


def test_a_utf16_file_with_its_byte_order_mark_loads(tmp_path):
    # What a spreadsheet saves as "Unicode text": UTF-16 LE with a BOM, here tab-separated.
    text = (
        "ticket_id\tcreated_at\tsubject\r\nT1\t2026-07-14T10:10:00Z\tZahlung fehlgeschlagen é\r\n"
    )
    tickets = codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    folder = write_exports(tmp_path / "in", {"incidents.csv": INCIDENTS, "tickets.csv": tickets})
    load(folder, tmp_path / "c.duckdb")
    assert rows(tmp_path / "c.duckdb", "select ticket_id, subject from tickets") == [
        ("T1", "Zahlung fehlgeschlagen é")
    ]


def test_the_delimiter_is_the_one_the_header_shows(tmp_path):
    tickets = "ticket_id;created_at;subject\nT1;2026-07-14T10:10:00Z;a, b and c\n"
    folder = write_exports(tmp_path / "in", {"incidents.csv": INCIDENTS, "tickets.csv": tickets})
    load(folder, tmp_path / "d.duckdb")
    assert rows(tmp_path / "d.duckdb", "select subject from tickets") == [("a, b and c",)]


def test_reject_reasons_are_listed_per_file_commonest_first(tmp_path: Path):
    tickets = "ticket_id,created_at\nT1,yesterday\nT2,last week\nT3,\nT4,2026-07-14T10:00:00Z\n"
    folder = write_exports(tmp_path / "in", {"incidents.csv": INCIDENTS, "tickets.csv": tickets})
    result = load(folder, tmp_path / "e.duckdb")
    (report,) = [r for r in result.reports if r.table_name == "tickets"]
    assert [(c, n) for c, _reason, n in report.top_reasons] == [
        ("created_at", 2),
        ("created_at", 1),
    ]

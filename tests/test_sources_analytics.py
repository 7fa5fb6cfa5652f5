"""Usage from the product-analytics tool's raw events (fixtures/vendors/analytics, written in each
tool's export shape): rolled up on load to account × feature × day, events without an account
counted in the load report. Every figure worked out by hand from the fixtures."""

import gzip
import shutil
import zipfile
from datetime import date
from pathlib import Path

import duckdb
import pytest

from aftermath.ingest import vendors
from aftermath.ingest.vendors import amplitude, common
from aftermath.pipeline.load import load
from tests.helpers import rows

FIXTURES = Path(__file__).parent / "fixtures" / "vendors" / "analytics"


def usage_of(db: Path) -> list[tuple]:
    return rows(db, "select account_id, day, feature, value from usage order by 1, 2, 3")


def load_one(tmp_path: Path, source: str, path: Path, **options: str) -> tuple[Path, list[str]]:
    db = tmp_path / f"{source}.duckdb"
    return db, load(None, db, sources=[(source, path)], options=options).notes


def test_mixpanel_events_by_day(tmp_path):
    db, notes = load_one(tmp_path, "mixpanel", FIXTURES / "mixpanel_events.jsonl")
    # properties.time in epoch seconds (the third in milliseconds): A-0042 viewed a report and
    # exported an invoice on the 14th, viewed one on the 15th; A-0107 viewed one on the 14th.
    # The fifth event has no company_id: counted in the notes, not in usage.
    assert usage_of(db) == [
        ("A-0042", date(2026, 7, 14), "exported invoice", 1),
        ("A-0042", date(2026, 7, 14), "viewed report", 1),
        ("A-0042", date(2026, 7, 15), "viewed report", 1),
        ("A-0107", date(2026, 7, 14), "viewed report", 1),
    ]
    assert (
        "mixpanel_events.jsonl [mixpanel]: 1 of 5 events name no account (looked for in the "
        "tool's account fields): counted here, not in usage. Name where your events keep the "
        "account with --account-property." in notes
    )


def test_feature_property_rolls_events_up_by_feature(tmp_path):
    db, _ = load_one(
        tmp_path, "mixpanel", FIXTURES / "mixpanel_events.jsonl", feature_property="area"
    )
    # The same events, their feature the `area` property: reports and billing.
    assert usage_of(db) == [
        ("A-0042", date(2026, 7, 14), "billing", 1),
        ("A-0042", date(2026, 7, 14), "reports", 1),
        ("A-0042", date(2026, 7, 15), "reports", 1),
        ("A-0107", date(2026, 7, 14), "reports", 1),
    ]


def test_account_property_names_where_the_account_is(tmp_path):
    # distinct_id as the account: every event has one, none is left out.
    db, notes = load_one(
        tmp_path, "mixpanel", FIXTURES / "mixpanel_events.jsonl", account_property="distinct_id"
    )
    assert rows(db, "select account_id, sum(value) from usage group by 1 order by 1") == [
        ("anon-9", 1),
        ("u-1", 3),
        ("u-2", 1),
    ]
    assert not [n for n in notes if "name no account" in n]


@pytest.fixture
def amplitude_zip(tmp_path: Path) -> Path:
    """The Export API's answer: a zip of gzipped JSON lines (the fixture split in two hours)."""
    lines = (FIXTURES / "amplitude_events.jsonl").read_bytes().splitlines(keepends=True)
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("123456/123456_2026-07-14_10#0.json.gz", gzip.compress(b"".join(lines[:2])))
        z.writestr("123456/123456_2026-07-15_0#0.json.gz", gzip.compress(b"".join(lines[2:])))
    return archive


def test_amplitude_zip_of_gzipped_json_lines(tmp_path, amplitude_zip):
    assert vendors.detect(amplitude_zip) == (
        "amplitude",
        "zip of gzipped JSON events having 'event_type' and 'event_time' → Amplitude",
    )
    db, notes = load_one(tmp_path, "amplitude", amplitude_zip)
    # The first group of any type (company: ["A-0042"] or "A-0107"), else event_properties'
    # account_id (the third event). event_time is UTC: 23:59:59.999 stays on the 14th.
    assert usage_of(db) == [
        ("A-0042", date(2026, 7, 14), "viewed report", 1),
        ("A-0107", date(2026, 7, 14), "viewed report", 1),
        ("A-0107", date(2026, 7, 15), "exported invoice", 1),
    ]
    assert "export.zip [amplitude]: 1 of 4 events name no account" in "\n".join(notes)


def test_amplitude_folder_of_gzipped_files_in_an_exports_folder(tmp_path, amplitude_zip):
    folder = tmp_path / "exports" / "amplitude"
    with zipfile.ZipFile(amplitude_zip) as z:
        z.extractall(tmp_path / "unzipped")
    shutil.copytree(tmp_path / "unzipped" / "123456", folder)
    db = tmp_path / "folder.duckdb"
    notes = load(tmp_path / "exports", db).notes
    assert "amplitude: read as a amplitude export (folder of 2 JSON files, the first a JSON " in (
        "\n".join(notes)
    )
    assert rows(db, "select count(*), sum(value) from usage") == [(3, 3)]


def test_amplitude_account_property_is_a_group_type(tmp_path):
    con = duckdb.connect()
    usage = amplitude.read(
        con, FIXTURES / "amplitude_events.jsonl", {"account_property": "company"}
    )
    # groups.company for the first two; the third has no company group nor property.
    assert usage["usage"].order("_row").project("_row, account_id").fetchall() == [
        (1, "A-0042"),
        (2, "A-0107"),
    ]
    assert common.notes(con) == [
        "amplitude_events.jsonl [amplitude]: 2 of 4 events name no account (looked for in "
        "'company'): counted here, not in usage. Name where your events keep the account with "
        "--account-property."
    ]


def test_posthog_api_json_and_csv(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    shutil.copy(FIXTURES / "posthog_events.json", folder / "posthog_events.json")
    shutil.copy(FIXTURES / "posthog_events.csv", folder / "posthog_events.csv")
    db = tmp_path / "posthog.duckdb"
    notes = load(folder, db).notes
    # JSON: 12:00+02:00 = 10:00 UTC on the 14th for A-0042 ($groups.company); the $pageview has
    # no group. CSV: properties as JSON text, A-0107 twice on the 15th.
    assert usage_of(db) == [
        ("A-0042", date(2026, 7, 14), "report viewed", 1),
        ("A-0107", date(2026, 7, 15), "invoice exported", 1),
        ("A-0107", date(2026, 7, 15), "report viewed", 1),
    ]
    assert "posthog_events.json [posthog]: 1 of 2 events name no account" in "\n".join(notes)


def test_segment_group_calls_give_their_users_account(tmp_path):
    db, notes = load_one(tmp_path, "segment", FIXTURES / "segment_calls.jsonl")
    # u-1's track call has no group of its own: its group call said A-0042. u-2's names A-0107 in
    # its context. The anonymous page view names none; group and identify are no usage.
    assert usage_of(db) == [
        ("A-0042", date(2026, 7, 14), "report viewed", 1),
        ("A-0107", date(2026, 7, 14), "report viewed", 1),
    ]
    joined = "\n".join(notes)
    assert "segment_calls.jsonl [segment]: 1 of 3 events name no account" in joined
    assert "segment_calls.jsonl [segment]: 2 calls other than track, page and screen" in joined
    assert rows(db, "select rows_read, rows_loaded, rows_rejected from load_report") == [(2, 2, 0)]

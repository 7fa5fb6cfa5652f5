"""The figures peer projects expect from the same real captures (../shared/realdata/peer,
SOURCES.md), loaded as a user would: each capture saved as the vendor's API answers it, dropped
into one folder, `aftermath load` on the folder, the times read back from the database."""

import csv
import json
import shutil
from pathlib import Path

import pytest

from aftermath.pipeline.load import load
from tests.helpers import rows


def _devlake_page(raw: Path, key: str) -> dict:
    """DevLake keeps each API record in the `data` column of its raw table: one page of them."""
    csv.field_size_limit(1 << 30)
    with raw.open(newline="") as f:
        return {key: [json.loads(row["data"]) for row in csv.DictReader(f)]}


@pytest.fixture(scope="module")
def peers(realdata: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("peers")
    devlake, faros = realdata / "peer/devlake", realdata / "peer/faros/source"
    pagerduty = _devlake_page(
        devlake / "pagerduty/raw_tables/_raw_pagerduty_incidents.csv", "incidents"
    )
    (folder / "pagerduty.json").write_text(json.dumps(pagerduty))
    opsgenie = _devlake_page(devlake / "opsgenie/raw_tables/_raw_opsgenie_incidents.csv", "data")
    (folder / "opsgenie.json").write_text(json.dumps(opsgenie))
    shutil.copy(faros / "firehydrant-source/test_files/incidents.json", folder / "firehydrant.json")
    shutil.copy(faros / "statuspage-source/test_files/incidents.json", folder / "statuspage.json")
    db = folder / "peers.duckdb"
    load(folder, db)
    return db


def seconds(db: Path, incident_id: str, later: str) -> float:
    (value,) = rows(
        db,
        f"select epoch({later}) - epoch(started_at) from incidents where incident_id = $id",
        {"id": incident_id},
    )[0]
    return round(value, 3)


def test_pagerduty_incident_6_acknowledged_after_10_s_and_resolved_after_368_s(peers):
    assert seconds(peers, "Q1OHFWFP3GPXOG", "acknowledged_at") == 10
    assert seconds(peers, "Q1OHFWFP3GPXOG", "resolved_at") == 368


def test_firehydrant_incident_2_acknowledged_after_35_min_33_s_mitigated_after_1_h_40_min_58_s(
    peers,
):
    # 01:28:08.563 → 02:03:42.000 = 35 min 33.437 s; → 03:09:06.407 = 1 h 40 min 57.844 s.
    assert seconds(peers, "a4a082a0-399c-4f74-aa2e-4be55ba6ed44", "acknowledged_at") == 2133.437
    assert seconds(peers, "a4a082a0-399c-4f74-aa2e-4be55ba6ed44", "mitigated_at") == 6057.844
    assert seconds(peers, "a4a082a0-399c-4f74-aa2e-4be55ba6ed44", "resolved_at") == 6057.844


def test_opsgenie_incident_2_resolved_after_53_487_s(peers):
    assert seconds(peers, "3f84e009-7548-4e7d-832a-fa82c1ceb6b1", "resolved_at") == 53.487


def test_statuspage_example_incident_resolved_before_it_was_created_is_rejected(peers):
    # The example created 2021-11-08T15:18:17.701Z, resolved 14:52:17.878Z the same day: the
    # third incident of the file; the other two load.
    rejected = (
        "select file, row_number, \"column\", value, reason from rejects where kind = 'rejected'"
    )
    assert rows(peers, rejected) == [
        (
            "statuspage.json [statuspage]",
            3,
            "resolved_at",
            "2021-11-08T14:52:17.878Z",
            "resolved before it was created on the status page",
        )
    ]
    assert rows(peers, "select count(*) from incidents") == [(3 + 2 + 3 + 2,)]
    # Its four updates stay, each warned of as naming no loaded incident.
    assert rows(peers, "select count(*) from rejects where kind = 'warning'") == [(4,)]

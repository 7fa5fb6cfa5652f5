"""The quiet checks' lists, written out: the worked example in the headers of
queries/intermediate/quiet/account_timelines.sql and queries/macros/quiet_windows.sql."""

import duckdb
import pytest

from aftermath.pipeline.load import load
from aftermath.settings import DEFAULTS
from tests.helpers import build_load_only, write_exports

SETTINGS = DEFAULTS.with_overrides(["exposure_days=2"])
ANY = 1 << 31  # bit 31: "any feature"
BILLING = 1  # bit 0: the one feature an incident names


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory):
    folder = write_exports(
        tmp_path_factory.mktemp("timelines"),
        {
            "incidents.csv": "incident_id,title,services,started_at,resolved_at\n"
            "I1,Billing errors,billing,2026-07-03T10:00:00Z,2026-07-03T11:00:00Z\n",
            "tickets.csv": "ticket_id,created_at,account_id,subject,incident_id\n"
            "T1,2026-07-03T10:30:00Z,A1,billing broken,I1\n",
            # Days 0..3 of the usage data; nothing on day 1.
            "usage.csv": "account_id,day,feature,value\n"
            "A1,2026-07-01,billing,3\nA1,2026-07-03,reports,5\nA1,2026-07-04,billing,2\n",
        },
    )
    db = folder / "t.duckdb"
    load(folder, db, SETTINGS)
    connection = duckdb.connect(str(db))
    build_load_only(connection, SETTINGS)  # dropped by the load: built again to be read here
    yield connection
    connection.close()


def test_the_account_timeline_is_the_headers_lists(con):
    assert con.execute(
        "select account_id, usage_to_date, feature_blocks, complained_incidents::varchar "
        "from account_timelines"
    ).fetchall() == [
        (
            "A1",
            [0.0, 3.0, 3.0, 8.0, 10.0],  # running totals: [day + 2] = days 0..day
            [0, ANY | BILLING, ANY | BILLING, ANY, ANY | BILLING, ANY | BILLING],
            "1",
        )
    ]


def test_windows_are_two_lookups_in_those_lists(con):
    # I1 starts and ends on day 2: the 2 exposure days are 0..1, at positions 1..3 of the
    # totals (3 - 0 = 3 used) and at block position 3 (= day 0 + 2 + 1) for the features.
    assert con.execute(
        "select feature_mask, first_block, last_block, before_from, before_to, "
        "baseline_from, baseline_to, after_from, after_to from quiet_positions"
    ).fetchall() == [(BILLING, 3, 3, 1, 3, 1, 3, 4, 5)]
    # Baseline days -26..1 hold 3 of usage over 28 days; after days 3..16 hold day 3's 2 over 14.
    assert con.execute(
        "select account_id, active_feature_bits, opened_ticket, baseline_daily, after_daily "
        "from incident_account_usage"
    ).fetchall() == [("A1", BILLING, True, 3 / 28, 2 / 14)]


def test_the_window_macros_on_the_headers_example(con):
    totals = "[0, 3, 3, 8, 10]"
    assert con.execute(
        f"select window_from(1, 4), window_to(1, 2, 4), window_usage({totals}, 2, 4), "
        f"window_from(-3, 4), window_to(-3, -1, 4), window_usage({totals}, 1, 1), "
        f"window_from(3, 4), window_to(3, 9, 4), window_usage({totals}, 4, 5), "
        f"window_from(5, 4), window_to(5, 9, 4), window_usage({totals}, 5, 5)"
    ).fetchone() == (2, 4, 5, 1, 1, 0, 4, 5, 2, 5, 5, 0)

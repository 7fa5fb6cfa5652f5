"""The pages' totals next to their first rows: the call list's top and totals, the overview's sums.

Hand-made usage, days d counted from 2026-01-05 (d0) to 2026-05-05 (d120), default settings.
Two billing incidents: I1 2026-03-02 10:00-14:00 (d56) and I2 2026-03-30 10:00-12:00 (d84).
- baseline: the 28 days before the start (I1 d28..d55, I2 d56..d83); before: the 7 days before
  (I1 d49..d55, I2 d77..d83); after: days 1-14 after (I1 d57..d70, I2 d85..d98); still quiet:
  the latest 7 days of usage (d114..d120).
- A_TWICE (enterprise, 5000): 10 a day to d56, 2 a day d57..d84, then nothing. I1: 10 -> 2,
  quiet. I2: baseline (10 + 27 * 2) / 28 = 2.29, before 2 (not already quiet), after 0: quiet.
  No ticket: silent both times; 0 in the latest days: still quiet.
- A_ONCE (smb, 300): 6 a day but nothing d57..d70. I1: 6 -> 0, quiet, and it wrote T1: not
  silent; back to 6: not still quiet. I2: baseline (6 + 13 * 6) / 28 = 3, after 6: not quiet.
- A_ANON (not in accounts: no segment, no MRR): 8 a day to d84, nothing d85..d110, 8 from d111.
  I1: 8 -> 8, not quiet. I2: 8 -> 0, quiet, silent; 8 in the latest days: not still quiet.
- A_STEADY (mid-market, 800): 8 a day throughout, never quiet.
T1 and T2 are not solved. So the contact list holds 5 rows, in the page's order over every
incident (MRR x reason weight: silent quiet 3, quiet 2, open ticket 1, still quiet 1):
A_TWICE/I1 and A_TWICE/I2 5000 x 4, A_ONCE/I1 300 x 3 (quiet after T1, open), A_ONCE/I2
300 x 1 (T2 open), A_ANON/I2 0 x 3 (MRR unknown); 3 accounts, MRR 5000 + 300 = 5300 (each once).
"""

from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from aftermath.pipeline.derived import create_macros
from aftermath.pipeline.load import load
from dashboard.overview_sections import headline_query
from tests.helpers import page_frame, rows, write_exports

D0 = date(2026, 1, 5)
LAST_D = 120
USAGE = {
    "A_TWICE": lambda d: 10 if d <= 56 else 2 if d <= 84 else None,
    "A_ONCE": lambda d: None if 57 <= d <= 70 else 6,
    "A_ANON": lambda d: 8 if d <= 84 or d >= 111 else None,
    "A_STEADY": lambda d: 8,
}
CALL_FILTERS = ("incident_id", "segment", "min_mrr", "reason")
HEADLINE_FILTERS = ("started_from", "started_before", "service", "severities")


def usage_csv() -> str:
    lines = ["account_id,day,feature,value"]
    for account, pattern in USAGE.items():
        for d in range(LAST_D + 1):
            if (value := pattern(d)) is not None:
                lines.append(f"{account},{D0 + timedelta(days=d)},billing,{value}")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = write_exports(
        tmp_path_factory.mktemp("page_totals"),
        {
            "incidents.csv": "incident_id,title,services,started_at,resolved_at\n"
            "I1,Billing errors,billing,2026-03-02T10:00:00Z,2026-03-02T14:00:00Z\n"
            "I2,Billing errors again,billing,2026-03-30T10:00:00Z,2026-03-30T12:00:00Z\n",
            # A_ONCE writes during each incident: one account behind two related tickets.
            "tickets.csv": "ticket_id,created_at,account_id,subject,incident_id\n"
            "T1,2026-03-02T11:00:00Z,A_ONCE,billing page fails,I1\n"
            "T2,2026-03-30T11:00:00Z,A_ONCE,billing fails again,I2\n",
            "accounts.csv": "account_id,name,segment,mrr\n"
            "A_TWICE,Twice Co,enterprise,5000\n"
            "A_ONCE,Once Ltd,smb,300\n"
            "A_STEADY,Steady BV,mid-market,800\n",
            "usage.csv": usage_csv(),
        },
    )
    path = folder / "totals.duckdb"
    load(folder, path)
    return path


def contacts(db: Path, max_rows: int | None = None, **filters: object) -> list[tuple]:
    params = {**dict.fromkeys(CALL_FILTERS), **filters, "max_rows": max_rows}
    frame = page_frame(db, "pages/contacts_to_call", **params)
    return list(zip(frame["account_id"], frame["incident_id"], strict=True))


def contact_totals(db: Path, **filters: object) -> tuple:
    frame = page_frame(
        db, "pages/contacts_to_call_totals", **{**dict.fromkeys(CALL_FILTERS), **filters}
    )
    return tuple(frame.iloc[0].tolist())


def headline(db: Path, **filters: object) -> tuple:
    """The Overview's cards' sums as the page picks their query (the load's totals without a
    filter, marts/overview/overview_totals run on the picked incidents with one)."""
    name, params = headline_query({**dict.fromkeys(HEADLINE_FILTERS), **filters})
    frame = page_frame(db, name, **params)
    return tuple(frame.iloc[0].tolist())


def test_contacts_keep_their_first_rows(db):
    every = [
        ("A_TWICE", "I1"),
        ("A_TWICE", "I2"),
        ("A_ONCE", "I1"),
        ("A_ONCE", "I2"),
        ("A_ANON", "I2"),
    ]
    assert contacts(db) == every  # no limit: the CSV's rows
    assert contacts(db, max_rows=2) == every[:2]
    assert contacts(db, max_rows=0) == []


def test_contact_list_is_stored_by_incident_and_priority(db):
    # The load writes contact_list in the order one incident's page reads it.
    assert rows(
        db, "select incident_id, priority, account_id from contact_list order by rowid"
    ) == [
        ("I1", 1, "A_TWICE"),
        ("I1", 2, "A_ONCE"),
        ("I2", 1, "A_TWICE"),
        ("I2", 2, "A_ONCE"),
        ("I2", 3, "A_ANON"),
    ]


def test_contact_totals_count_an_account_once(db):
    # (rows, accounts, silent quiet accounts, MRR): A_TWICE's two rows are one account, one 5000.
    assert contact_totals(db) == (5, 3, 2, 5300.0)
    # The page's "MRR at least 0" leaves out A_ANON, whose MRR is unknown.
    assert contact_totals(db, min_mrr=0) == (4, 2, 1, 5300.0)
    assert contact_totals(db, min_mrr=1000) == (2, 1, 1, 5000.0)
    # Silent quiet: A_TWICE twice and A_ANON (A_ONCE wrote T1).
    assert contact_totals(db, reason="silent_quiet") == (3, 2, 2, 5000.0)
    # Still quiet in the latest days: A_TWICE only (A_ONCE and A_ANON came back).
    assert contact_totals(db, reason="still_quiet") == (2, 1, 1, 5000.0)
    assert contact_totals(db, incident_id="I2") == (3, 3, 2, 5300.0)
    assert contact_totals(db, segment="SMB") == (2, 1, 0, 300.0)
    assert contact_totals(db, incident_id="I9") == (0, 0, 0, 0.0)


def test_contact_totals_match_the_rows(db):
    filters = {"reason": "silent_quiet", "min_mrr": None}
    params = {**dict.fromkeys(CALL_FILTERS), **filters, "max_rows": None}
    listed = page_frame(db, "pages/contacts_to_call", **params)
    unique = listed.drop_duplicates("account_id")
    assert contact_totals(db, **filters) == (len(listed), len(unique), 2, unique["mrr"].sum())


def test_overview_opening_view_reads_the_load_time_totals(db):
    # 2 incidents; outage 4 h + 2 h; customer impact the same (each ticket came inside its
    # incident, none after); T1 and T2 from one account; quiet A_TWICE, A_ONCE, A_ANON,
    # MRR 5000 + 300 (A_TWICE once, A_ANON unknown). Both incidents' impact measured (2 of 2).
    # (incidents, ongoing, ongoing outage h, outage h, impact h, measured, tickets, accounts,
    # quiet accounts, quiet MRR)
    expected = (2, 0, 0.0, 6.0, 6.0, 2, 2, 1, 3, 5300.0)
    assert rows(db, "select * from overview_totals") == [expected]
    assert headline(db) == expected
    # A filter that keeps every incident runs the filtered sums: the same numbers.
    assert headline(db, started_from=datetime(2000, 1, 1)) == expected


def test_overview_filters_still_filter(db):
    # I2 alone: 2 h, T2 from A_ONCE, quiet A_TWICE (5000) and A_ANON (no MRR).
    assert headline(db, started_from=datetime(2026, 3, 15)) == (
        (1, 0, 0.0, 2.0, 2.0, 1, 1, 1, 2, 5000.0)
    )
    assert headline(db, service="billing", started_before=datetime(2026, 3, 15)) == (
        (1, 0, 0.0, 4.0, 4.0, 1, 1, 1, 2, 5300.0)
    )
    # Neither incident has a declared severity: no incident, so no impact was measured and the
    # impact hours and ticket counts are empty, not 0.
    none = headline(db, severities=[1])
    assert none[:4] + none[5:6] + none[8:] == (0, 0, 0.0, 0.0, 0, 0, 0.0)
    assert [pd.isna(none[i]) for i in (4, 6, 7)] == [True, True, True]
    # An empty severity list is no filter.
    assert headline(db, severities=[]) == (2, 0, 0.0, 6.0, 6.0, 2, 2, 1, 3, 5300.0)


def test_overview_opening_view_matches_the_filtered_sums_on_the_demo(demo_db):
    opening = headline(demo_db)
    every = headline(demo_db, started_from=datetime(2000, 1, 1))
    counts = (0, 1, 5, 6, 7, 8)
    assert [opening[i] for i in counts] == [every[i] for i in counts]  # exactly
    sums = (2, 3, 4, 9)
    assert [opening[i] for i in sums] == pytest.approx([every[i] for i in sums], rel=1e-12)
    # 12 incidents, one of them ongoing (INC-312), the 11 finished all measured, and 28 quiet
    # accounts, as the demo's stories plant them (data/demo/README.md).
    assert (opening[0], opening[1], opening[5], opening[8]) == (12, 1, 11, 28)


def test_overview_totals_keep_an_ongoing_incident_apart(tmp_path: Path):
    # F1 finished: 10:00-12:00, 2 h; T1 (A1) at 10:30 inside it, so its customer impact is the
    # same 2 h. G1 ongoing since 2026-03-09 09:00; the newest time in the data is T3 at 11:00, so
    # its outage so far is 2 h, and T2 (A2) and T3 (A3) are its tickets. Summed with F1, the
    # outage would read 4 h and the tickets 3; kept apart: F1's 2 h, 1 ticket, 1 account, and
    # G1 counted in ongoing_incidents with its 2 h so far. No usage: nobody quiet, MRR 0.
    folder = write_exports(
        tmp_path,
        {
            "incidents.csv": "incident_id,title,services,started_at,resolved_at\n"
            "F1,Billing errors,billing,2026-03-02T10:00:00Z,2026-03-02T12:00:00Z\n"
            "G1,Exports stuck,exports,2026-03-09T09:00:00Z,\n",
            "tickets.csv": "ticket_id,created_at,account_id,subject,incident_id,solved_at\n"
            "T1,2026-03-02T10:30:00Z,A1,billing fails,F1,2026-03-02T13:00:00Z\n"
            "T2,2026-03-09T09:30:00Z,A2,exports stuck,G1,\n"
            "T3,2026-03-09T11:00:00Z,A3,exports still stuck,G1,\n",
        },
    )
    path = folder / "ongoing.duckdb"
    load(folder, path)
    # (incidents, ongoing, ongoing outage h, outage h, impact h, measured, tickets, accounts,
    # quiet accounts, quiet MRR)
    expected = (2, 1, 2.0, 2.0, 2.0, 1, 1, 1, 0, 0.0)
    assert rows(path, "select * from overview_totals") == [expected]
    assert headline(path, started_from=datetime(2026, 3, 1)) == expected
    # G1 alone: no finished incident, so no measured impact and no tickets, not zeros.
    alone = headline(path, started_from=datetime(2026, 3, 5))
    assert alone[:4] + alone[5:6] == (1, 1, 2.0, 0.0, 0)
    assert [pd.isna(alone[i]) for i in (4, 6, 7)] == [True, True, True]


def test_the_incident_filter_macro_on_its_headers_examples():
    # queries/macros/incident_filters.sql: a picked service must be among the incident's; an
    # empty severity list keeps every incident, a non-empty one only its severities (an
    # undeclared severity passes none).
    con = duckdb.connect()
    create_macros(con)
    cases = [
        ("['billing'], 2, 'billing', [1, 2]", True),
        ("['billing'], null, null, [1]", False),
        ("['exports'], 3, null, []", True),
        ("['exports'], 3, null, null", True),
        ("['exports'], 3, 'billing', null", False),
        ("['exports'], 3, null, [1, 2]", False),
    ]
    for args, expected in cases:
        # Spliced: the literal cases above.
        assert con.execute(f"select is_picked_incident({args})").fetchone() == (expected,), args

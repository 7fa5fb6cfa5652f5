"""Quiet accounts on hand-made usage: who went quiet, against placebo and control, a week later.

The usage is written inline, one pattern per account, counted in days d from 2026-01-05 (d0) to
2026-04-05 (d90). Incident I1 (services billing) runs 2026-03-02 10:00-14:00, so its start and
resolution day are both d56 (2026-03-02). With the default settings:
- baseline: d28..d55 (28 days), before / already-quiet window: d49..d55 (7 days);
- after: d57..d70 (days 1-14), recovery: d71..d86 (days 15-30), week later: d57..d63;
- placebo (28 days earlier): baseline d0..d27, before d21..d27, after d29..d42.
Usage has two features, billing and api: I1 is scoped to billing and leaves api as control.
"""

import csv
import io
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from aftermath.export import safe_csv
from aftermath.pipeline.load import load
from aftermath.settings import DEFAULTS
from tests.helpers import build_load_only, page_frame, rows, write_exports

D0 = date(2026, 1, 5)
LAST_D = 90

Pattern = Callable[[int], float | None]


def usage_csv(
    patterns: dict[tuple[str, str], Pattern], last_d: int = LAST_D, with_feature: bool = True
) -> str:
    """CSV rows for each (account, feature) pattern over d0..last_d; None = no row that day."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["account_id", "day", "feature", "value"]
        if with_feature
        else ["account_id", "day", "value"]
    )
    for (account, feature), pattern in patterns.items():
        for d in range(last_d + 1):
            value = pattern(d)
            if value is not None:
                day = (D0 + timedelta(days=d)).isoformat()
                writer.writerow(
                    [account, day, feature, value] if with_feature else [account, day, value]
                )
    return out.getvalue()


MAIN_USAGE = {
    # Clear drop: 10 a day, 2 a day from d57. Baseline 10, after 2: drop 80 %, quiet, silent.
    ("A_DROP", "billing"): lambda d: 10 if d <= 56 else 2,
    # The edge: 4 a day, then 2: after 2 <= 4 * 50 % exactly, so quiet. Opened ticket T1.
    ("A_EDGE", "billing"): lambda d: 4 if d <= 56 else 2,
    # Low baseline: 1 on even days -> 14 / 28 = 0.5 a day < 1: not judged, though usage stops.
    ("A_LOW", "billing"): lambda d: 1 if d <= 56 and d % 2 == 0 else None,
    # Missing days: 20 on even days up to d56 (baseline 14 rows = 280 / 28 = 10; before
    # d50, d52, d54 = 60 / 7 = 8.57, not already quiet), then rows only on d60 and d66:
    # 40 / 14 = 2.857 a day, drop 71.43 %, quiet. Averaging only the rows would say 20.
    ("A_GAPS", "billing"): lambda d: 20 if (d <= 56 and d % 2 == 0) or d in (60, 66) else None,
    # Recovers on day 15: 6 a day, nothing d57..d70 (drop 100 %), 6 a day again from d71:
    # recovery mean 96 / 16 = 6 >= 80 % of 6.
    ("A_RECOVER", "billing"): lambda d: 6 if d <= 56 or d >= 71 else None,
    # Already quiet: 10 a day to d48, 2 a day from d49. Baseline (21 * 10 + 7 * 2) / 28 = 8,
    # before 2 <= 4: its drop began before I1, listed with already_quiet, not counted.
    ("A_ALREADY", "billing"): lambda d: 10 if d <= 48 else 2,
    # Steady: 8 a day throughout, never quiet.
    ("A_STEADY", "billing"): lambda d: 8,
    # Quiet only in the placebo window: nothing d29..d42, 6 a day otherwise. Real baseline
    # (1 + 13) * 6 / 28 = 3, after 6: not quiet; placebo baseline 6, after 0: placebo quiet.
    ("A_PLACEBO", "billing"): lambda d: None if 29 <= d <= 42 else 6,
    # Unexposed (api only) and drops from 10 to 1: quiet in the control group, not for I1.
    ("A_UNEXP", "api"): lambda d: 10 if d <= 56 else 1,
    # Unexposed and steady: the control group's other eligible account.
    ("A_CTRL", "api"): lambda d: 5,
}

ACCOUNTS = (
    "account_id,name,segment,mrr\n"
    "A_DROP,Drop Co,enterprise,5000\n"
    "A_EDGE,Edge Ltd,mid-market,1200\n"
    "A_LOW,Low Inc,smb,100\n"
    "A_GAPS,=1+2 Gaps,smb,300\n"
    "A_RECOVER,Recover AG,enterprise,4000\n"
    "A_ALREADY,Already SA,mid-market,2000\n"
    "A_STEADY,Steady BV,smb,800\n"
    "A_PLACEBO,Placebo Oy,smb,700\n"
    "A_UNEXP,Unexposed plc,enterprise,9000\n"
    "A_CTRL,Control KK,smb,600\n"
    "A_TICKET,Ticket GmbH,smb,50\n"
)

MAIN_INCIDENTS = (
    "incident_id,title,services,started_at,resolved_at\n"
    "I1,Billing errors,billing,2026-03-02T10:00:00Z,2026-03-02T14:00:00Z\n"
    "I9,Billing slow,billing,2026-04-03T10:00:00Z,\n"
)

# T0: A_DROP's old ticket, its last one. T1 (A_EDGE) and T2 (A_TICKET, no usage) are linked to
# I1 inside its impact window (10:00-14:00; T3 comes days later, after the 2-hour gap). T3: A_EDGE
# writes again on 03-06 about I1 (linked), within the week (due 03-09 14:00): a repeat. T5:
# A_TICKET writes on 03-07 about something else, after the 72 h suggestion window: no repeat.
# T4 is the data's newest timestamp (2026-04-05), so the week-later check is due.
TICKETS = (
    "ticket_id,created_at,account_id,subject,solved_at,incident_id\n"
    "T0,2026-01-20T09:00:00Z,A_DROP,how to export reports,2026-01-20T10:00:00Z,\n"
    "T1,2026-03-02T11:00:00Z,A_EDGE,billing page fails,2026-03-04T09:00:00Z,I1\n"
    "T2,2026-03-02T12:00:00Z,A_TICKET,cannot pay,,I1\n"
    "T3,2026-03-06T10:00:00Z,A_EDGE,still failing,2026-03-06T11:00:00Z,I1\n"
    "T4,2026-04-05T08:00:00Z,A_STEADY,feature request,2026-04-05T09:00:00Z,\n"
    "T5,2026-03-07T10:00:00Z,A_TICKET,how to cancel,2026-03-07T11:00:00Z,\n"
)

# Checked at 2026-03-09 14:00: AI1 overdue (due 03-05, open); AI2 done in time; AI3 due 03-08,
# done 03-10, after the check: overdue then; AI4 due 03-09, its day not over; AI5 no due date.
ACTION_ITEMS = (
    "action_item_id,incident_id,title,due_date,completed_at\n"
    "AI1,I1,Add retries,2026-03-05,\n"
    "AI2,I1,Alert on errors,2026-03-05,2026-03-04T12:00:00Z\n"
    "AI3,I1,Runbook,2026-03-08,2026-03-10T12:00:00Z\n"
    "AI4,I1,Load test,2026-03-09,\n"
    "AI5,I1,Review vendors,,\n"
)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = write_exports(
        tmp_path_factory.mktemp("quiet"),
        {
            "incidents.csv": MAIN_INCIDENTS,
            "tickets.csv": TICKETS,
            "accounts.csv": ACCOUNTS,
            "action_items.csv": ACTION_ITEMS,
            "usage.csv": usage_csv(MAIN_USAGE),
        },
    )
    path = folder / "quiet.duckdb"
    load(folder, path)
    return path


def test_each_exposed_account_gets_its_verdict(db):
    got = rows(
        db,
        "select account_id, quiet, already_quiet, opened_ticket, is_silent, "
        "round(baseline_daily, 4), round(after_daily, 4), round(drop_pct, 2), "
        "recovered_by_day_30, verdict from quiet_accounts where incident_id = 'I1' "
        "order by account_id",
    )
    assert got == [
        (
            "A_ALREADY",
            False,
            True,
            False,
            False,
            8.0,
            2.0,
            75.0,
            None,
            "already quiet before the start",
        ),
        ("A_DROP", True, False, False, True, 10.0, 2.0, 80.0, False, "quiet"),
        ("A_EDGE", True, False, True, False, 4.0, 2.0, 50.0, False, "quiet"),
        ("A_GAPS", True, False, False, True, 10.0, 2.8571, 71.43, False, "quiet"),
        ("A_RECOVER", True, False, False, True, 6.0, 0.0, 100.0, True, "quiet"),
        # Exposed by its ticket alone; no usage at all, so no baseline to judge against.
        ("A_TICKET", None, None, True, None, 0.0, 0.0, None, None, "baseline under 1.0 a day"),
    ]
    # Stored: the quiet, the already quiet and those that wrote in (contract section 3). A_LOW
    # (baseline 0.5, not judged), A_PLACEBO and A_STEADY (not quiet) are exposed with nothing to
    # report: counted in incident_quiet's 9 exposed, not stored. A_UNEXP and A_CTRL used only
    # api: not exposed to a billing incident.
    assert rows(
        db,
        "select count(*) from quiet_accounts where account_id in "
        "('A_LOW', 'A_PLACEBO', 'A_STEADY', 'A_UNEXP', 'A_CTRL')",
    ) == [(0,)]


def test_contact_list_calls_the_silent_quiet_first_by_revenue_at_risk(db):
    got = rows(
        db,
        "select priority, account_id, reasons, reason_weight, mrr, round(drop_pct), "
        "related_tickets, last_contact_at, why from contact_list "
        "where incident_id = 'I1' order by priority",
    )
    # Weights: silent quiet 3, quiet (after writing in) 2, open ticket 1, still quiet 1 (latest
    # 7 days d84..d90: all quiet ones but A_RECOVER, back to 6 a day). Revenue at risk = MRR x
    # weight: A_DROP 5000 x (3 + 1) = 20,000; A_RECOVER 4000 x 3 = 12,000; A_EDGE (wrote T1, T3,
    # both solved) 1200 x (2 + 1) = 3,600; A_GAPS 300 x (3 + 1) = 1,200; A_TICKET (T2 open, no
    # usage) 50 x 1 = 50. The silent quiet enterprise account leads; the small account with one
    # open question comes last. last_contact_at: the newest ticket of any kind (A_DROP's T0).
    assert got == [
        (
            1,
            "A_DROP",
            ["silent_quiet", "still_quiet"],
            4,
            5000.0,
            80.0,
            0,
            datetime(2026, 1, 20, 9),
            "Went quiet without a word (usage −80 %); still quiet.",
        ),
        (
            2,
            "A_RECOVER",
            ["silent_quiet"],
            3,
            4000.0,
            100.0,
            0,
            None,
            "Went quiet without a word (usage −100 %).",
        ),
        (
            3,
            "A_EDGE",
            ["quiet", "still_quiet"],
            3,
            1200.0,
            50.0,
            2,
            datetime(2026, 3, 6, 10),
            "Went quiet after writing in (usage −50 %); still quiet.",
        ),
        (
            4,
            "A_GAPS",
            ["silent_quiet", "still_quiet"],
            4,
            300.0,
            71.0,
            0,
            None,
            "Went quiet without a word (usage −71 %); still quiet.",
        ),
        (
            5,
            "A_TICKET",
            ["open_ticket"],
            1,
            50.0,
            None,
            1,
            datetime(2026, 3, 7, 10),
            "1 ticket open.",
        ),
    ]
    # I9 is ongoing: nobody is judged quiet yet, and it has no related ticket.
    assert rows(db, "select count(*) from contact_list where incident_id = 'I9'") == [(0,)]


def test_load_only_tables_are_not_kept(db):
    # account_timelines, quiet_positions, feature_bits and the incident_account_usage view serve
    # the load; the database keeps what the pages read.
    names = {name for (name,) in rows(db, "select table_name from duckdb_tables()")}
    views = {
        name for (name,) in rows(db, "select view_name from duckdb_views() where not internal")
    }
    assert {"quiet_accounts", "contact_list", "incident_quiet"} <= names
    assert not names & {"account_timelines", "quiet_positions", "feature_bits"}
    assert "incident_account_usage" not in views


def test_incident_counts_rates_placebo_and_control(db):
    got = rows(
        db,
        "select quiet_accounts, silent_quiet_accounts, quiet_mrr, exposed_accounts, "
        "already_quiet_accounts, eligible_accounts, round(quiet_rate_pct, 3), recovered_accounts, "
        "placebo_accounts, placebo_quiet_accounts, round(placebo_quiet_rate_pct, 3), "
        "control_accounts, control_quiet_accounts, control_quiet_rate_pct, "
        "round(excess_quiet_rate_pct, 3), excess_compared_with, not_judged_reason "
        "from incident_quiet where incident_id = 'I1'",
    )
    # Quiet: A_DROP, A_EDGE, A_GAPS, A_RECOVER (MRR 5000 + 1200 + 300 + 4000); silent: all but
    # A_EDGE. Exposed 9; eligible = judged 7 minus A_ALREADY = 6; 4 / 6 = 66.667 %.
    # Placebo: the 8 exposed accounts with usage minus A_LOW (baseline 0.5) = 7, only A_PLACEBO
    # quiet: 14.286 %. Control: A_UNEXP quiet, A_CTRL not: 50 %. Excess vs the higher (control):
    # 66.667 - 50 = 16.667.
    assert got == [
        (4, 3, 10500.0, 9, 1, 6, 66.667, 1, 7, 1, 14.286, 2, 1, 50.0, 16.667, "control", None)
    ]


def test_the_control_is_measured_on_a_fixed_sample_of_accounts(db, tmp_path):
    # The 11 accounts with usage or a related ticket by md5 of their id: A_PLACEBO (12aab93b),
    # A_CTRL (264ad6d3), A_LOW (27b362b9), A_UNEXP (2d97670c), then the rest. A sample of 3
    # holds one unexposed account, A_CTRL (steady, not quiet): control 0 of 1, 0 %. The exposed
    # are all judged as before; the excess is now against the placebo: 66.667 - 14.286 = 52.381.
    # Two loads of the same exports draw the same sample.
    settings = DEFAULTS.with_overrides(["control_sample_accounts=3"])
    query = (
        "select exposed_accounts, eligible_accounts, quiet_accounts, control_accounts, "
        "control_quiet_accounts, control_quiet_rate_pct, round(excess_quiet_rate_pct, 3), "
        "excess_compared_with from incident_quiet where incident_id = 'I1'"
    )
    got = []
    for run in ("first", "second"):
        path = tmp_path / f"{run}.duckdb"
        load(db.parent, path, settings=settings)
        got.append(rows(path, query))
    assert got[0] == got[1] == [(9, 6, 4, 1, 0, 0.0, 52.381, "placebo")]


def test_ongoing_incident_is_listed_but_not_judged(db):
    # I9 starts d88 (2026-04-03), still open. Exposure window d81..d87: every billing user with
    # usage then (A_LOW stopped at d56, A_GAPS at d66, A_RECOVER is back).
    # Those 6 are exposed, none is judged and none wrote in about I9: none is stored.
    assert rows(db, "select count(*) from quiet_accounts where incident_id = 'I9'") == [(0,)]
    assert rows(
        db,
        "select quiet_accounts, silent_quiet_accounts, quiet_mrr, exposed_accounts, "
        "quiet_rate_pct, excess_quiet_rate_pct, not_judged_reason "
        "from incident_quiet where incident_id = 'I9'",
    ) == [(None, None, None, 6, None, None, "ongoing: no after-window yet")]


def test_week_later_check(db):
    got = rows(
        db,
        "select incident_id, check_due_at, accounts_still_quiet, repeat_ticket_accounts, "
        "open_related_tickets, overdue_action_items, checked_at, is_check_due "
        "from week_later order by incident_id",
    )
    # I1, checked 2026-03-09 14:00. Still quiet over d57..d63 (eligible exposed, mean at least
    # 50 % below baseline): A_DROP 2 vs 10, A_EDGE 2 vs 4 (edge), A_GAPS 20 / 7 = 2.86 vs 10,
    # A_RECOVER 0 vs 6 = 4; not A_STEADY, A_PLACEBO. Repeat: A_EDGE (T1, then T3; A_TICKET's T5
    # is not related). Open: T2 (T1 solved 03-04, T3 03-06). Overdue: AI1, AI3.
    # I9 is ongoing: no check due, its accounts not measured; T4 is the newest time (checked_at);
    # no related ticket, no action item.
    assert got == [
        ("I1", datetime(2026, 3, 9, 14), 4, 1, 1, 2, datetime(2026, 3, 9, 14), True),
        ("I9", None, None, None, 0, 0, datetime(2026, 4, 5, 9), False),
    ]


def contacts(db: Path, **filters: object):
    params = dict.fromkeys(("incident_id", "segment", "min_mrr", "reason", "max_rows"), None)
    params.update(filters)
    return page_frame(db, "pages/contacts_to_call", **params)


def test_contacts_page_filters(db):
    frame = contacts(db)
    assert list(frame["account_id"]) == ["A_DROP", "A_RECOVER", "A_EDGE", "A_GAPS", "A_TICKET"]
    assert list(contacts(db, reason="silent_quiet")["account_id"]) == [
        "A_DROP",
        "A_RECOVER",
        "A_GAPS",
    ]
    assert list(contacts(db, reason="still_quiet")["account_id"]) == ["A_DROP", "A_EDGE", "A_GAPS"]
    assert list(contacts(db, segment="enterprise", min_mrr=4500)["account_id"]) == ["A_DROP"]
    assert list(contacts(db, max_rows=2)["account_id"]) == ["A_DROP", "A_RECOVER"]
    assert contacts(db, incident_id="I9").empty


def test_contacts_csv_is_safe_to_open_in_a_spreadsheet(db):
    text = safe_csv(contacts(db)).decode()
    gaps = next(r for r in csv.DictReader(io.StringIO(text)) if r["account_id"] == "A_GAPS")
    assert gaps["account_name"] == "'=1+2 Gaps"


def test_quiet_rates_page_shows_counts(db):
    frame = page_frame(db, "pages/quiet_rates")
    i1 = frame[frame["incident_id"] == "I1"].iloc[0]
    assert (i1["quiet_accounts"], i1["eligible_accounts"]) == (4, 6)
    assert (i1["control_quiet_accounts"], i1["control_accounts"]) == (1, 2)
    assert round(i1["excess_quiet_rate_pct"], 3) == 16.667


def test_incident_quiet_sums_the_baselines_of_the_exposed_not_judged_quiet(db):
    # I1: the exposed not quiet are A_LOW 0.5, A_ALREADY 8, A_STEADY 8, A_PLACEBO 3 and A_TICKET
    # 0 (no usage): 19.5 a day. I9 (start d88, ongoing, so nobody is judged quiet): baseline
    # d60..d87, exposed = used billing in d81..d87: A_DROP, A_EDGE, A_ALREADY 2 a day each (168),
    # A_RECOVER 6 a day from d71 (17 days, 102), A_STEADY 8 (224), A_PLACEBO 6 (168): 662 / 28.
    got = rows(
        db,
        "select incident_id, round(other_exposed_baseline_daily, 6) from incident_quiet "
        "order by incident_id",
    )
    assert got == [("I1", 19.5), ("I9", round(662 / 28, 6))]


def test_incident_timeline_draws_the_quiet_beside_the_other_exposed(db):
    frame = page_frame(db, "pages/incident_exposed_activity", incident_id="I1")
    got = [
        (
            r.is_quiet,
            r.day.isoformat()[:10],
            r.accounts,
            r.active_accounts,
            r.usage_total,
            round(r.usage_pct_of_baseline, 2),
        )
        for r in frame.itertuples()
    ]
    # The timeline: 1 day before the start (03-01, d55) to 7 days after resolution (03-09, d63).
    # Quiet: A_DROP, A_EDGE, A_GAPS, A_RECOVER, baseline 10 + 4 + 10 + 6 = 30 a day. d55: 10 + 4
    # + 6 (A_GAPS only on even days) = 20; d56: 10 + 4 + 20 + 6 = 40; after: A_DROP 2, A_EDGE 2,
    # A_GAPS 20 on d60 only, A_RECOVER nothing until d71.
    quiet = [(55, 3, 20.0), (56, 4, 40.0), (57, 2, 4.0), (58, 2, 4.0), (59, 2, 4.0)]
    quiet += [(60, 3, 24.0), (61, 2, 4.0), (62, 2, 4.0), (63, 2, 4.0)]
    # The other 5 exposed (counted at load, not stored): A_LOW (0.5 a day, 1 on even days to
    # d56), A_ALREADY (8; 2 a day from d49), A_STEADY (8), A_PLACEBO (3; 6 a day here), A_TICKET
    # (no usage, 0): baseline 19.5. Each day 2 + 8 + 6 = 16 from 3 accounts, and A_LOW's 1 on d56.
    other = [(d, 4 if d == 56 else 3, 17.0 if d == 56 else 16.0) for d in range(55, 64)]
    day = lambda d: (D0 + timedelta(days=d)).isoformat()  # noqa: E731
    assert got == [
        (True, day(d), 4, active, total, round(100 * total / 30, 2)) for d, active, total in quiet
    ] + [
        (False, day(d), 5, active, total, round(100 * total / 19.5, 2))
        for d, active, total in other
    ]


# Two incidents a fortnight apart, usage without a feature column (so exposure = any activity in
# the 7 days before, and no control group), d0..d100. I1 as above (d56); I2 2026-03-16 10:00-12:00
# (d70): baseline d42..d69, before d63..d69, after d71..d84. I3 resolved d95: its after-window
# (to d109) runs past the usage data's last day, d100.
FORTNIGHT_USAGE = {
    # Quiet after I1 (10 -> 2 from d57). For I2 its baseline is (15 * 10 + 13 * 2) / 28 = 6.29
    # and its before-window 2 <= 3.14: already quiet, so I2 does not get the blame.
    ("A_DROP", ""): lambda d: 10 if d <= 56 else 2,
    # Quiet after I2 only: 7 a day to d70, then nothing. After I1 still 7: not quiet for I1.
    ("A_LATE", ""): lambda d: 7 if d <= 70 else None,
    ("A_STEADY", ""): lambda d: 8,
}


@pytest.fixture(scope="module")
def fortnight_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = write_exports(
        tmp_path_factory.mktemp("fortnight"),
        {
            "incidents.csv": "incident_id,title,services,started_at,resolved_at\n"
            "I1,Billing errors,billing,2026-03-02T10:00:00Z,2026-03-02T14:00:00Z\n"
            "I2,Billing errors again,billing,2026-03-16T10:00:00Z,2026-03-16T12:00:00Z\n"
            "I3,Search slow,search,2026-04-10T10:00:00Z,2026-04-10T11:00:00Z\n",
            "tickets.csv": "ticket_id,created_at,account_id,subject\n"
            "T9,2026-01-10T10:00:00Z,A_STEADY,hello\n",
            "usage.csv": usage_csv(FORTNIGHT_USAGE, last_d=100, with_feature=False),
        },
    )
    path = folder / "fortnight.duckdb"
    load(folder, path)
    return path


def test_first_incidents_quiet_accounts_are_not_blamed_on_the_second(fortnight_db):
    got = rows(
        fortnight_db,
        "select incident_id, account_id, quiet, already_quiet, round(drop_pct, 2), verdict "
        "from quiet_accounts where incident_id in ('I1', 'I2') order by incident_id, account_id",
    )
    # I2: A_DROP after d71..d84 = 2 vs 6.2857: drop 68.18 %, but already quiet.
    assert got == [
        ("I1", "A_DROP", True, False, 80.0, "quiet"),
        ("I2", "A_DROP", False, True, 68.18, "already quiet before the start"),
        ("I2", "A_LATE", True, False, 100.0, "quiet"),
    ]
    # A_LATE in I1 and A_STEADY in both are not quiet and wrote nothing: counted, not stored.


def test_without_features_every_active_account_is_exposed_and_there_is_no_control(fortnight_db):
    got = rows(
        fortnight_db,
        "select incident_id, exposed_accounts, quiet_accounts, eligible_accounts, "
        "round(quiet_rate_pct, 3), placebo_accounts, placebo_quiet_accounts, control_accounts, "
        "round(excess_quiet_rate_pct, 3), excess_compared_with, not_judged_reason "
        "from incident_quiet order by incident_id",
    )
    # I1: 1 of 3 quiet; placebo (d0..d42) all steady: 0 of 3; excess 33.333 vs placebo.
    # I2: A_DROP already quiet, 1 of 2. Its placebo 28 days earlier (before d35..d41, after
    # d43..d56) would reach into I1's aftermath (d56 to d70, resolution + 14 days), and 56 days
    # earlier its baseline would start before the usage data (d-14): no placebo, so no excess
    # (there is no control either: usage without features).
    # I3 (services search, usage without features: everyone active d88..d94 is exposed,
    # A_DROP and A_STEADY) is not judged: the usage data ends at d100, before d109.
    assert got == [
        ("I1", 3, 1, 3, 33.333, 3, 0, None, 33.333, "placebo", None),
        ("I2", 3, 1, 2, 50.0, None, None, None, None, None, None),
        (
            "I3",
            2,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            "usage data ends before the after-window does",
        ),
    ]


# Exposure windows, counted in days d from D0. I_EARLY starts d3 (2026-01-08), so its 7 days
# before reach back past the usage data's first day; I_MID starts d20 (2026-01-25).
EXPOSURE_USAGE = {
    # Used billing on d19 only: the day before I_MID, inside every window width.
    ("E_DAYBEFORE", "billing"): lambda d: 5 if d == 19 else None,
    # Used billing on d17 only: 3 days before I_MID: inside a window of 3 or more days.
    ("E_THREE", "billing"): lambda d: 5 if d == 17 else None,
    # Used billing on d13 only: 7 days before I_MID: inside the default 7 days, not 6.
    ("E_SEVEN", "billing"): lambda d: 5 if d == 13 else None,
    # Used billing on d12 only: 8 days before I_MID, outside every width tried.
    ("E_EIGHT", "billing"): lambda d: 5 if d == 12 else None,
    # Used billing on d20, the start day itself: not before the start.
    ("E_SAMEDAY", "billing"): lambda d: 5 if d == 20 else None,
    # Used api on d19: another feature, never exposed to a billing incident.
    ("E_API", "api"): lambda d: 5 if d == 19 else None,
    # Used billing on d0, the data's first day: 3 days before I_EARLY.
    ("E_FIRSTDAY", "billing"): lambda d: 5 if d == 0 else None,
    # Used billing on d60, long after both: keeps the data running to d60.
    ("E_LATER", "billing"): lambda d: 5 if d == 60 else None,
}


@pytest.fixture(scope="module")
def exposure_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_exports(
        tmp_path_factory.mktemp("exposure"),
        {
            "incidents.csv": "incident_id,title,services,started_at,resolved_at\n"
            "I_EARLY,Billing early,billing,2026-01-08T10:00:00Z,2026-01-08T11:00:00Z\n"
            "I_MID,Billing errors,billing,2026-01-25T10:00:00Z,2026-01-25T11:00:00Z\n",
            "tickets.csv": "ticket_id,created_at,account_id,subject\n"
            "T1,2026-01-01T10:00:00Z,E_LATER,hello\n",
            "usage.csv": usage_csv(EXPOSURE_USAGE, last_d=60),
        },
    )


@pytest.mark.parametrize(
    ("days", "expected_mid", "expected_early"),
    [
        (1, {"E_DAYBEFORE"}, set()),
        (3, {"E_DAYBEFORE", "E_THREE"}, {"E_FIRSTDAY"}),
        (6, {"E_DAYBEFORE", "E_THREE"}, {"E_FIRSTDAY"}),
        (7, {"E_DAYBEFORE", "E_THREE", "E_SEVEN"}, {"E_FIRSTDAY"}),
    ],
)
def test_exposure_counts_exactly_the_days_before_the_start(
    exposure_folder, tmp_path, days, expected_mid, expected_early
):
    db = tmp_path / "e.duckdb"
    settings = DEFAULTS.with_overrides([f"exposure_days={days}"])
    load(exposure_folder, db, settings=settings)
    # The exposed are no longer stored one by one: read from the load-only view that decides
    # them, built again, and counted in incident_quiet.
    con = duckdb.connect(str(db))
    try:
        build_load_only(con, settings)
        got = con.execute(
            "select incident_id, account_id from incident_account_usage "
            "where active_feature_bits <> 0 or opened_ticket"
        ).fetchall()
    finally:
        con.close()
    assert {a for i, a in got if i == "I_MID"} == expected_mid
    assert {a for i, a in got if i == "I_EARLY"} == expected_early
    assert rows(db, "select incident_id, exposed_accounts from incident_quiet order by 1") == [
        ("I_EARLY", len(expected_early)),
        ("I_MID", len(expected_mid)),
    ]


def test_exposure_days_must_be_at_least_one():
    with pytest.raises(ValueError, match="exposure_days needs at least 1 day"):
        DEFAULTS.with_overrides(["exposure_days=0"])


def test_a_placebo_in_another_incidents_aftermath_moves_back_or_says_why(fortnight_db, tmp_path):
    assert rows(
        fortnight_db,
        "select incident_id, placebo_offset_days, placebo_missing_reason from incident_quiet "
        "where incident_id in ('I1', 'I2') order by incident_id",
    ) == [
        ("I1", 28, None),
        (
            "I2",
            None,
            "the placebo window falls in the aftermath of I1; no window up to three times as far "
            "back is clear and in the data",
        ),
    ]
    # Usage d0..d140 (no features: every active account exposed). J1 on d84 (2026-03-30), J2 on
    # d112 (2026-04-27), each 10:00-11:00. A_HIT, 10 a day, goes quiet after J1 (nothing d85..d98)
    # and comes back; A_STEADY uses 10 a day throughout.
    # J2's placebo 28 days earlier (before d77..d83, after d85..d98) lies in J1's aftermath (d84
    # to d98): there A_HIT's quiet after J1 would read as normal churn, 1 of 2, and J2's excess
    # as 0 - 50 = -50 points. Moved 56 days back (before d49..d55, after d57..d70, baseline from
    # d28) it is clear of J1: 0 of 2 quiet. J1's own placebo (after d57..d70) touches no other
    # incident's aftermath (J2's starts at d112): 28 days. A_HIT is J1's one quiet account of 2;
    # after J2 nobody is.
    usage = {
        ("A_HIT", ""): lambda d: None if 85 <= d <= 98 else 10,
        ("A_STEADY", ""): lambda d: 10,
    }
    folder = write_exports(
        tmp_path,
        {
            "incidents.csv": "incident_id,title,services,started_at,resolved_at\n"
            "J1,Billing errors,billing,2026-03-30T10:00:00Z,2026-03-30T11:00:00Z\n"
            "J2,Billing slow,billing,2026-04-27T10:00:00Z,2026-04-27T11:00:00Z\n",
            "tickets.csv": "ticket_id,created_at,account_id,subject\n"
            "T9,2026-01-10T10:00:00Z,A_STEADY,hello\n",
            "usage.csv": usage_csv(usage, last_d=140, with_feature=False),
        },
    )
    load(folder, folder / "moved.duckdb")
    assert rows(
        folder / "moved.duckdb",
        "select incident_id, quiet_accounts, eligible_accounts, placebo_offset_days, "
        "placebo_accounts, placebo_quiet_accounts, placebo_missing_reason "
        "from incident_quiet order by incident_id",
    ) == [
        ("J1", 1, 2, 28, 2, 0, None),
        ("J2", 0, 2, 56, 2, 0, None),
    ]

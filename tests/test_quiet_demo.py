"""The demo's planted quiet accounts (truth.json, written by the generator) are the ones found."""

import json
from pathlib import Path

import duckdb
import pytest

from aftermath.queries import run_query
from tests.helpers import rows


def truth(demo_db: Path) -> dict:
    return json.loads((demo_db.parent / "truth.json").read_text())


def accounts(demo_db: Path, incident_id: str, condition: str) -> list[str]:
    # condition is one of this file's fixed column names, never user input
    return [
        r[0]
        for r in rows(
            demo_db,
            f"select account_id from quiet_accounts where incident_id = $i and {condition} "
            "order by account_id",
            {"i": incident_id},
        )
    ]


def test_billing_outage_finds_its_planted_quiet_accounts(demo_db):
    planted = truth(demo_db)
    assert accounts(demo_db, "INC-305", "quiet") == planted["planted_quiet"]["INC-305"]
    assert accounts(demo_db, "INC-305", "is_silent") == planted["planted_silent_quiet"]["INC-305"]
    assert (
        accounts(demo_db, "INC-305", "recovered_by_day_30")
        == planted["planted_recovered"]["INC-305"]
    )
    # The billing users fading out since late June are listed as already quiet, not counted.
    assert (
        accounts(demo_db, "INC-305", "already_quiet") == planted["planted_already_quiet"]["INC-305"]
    )
    # The API incident's planted accounts all wrote a ticket: quiet, none silent.
    assert accounts(demo_db, "INC-304", "quiet") == planted["planted_quiet"]["INC-304"]
    assert accounts(demo_db, "INC-304", "is_silent") == []


def test_no_incident_shows_quiet_accounts_that_were_not_planted(demo_db):
    planted = truth(demo_db)["planted_quiet"]
    got = rows(
        demo_db,
        "select incident_id, quiet_accounts, silent_quiet_accounts from incident_quiet "
        "where quiet_accounts is not null order by incident_id",
    )
    assert got == [
        (
            incident_id,
            len(planted[incident_id]),
            len(truth(demo_db)["planted_silent_quiet"][incident_id]),
        )
        for incident_id, *_ in got
    ]
    # The one ongoing incident is not judged.
    assert rows(demo_db, "select incident_id from incident_quiet where quiet_accounts is null") == [
        ("INC-312",)
    ]


def test_billing_outage_excess_rate_beats_normal(demo_db):
    (got,) = rows(
        demo_db,
        "select quiet_accounts, eligible_accounts, placebo_accounts, placebo_missing_reason, "
        "control_quiet_accounts, excess_quiet_rate_pct, excess_compared_with "
        "from incident_quiet where incident_id = 'INC-305'",
    )
    quiet, eligible, placebo, reason, control_quiet, excess_pct, compared_with = got
    # The placebo window 28 days earlier (after-days 17-30 June) falls just after INC-304 (16
    # June), whose planted quiet accounts would show up there as normal churn; 56 and 84 days
    # earlier fall after INC-302 and before the usage data. So no placebo, with the reason, and
    # the excess is measured against the unexposed accounts, of whom nobody went quiet.
    assert placebo is None
    assert reason.startswith("the placebo window falls in the aftermath of INC-304")
    assert (quiet, control_quiet, compared_with) == (25, 0, "control")
    assert excess_pct == pytest.approx(100.0 * 25 / eligible)


def test_a_placebo_after_another_incident_is_not_read_as_normal_churn(demo_db):
    # INC-306 (12 August, every feature) once read -1.3 points of excess: its placebo 28 days
    # earlier was the fortnight right after INC-305, when the billing outage's own accounts were
    # going quiet. Now it is empty, naming INC-305, and so is the excess (no control either).
    (got,) = rows(
        demo_db,
        "select placebo_quiet_rate_pct, excess_quiet_rate_pct, placebo_missing_reason "
        "from incident_quiet where incident_id = 'INC-306'",
    )
    assert got[:2] == (None, None)
    assert got[2].startswith("the placebo window falls in the aftermath of INC-305")


def test_week_later_repeat_accounts_match_the_planted_repeats(demo_db):
    facts = truth(demo_db)["incidents"]
    got = dict(rows(demo_db, "select incident_id, repeat_ticket_accounts from week_later"))
    expected = {i: len(f["repeat_ticket_accounts"]) for i, f in facts.items() if f["resolved_at"]}
    assert {i: got[i] for i in expected} == expected


def test_contact_list_puts_the_billing_outages_silent_quiet_first(demo_db):
    got = rows(
        demo_db,
        "select account_id, segment, mrr, reasons from contact_list "
        "where incident_id = 'INC-305' order by priority",
    )
    silent = truth(demo_db)["planted_silent_quiet"]["INC-305"]
    # Every planted silent quiet account is there, none left behind by the ticket writers.
    assert sorted(a for a, _, _, r in got if "silent_quiet" in r) == silent
    # The generator hides the enterprise silent losses among the highest MRR: revenue at risk
    # puts the three largest (still quiet: weight 4) above every ticket writer, the $52.7k
    # account first.
    assert [(s, "silent_quiet" in r) for _, s, _, r in got[:3]] == [("enterprise", True)] * 3
    assert round(got[0][2]) == 52736


def test_incident_impact_carries_the_quiet_columns(demo_db):
    # The billing outage's 25 planted quiet accounts, 19 of them silent (data/demo/README.md).
    assert rows(
        demo_db,
        "select i.quiet_accounts, i.silent_quiet_accounts, i.quiet_mrr = q.quiet_mrr "
        "from incident_impact i join incident_quiet q using (incident_id) "
        "where incident_id = 'INC-305'",
    ) == [(25, 19, True)]


def test_the_incident_timeline_finds_the_exposed_accounts_the_load_counted(demo_db):
    # The page finds one incident's exposed accounts again (they are not stored): as many as the
    # load's one pass counted, for every incident of the demo.
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        counted = dict(
            con.execute("select incident_id, exposed_accounts from incident_quiet").fetchall()
        )
        found = {}
        for incident_id in counted:
            frame = run_query(con, "pages/incident_exposed_activity", incident_id=incident_id)
            found[incident_id] = int(frame.groupby("is_quiet")["accounts"].first().sum())
    finally:
        con.close()
    assert found == counted
    assert sum(counted.values()) > 0

"""Suggestions at a steady ticket rate: a shared word counts only in an hour it stands out.

One incident, INC-1 "Billing outage" (service billing), 2024-03-04 10:00-11:00 UTC, a Monday.
From 2024-02-05 to 2024-03-03, 24 ordinary tickets a day ask about billing, one an hour, except
Tuesday 2024-02-20, when a burst brought 600. The usual count of "billing" at 10:00 on a Monday
is the median of the four Mondays before (1, 1, 1, 1: the Tuesday burst is no Monday's), and the
hour's mean of 1 ticket x the 100 % of ordinary tickets using the word is 1 too. On the
incident's day: 4 billing tickets between 10:05 and 10:20 and 3 between 13:05 and 13:15. Counts
arriving at random around 1 reach 4 with a chance of at most 1 / 4! = 4.2 %, 5 with 1 / 5! =
0.8 %, 3 with 1 / 3! = 17 %: with suggest_near_max_chance_pct 5 (the incident's hours, up to
2 hours after it) the 10:00 hour stands out (and 4 is more than suggest_min_lift 3 x 1), the
13:00 one does not (3 is not more than 3); at the default 1 % neither does.
"""

from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from aftermath.pipeline.load import load
from aftermath.settings import DEFAULTS
from tests.helpers import build_load_only, rows, write_exports

INCIDENTS = (
    "incident_id,title,severity,services,started_at,resolved_at\n"
    "INC-1,Billing outage,SEV2,billing,2024-03-04T10:00:00Z,2024-03-04T11:00:00Z\n"
)


def tickets_csv() -> str:
    lines = ["ticket_id,created_at,account_id,subject"]
    day = datetime(2024, 2, 5)
    for d in range(28):
        count = 600 if day.date().isoformat() == "2024-02-20" else 24
        for n in range(count):
            at = day + timedelta(seconds=n * 86400 // count)
            lines.append(f"B{d}-{n},{at:%Y-%m-%dT%H:%M:%S}Z,A{n % 50},Billing question")
        day += timedelta(days=1)
    for n, minute in enumerate([5, 10, 15, 20]):
        lines.append(f"S{n},2024-03-04T10:{minute:02d}:00Z,C{n},Billing broken")
    for n, minute in enumerate([5, 10, 15]):
        lines.append(f"L{n},2024-03-04T13:{minute:02d}:00Z,D{n},Billing broken")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_exports(
        tmp_path_factory.mktemp("surges"),
        {"incidents.csv": INCIDENTS, "tickets.csv": tickets_csv()},
    )


def suggested(db: Path) -> list[str]:
    return [
        r[0]
        for r in rows(
            db, "select ticket_id from related_tickets where link = 'suggested' order by ticket_id"
        )
    ]


def test_a_word_in_every_ordinary_ticket_suggests_nothing_on_its_own(exports, tmp_path):
    # "billing" does not stand out at the default 1 %, and all the ordinary tickets use it:
    # S0..S3 share nothing else with the incident, so nothing is suggested.
    load(exports, tmp_path / "a.duckdb")
    assert suggested(tmp_path / "a.duckdb") == []


# Counted as not everyday (used by under 101 % of ordinary tickets), "billing" alone may suggest:
# the hour rule alone decides.
ALONE = "everyday_min_background_pct=101"


def test_only_the_hour_where_the_word_stands_out_is_suggested(exports, tmp_path):
    settings = DEFAULTS.with_overrides([ALONE, "suggest_near_max_chance_pct=5"])
    load(exports, tmp_path / "b.duckdb", settings=settings)
    assert suggested(tmp_path / "b.duckdb") == ["S0", "S1", "S2", "S3"]


def test_at_the_default_chance_four_against_one_is_not_enough(exports, tmp_path):
    load(exports, tmp_path / "c.duckdb", settings=DEFAULTS.with_overrides([ALONE]))
    assert suggested(tmp_path / "c.duckdb") == []


def test_without_the_hour_rule_every_billing_ticket_in_the_window_is_suggested(exports, tmp_path):
    # Lift 0 and any chance: every hour with a ticket counts, so the 13:00 trickle joins in.
    anything = [
        "suggest_min_lift=0",
        "suggest_max_chance_pct=100",
        "suggest_near_max_chance_pct=100",
    ]
    settings = DEFAULTS.with_overrides([ALONE, *anything])
    load(exports, tmp_path / "d.duckdb", settings=settings)
    assert suggested(tmp_path / "d.duckdb") == ["L0", "L1", "L2", "S0", "S1", "S2", "S3"]


def test_a_stricter_lift_drops_the_surge_too(exports, tmp_path):
    # 4 tickets in the hour against 1 usual: lift 4 needs more than 4.
    settings = DEFAULTS.with_overrides(
        [ALONE, "suggest_near_max_chance_pct=5", "suggest_min_lift=4"]
    )
    load(exports, tmp_path / "e.duckdb", settings=settings)
    assert suggested(tmp_path / "e.duckdb") == []


def test_ordinary_words_come_from_the_windows_when_windows_hold_every_ticket(tmp_path):
    # One incident whose window (09:30 on 2024-03-01 to 72 h after 11:00) holds all 100 unlinked
    # tickets: 40 ask for an invoice copy, 60 for a password reset. Outside the windows there is
    # nothing to learn ordinary language from, so every unlinked ticket is the background: the
    # title word "invoice" (term 'invoic') is used by 40 of 100, 40 %, and is not distinctive.
    incidents = (
        "incident_id,title,severity,services,started_at,resolved_at\n"
        "INC-1,Invoice errors,SEV3,billing,2024-03-01T10:00:00Z,2024-03-01T11:00:00Z\n"
    )
    lines = ["ticket_id,created_at,account_id,subject,incident_id"]
    lines.append("L1,2024-03-01T10:10:00Z,A0,Invoice errors,INC-1")
    for n in range(100):
        at = datetime(2024, 3, 1, 12) + timedelta(minutes=30 * n)
        subject = "Invoice copy please" if n < 40 else "Password reset"
        lines.append(f"U{n},{at:%Y-%m-%dT%H:%M:%S}Z,A{n},{subject},")
    folder = write_exports(
        tmp_path / "in", {"incidents.csv": incidents, "tickets.csv": "\n".join(lines) + "\n"}
    )
    load(folder, tmp_path / "d.duckdb")
    with duckdb.connect(str(tmp_path / "d.duckdb")) as con:
        build_load_only(con)  # incident_terms is load-only: built again to be read here
        assert con.execute(
            "select term, background_pct from incident_terms where incident_id = 'INC-1' "
            "and kind = 'title' order by term"
        ).fetchall() == [("invoic", 40.0)]

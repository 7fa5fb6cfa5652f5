"""Suggestions at a high ticket rate: a shared word counts only in an hour when it surges.

One incident, INC-1 "Billing outage" (service billing), 2024-03-04 10:00-11:00 UTC; its
suggestion window opens at 09:30, so its baseline is the 28 days 2024-02-05 .. 2024-03-03.
On each of those days 24 ordinary tickets ask about billing, one an hour, except 2024-02-20 when
a burst brought 600. The median baseline day has 24 such tickets: 1 an hour, so with
suggest_min_lift 3 an hour surges above 3 tickets. (The mean day, (27 x 24 + 600) / 28 = 44.6
tickets, would need more than 5.6 an hour: the median keeps one burst from hiding the next.)
On the incident's day: 4 billing tickets between 10:05 and 10:20 (4 > 3: a surge, suggested) and
3 between 13:05 and 13:15 (3 is not more than 3: the everyday trickle, not suggested).
"""

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from aftermath.pipeline.load import load
from aftermath.settings import DEFAULTS
from tests.helpers import rows, write_exports

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


def test_only_the_surge_hour_is_suggested(exports, tmp_path):
    load(exports, tmp_path / "a.duckdb")
    assert suggested(tmp_path / "a.duckdb") == ["S0", "S1", "S2", "S3"]


def test_without_the_surge_rule_every_billing_ticket_in_the_window_is_suggested(exports, tmp_path):
    # suggest_min_lift 0: any hour with a ticket counts, so the 13:00 trickle joins in.
    load(exports, tmp_path / "b.duckdb", settings=DEFAULTS.with_overrides(["suggest_min_lift=0"]))
    assert suggested(tmp_path / "b.duckdb") == ["L0", "L1", "L2", "S0", "S1", "S2", "S3"]


def test_a_stricter_lift_drops_the_surge_too(exports, tmp_path):
    # 4 tickets in the hour against 1 usual: lift 4 needs more than 4.
    load(exports, tmp_path / "c.duckdb", settings=DEFAULTS.with_overrides(["suggest_min_lift=4"]))
    assert suggested(tmp_path / "c.duckdb") == []


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
    assert rows(
        tmp_path / "d.duckdb",
        "select term, background_pct from incident_terms where incident_id = 'INC-1' "
        "and kind = 'title' order by term",
    ) == [("invoic", 40.0)]

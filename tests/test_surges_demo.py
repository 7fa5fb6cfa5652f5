"""The demo's surges: the planted undeclared one (data/demo/README.md), and none in ordinary weeks."""

import json
from datetime import datetime

import pytest

from tests.helpers import rows


@pytest.fixture(scope="module")
def truth(demo_db) -> dict:
    return json.loads((demo_db.parent / "truth.json").read_text())


def test_the_only_undeclared_surge_is_the_planted_bank_feed_outage(demo_db):
    assert rows(
        demo_db,
        "select surge_id, started_at, ended_at, surge_kind, tickets, baseline_tickets, "
        "excess_tickets, accounts, mrr, top_terms, peak_at, peak_tickets, peak_ratio "
        "from ticket_surges where incident_id is null",
    ) == [
        (
            "S-20260924-09",
            datetime(2026, 9, 24, 9),
            datetime(2026, 9, 24, 12),
            "volume",
            50,  # 36 planted + 14 ordinary tickets in 09:00-12:00
            3.0,  # 1 an hour usual
            47.0,
            49,
            63945.18,
            "bank (36), feed (36), connection (10), importing (10), shows (10)",
            datetime(2026, 9, 24, 10),
            19,
            19.0,  # 19 tickets against 1 usual
        )
    ]


def test_every_planted_ticket_of_the_surge_hours_is_listed_and_none_is_related(demo_db, truth):
    planted = truth["undeclared_surge"]["tickets"]
    listed = {
        r[0]
        for r in rows(
            demo_db, "select ticket_id from surge_tickets where surge_id = 'S-20260924-09'"
        )
    }
    in_hours = [
        t
        for (t,) in rows(
            demo_db,
            "select ticket_id from tickets where created_at >= '2026-09-24 09:00' "
            "and created_at < '2026-09-24 12:00' and list_contains(tags, 'bank-feed')",
        )
    ]
    assert len(in_hours) == 36 and set(in_hours) <= listed and set(in_hours) <= set(planted)
    assert rows(
        demo_db,
        "select count(*) from related_tickets where list_contains($ids, ticket_id)",
        {"ids": planted},
    ) == [(0,)]


def test_the_other_surges_are_the_declared_incidents_own(demo_db):
    assert rows(
        demo_db,
        "select surge_id, incident_id from ticket_surges where incident_id is not null "
        "order by started_at",
    ) == [
        ("S-20260603-09", "INC-303"),
        ("S-20260616-13", "INC-304"),
        ("S-20260714-10", "INC-305"),
        ("S-20260818-16", "INC-307"),  # INC-308 runs inside it; the earlier start wins
    ]

"""The customer's voice on the demo data: the billing outage's story as data/demo/README.md tells it."""

import duckdb
import pytest

from aftermath.report import render_report
from tests.helpers import rows

SIGNALS = ["confusion", "trust_loss", "urgent", "workaround"]


def test_billing_outage_complaints_are_owned_by_nobody(demo_db):
    # README: 43 caused tickets, all related, each tagged double-charge or invoice-missing (so each
    # has a theme); the texts carry every signal; the 4 action items, all engineering, name none of
    # the complaints; the checkout probe (due 08-28) is never done, the pool item was done late.
    got = rows(
        demo_db,
        "select themed_tickets, covered_tickets, theme_coverage, list_sort(uncovered_themes), "
        "action_items, action_item_teams, open_action_items, overdue_action_items, "
        "is_engineering_only from incident_voice where incident_id = 'INC-305'",
    )
    assert got == [
        (
            43, 0, 0.0,
            ["confusion", "double-charge", "invoice-missing", "trust_loss", "urgent", "workaround"],
            4, ["engineering"], 1, 1, True,
        )
    ]  # fmt: skip


def test_billing_outage_shows_trust_loss_and_workarounds_above_normal(demo_db):
    counts = rows(
        demo_db,
        "select trust_loss_tickets, workaround_tickets from incident_voice "
        "where incident_id = 'INC-305'",
    )[0]
    assert all(n > 0 for n in counts), counts
    # Everyday tickets carry each signal at a low level; the outage's window far above it.
    lifts = dict(
        rows(demo_db, "select signal, lift from signal_lift where incident_id = 'INC-305'")
    )
    assert sorted(lifts) == SIGNALS
    assert all(lift > 2 for lift in lifts.values()), lifts


def test_incidents_done_right_cover_every_theme(demo_db):
    # README: INC-301 and INC-304 have engineering, product and support items covering every theme.
    assert rows(
        demo_db,
        "select incident_id, theme_coverage, uncovered_themes, is_engineering_only "
        "from incident_voice where incident_id in ('INC-301', 'INC-304') order by incident_id",
    ) == [("INC-301", 1.0, [], False), ("INC-304", 1.0, [], False)]


@pytest.fixture(scope="module")
def billing_report(demo_db) -> str:
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        return render_report(con, "INC-305")
    finally:
        con.close()


def test_billing_outage_report_tells_the_story(billing_report):
    # README: outage 40 minutes, impact 10:20 -> 16:30 (370 minutes, 9.25 times), first ticket 17
    # minutes before the first update, comms gap 330 minutes, 16 linked and 27 unlinked tickets,
    # 25 quiet accounts (MRR 211,453.16), 19 of them silent, 6 already quiet.
    for text in [
        "The outage lasted **40 min**; customers felt it for **6 h 10 min**, 9.25 times as long.",
        "the first ticket came 17 min before the first update",
        "**5 h 30 min** before customers stopped writing (the comms gap)",
        "- **Tickets:** 43 related: 16 linked in the help desk, 27 suggested by Aftermath",
        "25 went quiet afterwards (MRR 211,453), 19 of them without a word to support; "
        "6 accounts already quiet before it, not counted.",
        "**Owned by no action item:** confusion, double-charge, invoice-missing, trust loss, "
        "urgent, workaround.",
        "product and support work is missing.",
        "“Synthetic checkout probe every minute” (engineering, due 2026-08-28)",
    ]:
        assert text in billing_report, text


def test_billing_outage_quotes_come_from_different_customers(billing_report):
    # The "In their words" section (the support review's questions quote customers too).
    lines = billing_report.splitlines()
    section = lines[lines.index("### In their words") :]
    section = section[: section.index("### Complaints and their owners")]
    quotes = [line for line in section if line.startswith("> “")]
    tickets = [line.rsplit("ticket ", 1)[1] for line in quotes]
    assert len(quotes) == 4 and len(set(tickets)) == 4, quotes


def test_incident_impact_carries_the_voice_columns(demo_db):
    # INC-305: 43 related tickets; 25 confusion, 39 trust loss, 24 workaround, 31 urgent; four
    # engineering action items covering none of the six themes.
    assert rows(
        demo_db,
        "select confusion_tickets, trust_loss_tickets, workaround_tickets, urgent_tickets, "
        "action_items, action_item_teams, theme_coverage from incident_impact "
        "where incident_id = 'INC-305'",
    ) == [(25, 39, 24, 31, 4, ["engineering"], 0.0)]

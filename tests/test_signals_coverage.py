"""Themes and their owners: theme_coverage, incident_voice, the contact list, overdue follow-ups."""

from pathlib import Path

import pytest

from aftermath.pipeline.load import load
from tests.helpers import page_frame, rows, write_exports

INCIDENTS = (
    "incident_id,title,started_at,resolved_at\n"
    "I1,Billing outage,2026-07-14T10:00:00Z,2026-07-14T12:00:00Z\n"
    "I2,Sign-in errors,2026-07-16T10:00:00Z,2026-07-16T11:00:00Z\n"
    "I3,Nobody noticed,2026-07-18T10:00:00Z,2026-07-18T11:00:00Z\n"
)

# Themes (signals from the shipped lexicon, symptom tags from its [themes]):
#   T1 trust_loss + double-charge   T2 confusion        T3 login-failure ("Login_Failure")
#   T4 workaround ("vip" is no theme) T5 none ("billing" is no theme)
#   T6 trust_loss + urgent + double-charge              T7 (I2) confusion
TICKETS = (
    "ticket_id,created_at,account_id,subject,tags,solved_at,incident_id\n"
    "T1,2026-07-14T10:10:00Z,AC1,Charged twice,double-charge,2026-07-14T13:00:00Z,I1\n"
    "T2,2026-07-14T10:20:00Z,AC2,Did it go through?,,2026-07-14T13:00:00Z,I1\n"
    "T3,2026-07-14T10:30:00Z,AC3,Login broken,Login_Failure,,I1\n"
    "T4,2026-07-14T10:40:00Z,AC2,We did it by hand,vip,2026-07-14T13:00:00Z,I1\n"
    "T5,2026-07-14T10:50:00Z,AC4,Thanks,billing,2026-07-14T13:00:00Z,I1\n"
    "T6,2026-07-14T11:00:00Z,AC5,Refund please it is urgent,double-charge,"
    "2026-07-14T13:00:00Z,I1\n"
    "T8,2026-07-14T11:10:00Z,,Charged twice,,,I1\n"  # no account: nobody to call
    "T7,2026-07-16T10:10:00Z,AC6,Not sure if my login worked,,2026-07-16T12:00:00Z,I2\n"
)

# A comment on 2026-07-25 makes that the data's end: overdue means due before that day.
EVENTS = "ticket_id,created_at,author_role,body\nT3,2026-07-25T09:00:00Z,agent,Still looking\n"

ACTION_ITEMS = (
    "action_item_id,incident_id,title,description,team,due_date,completed_at,tags\n"
    # double-charge through "idempoten*"; nothing else.
    "A1,I1,Make payment retries idempotent,,engineering,2026-07-20,,\n"
    # login-failure through "login*" and "sso".
    "A2,I1,Add alerting on login errors,SSO monitoring,engineering,2026-07-01,2026-07-02T00:00:00Z,\n"
    # trust_loss through the tag "refunds" ("refund*").
    "A3,I1,Pay back affected customers,,support,2026-07-15,,refunds\n"
    # Names no theme; no due date, so never overdue.
    "A4,I2,Fix token refresh,,engineering,,,\n"
)

ACCOUNTS = (
    "account_id,name,segment,mrr\n"
    "AC1,Acme,enterprise,5000\n"
    "AC2,Bolt,smb,100\n"
    "AC3,Cobalt,mid-market,800\n"
    "AC4,Delta,smb,50\n"
    "AC5,Echo,smb,300\n"
    "AC6,Fjord,smb,90\n"
)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = write_exports(
        tmp_path_factory.mktemp("coverage"),
        {
            "incidents.csv": INCIDENTS,
            "tickets.csv": TICKETS,
            "ticket_events.csv": EVENTS,
            "action_items.csv": ACTION_ITEMS,
            "accounts.csv": ACCOUNTS,
        },
    )
    load(folder, folder / "c.duckdb")
    return folder / "c.duckdb"


def test_related_ticket_themes_are_signals_and_symptom_tags(db):
    assert rows(
        db, "select * from related_ticket_themes where incident_id = 'I1' order by all"
    ) == [
        ("I1", "T1", "double-charge"),
        ("I1", "T1", "trust_loss"),
        ("I1", "T2", "confusion"),
        ("I1", "T3", "login-failure"),
        ("I1", "T4", "workaround"),
        ("I1", "T6", "double-charge"),
        ("I1", "T6", "trust_loss"),
        ("I1", "T6", "urgent"),
        ("I1", "T8", "trust_loss"),
    ]


def test_theme_coverage_names_the_owning_action_items(db):
    assert rows(db, "select * from theme_coverage order by incident_id, theme") == [
        ("I1", "confusion", 1, False, []),
        ("I1", "double-charge", 2, True, ["A1"]),  # T1, T6
        ("I1", "login-failure", 1, True, ["A2"]),
        ("I1", "trust_loss", 3, True, ["A3"]),  # T1, T6, T8
        ("I1", "urgent", 1, False, []),
        ("I1", "workaround", 1, False, []),
        ("I2", "confusion", 1, False, []),
    ]


def test_incident_voice_sums_up_signals_coverage_and_follow_ups(db):
    assert rows(db, "select * from incident_voice order by incident_id") == [
        # I1: confusion T2; trust loss T1, T6, T8; workaround T4; urgent T6. Themed: T1, T2, T3,
        # T4, T6, T8; all of whose themes are covered: T1, T3, T8 -> 3 / 6. Uncovered themes have
        # one ticket each, so alphabetical. Overdue on 2026-07-25: A1 (due 07-20), A3 (07-15).
        # A support item is there: not engineering-only.
        (
            "I1", 1, 3, 1, 1, 6, 3, 0.5, ["confusion", "urgent", "workaround"],
            3, ["engineering", "support"], 2, 2, False,
        ),
        # I2: a confused customer and only an engineering follow-up.
        ("I2", 1, 0, 0, 0, 1, 0, 0.0, ["confusion"], 1, ["engineering"], 1, 0, True),
        # I3: nothing at all; no themed ticket, so no coverage share.
        ("I3", 0, 0, 0, 0, 0, 0, None, [], 0, [], 0, 0, False),
    ]  # fmt: skip


def page(db: Path, name: str, **params: object) -> list[tuple]:
    frame = page_frame(db, name, **params)
    return [
        tuple(r) for r in frame.astype(object).where(frame.notna(), None).itertuples(index=False)
    ]


def test_contact_list_holds_urgent_trust_loss_and_unsolved_accounts(db):
    got = rows(
        db,
        "select priority, account_id, reasons, related_tickets, why from contact_list "
        "where incident_id = 'I1' order by priority",
    )
    # No usage, so nobody is quiet: only the accounts whose tickets call for it. Priority by MRR
    # x reason weight (urgent 2, trust loss 2, open ticket 1): Acme 5000 x 2 = 10,000, Echo
    # 300 x 4 = 1,200, Cobalt 800 x 1 = 800. Bolt (AC2: confusion, workaround, solved) and Delta
    # (AC4) are not there; T8 has no account.
    assert got == [
        (1, "AC1", ["trust_loss"], 1, "Wrote of lost trust."),
        (2, "AC5", ["urgent", "trust_loss"], 1, "Wrote of urgency; wrote of lost trust."),
        (3, "AC3", ["open_ticket"], 1, "1 ticket open."),
    ]
    # I2's only account (Fjord) is confused and solved: no one to contact.
    assert rows(db, "select count(*) from contact_list where incident_id = 'I2'") == [(0,)]


def test_open_tickets_are_counted_in_the_why(tmp_path):
    # One account, two unsolved tickets linked to I1: one reason (open_ticket, weight 1), its
    # words "ticket open" counted; MRR 800 x 1 = 800.
    folder = write_exports(
        tmp_path,
        {
            "incidents.csv": INCIDENTS,
            "tickets.csv": "ticket_id,created_at,account_id,subject,incident_id\n"
            "T1,2026-07-14T10:10:00Z,AC3,Login broken,I1\n"
            "T2,2026-07-14T10:40:00Z,AC3,Still broken,I1\n",
            "accounts.csv": ACCOUNTS,
        },
    )
    load(folder, folder / "c.duckdb")
    assert rows(
        folder / "c.duckdb",
        "select account_id, reasons, reason_weight, call_score, why from contact_list",
    ) == [("AC3", ["open_ticket"], 1, 800.0, "2 tickets open.")]


def test_overdue_action_items_are_counted_at_the_data_end(db):
    got = page(db, "pages/overdue_action_items", incident_id=None)
    assert [(r[0], r[2], f"{r[6]:%Y-%m-%d}", r[7]) for r in got] == [
        ("I1", "A3", "2026-07-15", 10),  # 10 days before 2026-07-25
        ("I1", "A1", "2026-07-20", 5),
    ]
    assert page(db, "pages/overdue_action_items", incident_id="I2") == []

"""A small help desk tagging every ticket with a product area, and two incidents at once.

All times UTC. From Monday 2026-02-02 to Saturday 2026-03-07, every hour from 08:00 to 17:00
brings two ordinary tickets: at :10 "Question about my invoice" tagged `billing`, at :40 "Reset
my password" tagged `login` (20 a day, 680 in all). On Wednesday 2026-03-04 two incidents
overlap by half an hour, on the very areas these tags name:

- INC-PAY "Card payments declined", services billing, 10:00-11:00; status page "resolved" 11:05.
- INC-SSO "Single sign-on failing", services login, 10:30-12:00; "resolved" 12:20.

Their own tickets (P* about payments, S* about sign-on, L = linked, U = unlinked):

    10:05 PU1 Card payment declined          billing
    10:12 PL1 Card declined at checkout      billing   linked INC-PAY
    10:20 PU2 My card keeps getting declined billing
    10:25 PL2 Payment declined again         billing   linked INC-PAY
    10:30 PU5 Card payment failed            billing
    10:35 SL1 SSO login failing              login     linked INC-SSO
    10:40 PL3 Card declined for everyone     billing   linked INC-PAY
    10:45 SU1 Sign-on fails for my team      login
    10:50 SL2 Single sign-on error with SSO  login     linked INC-SSO
    10:55 AMB Checkout declined and sign-in down
    11:30 SU2 SSO sign-in broken             login
    11:40 PU3 Still declined
    12:30 PU4 Card declined on renewal       billing
    13:10 SU3 Cannot sign in                 login

How each word's usual count u is worked out: "billing" and "login" are each in one ordinary
ticket every hour from 08:00 to 17:00 (the four Wednesdays before: 1, 1, 1, 1, median 1; and the
hour's mean of 2 tickets x their share of the ordinary tickets, 50 %, also 1). With the defaults
(lift 3, chance 0.1 %) a tag rises with more than 3 tickets in an hour, linked or not, and stands
out on its own with 7 (6 would come by chance up to 1 / 6! = 0.14 % of the time, 7 up to
0.02 %): "billing" does at 10:00 (the ordinary 10:10, PU1, PL1, PU2, PL2, PU5, PL3); "login"
rises at 10:00 (the ordinary 10:40, SL1, SU1, SL2: 4, a chance of 1 / 4! = 4 %), so it counts
beside a word that stands out, never alone. No ordinary ticket uses a title word or "sso" (in
both of INC-SSO's linked tickets, so a word of its linked tickets): their u is 0, and one ticket
stands out. Half the ordinary tickets use each tag: an everyday word, never enough on its own.
"""

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from aftermath.pipeline.load import load
from tests.helpers import rows, write_exports

OWN_TICKETS = [
    ("PU1", "10:05", "Card payment declined", "billing", ""),
    ("PL1", "10:12", "Card declined at checkout", "billing", "INC-PAY"),
    ("PU2", "10:20", "My card keeps getting declined", "billing", ""),
    ("PL2", "10:25", "Payment declined again", "billing", "INC-PAY"),
    ("PU5", "10:30", "Card payment failed", "billing", ""),
    ("SL1", "10:35", "SSO login failing", "login", "INC-SSO"),
    ("PL3", "10:40", "Card declined for everyone", "billing", "INC-PAY"),
    ("SU1", "10:45", "Sign-on fails for my team", "login", ""),
    ("SL2", "10:50", "Single sign-on error with SSO", "login", "INC-SSO"),
    ("AMB", "10:55", "Checkout declined and sign-in down", "", ""),
    ("SU2", "11:30", "SSO sign-in broken", "login", ""),
    ("PU3", "11:40", "Still declined", "", ""),
    ("PU4", "12:30", "Card declined on renewal", "billing", ""),
    ("SU3", "13:10", "Cannot sign in", "login", ""),
]


def tickets_csv() -> str:
    lines = ["ticket_id,created_at,account_id,subject,tags,incident_id"]
    day = datetime(2026, 2, 2)
    while day <= datetime(2026, 3, 7):
        for hour in range(8, 18):
            at = day + timedelta(hours=hour)
            stamp = f"{at:%Y%m%d%H}"
            lines.append(
                f"OB{stamp},{at:%Y-%m-%dT%H}:10:00Z,B{hour},Question about my invoice,billing,"
            )
            lines.append(f"OL{stamp},{at:%Y-%m-%dT%H}:40:00Z,L{hour},Reset my password,login,")
        day += timedelta(days=1)
    for ticket_id, time, subject, tags, incident_id in OWN_TICKETS:
        lines.append(
            f"{ticket_id},2026-03-04T{time}:00Z,A-{ticket_id},{subject},{tags},{incident_id}"
        )
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = write_exports(
        tmp_path_factory.mktemp("overlap"),
        {
            "incidents.csv": "incident_id,title,services,started_at,resolved_at\n"
            "INC-PAY,Card payments declined,billing,2026-03-04T10:00:00Z,2026-03-04T11:00:00Z\n"
            "INC-SSO,Single sign-on failing,login,2026-03-04T10:30:00Z,2026-03-04T12:00:00Z\n",
            "status_updates.csv": "incident_id,posted_at,status\n"
            "INC-PAY,2026-03-04T10:15:00Z,investigating\n"
            "INC-PAY,2026-03-04T11:05:00Z,resolved\n"
            "INC-SSO,2026-03-04T10:40:00Z,investigating\n"
            "INC-SSO,2026-03-04T12:20:00Z,resolved\n",
            "tickets.csv": tickets_csv(),
        },
    )
    path = folder / "overlap.duckdb"
    load(folder, path)
    return path


def test_each_ticket_goes_to_the_incident_whose_evidence_it_carries(db):
    assert rows(
        db,
        "select incident_id, ticket_id, link, reason from related_tickets "
        "order by incident_id, created_at",
    ) == [
        # "billing" stands out at 10:00 only, so it is a reason there and not at 12:30 (PU4).
        (
            "INC-PAY",
            "PU1",
            "suggested",
            "service 'billing' in tags; title words: card, declined, payments",
        ),
        ("INC-PAY", "PL1", "linked", "linked in the help desk"),
        ("INC-PAY", "PU2", "suggested", "service 'billing' in tags; title words: card, declined"),
        ("INC-PAY", "PL2", "linked", "linked in the help desk"),
        # PU5's "failed" is INC-SSO's word too, but it fits INC-PAY better: 2 terms that are not everyday
        # (card, payment) and 3 in all against INC-SSO's 1 (fail).
        ("INC-PAY", "PU5", "suggested", "service 'billing' in tags; title words: card, payments"),
        ("INC-PAY", "PL3", "linked", "linked in the help desk"),
        ("INC-PAY", "PU3", "suggested", "title words: declined"),
        ("INC-PAY", "PU4", "suggested", "title words: card, declined"),
        ("INC-SSO", "SL1", "linked", "linked in the help desk"),
        # SU1 falls in INC-PAY's window too, with none of its words.
        ("INC-SSO", "SU1", "suggested", "service 'login' in tags; title words: failing, sign"),
        ("INC-SSO", "SL2", "linked", "linked in the help desk"),
        ("INC-SSO", "SU2", "suggested", "title words: sign; words of linked tickets: sso"),
        ("INC-SSO", "SU3", "suggested", "title words: sign"),
    ]


def test_everyday_tickets_tagged_with_the_service_are_suggested_for_neither(db):
    # 680 ordinary tickets, 80 of them in the windows (03-04 09:30 to 03-07 12:00), 4 in the
    # incidents' own 10:00 hour, where "billing" stands out: none relates to an incident.
    assert rows(
        db,
        "select count(*) from related_tickets where ticket_id like 'O%'",
    ) == [(0,)]
    assert rows(db, "select count(*) from ambiguous_tickets where ticket_id like 'O%'") == [(0,)]


def test_a_ticket_fitting_both_is_suggested_for_neither_and_listed_as_ambiguous(db):
    # AMB: "declined" for INC-PAY, "sign" for INC-SSO, one term that is not everyday each ("checkout" is
    # in one linked ticket only, so not a word of INC-PAY's linked tickets).
    assert rows(
        db,
        "select incident_id, ticket_id, account_id, created_at, reason, other_incident_ids, "
        "other_reasons from ambiguous_tickets order by incident_id",
    ) == [
        (
            "INC-PAY",
            "AMB",
            "A-AMB",
            datetime(2026, 3, 4, 10, 55),
            "title words: declined",
            ["INC-SSO"],
            "INC-SSO: title words: sign",
        ),
        (
            "INC-SSO",
            "AMB",
            "A-AMB",
            datetime(2026, 3, 4, 10, 55),
            "title words: sign",
            ["INC-PAY"],
            "INC-PAY: title words: declined",
        ),
    ]


def test_windows_and_comms_gaps_end_at_each_incidents_own_last_ticket(db):
    assert rows(
        db,
        "select incident_id, suggested_tickets, customer_impact_start_at, customer_impact_end, "
        "customer_impact_minutes, comms_gap_minutes from incident_impact order by incident_id",
    ) == [
        # Started 10:00 (PU1 came at 10:05); after 11:00 PU3 11:40 (gap 40 min), PU4 12:30 (50):
        # 10:00-12:30 = 150 min; "resolved" posted 11:05, 85 min before PU4.
        ("INC-PAY", 5, datetime(2026, 3, 4, 10), datetime(2026, 3, 4, 12, 30), 150.0, 85.0),
        # Started 10:30 (SL1 10:35); after 12:00 SU3 13:10 (gap 70): 10:30-13:10 = 160 min;
        # "resolved" posted 12:20, 50 min before SU3.
        ("INC-SSO", 3, datetime(2026, 3, 4, 10, 30), datetime(2026, 3, 4, 13, 10), 160.0, 50.0),
    ]

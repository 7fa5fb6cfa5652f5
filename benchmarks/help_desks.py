"""Help desks of any size with one incident or two overlapping, and the answer key.

Each data set spans five weeks, Monday 2026-02-02 to Saturday 2026-03-07: four weeks of ordinary
tickets for the hour-of-week baselines, then on Wednesday 2026-03-04 the issue #34 story:

- INC-PAY "Card payments declined" (service billing), 10:00-11:00; customers write about it from
  10:00 to 11:20, and the status page says "resolved" at 11:05 (a comms gap of 15 minutes);
- with `incidents=2`, INC-SSO "Single sign-on failing" (service login) too, 10:30-12:00;
  customers write from 10:30 to 12:30, "resolved" at 12:05 (25 minutes).

Each incident has ten linked tickets and eight unlinked ones on its own topic, the last of them
written exactly at the end of the customers' impact. Ordinary tickets arrive at random (a fixed
seed) at `daily` a day on weekdays, a third of that at weekends, most in office hours, on five
product areas (billing, login, reports, integrations, account); with `tags` each carries its area
as a tag, as a help desk that tags by product area does. Some ordinary subjects share words with
the incidents ("Change the card on file", "Payment receipt missing", "Cannot sign in after
password reset"). The answer key, `.truth.parquet`, names each incident ticket's incident.
"""

import csv
import random
from datetime import datetime, timedelta
from pathlib import Path

import duckdb

from benchmarks.generate import TRUTH_FILE

FIRST_DAY = datetime(2026, 2, 2)
DAYS = 34
INCIDENT_DAY = datetime(2026, 3, 4)

# (area, share of ordinary tickets, subjects)
AREAS = [
    (
        "billing",
        0.25,
        [
            "Question about my invoice",
            "Update billing address",
            "Change the card on file",
            "Payment receipt missing",
            "VAT number on the invoice",
            "Upgrade to the annual plan",
            "Refund for unused seats",
        ],
    ),
    (
        "login",
        0.2,
        [
            "Reset my password",
            "Two-factor code not arriving",
            "Cannot sign in after password reset",
            "Add a user to my team",
            "Change my email address",
        ],
    ),
    (
        "reports",
        0.2,
        [
            "Export to CSV is missing columns",
            "Dashboard shows the wrong dates",
            "Schedule a weekly report",
            "Chart colours in the PDF",
        ],
    ),
    (
        "integrations",
        0.15,
        [
            "Slack integration setup",
            "API rate limit question",
            "Webhook not firing for new orders",
            "Zapier connection keeps expiring",
        ],
    ),
    (
        "account",
        0.2,
        [
            "How do I delete my account",
            "Question about pricing",
            "Feature request: dark mode",
            "Thanks for the quick help",
            "Where do I find the audit log",
        ],
    ),
]

# What ordinary customers add below the subject, whatever the area.
DESCRIPTIONS = [
    "Hi, could you help with this? Thanks.",
    "Please see the subject. Best regards",
    "We noticed this today, not urgent.",
    "Could someone from your team look into it?",
    "Thanks in advance for your help!",
    "Happy to jump on a call if easier.",
]

# Share of a day's tickets in each hour (office hours busiest); weekends a third of a weekday.
HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 3, 6, 9, 10, 10, 10, 9, 10, 10, 9, 8, 6, 4, 3, 2, 2, 1, 1]
WEEKEND_FACTOR = 1 / 3

INCIDENTS = {
    "INC-PAY": {
        "title": "Card payments declined",
        "service": "billing",
        "started_at": INCIDENT_DAY + timedelta(hours=10),
        "resolved_at": INCIDENT_DAY + timedelta(hours=11),
        "impact_end": INCIDENT_DAY + timedelta(hours=11, minutes=20),
        "status_resolved_at": INCIDENT_DAY + timedelta(hours=11, minutes=5),
        "subjects": [
            "Card payment declined",
            "My card keeps getting declined",
            "Payment failed at checkout",
            "Checkout says payment declined",
            "Customers cannot pay by card",
            "Card transactions failing",
            "Declined payments since this morning",
            "Our card was declined twice",
            "Cannot complete the payment, card refused",
        ],
        "descriptions": [
            "Every card payment is declined since this morning.",
            "Our customers see 'payment declined' at checkout.",
            "The card is fine, the bank says nothing was refused on their side.",
            "Payments fail with a generic error, we are losing orders.",
            "Tried three different cards, all declined.",
        ],
    },
    "INC-SSO": {
        "title": "Single sign-on failing",
        "service": "login",
        "started_at": INCIDENT_DAY + timedelta(hours=10, minutes=30),
        "resolved_at": INCIDENT_DAY + timedelta(hours=12),
        "impact_end": INCIDENT_DAY + timedelta(hours=12, minutes=30),
        "status_resolved_at": INCIDENT_DAY + timedelta(hours=12, minutes=5),
        "subjects": [
            "SSO login failing",
            "Single sign-on error",
            "Cannot sign in with SSO",
            "Sign-on broken for my whole team",
            "SAML sign in fails",
            "SSO redirect loop",
            "Team locked out, single sign-on down",
            "Login through SSO not working",
        ],
        "descriptions": [
            "Nobody on the team can sign in through our identity provider.",
            "The SSO page loops back to the login screen.",
            "SAML response rejected, single sign-on is down for us.",
            "Users get an SSO error after entering their credentials.",
        ],
    },
}
LINKED_PER_INCIDENT = 10
UNLINKED_PER_INCIDENT = 8


def _ordinary(rng: random.Random, daily: int, tags: bool) -> list[dict]:
    rows = []
    weight_sum = sum(HOUR_WEIGHTS)
    for day_number in range(DAYS):
        day = FIRST_DAY + timedelta(days=day_number)
        factor = WEEKEND_FACTOR if day.weekday() >= 5 else 1.0
        for hour, weight in enumerate(HOUR_WEIGHTS):
            expected = daily * factor * weight / weight_sum
            # Poisson arrivals: exponential gaps within the hour.
            minute = rng.expovariate(expected) * 60 if expected else 60
            while minute < 60:
                area, _, subjects = rng.choices(AREAS, weights=[a[1] for a in AREAS])[0]
                rows.append(
                    {
                        "created_at": day + timedelta(hours=hour, minutes=minute),
                        "subject": rng.choice(subjects),
                        "description": rng.choice(DESCRIPTIONS),
                        "tags": area if tags else "",
                        "incident_id": "",
                    }
                )
                minute += rng.expovariate(expected) * 60
    return rows


def _incident_tickets(rng: random.Random, incident_id: str, tags: bool) -> list[dict]:
    story = INCIDENTS[incident_id]
    start, end = story["started_at"], story["impact_end"]
    span = (end - start).total_seconds()
    count = LINKED_PER_INCIDENT + UNLINKED_PER_INCIDENT
    # The last one (unlinked) at exactly the end of the impact, the rest at random before it.
    times = sorted(start + timedelta(seconds=rng.uniform(0, span)) for _ in range(count - 1))
    times.append(end)
    linked = set(rng.sample(range(count - 1), LINKED_PER_INCIDENT))
    return [
        {
            "created_at": at,
            "subject": rng.choice(story["subjects"]),
            "description": rng.choice(story["descriptions"]),
            "tags": story["service"] if tags else "",
            "incident_id": incident_id if n in linked else "",
            "about": incident_id,
        }
        for n, at in enumerate(times)
    ]


def write(folder: Path, daily: int, tags: bool, incidents: int, seed: int = 34) -> Path:
    """Write one help desk's exports and answer key into folder; returns the folder."""
    rng = random.Random(f"{seed}-{daily}-{tags}-{incidents}")
    folder.mkdir(parents=True, exist_ok=True)
    chosen = list(INCIDENTS)[:incidents]
    tickets = _ordinary(rng, daily, tags)
    for incident_id in chosen:
        tickets += _incident_tickets(rng, incident_id, tags)
    tickets.sort(key=lambda t: t["created_at"])
    with (folder / "tickets.csv").open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(
            [
                "ticket_id",
                "created_at",
                "account_id",
                "subject",
                "description",
                "tags",
                "incident_id",
            ]
        )
        for n, t in enumerate(tickets):
            t["ticket_id"] = f"T{n:07d}"
            writer.writerow(
                [
                    t["ticket_id"],
                    f"{t['created_at']:%Y-%m-%dT%H:%M:%S}Z",
                    f"A{rng.randrange(max(daily * 5, 50)):05d}",
                    t["subject"],
                    t["description"],
                    t["tags"],
                    t["incident_id"],
                ]
            )
    with (folder / "incidents.csv").open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["incident_id", "title", "services", "started_at", "resolved_at"])
        for incident_id in chosen:
            story = INCIDENTS[incident_id]
            writer.writerow(
                [
                    incident_id,
                    story["title"],
                    story["service"],
                    f"{story['started_at']:%Y-%m-%dT%H:%M:%S}Z",
                    f"{story['resolved_at']:%Y-%m-%dT%H:%M:%S}Z",
                ]
            )
    with (folder / "status_updates.csv").open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["incident_id", "posted_at", "status"])
        for incident_id in chosen:
            posted = INCIDENTS[incident_id]["status_resolved_at"]
            writer.writerow([incident_id, f"{posted:%Y-%m-%dT%H:%M:%S}Z", "resolved"])
    truth = [(t["ticket_id"], t["about"], bool(t["incident_id"])) for t in tickets if "about" in t]
    con = duckdb.connect()
    try:
        con.execute(
            "create table truth (ticket_id varchar, incident_id varchar, is_linked boolean)"
        )
        con.executemany("insert into truth values (?, ?, ?)", truth)
        con.table("truth").write_parquet(str(folder / TRUTH_FILE))
    finally:
        con.close()
    return folder


def true_impact(incident_id: str) -> tuple[float, float]:
    """The customer impact (minutes from the start) and comms gap the story planted."""
    story = INCIDENTS[incident_id]
    impact = (story["impact_end"] - story["started_at"]).total_seconds() / 60
    gap = (story["impact_end"] - story["status_resolved_at"]).total_seconds() / 60
    return impact, gap

"""The demo's support tickets and their comments: each story's tickets, the ordinary background,
the undeclared surge, and the two rows spoiled on purpose."""

import itertools
import random
from datetime import date, datetime, timedelta

import numpy as np

from aftermath.demo.world import (
    BACKGROUND,
    BILLING,
    DAYS,
    FEATURES,
    IMPACT_GAP,
    PERIOD_END,
    PERIOD_START,
    REGIONS,
    SEGMENTS,
    STATUS_HOST,
    STORIES,
    SUGGEST_AFTER,
    SUGGEST_BEFORE,
    UNDECLARED,
    Account,
    Ticket,
    at_time,
    iso_text,
    plain_text,
    resolved_at_of,
    story_of,
)

# Signal words in ordinary tickets, so a signal's lift in an incident has a base to compare to.
BACKGROUND_EXTRAS = (
    (0.04, "Not sure if this is a bug or a setting."),
    (0.02, "For now we are doing it manually."),
    (0.02, "We have a deadline on Friday."),
)


GREETINGS = ("Hi,", "Hello,", "Hi team,", "Hey there,", "Good morning,", "")


SIGNOFFS = ("Thanks", "Thank you", "Best regards", "Cheers", "Thanks in advance")


AGENT_FIRST = (
    "Thanks for reaching out! I'm looking into this now.",
    "Thanks for the details. Could you send a screenshot of what you see?",
    "Happy to help with this. Give me a moment to check your account.",
)


AGENT_INCIDENT = (
    "We are aware of an issue and our engineers are working on it. Updates: {url}",
    "Sorry about this. It is a known issue on our side, and we will update you here.",
)


AGENT_CLOSE = (
    "Glad that's sorted. I'll close this ticket for now - just reply to reopen it.",
    "This should be resolved now. Let us know if anything still looks off.",
)


CUSTOMER_REPLY = (
    "Thanks, that worked.",
    "Attached the screenshot.",
    "Still seeing this, can you check again?",
    "Great, thank you for the quick answer.",
)


CHANNELS = {
    "Enterprise": (("email", 45), ("chat", 25), ("web", 20), ("phone", 10)),
    "Mid-Market": (("email", 35), ("chat", 35), ("web", 25), ("phone", 5)),
    "SMB": (("chat", 40), ("web", 35), ("email", 25)),
}


BAD_DATE_VALUE = "2026-06-31 09:15:00"  # June has 30 days: a hand-edited row in the export


BAD_INCIDENT_REF = "INC-299"  # no such incident: a typo in the help desk's incident field


def _parse_times(spec: str) -> list[tuple[datetime, str]]:
    """'07-14 10:24 10:26q 07-15 08:12r' -> [(2026-07-14 10:24, ''), ...] with their markers."""
    out = []
    day = ""
    for token in spec.split():
        if "-" in token:
            day = token
        else:
            out.append((at_time(f"2026-{day} {token[:5]}"), token[5:]))
    return out


def _compose(rng: random.Random, problem: str, extras: list | tuple) -> str:
    parts = [rng.choice(GREETINGS), problem]
    parts += [phrase for chance, phrase in extras if rng.random() < chance]
    parts.append(rng.choice(SIGNOFFS))
    return " ".join(p for p in parts if p)


def _channel(rng: random.Random, account: Account | None) -> str:
    options = CHANNELS[account.segment if account else "SMB"]
    return rng.choices([c for c, _ in options], [w for _, w in options])[0]


def tickets_of_stories(
    rng: random.Random, accounts: list[Account], uses: np.ndarray, plan: dict
) -> tuple[list[Ticket], dict]:
    """The tickets each incident caused, at the times its story lists."""
    special = set(plan["special"])
    facts: dict[str, dict] = {}
    tickets: list[Ticket] = []
    for story in STORIES:
        incident_id = story["incident_id"]
        features = [FEATURES.index(s) for s in story["services"] if s in FEATURES]
        pool = [
            a
            for a in accounts
            if a.index not in special and (not features or uses[a.index, features].any())
        ]
        quiet = plan["quiet"].get(incident_id)
        writers = list(quiet["writers"]) if quiet else []
        resolved = resolved_at_of(story)
        times = _parse_times(story["tickets"])
        impact_end = _impact_end(resolved, [t for t, _ in times])
        plain = [t for t, marks in times if "q" not in marks and "r" not in marks]
        others = iter(rng.sample(pool, len(plain)))
        in_window: list[Account] = []
        repeats: list[Account] = []
        mine: list[Ticket] = []
        for created, marks in times:
            if "q" in marks:
                account = writers.pop(0)
            elif "r" in marks:
                account = rng.choice([a for a in in_window if a not in repeats])
                repeats.append(account)
            else:
                account = next(others)
            if impact_end is None or created <= impact_end:
                in_window.append(account)
            # refunds take days; the other fixes hours
            hours = 30 if incident_id == BILLING else 4
            solved = created + timedelta(hours=rng.lognormvariate(0, 0.8) * hours)
            still_open = rng.random() < (0.15 if incident_id == BILLING else 0.05)
            if resolved is None or solved > PERIOD_END or still_open:
                solved = None
            mine.append(
                Ticket(
                    created_at=created,
                    account=account,
                    subject=rng.choice(story["subjects"]),
                    description=_compose(rng, rng.choice(story["problems"]), story["extras"]),
                    tags=rng.choice(story["tags"]),
                    channel=_channel(rng, account),
                    priority=rng.choices(["normal", "high", "urgent"], [3, 4, 2])[0],
                    solved_at=solved,
                    incident_id=incident_id if "L" in marks else None,
                    caused_by=incident_id,
                )
            )
        tickets += mine
        facts[incident_id] = {
            "tickets": mine,
            "impact_end": impact_end,
            "repeat_accounts": sorted(a.account_id for a in repeats),
        }
    return tickets, facts


def _impact_end(resolved: datetime | None, times: list[datetime]) -> datetime | None:
    """The last ticket of the run after resolution with gaps under two hours (planted rule)."""
    if resolved is None:
        return None
    end = resolved
    for moment in sorted(t for t in times if t > resolved):
        if moment - end >= IMPACT_GAP:
            break
        end = moment
    return end


def _windows() -> list[tuple[datetime, datetime, list[str]]]:
    """Each incident's suggestion window and the background topics kept out of it."""
    out = []
    for story in STORIES:
        resolved = resolved_at_of(story)
        end = resolved + SUGGEST_AFTER if resolved else PERIOD_END
        start = at_time(story["started_at"]) - SUGGEST_BEFORE
        out.append((start, end, story["background_topics"]))
    return out


def background_tickets(
    rng: random.Random, np_rng: np.random.Generator, accounts: list[Account], plan: dict
) -> list[Ticket]:
    """Ordinary support traffic: business hours per region, quiet weekends."""
    windows = _windows()
    special = set(plan["special"])
    # silent means silent: no ticket at all once their incident began
    silent_from = {}
    for incident_id, quiet in plan["quiet"].items():
        start = at_time(story_of(incident_id)["started_at"]) - SUGGEST_BEFORE
        silent_from.update((a.index, start) for a in quiet["silent"])
    seg_weight = {s.label: s.ticket_weight for s in SEGMENTS}
    account_weights = list(itertools.accumulate(seg_weight[a.segment] for a in accounts))
    hour_weights = {
        region: [_hour_weight((h + offset) % 24) for h in range(24)]
        for region, _share, offset in REGIONS
    }
    topic_weights = [t["weight"] for t in BACKGROUND]
    mean_per_day = [36 if (PERIOD_START + timedelta(d)).weekday() < 5 else 11 for d in range(DAYS)]
    tickets = []
    for day_number, count in enumerate(np_rng.poisson(mean_per_day)):
        day = PERIOD_START + timedelta(days=day_number)
        for _ in range(int(count)):
            while True:
                account = rng.choices(accounts, cum_weights=account_weights)[0]
                hour = rng.choices(range(24), hour_weights[account.region])[0]
                created = day + timedelta(
                    hours=hour, minutes=rng.randrange(60), seconds=rng.randrange(60)
                )
                near = [w for w in windows if w[0] <= created <= w[1]]
                if account.index in special and near:
                    continue  # planted accounts stay out of every incident's window
                if created < silent_from.get(account.index, PERIOD_END):
                    break
            blocked = {topic for w in near for topic in w[2]}
            while True:
                topic = rng.choices(BACKGROUND, topic_weights)[0]
                if not blocked.intersection(topic["topics"]):
                    break
            prospect = rng.random() < 0.005  # someone without an account yet
            solved = created + timedelta(hours=rng.lognormvariate(1.6, 1.1))
            if solved > PERIOD_END or rng.random() < 0.03:
                solved = None
            tickets.append(
                Ticket(
                    created_at=created,
                    account=None if prospect else account,
                    subject=rng.choice(topic["subjects"]),
                    description=_compose(rng, rng.choice(topic["bodies"]), BACKGROUND_EXTRAS),
                    tags=topic["tags"],
                    channel=_channel(rng, account),
                    priority=topic["priority"] if rng.random() < 0.8 else "high",
                    solved_at=solved,
                    incident_id=None,
                )
            )
    return tickets


def undeclared_tickets(
    seed: int, accounts: list[Account], plan: dict, first_number: int
) -> list[Ticket]:
    """The undeclared surge, drawn from its own random numbers so that nothing else moves."""
    rng = random.Random(seed + 1)
    special = set(plan["special"])
    times = [t for t, _marks in _parse_times(UNDECLARED["tickets"])]
    writers = rng.sample([a for a in accounts if a.index not in special], len(times))
    tickets = []
    for number, (created, account) in enumerate(zip(times, writers, strict=True)):
        tickets.append(
            Ticket(
                created_at=created,
                account=account,
                subject=rng.choice(UNDECLARED["subjects"]),
                description=_compose(rng, rng.choice(UNDECLARED["problems"]), ()),
                tags=rng.choice(UNDECLARED["tags"]),
                channel=_channel(rng, account),
                priority=rng.choices(["normal", "high"], [2, 3])[0],
                solved_at=created + timedelta(hours=rng.uniform(4, 30)),
                incident_id=None,
                ticket_id=str(first_number + number),
            )
        )
    return tickets


def _hour_weight(local_hour: int) -> float:
    if 8 <= local_hour <= 17:
        return 0.8 if local_hour == 12 else 1.0
    if local_hour == 7 or 18 <= local_hour <= 21:
        return 0.25
    return 0.03


def spoil_two_rows(tickets: list[Ticket]) -> list[dict]:
    """Two realistic export defects, on ordinary tickets away from every incident."""
    bad = []
    for day, column in ((date(2026, 5, 12), "incident_id"), (date(2026, 7, 1), "created_at")):
        line = next(
            n
            for n, t in enumerate(tickets)
            if t.created_at.date() == day and t.caused_by is None and t.account
        )
        ticket = tickets[line]
        if column == "incident_id":
            ticket.incident_id = value = BAD_INCIDENT_REF
        else:
            ticket.created_text = value = BAD_DATE_VALUE
            ticket.solved_at = None
        bad.append(
            {
                "ticket_id": ticket.ticket_id,
                "row_number": line + 1,  # data rows counted from 1, the header not counted
                "column": column,
                "value": value,
            }
        )
    return bad


def comment_events(rng: random.Random, tickets: list[Ticket]) -> list[dict]:
    """Agent and customer comments; on the billing outage, customers keep writing for weeks."""
    followups = {s["incident_id"]: s["followups"] for s in STORIES}
    rows = []
    for ticket in tickets:
        if ticket.created_text or ticket.incident_id == BAD_INCIDENT_REF:
            continue  # the spoilt rows carry no comments, so nothing else points at them
        mine = []
        moment = ticket.created_at + timedelta(minutes=rng.lognormvariate(3.5, 0.9))
        if ticket.caused_by:
            url = f"{STATUS_HOST}/{ticket.caused_by.lower()}"
            mine.append((moment, "agent", rng.choice(AGENT_INCIDENT).format(url=url)))
        else:
            mine.append((moment, "agent", rng.choice(AGENT_FIRST)))
        if rng.random() < 0.6:
            moment += timedelta(hours=rng.uniform(0.3, 20))
            replies = followups[ticket.caused_by] if ticket.caused_by else CUSTOMER_REPLY
            mine.append((moment, "customer", rng.choice(replies)))
        if ticket.incident_id and ticket.caused_by:
            linked_at = ticket.created_at + timedelta(minutes=5)
            mine.append((linked_at, "system", f"Linked to incident {ticket.incident_id}"))
        if ticket.caused_by == BILLING and rng.random() < 0.5:
            # the outage was resolved at 11:00; the customers' trouble was not
            for _ in range(rng.randint(1, 3)):
                later = ticket.created_at + timedelta(days=rng.uniform(1, 18))
                mine.append((later, "customer", rng.choice(followups[BILLING])))
        if ticket.solved_at:
            mine.append((ticket.solved_at, "agent", rng.choice(AGENT_CLOSE)))
        rows += [
            {
                "ticket_id": int(ticket.ticket_id),
                "created_at": iso_text(moment),
                "author_role": role,
                "body": body,
            }
            for moment, role, body in sorted(mine)
            if moment <= PERIOD_END
        ]
    rows.sort(key=lambda r: (r["created_at"], r["ticket_id"]))
    return rows


def ticket_row(ticket: Ticket) -> dict:
    return {
        "ticket_id": ticket.ticket_id,
        "created_at": ticket.created_text or plain_text(ticket.created_at),
        "account_id": ticket.account.account_id if ticket.account else "",
        "subject": ticket.subject,
        "description": ticket.description,
        "tags": ticket.tags.replace(",", ";"),
        "channel": ticket.channel,
        "priority": ticket.priority,
        "solved_at": plain_text(ticket.solved_at),
        "incident_id": ticket.incident_id or "",
    }

"""The bundled demo: a deterministic export folder in which a dozen incidents tell their stories.

`write_demo(folder)` writes one file per contract input table, in a mix of formats, plus
`truth.json`: the planted facts (which ticket each incident caused, which accounts went quiet)
that the tests and `data/demo/README.md` check the derived tables against. The same seed gives
byte-identical files: every choice comes from one `random.Random` and one numpy generator, always
drawn in the same order, and nothing iterates over a set.
"""

import csv
import itertools
import json
import random
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from importlib import resources
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

DEFAULT_SEED = 20260401
PERIOD_START = datetime(2026, 4, 1)
PERIOD_END = datetime(2026, 9, 30, 23, 59, 59)
DAYS = (PERIOD_END.date() - PERIOD_START.date()).days + 1
FEATURES = ("billing", "invoices", "reports", "api", "dashboard", "exports", "search")
# The contract's defaults: a ticket this close to an incident can be suggested for it, and the
# impact lasts while tickets arrive with gaps under two hours.
SUGGEST_BEFORE = timedelta(minutes=30)
SUGGEST_AFTER = timedelta(hours=72)
IMPACT_GAP = timedelta(hours=2)
LONG_TAIL = timedelta(days=7)
STATUS_HOST = "https://status.acme-ledger.example/incidents"


@dataclass(frozen=True)
class Segment:
    label: str  # as the CRM exports it; the loader lowercases it
    accounts: int
    median_mrr: float
    mrr_range: tuple[float, float]
    plans: tuple[str, ...]
    ticket_weight: float  # bigger customers write more tickets each
    usage_scale: float  # median daily events of a typical feature


SEGMENTS = (
    Segment("Enterprise", 140, 15000, (4000, 95000), ("Enterprise",), 4.0, 800),
    Segment("Mid-Market", 560, 2500, (800, 9500), ("Business", "Growth"), 2.0, 250),
    Segment("SMB", 1300, 250, (29, 990), ("Starter", "Growth"), 1.0, 80),
)

# Share of accounts and UTC offset of their working day.
REGIONS = (("North America", 0.45, -5), ("Europe", 0.35, 1), ("APAC", 0.15, 8), ("LATAM", 0.05, -3))

# Per feature: share of accounts using it per segment (enterprise, mid-market, smb), scale of
# its daily count against the segment's, and weekday-to-weekend rhythm (Monday first).
OFFICE_WEEK = (1.0, 1.05, 1.05, 1.0, 0.85, 0.22, 0.18)
FEATURE_USE = {
    "billing": ((0.7, 0.6, 0.5), 0.5, OFFICE_WEEK),
    "invoices": ((0.0, 0.0, 0.0), 0.6, OFFICE_WEEK),  # drawn from billing use below
    "reports": ((0.85, 0.65, 0.4), 0.4, OFFICE_WEEK),
    "api": ((0.7, 0.4, 0.12), 4.0, (1.0, 1.0, 1.0, 1.0, 0.95, 0.7, 0.65)),
    "dashboard": ((1.0, 0.98, 0.95), 1.0, OFFICE_WEEK),
    "exports": ((0.6, 0.4, 0.25), 0.3, OFFICE_WEEK),
    "search": ((0.8, 0.6, 0.4), 0.6, OFFICE_WEEK),
}
# Every used feature counts at least this on a weekday, and the noise stays moderate, so that no
# account falls 50 % below its normal by chance: the only quiet accounts are the planted ones.
MIN_DAILY = 50.0
DAILY_NOISE, WEEKLY_NOISE = 0.12, 0.05  # sigma of the lognormal factors
SPECIAL_MIN_DAILY = 300.0  # accounts with a planted drop stay measurable at their low level


NAME_FIRST = (
    "Blue", "Silver", "North", "Bright", "Cedar", "Harbor", "Summit", "Granite", "Maple", "Iron",
    "Golden", "Clear", "Red", "Oak", "Pine", "River", "Stone", "Sun", "West", "East", "Alder",
    "Copper", "Lumen", "Nova", "Pioneer", "Quartz", "Sable", "Tidal", "Union", "Vista",
)  # fmt: skip
NAME_SECOND = (
    "Ridge", "Field", "Line", "Bay", "Point", "Gate", "Works", "Path", "Wave", "Peak", "Brook",
    "Crest", "Leaf", "Star", "Bridge", "Lake", "Stream", "Forge", "Harvest", "Light",
)  # fmt: skip
NAME_KIND = (
    "Logistics", "Dental", "Studio", "Consulting", "Foods", "Labs", "Partners", "Builders",
    "Legal", "Health", "Analytics", "Media", "Outfitters", "Interiors", "Robotics", "Farms",
    "Architects", "Bakery", "Clinics", "Software", "Travel", "Energy", "Retail", "Academy",
)  # fmt: skip
NAME_ENDING = {"North America": "Inc.", "Europe": "GmbH", "APAC": "Pty Ltd", "LATAM": "S.A."}

# The incidents and the ordinary ticket topics live as data beside this file.
_DATA = tomllib.loads(
    (resources.files("aftermath.demo") / "stories.toml").read_text(encoding="utf-8")
)
STORIES: list[dict] = _DATA["story"]
BACKGROUND: list[dict] = _DATA["background"]
UNDECLARED: dict = _DATA["undeclared"]
BILLING = "INC-305"  # the story the demo is built around

# Planted usage drops after an incident, among users of one feature, per segment: (accounts,
# of which wrote a ticket, of which recovered from day 15).
QUIET_PLANS = {
    "INC-305": ("billing", {"Enterprise": (5, 1, 2), "Mid-Market": (8, 2, 2), "SMB": (12, 3, 4)}),
    "INC-304": ("api", {"Enterprise": (1, 1, 1), "Mid-Market": (2, 2, 1)}),
}
# Share of normal usage left after the drop: days 1-14 after resolution for all, from day 15 on
# for those that do not recover (a separate draw).
QUIET_LEVEL = (0.08, 0.2)
# Billing users fading out for their own reasons just before the billing outage: "already quiet".
DECLINING_ACCOUNTS = 6
DECLINE_FROM, DECLINE_UNTIL, DECLINED_LEVEL = date(2026, 6, 27), date(2026, 7, 3), 0.2

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


@dataclass
class Account:
    account_id: str
    name: str
    segment: str
    plan: str
    mrr: float
    region: str
    index: int  # position in the generator's list, the row of the usage matrices


@dataclass
class Ticket:
    created_at: datetime
    account: Account | None
    subject: str
    description: str
    tags: str
    channel: str
    priority: str
    solved_at: datetime | None
    incident_id: str | None  # what CS linked it to
    caused_by: str | None = None  # what really caused it (truth.json)
    ticket_id: str = ""
    created_text: str | None = None  # overrides created_at in the file (the bad row)


def write_demo(folder: Path, seed: int = DEFAULT_SEED) -> None:
    """Write the demo exports and truth.json into folder (created if needed)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    np_rng = np.random.default_rng(seed)
    accounts = _accounts(rng)
    uses, daily = _feature_use(np_rng, accounts)
    plan = _plant(rng, accounts, uses)
    usage = _usage(np_rng, accounts, uses, daily, plan)
    story_tickets, facts = _story_tickets(rng, accounts, uses, plan)
    background = _background_tickets(rng, np_rng, accounts, plan)
    tickets = sorted(story_tickets + background, key=lambda t: (t.created_at, t.subject))
    for number, ticket in enumerate(tickets, start=10001):
        ticket.ticket_id = str(number)
    bad_rows = _spoil_two_rows(tickets)
    events = _events(rng, tickets)
    updates = _status_rows()
    postmortems, actions = _postmortem_rows(facts)
    undeclared = _undeclared_tickets(seed, accounts, plan, first_number=10001 + len(tickets))

    _write_json(folder / "incidents.json", [_incident_row(s) for s in STORIES])
    _write_jsonl(folder / "status_updates.jsonl", updates)
    _write_json(folder / "postmortems.json", postmortems)
    _write_csv(folder / "action_items.csv", actions)
    _write_csv(folder / "tickets.csv", [_ticket_row(t) for t in tickets + undeclared])
    _write_jsonl(folder / "ticket_events.jsonl", events)
    _write_csv(folder / "accounts.csv", [_account_row(a) for a in accounts])
    pq.write_table(usage, folder / "usage.parquet", compression="zstd")
    truth = _truth(seed, tickets, events, facts, plan, accounts, bad_rows)
    truth["undeclared_surge"] = {
        "tickets": [t.ticket_id for t in undeclared],
        "accounts": sorted(t.account.account_id for t in undeclared),
        "first_ticket_at": _iso(undeclared[0].created_at),
        "last_ticket_at": _iso(undeclared[-1].created_at),
    }
    truth["row_counts"] = {
        "incidents.json": len(STORIES),
        "status_updates.jsonl": len(updates),
        "postmortems.json": len(postmortems),
        "action_items.csv": len(actions),
        "tickets.csv": len(tickets) + len(undeclared),
        "ticket_events.jsonl": len(events),
        "accounts.csv": len(accounts),
        "usage.parquet": usage.num_rows,
    }
    _write_json(folder / "truth.json", truth)


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _plain(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment else ""


def _day_index(day: date) -> int:
    return (day - PERIOD_START.date()).days


def _story(incident_id: str) -> dict:
    return next(s for s in STORIES if s["incident_id"] == incident_id)


def _resolved(story: dict) -> datetime | None:
    return _at(story["resolved_at"]) if "resolved_at" in story else None


def _accounts(rng: random.Random) -> list[Account]:
    combos = [(a, b, c) for a in NAME_FIRST for b in NAME_SECOND for c in NAME_KIND]
    picked = rng.sample(combos, sum(s.accounts for s in SEGMENTS))
    region_names = [r[0] for r in REGIONS]
    region_weights = [r[1] for r in REGIONS]
    accounts = []
    for segment in SEGMENTS:
        low, high = segment.mrr_range
        for _ in range(segment.accounts):
            index = len(accounts)
            first, second, kind = picked[index]
            region = rng.choices(region_names, region_weights)[0]
            mrr = min(high, max(low, segment.median_mrr * rng.lognormvariate(0, 0.6)))
            accounts.append(
                Account(
                    "",
                    f"{first}{second.lower()} {kind} {NAME_ENDING[region]}",
                    segment.label,
                    rng.choice(segment.plans),
                    round(mrr, 2),
                    region,
                    index,
                )
            )
    # Ids were handed out over the years, not by segment.
    numbers = list(range(1001, 1001 + len(accounts)))
    rng.shuffle(numbers)
    for account, number in zip(accounts, numbers, strict=True):
        account.account_id = f"ACC-{number}"
    return accounts


def _feature_use(np_rng: np.random.Generator, accounts: list[Account]):
    """Which features each account uses, and its usual weekday count on each."""
    seg_index = {s.label: i for i, s in enumerate(SEGMENTS)}
    segs = np.array([seg_index[a.segment] for a in accounts])
    scale = np.array([SEGMENTS[i].usage_scale for i in segs])
    uses = np.zeros((len(accounts), len(FEATURES)), dtype=bool)
    daily = np.zeros((len(accounts), len(FEATURES)))
    for f, feature in enumerate(FEATURES):
        shares, factor, _week = FEATURE_USE[feature]
        draw = np_rng.random(len(accounts))
        if feature == "invoices":
            billing = uses[:, FEATURES.index("billing")]
            uses[:, f] = np.where(billing, draw < 0.85, draw < 0.1)
        else:
            uses[:, f] = draw < np.array(shares)[segs]
        level = scale * factor * np_rng.lognormal(0.0, 0.5, len(accounts))
        daily[:, f] = np.where(uses[:, f], np.maximum(level, MIN_DAILY), 0.0)
    idle = ~uses.any(axis=1)  # everyone at least looks at the dashboard
    dashboard = FEATURES.index("dashboard")
    uses[idle, dashboard] = True
    daily[idle, dashboard] = MIN_DAILY
    return uses, daily


def _plant(rng: random.Random, accounts: list[Account], uses: np.ndarray) -> dict:
    """Choose the accounts whose usage drops: quiet after an incident, or declining anyway."""
    taken: set[int] = set()

    def pick(pool: list[Account], count: int) -> list[Account]:
        chosen = rng.sample([a for a in pool if a.index not in taken], count)
        taken.update(a.index for a in chosen)
        return sorted(chosen, key=lambda a: a.index)

    quiet: dict[str, dict] = {}
    for incident_id, (feature, by_segment) in QUIET_PLANS.items():
        on = FEATURES.index(feature)
        writers: list[Account] = []
        silent: list[Account] = []
        recovered: list[Account] = []
        for segment, (count, wrote, back) in by_segment.items():
            pool = [a for a in accounts if a.segment == segment and uses[a.index, on]]
            if segment == "Enterprise" and incident_id == BILLING:
                # the costliest silences: the silent ones come from the ten highest MRR
                top = sorted(pool, key=lambda a: (-a.mrr, a.index))[:10]
                segment_silent = pick(top, count - wrote)
                segment_writers = pick(pool, wrote)
            else:
                chosen = pick(pool, count)
                segment_writers, segment_silent = chosen[:wrote], chosen[wrote:]
            writers += segment_writers
            silent += segment_silent
            recovered += (segment_writers[:1] + segment_silent)[:back]
        quiet[incident_id] = {"writers": writers, "silent": silent, "recovered": recovered}
    # not API users: their fade begins within INC-304's two weeks after resolution
    billing, api = FEATURES.index("billing"), FEATURES.index("api")
    declining_pool = [
        a
        for a in accounts
        if a.segment != "SMB" and uses[a.index, billing] and not uses[a.index, api]
    ]
    declining = pick(declining_pool, DECLINING_ACCOUNTS)
    return {"quiet": quiet, "declining": declining, "special": sorted(taken)}


def _usage(
    np_rng: np.random.Generator,
    accounts: list[Account],
    uses: np.ndarray,
    daily: np.ndarray,
    plan: dict,
) -> pa.Table:
    """One row per account, feature and day with activity; days without activity have no row."""
    for index in plan["special"]:
        daily[index] = np.where(uses[index], np.maximum(daily[index], SPECIAL_MIN_DAILY), 0.0)
    day_numbers = np.arange(DAYS)
    weekdays = (PERIOD_START.weekday() + day_numbers) % 7
    # per account: slow growth or shrinkage, times the planted drops
    trend = np_rng.uniform(-0.15, 0.3, len(accounts))
    story = 1.0 + trend[:, None] * day_numbers[None, :] / DAYS
    for incident_id, quiet in plan["quiet"].items():
        day1 = _day_index(_resolved(_story(incident_id)).date()) + 1
        recovered = {a.index for a in quiet["recovered"]}
        for account in quiet["writers"] + quiet["silent"]:
            low = np_rng.uniform(*QUIET_LEVEL)
            later = 1.0 if account.index in recovered else np_rng.uniform(*QUIET_LEVEL)
            story[account.index, day1 : day1 + 14] *= low
            story[account.index, day1 + 14 :] *= later
    first, last = _day_index(DECLINE_FROM), _day_index(DECLINE_UNTIL)
    ramp = np.ones(DAYS)
    ramp[first : last + 1] = np.linspace(1.0, DECLINED_LEVEL, last - first + 1)
    ramp[last + 1 :] = DECLINED_LEVEL
    for account in plan["declining"]:
        story[account.index] *= ramp

    pairs = np.argwhere(uses)  # (account, feature)
    id_rank = np.argsort(np.argsort([a.account_id for a in accounts]))
    pairs = pairs[np.lexsort((pairs[:, 1], id_rank[pairs[:, 0]]))]  # by account id, feature
    week = np.array([FEATURE_USE[FEATURES[f]][2] for f in pairs[:, 1]])[:, weekdays]
    weekly_noise = np_rng.lognormal(0.0, WEEKLY_NOISE, (len(pairs), DAYS // 7 + 1))[
        :, day_numbers // 7
    ]
    expected = (
        daily[pairs[:, 0], pairs[:, 1]][:, None]
        * week
        * weekly_noise
        * story[pairs[:, 0]]
        * np_rng.lognormal(0.0, DAILY_NOISE, (len(pairs), DAYS))
    )
    values = np_rng.poisson(expected).T  # day-major, like an export by day
    day_idx, pair_idx = np.nonzero(values)
    account_col = pa.DictionaryArray.from_arrays(
        pa.array(pairs[pair_idx, 0].astype(np.int32)), pa.array([a.account_id for a in accounts])
    ).dictionary_decode()
    feature_col = pa.DictionaryArray.from_arrays(
        pa.array(pairs[pair_idx, 1].astype(np.int32)), pa.array(FEATURES)
    ).dictionary_decode()
    days = np.datetime64(PERIOD_START.date().isoformat()) + day_idx.astype("timedelta64[D]")
    return pa.table(
        {
            "account_id": account_col,
            "day": pa.array(days, type=pa.date32()),
            "feature": feature_col,
            "value": pa.array(values[day_idx, pair_idx].astype(np.int64)),
        }
    )


def _parse_times(spec: str) -> list[tuple[datetime, str]]:
    """'07-14 10:24 10:26q 07-15 08:12r' -> [(2026-07-14 10:24, ''), ...] with their markers."""
    out = []
    day = ""
    for token in spec.split():
        if "-" in token:
            day = token
        else:
            out.append((_at(f"2026-{day} {token[:5]}"), token[5:]))
    return out


def _compose(rng: random.Random, problem: str, extras: list | tuple) -> str:
    parts = [rng.choice(GREETINGS), problem]
    parts += [phrase for chance, phrase in extras if rng.random() < chance]
    parts.append(rng.choice(SIGNOFFS))
    return " ".join(p for p in parts if p)


def _channel(rng: random.Random, account: Account | None) -> str:
    options = CHANNELS[account.segment if account else "SMB"]
    return rng.choices([c for c, _ in options], [w for _, w in options])[0]


def _story_tickets(
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
        resolved = _resolved(story)
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
        resolved = _resolved(story)
        end = resolved + SUGGEST_AFTER if resolved else PERIOD_END
        start = _at(story["started_at"]) - SUGGEST_BEFORE
        out.append((start, end, story["background_topics"]))
    return out


def _background_tickets(
    rng: random.Random, np_rng: np.random.Generator, accounts: list[Account], plan: dict
) -> list[Ticket]:
    """Ordinary support traffic: business hours per region, quiet weekends."""
    windows = _windows()
    special = set(plan["special"])
    # silent means silent: no ticket at all once their incident began
    silent_from = {}
    for incident_id, quiet in plan["quiet"].items():
        start = _at(_story(incident_id)["started_at"]) - SUGGEST_BEFORE
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


def _undeclared_tickets(
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


def _spoil_two_rows(tickets: list[Ticket]) -> list[dict]:
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


def _events(rng: random.Random, tickets: list[Ticket]) -> list[dict]:
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
                "created_at": _iso(moment),
                "author_role": role,
                "body": body,
            }
            for moment, role, body in sorted(mine)
            if moment <= PERIOD_END
        ]
    rows.sort(key=lambda r: (r["created_at"], r["ticket_id"]))
    return rows


def _incident_row(story: dict) -> dict:
    def stamp(key: str) -> str | None:
        return _iso(_at(story[key])) if key in story else None

    return {
        "incident_id": story["incident_id"],
        "title": story["title"],
        "severity": story["severity"],
        "services": story["services"],
        "started_at": stamp("started_at"),
        "detected_at": stamp("detected_at"),
        "acknowledged_at": stamp("acknowledged_at"),
        "mitigated_at": stamp("mitigated_at"),
        "resolved_at": stamp("resolved_at"),
        "status_page_url": (
            f"{STATUS_HOST}/{story['incident_id'].lower()}" if story["updates"] else None
        ),
    }


def _status_rows() -> list[dict]:
    return [
        {
            "incident_id": s["incident_id"],
            "posted_at": _iso(_at(at)),
            "status": status,
            "body": body,
        }
        for s in STORIES
        for at, status, body in s["updates"]
    ]


def _postmortem_rows(facts: dict) -> tuple[list[dict], list[dict]]:
    postmortems = []
    actions = []
    for story in STORIES:
        incident_id = story["incident_id"]
        if "postmortem" in story:
            pm = story["postmortem"]
            mine = facts[incident_id]["tickets"]
            names: list[str] = []
            # the accounts the author saw first: linked tickets, then the rest
            for ticket in [t for t in mine if t.incident_id] + mine:
                if ticket.account.account_id not in names and len(names) < pm["named_accounts"]:
                    names.append(ticket.account.account_id)
            # written by an author in Berlin; the export keeps the offset
            local = _at(pm["published_at"]) + timedelta(hours=2)
            postmortems.append(
                {
                    "postmortem_id": incident_id.replace("INC", "PM"),
                    "incident_id": incident_id,
                    "published_at": local.strftime("%Y-%m-%dT%H:%M:%S+02:00"),
                    "url": f"https://wiki.acme-ledger.example/postmortems/{incident_id}",
                    "affected_accounts": names,
                    "stated_ticket_count": pm["stated_ticket_count"],
                }
            )
        for number, action in enumerate(story.get("action", []), start=1):
            actions.append(
                {
                    "action_item_id": f"AI-{incident_id[4:]}-{number}",
                    "incident_id": incident_id,
                    "title": action["title"],
                    "description": action["description"],
                    "team": action["team"],
                    "owner": action["owner"],
                    "due_date": action["due"],
                    "completed_at": action["completed"] + ":00" if "completed" in action else "",
                    "tags": action["tags"],
                }
            )
    return postmortems, actions


def _ticket_row(ticket: Ticket) -> dict:
    return {
        "ticket_id": ticket.ticket_id,
        "created_at": ticket.created_text or _plain(ticket.created_at),
        "account_id": ticket.account.account_id if ticket.account else "",
        "subject": ticket.subject,
        "description": ticket.description,
        "tags": ticket.tags.replace(",", ";"),
        "channel": ticket.channel,
        "priority": ticket.priority,
        "solved_at": _plain(ticket.solved_at),
        "incident_id": ticket.incident_id or "",
    }


def _account_row(account: Account) -> dict:
    return {
        "account_id": account.account_id,
        "name": account.name,
        "segment": account.segment,
        "plan": account.plan,
        "mrr": f"{account.mrr:.2f}",
        "region": account.region,
    }


def _truth(
    seed: int,
    tickets: list[Ticket],
    events: list[dict],
    facts: dict,
    plan: dict,
    accounts: list[Account],
    bad_rows: list[dict],
) -> dict:
    """What the demo planted, for tests and for anyone checking a derived number."""

    def ids(items: list[Account]) -> list[str]:
        return sorted(a.account_id for a in items)

    def per_incident(key: str) -> dict[str, list[str]]:
        return {
            s["incident_id"]: ids(plan["quiet"].get(s["incident_id"], {}).get(key, []))
            for s in STORIES
        }

    incidents = {}
    for story in STORIES:
        incident_id = story["incident_id"]
        mine = facts[incident_id]["tickets"]
        started, resolved = _at(story["started_at"]), _resolved(story)
        impact_end = facts[incident_id]["impact_end"]
        posted = [(_at(at), status.lower()) for at, status, _ in story["updates"]]
        status_resolved = [at for at, status in posted if status == "resolved"]
        ticket_ids = {t.ticket_id for t in mine}
        comments = [
            e["created_at"]
            for e in events
            if str(e["ticket_id"]) in ticket_ids and e["author_role"] == "customer"
        ]
        pm = story.get("postmortem")
        published = _at(pm["published_at"]) if pm else None
        actions = story.get("action", [])
        quiet = plan["quiet"].get(incident_id, {"writers": [], "silent": []})
        incidents[incident_id] = {
            "title": story["title"],
            "severity_as_exported": story["severity"],
            "services": story["services"],
            "started_at": _iso(started),
            "resolved_at": _iso(resolved) if resolved else None,
            "outage_minutes": int((resolved - started).total_seconds()) // 60 if resolved else None,
            "caused_tickets": len(mine),
            "linked_tickets": sum(1 for t in mine if t.incident_id),
            "unlinked_caused_tickets": sum(1 for t in mine if not t.incident_id),
            "first_ticket_at": _iso(min(t.created_at for t in mine)),
            "first_update_at": _iso(min(at for at, _ in posted)) if posted else None,
            "status_resolved_at": _iso(status_resolved[0]) if status_resolved else None,
            "impact_end_at": _iso(impact_end) if impact_end else None,
            "tickets_after_resolved": sum(1 for t in mine if resolved and t.created_at > resolved),
            "long_tail_tickets": sum(
                1 for t in mine if resolved and t.created_at > resolved + LONG_TAIL
            ),
            "last_customer_comment_at": max(comments, default=None),
            "repeat_ticket_accounts": facts[incident_id]["repeat_accounts"],
            "quiet_accounts": len(quiet["writers"]) + len(quiet["silent"]),
            "silent_quiet_accounts": len(quiet["silent"]),
            "quiet_mrr": round(sum(a.mrr for a in quiet["writers"] + quiet["silent"]), 2),
            "postmortem_published_at": _iso(published) if published else None,
            "postmortem_days_after_resolved": (
                round((published - resolved).total_seconds() / 86400, 2) if published else None
            ),
            "stated_ticket_count": pm["stated_ticket_count"] if pm else None,
            "stated_accounts": pm["named_accounts"] if pm else None,
            "action_items": len(actions),
            "action_item_teams": sorted({a["team"].lower() for a in actions}),
        }
    writers, silent = per_incident("writers"), per_incident("silent")
    return {
        "seed": seed,
        "period": {"start": _iso(PERIOD_START), "end": _iso(PERIOD_END)},
        "incidents": incidents,
        "ticket_incident": {t.ticket_id: t.caused_by for t in tickets if t.caused_by},
        "planted_quiet": {i: sorted(writers[i] + silent[i]) for i in writers},
        "planted_silent_quiet": silent,
        "planted_recovered": per_incident("recovered"),
        "planted_already_quiet": {
            s["incident_id"]: ids(plan["declining"]) if s["incident_id"] == BILLING else []
            for s in STORIES
        },
        "declining_accounts": {
            "accounts": ids(plan["declining"]),
            "decline_from": DECLINE_FROM.isoformat(),
            "decline_until": DECLINE_UNTIL.isoformat(),
            "level_after": DECLINED_LEVEL,
        },
        "bad_rows": {"tickets.csv": bad_rows},
        "accounts_by_segment": {
            s.label.lower(): sum(1 for a in accounts if a.segment == s.label) for s in SEGMENTS
        },
    }


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _write_jsonl(path: Path, rows: list[dict]) -> None:
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    path.write_text(text, encoding="utf-8")


def _write_csv(path: Path, rows: list[dict]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)

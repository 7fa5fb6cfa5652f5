"""The demo's world, shared by every part of it: the period, the features, the customer segments
and regions, the incident stories (stories.toml), and the account and ticket records."""

import tomllib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from importlib import resources

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


# The incidents and the ordinary ticket topics live as data beside this file.
_DATA = tomllib.loads(
    (resources.files("aftermath.demo") / "stories.toml").read_text(encoding="utf-8")
)


STORIES: list[dict] = _DATA["story"]


BACKGROUND: list[dict] = _DATA["background"]


UNDECLARED: dict = _DATA["undeclared"]


BILLING = "INC-305"  # the story the demo is built around


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


def at_time(text: str) -> datetime:
    return datetime.fromisoformat(text)


def iso_text(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def plain_text(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment else ""


def day_index(day: date) -> int:
    return (day - PERIOD_START.date()).days


def story_of(incident_id: str) -> dict:
    return next(s for s in STORIES if s["incident_id"] == incident_id)


def resolved_at_of(story: dict) -> datetime | None:
    return at_time(story["resolved_at"]) if "resolved_at" in story else None

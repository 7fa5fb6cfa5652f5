"""Every tunable number of the product, in one place the CLI, the load and the pages share.

Each field is bound by name (`$field`) into the SQL of `queries/`; the defaults are the data
contract's. `aftermath load --set name=value` overrides one for a load.
"""

import os
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

# Where a user's data goes: below the folder they run `aftermath` in, never inside the package.
DATA_DIR = Path("data")
DEMO_DIR = DATA_DIR / "demo"


def default_db_path() -> Path:
    """`$AFTERMATH_DB`, else `data/aftermath.duckdb`."""
    return Path(os.environ.get("AFTERMATH_DB") or DATA_DIR / "aftermath.duckdb")


@dataclass(frozen=True)
class Settings:
    # Related tickets: an unlinked ticket is suggested when created in this window around the
    # incident and matching its services, title words or its linked tickets' words.
    suggest_before_minutes: int = 30
    suggest_after_hours: int = 72
    # How a suggestion must match (tuned on the demo against its known links): a distinctive
    # title word is used by under this share of ordinary tickets; or this many shared words; a
    # word of the linked tickets counts when in this many of them and this many times commoner
    # there than in ordinary tickets.
    distinctive_max_background_pct: float = 2.0
    # A word this share of ordinary tickets use or more (a product-area tag) is everyday: never
    # enough on its own for a suggestion, at any help desk size.
    everyday_min_background_pct: float = 5.0
    min_shared_words: int = 2
    vocabulary_min_tickets: int = 2
    vocabulary_min_lift: float = 15.0
    # A shared word is evidence only in an hour when the tickets using it stand out from its
    # usual count for that hour of the week: more than this many times it, and, all of a
    # ticket's words together, more than the ordinary stream brings by chance but this % of the
    # time (a Poisson tail bound; small, as every hour of a window is tested), at any help desk size
    # (queries/intermediate/tickets/surging_ticket_terms.sql).
    suggest_min_lift: float = 3.0
    suggest_max_chance_pct: float = 0.1
    # ... or this % for a ticket written up to impact_gap_minutes after the incident ended, when
    # customers write about it most.
    suggest_near_max_chance_pct: float = 1.0
    # A ticket linked in the help desk but created this long before the start is a suspect link:
    # listed for CS to fix, moving no window and counting in no total.
    link_before_hours: int = 24
    # Customer impact lasts past resolution while related tickets arrive with gaps under this.
    impact_gap_minutes: int = 120
    # Related tickets created this long after resolution are the long tail.
    long_tail_days: int = 7
    # A postmortem is on time when published within this many days of resolution.
    postmortem_due_days: int = 7
    # Ticket volume: hours shown around the incident, and the weeks the baseline looks back.
    volume_days_before: int = 1
    volume_days_after: int = 7
    baseline_weeks: int = 4
    # Ticket surges: an hour surges when its tickets, and the accounts writing in, stand at
    # least this many times the hour's baseline and this many above it; surging hours this
    # close merge into one surge; a surge's top terms are this many times commoner there.
    surge_min_ratio: float = 3.0
    surge_min_excess_tickets: int = 8
    surge_min_accounts: int = 6
    # ... and above it by this many times the baseline's natural spread (its square root, as for
    # counts that arrive at random): at a large help desk every word is tested every hour, and a
    # word usually seen 4 times an hour reaches 15 somewhere by chance alone.
    surge_min_spread: float = 10.0
    surge_merge_gap_hours: int = 1
    surge_term_min_lift: float = 3.0
    # Quiet accounts.
    usage_baseline_days: int = 28
    exposure_days: int = 7
    quiet_after_days: int = 14
    quiet_drop_pct: float = 50.0
    min_baseline_daily: float = 1.0
    recovered_pct: float = 80.0
    recovery_until_day: int = 30
    placebo_offset_days: int = 28
    # The control (unexposed accounts' quiet rate) is measured on a fixed sample of this many
    # accounts, the same from load to load: a rate, known to about a percentage point from a few
    # thousand, while every account of a large company met every incident grew the load with the
    # square of its size. Exposed accounts are never sampled: they are the call list.
    control_sample_accounts: int = 5000
    # Suggested severity (1 = worst): the affected accounts' share of active accounts and of all
    # MRR each give a level, 1 at sev1_min_pct and above, down to 4 at sev4_min_pct, else 5 (few
    # affected customers ever write in, hence low bars); an impact this long makes it one worse.
    sev1_min_pct: float = 5.0
    sev2_min_pct: float = 2.0
    sev3_min_pct: float = 1.0
    sev4_min_pct: float = 0.25
    severity_step_minutes: int = 360
    # Signals: the comparison window before the incident for the lift.
    signal_before_days: int = 28
    # The follow-up check, this many days after resolution.
    week_later_days: int = 7
    # Support's replies: grouped by their first this many words (one macro, one row); a reply is
    # followed when the customer's next message on the ticket comes within this many hours; a
    # wording is judged on at least this many replies.
    reply_opening_words: int = 10
    reply_followup_hours: int = 24
    reply_min_count: int = 5

    def params(self) -> dict[str, int | float]:
        return asdict(self)

    def with_overrides(self, pairs: list[str]) -> "Settings":
        """Apply `name=value` strings; raises ValueError with a plain message."""
        known = {f.name: f.type for f in fields(self)}
        changes: dict[str, int | float] = {}
        for pair in pairs:
            name, sep, value = pair.partition("=")
            if not sep or name not in known:
                raise ValueError(f"unknown setting '{pair}'; known: {', '.join(sorted(known))}")
            try:
                changes[name] = float(value) if known[name] in (float, "float") else int(value)
            except ValueError:
                raise ValueError(f"setting {name} needs a number, got '{value}'") from None
            if name == "exposure_days" and changes[name] < 1:
                raise ValueError("setting exposure_days needs at least 1 day")
        return replace(self, **changes)


DEFAULTS = Settings()

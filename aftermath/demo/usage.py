"""The demo's product usage: every account's daily use of its features, and the planted drops
(quiet accounts after an incident, accounts already fading before one)."""

import random
from datetime import date

import numpy as np
import pyarrow as pa

from aftermath.demo.world import (
    BILLING,
    DAYS,
    FEATURES,
    PERIOD_START,
    SEGMENTS,
    Account,
    day_index,
    resolved_at_of,
    story_of,
)

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


def feature_use(np_rng: np.random.Generator, accounts: list[Account]):
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


def plant_drops(rng: random.Random, accounts: list[Account], uses: np.ndarray) -> dict:
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


def usage_table(
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
        day1 = day_index(resolved_at_of(story_of(incident_id)).date()) + 1
        recovered = {a.index for a in quiet["recovered"]}
        for account in quiet["writers"] + quiet["silent"]:
            low = np_rng.uniform(*QUIET_LEVEL)
            later = 1.0 if account.index in recovered else np_rng.uniform(*QUIET_LEVEL)
            story[account.index, day1 : day1 + 14] *= low
            story[account.index, day1 + 14 :] *= later
    first, last = day_index(DECLINE_FROM), day_index(DECLINE_UNTIL)
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

"""The demo's customers: accounts across segments and regions, with names, plans and MRR."""

import random

from aftermath.demo.world import REGIONS, SEGMENTS, Account

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


def make_accounts(rng: random.Random) -> list[Account]:
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


def account_row(account: Account) -> dict:
    return {
        "account_id": account.account_id,
        "name": account.name,
        "segment": account.segment,
        "plan": account.plan,
        "mrr": f"{account.mrr:.2f}",
        "region": account.region,
    }

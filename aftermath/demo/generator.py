"""The bundled demo: a deterministic export folder in which a dozen incidents tell their stories.

`write_demo(folder)` writes one file per contract input table, in a mix of formats, plus
`truth.json`: the planted facts (which ticket each incident caused, which accounts went quiet)
that the tests and `data/demo/README.md` check the derived tables against. Each part is made by
the module named for it (accounts, usage, tickets, incidents, truth). The same seed gives
byte-identical files: every choice comes from one `random.Random` and one numpy generator, always
drawn in the same order (the order of the calls here), and nothing iterates over a set.
"""

import csv
import json
import random
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

from aftermath.demo.accounts import account_row, make_accounts
from aftermath.demo.incidents import incident_row, postmortem_rows, status_rows
from aftermath.demo.tickets import (
    background_tickets,
    comment_events,
    spoil_two_rows,
    ticket_row,
    tickets_of_stories,
    undeclared_tickets,
)
from aftermath.demo.truth import planted_truth
from aftermath.demo.usage import feature_use, plant_drops, usage_table
from aftermath.demo.world import DEFAULT_SEED, STORIES, iso_text


def write_demo(folder: Path, seed: int = DEFAULT_SEED) -> None:
    """Write the demo exports and truth.json into folder (created if needed)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    np_rng = np.random.default_rng(seed)
    accounts = make_accounts(rng)
    uses, daily = feature_use(np_rng, accounts)
    plan = plant_drops(rng, accounts, uses)
    usage = usage_table(np_rng, accounts, uses, daily, plan)
    story_tickets, facts = tickets_of_stories(rng, accounts, uses, plan)
    background = background_tickets(rng, np_rng, accounts, plan)
    tickets = sorted(story_tickets + background, key=lambda t: (t.created_at, t.subject))
    for number, ticket in enumerate(tickets, start=10001):
        ticket.ticket_id = str(number)
    bad_rows = spoil_two_rows(tickets)
    events = comment_events(rng, tickets)
    updates = status_rows()
    postmortems, actions = postmortem_rows(facts)
    undeclared = undeclared_tickets(seed, accounts, plan, first_number=10001 + len(tickets))

    _write_json(folder / "incidents.json", [incident_row(s) for s in STORIES])
    _write_jsonl(folder / "status_updates.jsonl", updates)
    _write_json(folder / "postmortems.json", postmortems)
    _write_csv(folder / "action_items.csv", actions)
    _write_csv(folder / "tickets.csv", [ticket_row(t) for t in tickets + undeclared])
    _write_jsonl(folder / "ticket_events.jsonl", events)
    _write_csv(folder / "accounts.csv", [account_row(a) for a in accounts])
    pq.write_table(usage, folder / "usage.parquet", compression="zstd")
    truth = planted_truth(seed, tickets, events, facts, plan, accounts, bad_rows)
    truth["undeclared_surge"] = {
        "tickets": [t.ticket_id for t in undeclared],
        "accounts": sorted(t.account.account_id for t in undeclared),
        "first_ticket_at": iso_text(undeclared[0].created_at),
        "last_ticket_at": iso_text(undeclared[-1].created_at),
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

"""How precise and complete related-ticket suggestions are, at benchmark scale and on a grid.

`--scale S`: the generator knows which incident each ticket was written about (`.truth.parquet`
beside the exports, linked or not); this loads a generated folder and counts, over every incident:

- precision: suggested (incident, ticket) pairs whose ticket was written about that incident;
- recall: tickets written about an incident and not linked, that are suggested for it (all of
  them, and those created inside the incident's suggestion window, the only ones a suggestion
  can reach);
- how many ordinary (background) tickets relate to some incident, and the customer-impact
  window beside the outage (medians), to see that ordinary tickets stretch no window.

`--grid`: help desks of 50, 200, 1,000 and 5,000 tickets a day, with and without product-area
tags, with one incident and with two overlapping (benchmarks/help_desks.py writes each, with its
answer key): precision and recall per cell, the tickets listed as ambiguous, and each incident's
customer impact and comms gap against the true ones. It prints a Markdown table.

    .venv/bin/python benchmarks/suggestions.py --scale 0.1
    .venv/bin/python benchmarks/suggestions.py --grid
"""

import argparse
import json
import sys
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aftermath.pipeline.derived import build_step  # noqa: E402
from aftermath.pipeline.load import load  # noqa: E402
from aftermath.pipeline.order import derived_queries  # noqa: E402
from aftermath.settings import DEFAULTS  # noqa: E402
from benchmarks import generate, help_desks  # noqa: E402

DATA = Path(__file__).parent / "data"

MEASURES = """
with
truth as (select * from read_parquet($truth)),
suggested as (select incident_id, ticket_id from related_tickets where link = 'suggested'),
unlinked_truth as (
    select truth.*, incident_windows.suggest_from, incident_windows.suggest_until,
        tickets.created_at
    from truth
    inner join tickets on tickets.ticket_id = truth.ticket_id
    inner join incident_windows on incident_windows.incident_id = truth.incident_id
    where not truth.is_linked
),
found as (
    select unlinked_truth.*, suggested.ticket_id is not null as is_suggested
    from unlinked_truth
    left join suggested
        on suggested.incident_id = unlinked_truth.incident_id
        and suggested.ticket_id = unlinked_truth.ticket_id
)
select
    (select count(*) from suggested) as suggested_pairs,
    (select count(*) from suggested inner join truth using (incident_id, ticket_id))
        as true_pairs,
    (select count(*) from suggested where ticket_id not in (select ticket_id from truth))
        as background_pairs,
    (select count(*) from found) as unlinked_incident_tickets,
    (select count(*) filter (where is_suggested) from found) as found_tickets,
    (select count(*) filter (where created_at between suggest_from and suggest_until) from found)
        as in_window_tickets,
    (select count(*) filter (where is_suggested and created_at between suggest_from and
        suggest_until) from found) as found_in_window,
    (select median(customer_impact_minutes) from incident_impact) as median_impact_minutes,
    (select median(outage_minutes) from incident_impact) as median_outage_minutes,
    (select max(customer_impact_minutes - outage_minutes) from incident_impact)
        as max_impact_beyond_outage_minutes,
    (select count(*) from incident_impact) as incidents,
    (select sum(suspect_links) from incident_impact) as suspect_links
"""


def load_and_measure(folder: Path, db: Path, measures: str, extra: str = "select 1") -> tuple:
    """Load folder into db, then run measures (one row, as a dict) and extra (all rows) on it
    against the folder's answer key; the row gains load_seconds."""
    started = time.perf_counter()
    load(folder, db)
    load_seconds = time.perf_counter() - started
    con = duckdb.connect(str(db))
    try:
        # incident_windows is load-only (the load drops it): built again to read its windows.
        (windows,) = [s for s in derived_queries(DEFAULTS) if s.query.table == "incident_windows"]
        build_step(con, windows)
        cur = con.execute(measures, {"truth": str(folder / generate.TRUTH_FILE)})
        names = [d[0] for d in cur.description]
        row = dict(zip(names, cur.fetchall()[0], strict=True))
        extra_rows = con.execute(extra).fetchall()
    finally:
        con.close()
    row["load_seconds"] = round(load_seconds, 1)
    return row, extra_rows


def measure(scale: float, seed: int = 1) -> dict:
    folder = DATA / f"scale-{scale:g}"
    manifest = generate.read_manifest(folder)
    if (
        manifest is None
        or manifest.get("generator") != generate.generator_version()
        or not (folder / generate.TRUTH_FILE).is_file()
    ):
        generate.generate(scale, folder, seed)
    row, _ = load_and_measure(folder, DATA / f"suggestions-{scale:g}.duckdb", MEASURES)
    row["scale"] = scale
    row["precision"] = (
        row["true_pairs"] / row["suggested_pairs"] if row["suggested_pairs"] else None
    )
    row["recall"] = (
        row["found_tickets"] / row["unlinked_incident_tickets"]
        if row["unlinked_incident_tickets"]
        else None
    )
    row["recall_in_window"] = (
        row["found_in_window"] / row["in_window_tickets"] if row["in_window_tickets"] else None
    )
    return row


GRID_MEASURES = """
with
truth as (select * from read_parquet($truth)),
suggested as (select incident_id, ticket_id from related_tickets where link = 'suggested'),
unlinked_truth as (select * from truth where not is_linked)
select
    (select count(*) from suggested) as suggested_pairs,
    (select count(*) from suggested inner join truth using (incident_id, ticket_id))
        as true_pairs,
    (select count(*) from suggested where ticket_id not in (select ticket_id from truth))
        as ordinary_pairs,
    (select count(*) from unlinked_truth) as unlinked_incident_tickets,
    (select count(*) from unlinked_truth inner join suggested using (incident_id, ticket_id))
        as found_tickets,
    (select count(distinct ticket_id) from ambiguous_tickets) as ambiguous_tickets,
    (select count(*) from tickets) as tickets
"""

GRID_IMPACT = """
select incident_id, customer_impact_minutes, comms_gap_minutes
from incident_impact order by incident_id
"""

GRID_DAILY = (50, 200, 1000, 5000)


def measure_cell(folder: Path, daily: int, tags: bool, incidents: int) -> dict:
    """One help desk of the grid, written, loaded and scored against its answer key."""
    help_desks.write(folder, daily, tags, incidents)
    row, impact = load_and_measure(
        folder, folder / "suggestions.duckdb", GRID_MEASURES, GRID_IMPACT
    )
    row.update(daily=daily, tags=tags, incidents=incidents)
    row["precision"] = (
        row["true_pairs"] / row["suggested_pairs"] if row["suggested_pairs"] else None
    )
    row["recall"] = row["found_tickets"] / row["unlinked_incident_tickets"]
    row["impact"] = {
        incident_id: (minutes, gap, help_desks.true_impact(incident_id))
        for incident_id, minutes, gap in impact
    }
    return row


def grid_table(cells: list[dict]) -> str:
    """The grid as a Markdown table: one row per cell."""

    def figure(value: float | None) -> str:
        return "—" if value is None else f"{value:.2f}"

    def minutes(value: float | None) -> str:
        return "—" if value is None else f"{value:g}"

    lines = [
        "| tickets a day | tags | incidents | suggested | true | ordinary | precision | recall "
        "| ambiguous | customer impact, min (true) | comms gap, min (true) |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for cell in cells:
        impact = "; ".join(
            f"{i[4:]} {minutes(m)} ({t[0]:g})" for i, (m, _, t) in cell["impact"].items()
        )
        gap = "; ".join(
            f"{i[4:]} {minutes(g)} ({t[1]:g})" for i, (_, g, t) in cell["impact"].items()
        )
        lines.append(
            f"| {cell['daily']:,} | {'product area' if cell['tags'] else 'none'} "
            f"| {cell['incidents']} | {cell['suggested_pairs']} | {cell['true_pairs']} "
            f"| {cell['ordinary_pairs']} | {figure(cell['precision'])} | {figure(cell['recall'])} "
            f"| {cell['ambiguous_tickets']} | {impact} | {gap} |"
        )
    return "\n".join(lines)


def measure_grid(daily: tuple[int, ...] = GRID_DAILY) -> list[dict]:
    cells = []
    for volume in daily:
        for tags in (False, True):
            for incidents in (1, 2):
                folder = DATA / "grid" / f"{volume}-{'tags' if tags else 'plain'}-{incidents}"
                cells.append(measure_cell(folder, volume, tags, incidents))
                print(json.dumps(cells[-1], default=str), file=sys.stderr)
    return cells


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--scale", type=float, default=0.1)
    mode.add_argument("--grid", action="store_true", help="the help-desk grid (issue #34)")
    args = parser.parse_args(argv)
    if args.grid:
        print(grid_table(measure_grid()))
    else:
        print(json.dumps(measure(args.scale), indent=2, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

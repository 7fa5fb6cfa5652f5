"""How precise and complete related-ticket suggestions are at benchmark scale.

The generator knows which incident each ticket was written about (`.truth.parquet` beside the
exports, linked or not); this loads a generated folder and counts, over every incident:

- precision: suggested (incident, ticket) pairs whose ticket was written about that incident;
- recall: tickets written about an incident and not linked, that are suggested for it (all of
  them, and those created inside the incident's suggestion window, the only ones a suggestion
  can reach);
- how many ordinary (background) tickets relate to some incident, and the customer-impact
  window beside the outage (medians), to see that ordinary tickets stretch no window.

    .venv/bin/python benchmarks/suggestions.py --scale 0.1
"""

import argparse
import json
import sys
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aftermath.pipeline.load import load  # noqa: E402
from benchmarks import generate  # noqa: E402

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


def measure(scale: float, seed: int = 1) -> dict:
    folder = DATA / f"scale-{scale:g}"
    manifest = generate.read_manifest(folder)
    if (
        manifest is None
        or manifest.get("generator") != generate.generator_version()
        or not (folder / generate.TRUTH_FILE).is_file()
    ):
        generate.generate(scale, folder, seed)
    db = DATA / f"suggestions-{scale:g}.duckdb"
    started = time.perf_counter()
    load(folder, db)
    load_seconds = time.perf_counter() - started
    con = duckdb.connect(str(db), read_only=True)
    try:
        cur = con.execute(MEASURES, {"truth": str(folder / generate.TRUTH_FILE)})
        names = [d[0] for d in cur.description]
        row = dict(zip(names, cur.fetchall()[0], strict=True))
    finally:
        con.close()
    row["scale"] = scale
    row["load_seconds"] = round(load_seconds, 1)
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.1)
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.scale), indent=2, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""`benchmarks/run.py --engine spark`: the load on the Spark engine beside the DuckDB engine.

For each scale, the same generated data loaded three times, each in a fresh process as the
command line runs it: `aftermath load DIR` (DuckDB), then `--engine spark --spark-master
local[1]` and `local[2]` (Spark in local mode, one and two cores). The figures go into
RESULTS.md's "## The Spark engine" section, which replaces its previous version and leaves the
rest of the file as it was.
"""

import os
import re
import sys
from collections.abc import Callable
from pathlib import Path

from benchmarks.results_markdown import NOTES_HEADING as NOTES
from benchmarks.results_markdown import SPARK_HEADING as SECTION

MASTERS = ("local[1]", "local[2]")


def measure(
    scales: list[float],
    data: Path,
    seed: int,
    ensure_data: Callable,
    child: Callable,
    log: Callable[[str], None],
) -> list[dict]:
    """Per scale: the DuckDB engine's load and the Spark engine's on each master, timed."""
    results = []
    for scale in scales:
        folder, manifest, _generated = ensure_data(data, scale, seed)
        row: dict = {"scale": scale, "rows": sum(manifest["rows"].values())}
        for engine, master in (("duckdb", None), *(("spark", m) for m in MASTERS)):
            db = data / f"scale-{scale:g}-{engine}.duckdb"
            extra = ["--engine", "spark", "--spark-master", master] if master else []
            load_average = os.getloadavg()[0]
            run = child(
                [sys.executable, "-m", "aftermath.cli", "load", folder, "--db", db, "--quiet"]
                + extra
            )
            db.unlink(missing_ok=True)
            label = master or "duckdb"
            row[label] = {
                "seconds": run.seconds,
                "cpu_seconds": run.cpu_seconds,
                "load_average": load_average,
            }
            log(f"scale {scale:g} {label}: {run.seconds:.1f} s ({run.cpu_seconds:.1f} s CPU)")
        results.append(row)
    return results


def section(results: list[dict], command: str, info: dict) -> str:
    """The RESULTS.md section for these figures."""
    lines = [
        SECTION,
        "",
        f"Measured by `{command}` on {info['cores']} cores ({info['cpu']}), load average "
        f"{info['load_average']} at the start. `aftermath load DIR` end to end in a fresh process "
        "(validation, derived tables, the database written); the Spark engine computes the "
        "derived tables on Spark in local mode (`--engine spark --spark-master local[N]`) and "
        "includes starting Spark's JVM. CPU time is the load process's own: a Spark load's JVM is "
        "not counted.",
        "",
        "| scale | input rows | DuckDB (s) | Spark local[1] (s) | Spark local[2] (s) "
        "| local[1] ÷ local[2] | Spark local[2] ÷ DuckDB | CPU: DuckDB / local[1] / local[2] (s) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        duck, one, two = r["duckdb"], r["local[1]"], r["local[2]"]
        lines.append(
            f"| {r['scale']:g} | {r['rows']:,} | {duck['seconds']:.1f} | {one['seconds']:.1f} "
            f"| {two['seconds']:.1f} | {one['seconds'] / two['seconds']:.2f} "
            f"| {two['seconds'] / duck['seconds']:.1f} | {duck['cpu_seconds']:.0f} / "
            f"{one['cpu_seconds']:.0f} / {two['cpu_seconds']:.0f} |"
        )
    lines.append("")
    return "\n".join(lines)


def write_section(path: Path, text: str) -> None:
    """Put the section into RESULTS.md: in place of the old one, else before the notes."""
    old = path.read_text() if path.exists() else ""
    if SECTION in old:
        old = re.sub(rf"{re.escape(SECTION)}\n.*?(?=\n## |\Z)", text.rstrip("\n"), old, flags=re.S)
    elif NOTES in old:
        old = old.replace(NOTES, text + "\n" + NOTES, 1)
    else:
        old = old.rstrip("\n") + "\n\n" + text
    path.write_text(old)

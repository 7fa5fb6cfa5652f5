"""The RESULTS.md writer: the measured figures as Markdown tables, against the targets, with the
hand-written "## Notes" section of the file kept as it was."""

import os
import platform
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import duckdb

# Issue #15's targets (2 cores, the generator's data).
TARGETS = {
    "load_ratio": {1.0: 5.0, 0.3: 3.0},  # load end to end / floor, by scale (1's elsewhere)
    "load_growth": 3.6,  # load time x per step up in scale (0.1 -> 0.3, 0.3 -> 1)
    "load_rss_mb": 3072.0,
    "db_per_input": 1.5,  # database file / input files
    "refresh_share": 0.10,  # refresh adding one day / full load
    "warm_p95_ms": 150.0,
    "cold_p95_ms": 1000.0,
}
NOTES_HEADING = "## Notes"
SPARK_HEADING = "## The Spark engine"


def machine() -> dict[str, str]:
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "cores": str(len(os.sched_getaffinity(0))),
        "memory": f"{memory / 2**30:.1f} GiB",
        "os": platform.platform(),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "load_average": " ".join(f"{x:.1f}" for x in os.getloadavg()),
    }


def _num(value: float | str | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    return f"{value:,.{digits}f}"


def _value(r: dict, get: Callable[[dict], float | str]) -> float | str | None:
    try:
        return get(r)
    except KeyError:  # skipped, or its load failed
        return None


def _growth(results: list[dict], get: Callable[[dict], float | str]) -> str:
    """How a figure grows per step up in scale: 10 = linear for a 10x step."""
    steps = []
    ran = [r for r in results if _value(r, get) is not None]
    for small, big in zip(ran, ran[1:], strict=False):
        a, b = get(small), get(big)
        if a and b:
            steps.append(f"×{b / a:.1f} for ×{big['scale'] / small['scale']:g}")
    return ", ".join(steps) or "–"


def _verdict(value: float | None, target: float) -> str:
    if value is None:
        return "–"
    return "yes" if value <= target else "**no**"


def _growth_steps(results: list[dict], get: Callable[[dict], float]) -> list[float]:
    ran = [r for r in results if _value(r, get) is not None]
    return [get(big) / get(small) for small, big in zip(ran, ran[1:], strict=False)]


def report(
    results: list[dict],
    main_scale: float,
    info: dict[str, str],
    command: str,
    memory_limit: str,
    max_temp: str,
) -> str:
    """RESULTS.md without its notes section."""
    main = next((r for r in results if r["scale"] == main_scale and "skipped" not in r), None)
    if main and "load_error" in main:
        main = None
    heads = [f"scale {r['scale']:g}" for r in results]
    lines = [
        "# Benchmark results",
        "",
        f"Measured by `{command}` on {info['date']}.",
        "",
        f"Machine: {info['cores']} cores of {info['cpu']}, {info['memory']} memory, "
        f"{info['os']}; Python {info['python']}, DuckDB {info['duckdb']}; load average at the "
        f"start {info['load_average']} (the machine is shared, so times carry noise).",
        "",
        "Data: `benchmarks/generate.py`; scale 1 = 100,000 accounts, 10 million tickets "
        "(5 million a year for two years) with their text, 2,000 incidents, about 5 million "
        "ticket comments and about 33 million usage rows (account × feature × active day). "
        "Accounts, tickets and incidents grow with the scale; the two years do not.",
        "",
        "## Load",
        "",
        "The floor is DuckDB alone reading every file into a table (`create table as select * "
        "from read_csv/read_parquet`); the load is `aftermath load DIR --db FILE` in a fresh "
        "process (validation, rejects, derived tables, atomic swap). Peak memory is the "
        "process's peak resident set size. "
        + (
            f"Both ran with DuckDB's `memory_limit` at {memory_limit} (the load through "
            "`aftermath load --memory-limit`; DuckDB spills the rest to disk)"
            if memory_limit
            else "Both ran with DuckDB's default memory limit (80 % of the machine's memory)"
        )
        + f" and its spill to disk capped at {max_temp} (`max_temp_directory_size`).",
        "",
        "| figure | target | " + " | ".join(heads) + " | growth | meets target at "
        f"scale {main_scale:g} |",
        "|---|---|" + "---|" * len(heads) + "---|---|",
    ]

    def row(
        label: str,
        target: str,
        get: Callable[[dict], float | str],
        digits: int = 1,
        check: float | None = None,
        growth: bool = True,
    ) -> None:
        cells = []
        for r in results:
            if "skipped" in r:
                cells.append("skipped")
            elif _value(r, get) is None and "load_error" in r:
                cells.append("failed")
            else:
                cells.append(_num(_value(r, get), digits))
        verdict = ""
        if check is not None and main and _value(main, get) is None:
            verdict = "–"
        elif check is not None:
            verdict = _verdict(get(main), check) if main else "**no** (load failed)"
        lines.append(
            f"| {label} | {target} | "
            + " | ".join(cells)
            + f" | {_growth(results, get) if growth else ''} | {verdict} |"
        )

    row("input rows (millions)", "", lambda r: sum(r["rows"].values()) / 1e6, 2)
    row("input files (MB)", "", lambda r: r["input_mb"], 0)
    row("floor: DuckDB reads the files (s)", "", lambda r: r["floor_seconds"], 1)
    row("floor CPU time (s)", "", lambda r: r["floor_cpu_seconds"], 1)
    row("floor peak memory (MB)", "", lambda r: r["floor_rss_mb"], 0)
    row("`aftermath load` end to end (s)", "", lambda r: r["load_seconds"], 1)
    row("load CPU time (s)", "", lambda r: r["load_cpu_seconds"], 1)
    row(
        "load ÷ floor",
        "≤ 5 at scale 1, ≤ 3 at 0.3",
        lambda r: r["load_ratio"],
        1,
        TARGETS["load_ratio"].get(main_scale, TARGETS["load_ratio"][1.0]),
        False,
    )
    row("load ÷ floor, CPU time", "", lambda r: r["load_cpu_ratio"], 1, growth=False)
    row(
        "machine load average before → after the load",
        "",
        lambda r: " → ".join(f"{x:.1f}" for x in r["load_average"]),
        growth=False,
    )
    steps = _growth_steps(results, lambda r: r["load_seconds"])
    lines.append(
        f"| load time growth per step up in scale | ≤ ×{TARGETS['load_growth']:g} | "
        + " | ".join("" for _ in results)
        + f" | {_growth(results, lambda r: r['load_seconds'])} | "
        + (_verdict(max(steps), TARGETS["load_growth"]) if steps else "–")
        + " |"
    )
    row("load peak memory (MB)", "< 3,072", lambda r: r["load_rss_mb"], 0, TARGETS["load_rss_mb"])
    row("database file (MB)", "", lambda r: r["db_mb"], 0)
    row(
        "database file ÷ input files",
        "≤ 1.5",
        lambda r: r["db_mb"] / r["input_mb"],
        2,
        TARGETS["db_per_input"],
        False,
    )
    row("refresh adding one day (s)", "", lambda r: r["refresh_seconds"], 1)
    row("refresh peak memory (MB)", "", lambda r: r["refresh_rss_mb"], 0)
    row(
        "refresh ÷ full load",
        "≤ 0.10",
        lambda r: r["refresh_seconds"] / r["load_seconds"],
        2,
        TARGETS["refresh_share"],
        False,
    )
    row(
        "slowest page query, warm p95 (ms)",
        "< 150",
        lambda r: max(p["warm_p95_ms"] for p in r["pages"].values()),
        1,
        TARGETS["warm_p95_ms"],
    )
    row(
        "slowest page query, cold p95 (ms)",
        "< 1,000",
        lambda r: max(p["cold_p95_ms"] for p in r["pages"].values()),
        1,
        TARGETS["cold_p95_ms"],
    )
    lines.append("")
    for r in results:
        if "skipped" in r:
            lines += [f"Scale {r['scale']:g} was skipped: {r['skipped']}.", ""]
        if "load_error" in r:
            where = r.get("profile", {}).get("failed_in")
            lines += [
                f"At scale {r['scale']:g} the load failed"
                + (f" in `{where}`" if where else "")
                + f": `{r['load_error']}`.",
                "",
            ]

    ran = [r for r in results if "pages" in r]
    if ran:
        lines += [
            "## Page queries",
            "",
            "Each `queries/pages/*.sql` through `dashboard.queries.run_query`, the dashboard's "
            "own path. Every optional filter (`$p is null or ...` in the query) is off, as the "
            "pages open; a query with an optional `$incident_id` runs for one incident and for "
            "every incident, as pages issue it both ways; a required parameter gets a "
            "realistic value: "
            + ", ".join(
                f"`{k}` = {v!r}" for k, v in sorted(ran[-1]["params"].items()) if v is not None
            )
            + " (the incident with most related tickets). "
            "Milliseconds, p50 / p95. Cold: a fresh connection (new DuckDB instance, empty buffer "
            "pool; the operating system's file cache stays warm) opened and queried once, "
            "repeated in fresh processes; warm: the same connection after one unmeasured run. "
            "Targets: warm p95 < 150, cold p95 < 1,000. The last column is the CPU time of a "
            "warm run (p50, all threads), which a busy machine inflates less than the wall clock.",
            "",
            "| query | "
            + " | ".join(f"warm {r['scale']:g}" for r in ran)
            + " | "
            + " | ".join(f"cold {r['scale']:g}" for r in ran)
            + f" | warm CPU {ran[-1]['scale']:g} |",
            "|---|" + "---|" * (2 * len(ran) + 1),
        ]
        for name in sorted(ran[-1]["pages"]):

            def cell(r: dict, kind: str, name: str = name) -> str:
                p = r["pages"].get(name)
                if not p:
                    return "–"
                p50, p95 = p[f"{kind}_p50_ms"], p[f"{kind}_p95_ms"]
                flag = "**" if p95 > TARGETS[f"{kind}_p95_ms"] else ""
                return f"{p50:,.1f} / {flag}{p95:,.1f}{flag}"

            lines.append(
                f"| {name} | "
                + " | ".join(cell(r, "warm") for r in ran)
                + " | "
                + " | ".join(cell(r, "cold") for r in ran)
                + f" | {_num(ran[-1]['pages'].get(name, {}).get('warm_cpu_p50_ms'))} |"
            )
        lines.append("")

    for r in [r for r in results if "profile" in r]:
        prof = r["profile"]
        lines += [
            f"## Where the load spends its time (scale {r['scale']:g}, profiled)",
            "",
            "The load above, with every step timed"
            + (f" (it failed in `{prof['failed_in']}`)" if prof["failed_in"] else "")
            + f": {prof['seconds']:.0f} s in its steps ({prof['cpu_seconds']:.0f} s CPU), "
            f"peak {prof['peak_rss_mb']:,.0f} MB; reading and validating the inputs "
            f"{prof['input_seconds']:.0f} s, derived tables {prof['derived_seconds']:.0f} s, "
            f"checkpoint {prof['checkpoint_seconds']:.0f} s. The slowest steps (each file read, "
            "each derived table built), and how much each raised the peak resident memory:",
            "",
            "| step | seconds | CPU seconds | share | peak rise (MB) |",
            "|---|---|---|---|---|",
        ]
        for top in prof["top"]:
            label = top["label"].replace("|", "\\|")
            lines.append(
                f"| `{label}` | {top['seconds']:.1f} | {top['cpu_seconds']:.1f} "
                f"| {100 * top['seconds'] / prof['seconds']:.0f} % "
                f"| {top['peak_rise_mb']:,.0f} |"
            )
        lines.append("")
        if r.get("explained"):
            lines += [
                "EXPLAIN ANALYZE of the page queries over target: "
                + ", ".join(f"`{p}`" for p in r["explained"])
                + " (git-ignored, regenerated by `--profile`).",
                "",
            ]
    return "\n".join(lines)


def write_results(path: Path, text: str) -> None:
    """Write the report, keeping the existing file's Spark engine section (its own runs write it,
    benchmarks/spark_engine.py) and its hand-written notes."""
    notes = f"{NOTES_HEADING}\n\n(None yet.)\n"
    if path.exists():
        old = path.read_text()
        kept = [old.index(heading) for heading in (SPARK_HEADING, NOTES_HEADING) if heading in old]
        if kept:
            notes = old[min(kept) :]
    path.write_text(text.rstrip() + "\n\n" + notes)

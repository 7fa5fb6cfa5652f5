"""Measure load and page-query speed at several data sizes; write benchmarks/RESULTS.md.

    python benchmarks/run.py [--scale 1.0] [--scales 0.1,1,10] [--repeat 20] [--profile]

For each scale (default: a tenth of --scale, --scale, ten times it), on data from
benchmarks/generate.py (generated when missing):

1. the floor: DuckDB alone reading the same files into tables (read_csv / read_parquet);
2. `aftermath load` end to end, as a child process, its time against the floor and its peak
   resident memory;
3. every `queries/pages/*.sql` as the dashboard runs it (`run_query`, realistic parameters: the
   incident with most related tickets, no filters), cold (a fresh connection per query, first
   run) and warm (the same connection, repeated), p50 and p95;
4. growth: how each figure changes from one scale to the next (10 = linear in rows);
5. the refresh: `aftermath load --refresh` adding one day's rows (the last 1/730 of each CSV)
   to a database loaded without them, against the full load's time (skip: --no-refresh).

A scale whose data cannot fit the free disk, or whose load would take longer than
--max-minutes by the measured growth, is skipped with the reason printed; a load that fails (out
of memory, say) is reported as failed. --profile times every step of the load at --scale (each
file read, each derived table: which one dominates time and memory; the overhead is one /proc read
per step) and
saves EXPLAIN ANALYZE of slow page queries under benchmarks/data/profile/. The figures are
printed and written to RESULTS.md; its "## Notes" section, written by hand, is kept.
"""

import argparse
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import duckdb

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
DATA_DIR = BENCH_DIR / "data"
RESULTS_FILE = BENCH_DIR / "RESULTS.md"
sys.path.insert(0, str(PROJECT_DIR))

from aftermath import schema  # noqa: E402
from aftermath.pipeline.load import DEFAULT_MEMORY_LIMIT, load  # noqa: E402
from aftermath.progress import Progress  # noqa: E402
from aftermath.queries import all_queries, run_query  # noqa: E402
from aftermath.settings import DEFAULTS  # noqa: E402
from benchmarks import generate, spark_engine  # noqa: E402
from benchmarks.results_markdown import TARGETS, machine, report, write_results  # noqa: E402

# Input bytes per unit of scale (measured: 3.1 GB at scale 1) and disk needed per input byte
# (the inputs, the floor's database, the loaded database and its spill), for the disk check.
BYTES_PER_SCALE = 3.1e9
DISK_PER_INPUT_BYTE = 4.0
# Required page parameters that are not settings, as the pages pass them (the Data page shows
# 1,000 rejects).
FILTER_DEFAULTS: dict[str, object] = {"max_rows": 1000}


# Child processes: each measured step runs in its own process, so its peak memory is its own.


@dataclass
class ChildRun:
    seconds: float  # wall clock
    cpu_seconds: float  # user + system over all its threads: less sensitive to a busy machine
    peak_mb: float  # peak resident set size
    stdout: str


class ChildFailed(RuntimeError):
    def __init__(self, command: str, code: int, output: str) -> None:
        super().__init__(f"{command} failed ({code}):\n{output}")
        # The exception line of the traceback, without DuckDB's advice after it.
        found = re.findall(r"^[\w.]*(?:Error|Exception): .*$", output, re.M)
        last = output.strip().splitlines()[-1:] or [f"exit status {code}, no output"]
        self.error = found[-1] if found else last[0][:300]


def child(argv: list[object]) -> ChildRun:
    """Run a command to its end and measure it. Raises with its output when it fails."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        proc = subprocess.Popen([str(a) for a in argv], cwd=PROJECT_DIR, stdout=out, stderr=err)
        # wait4 gives this child's own resource usage; ru_maxrss is in KiB on Linux.
        _pid, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read()
        if proc.returncode != 0:
            raise ChildFailed(" ".join(map(str, argv)), proc.returncode, err.read() + stdout)
    return ChildRun(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, stdout)


def _self(*args: object) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), *map(str, args)]


def _limits(memory_limit: str, max_temp: str) -> dict[str, str]:
    """DuckDB settings for a measured step: its memory limit (empty: DuckDB's own) and the most
    it may spill to disk, so a runaway step fails instead of filling the disk."""
    return {"max_temp_directory_size": max_temp} | (
        {"memory_limit": memory_limit} if memory_limit else {}
    )


def floor_child(folder: Path, db: Path, memory_limit: str, max_temp: str) -> None:
    """The floor: every export file read into a table by DuckDB alone, nothing checked."""
    con = duckdb.connect(str(db), config=_limits(memory_limit, max_temp))
    readers = {".csv": "read_csv", ".parquet": "read_parquet"}
    for path in sorted(folder.iterdir()):
        if path.stem not in schema.TABLES or path.suffix not in readers:
            continue
        # Table and reader names come from fixed lists (the schema, `readers`), never the path.
        table, reader = schema.TABLES[path.stem].name, readers[path.suffix]
        con.execute(f"create table {table} as select * from {reader}($p)", {"p": str(path)})
    con.execute("checkpoint")
    con.close()


def _proc_status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


class StepProfile(Progress):
    """The load's progress, silent, each step recorded as it ends: its wall and CPU seconds and
    the process's peak resident memory after it (a derived table's step is labelled "derived
    TABLE", the final write "checkpoint")."""

    def __init__(self, records: list[dict]) -> None:
        super().__init__(enabled=False)
        self.records = records

    @contextmanager
    def step(self, doing: str, detail: str | None = None):
        built = re.fullmatch(r"building (\w+)", doing)
        label = f"derived {built.group(1)}" if built else doing
        if doing == "writing the database":
            label = "checkpoint"
        record = {"label": label, "failed": True}
        self.records.append(record)
        started, cpu = time.perf_counter(), time.process_time()
        try:
            with super().step(doing, detail) as outcome:
                yield outcome
            record["failed"] = False
        finally:
            record.update(
                seconds=time.perf_counter() - started,
                cpu_seconds=time.process_time() - cpu,
                peak_mb=_proc_status_kb("VmHWM") / 1024,
                rss_mb=_proc_status_kb("VmRSS") / 1024,
            )


def load_child(
    folder: Path,
    db: Path,
    profile: Path | None,
    memory_limit: str,
    max_temp: str,
    refresh: bool = False,
) -> None:
    """The load as `aftermath load FOLDER --db DB` runs it (default settings; with `refresh`, as
    `--refresh` does). With `profile`, every step is timed and the process's peak memory read
    after it, written there as JSON even when the load fails."""
    records: list[dict] = []
    limit = {"memory_limit": memory_limit} if memory_limit else {}
    try:
        load(
            folder,
            db,
            max_spill=max_temp,
            progress=StepProfile(records),
            refresh=refresh,
            **limit,
        )
    except Exception as e:
        records.append({"error": f"{type(e).__name__}: {str(e).splitlines()[0]}"})
        raise
    finally:
        if profile:
            profile.write_text(json.dumps(records))


def page_cases(params: dict) -> list[tuple[str, str, dict]]:
    """(label, query name, bound parameters) for every page query as the pages issue it.

    Every optional filter (`$p is null or ...` in the query) is off, as the pages open; a
    required parameter gets its realistic value. A query that takes an optional $incident_id
    runs both for one incident and for every incident (label "... (every incident)"), since
    pages issue it both ways.
    """
    cases = []
    for query in all_queries("pages"):
        optional = {p for p in query.params if re.search(rf"\${p}\s+is\s+null", query.sql, re.I)}
        bound = {
            p: None if p in optional and p != "incident_id" else params.get(p) for p in query.params
        }
        cases.append((query.table, query.name, bound))
        if "incident_id" in optional:
            cases.append(
                (f"{query.table} (every incident)", query.name, {**bound, "incident_id": None})
            )
    return cases


def pages_child(db: Path, params_file: Path, warm_repeat: int, out: Path) -> None:
    """Every page query timed, wall and CPU milliseconds: cold (a fresh connection each) or
    warm (one connection, after an unmeasured first run)."""
    cases = page_cases(json.loads(params_file.read_text()))
    timings: dict[str, dict[str, list[float]]] = {c[0]: {"wall": [], "cpu": []} for c in cases}

    def timed(label: str, name: str, bound: dict, con: duckdb.DuckDBPyConnection | None) -> None:
        started, cpu = time.perf_counter(), time.process_time()
        fresh = con is None
        if fresh:
            con = duckdb.connect(str(db), read_only=True)
        run_query(con, name, **bound)
        timings[label]["wall"].append((time.perf_counter() - started) * 1000)
        timings[label]["cpu"].append((time.process_time() - cpu) * 1000)
        if fresh:
            con.close()

    if not warm_repeat:
        for case in cases:
            timed(*case, None)
    else:
        con = duckdb.connect(str(db), read_only=True)
        for label, name, bound in cases:
            run_query(con, name, **bound)
            for _ in range(warm_repeat):
                timed(label, name, bound, con)
        con.close()
    out.write_text(json.dumps(timings))


# Measuring one scale.


def page_params(db: Path) -> dict[str, object]:
    """Values for every page parameter: the busiest incident, no filters, default settings."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        incident = con.execute(
            "select incident_id from incident_impact "
            "order by linked_tickets + suggested_tickets desc, incident_id limit 1"
        ).fetchone()
    except duckdb.Error:
        incident = con.execute(
            "select incident_id from incidents order by severity, started_at limit 1"
        ).fetchone()
    finally:
        con.close()
    params: dict[str, object] = dict(DEFAULTS.params())
    params.update(FILTER_DEFAULTS)
    params["incident_id"] = incident[0] if incident else None
    for query in all_queries("pages"):
        for name in query.params:
            params.setdefault(name, None)
    return params


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (p95 of 5 runs is the slowest)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def ensure_data(data: Path, scale: float, seed: int) -> tuple[Path, dict, bool]:
    """The generated folder for a scale, generated now unless it already matches."""
    folder = data / f"scale-{scale:g}"
    manifest = generate.read_manifest(folder)
    if (
        manifest
        and manifest["scale"] == scale
        and manifest["seed"] == seed
        and manifest.get("generator") == generate.generator_version()
    ):
        return folder, manifest, False
    shutil.rmtree(folder, ignore_errors=True)
    made = child(
        [sys.executable, str(BENCH_DIR / "generate.py"), "--scale", scale, "--out", folder]
        + ["--seed", seed]
    )
    return folder, json.loads(made.stdout), True


def skip_reason(
    data: Path,
    scale: float,
    measured: list[dict],
    max_minutes: float,
    have_data: bool,
    is_main: bool = False,
) -> str | None:
    """Why a scale cannot run here, or None. The main scale is never skipped for time."""
    need = BYTES_PER_SCALE * scale * (DISK_PER_INPUT_BYTE - (1 if have_data else 0))
    free = shutil.disk_usage(data).free
    if need > 0.9 * free:
        return (
            f"needs about {need / 1e9:.0f} GB of disk (inputs, floor and loaded databases, load "
            f"temporary), {free / 1e9:.0f} GB free"
        )
    done = [m for m in measured if "load_seconds" in m]
    if done and not is_main:
        last = done[-1]
        growth = scale / last["scale"]
        estimate = (last["load_seconds"] + last["floor_seconds"]) * growth / 60
        if estimate > max_minutes:
            return (
                f"its load would take about {estimate:.0f} minutes (scale {last['scale']:g} "
                f"took {last['load_seconds'] / 60:.1f} min, times {growth:g}), over the "
                f"--max-minutes budget of {max_minutes:g}"
            )
    return None


def measure(
    scale: float, args: argparse.Namespace, measured: list[dict], log: Callable[[str], None]
) -> dict:
    result: dict = {"scale": scale}
    have = generate.read_manifest(args.data / f"scale-{scale:g}") is not None
    reason = skip_reason(args.data, scale, measured, args.max_minutes, have, scale == args.scale)
    if reason:
        log(f"scale {scale:g}: skipped: {reason}")
        result["skipped"] = reason
        return result
    folder, manifest, generated = ensure_data(args.data, scale, args.seed)
    result["rows"] = manifest["rows"]
    result["input_mb"] = manifest["bytes"] / 1e6
    if generated:
        result["generate_seconds"] = manifest["seconds"]
    log(
        f"scale {scale:g}: {sum(manifest['rows'].values()):,} input rows, "
        f"{result['input_mb']:,.0f} MB in {folder}"
    )

    floor_db = args.data / f"scale-{scale:g}-floor.duckdb"
    _remove_db(floor_db)
    limits = ["--memory-limit", args.memory_limit, "--max-temp", args.max_temp]
    floor = child(_self("floor", "--folder", folder, "--db", floor_db, *limits))
    _remove_db(floor_db)
    result.update(
        floor_seconds=floor.seconds, floor_cpu_seconds=floor.cpu_seconds, floor_rss_mb=floor.peak_mb
    )
    log(
        f"  floor {floor.seconds:.1f} s ({floor.cpu_seconds:.1f} s CPU), peak {floor.peak_mb:,.0f} MB"
    )

    db = args.data / f"scale-{scale:g}.duckdb"
    _remove_db(db)
    profiling = args.profile and scale == args.scale
    load_average = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp) / "profile.json"
        try:
            profiled = ["--profile", profile] if profiling else []
            loaded = child(_self("load", "--folder", folder, "--db", db, *profiled, *limits))
        except ChildFailed as e:
            loaded = None
            result["load_error"] = e.error
        if profiling and profile.exists():
            result["profile"] = summarize_profile(json.loads(profile.read_text()))
    if loaded is None:
        log(f"  load FAILED: {result['load_error']}")
        _remove_db(db)
        return result
    result.update(
        load_seconds=loaded.seconds,
        load_cpu_seconds=loaded.cpu_seconds,
        load_rss_mb=loaded.peak_mb,
        load_ratio=loaded.seconds / floor.seconds,
        load_cpu_ratio=loaded.cpu_seconds / floor.cpu_seconds,
        db_mb=db.stat().st_size / 1e6,
        # The machine's 1-minute load average before and after: other work slows the wall clock.
        load_average=[load_average, os.getloadavg()[0]],
    )
    log(
        f"  load {loaded.seconds:.1f} s ({result['load_ratio']:.1f}x floor; "
        f"{loaded.cpu_seconds:.1f} s CPU, {result['load_cpu_ratio']:.1f}x), "
        f"peak {loaded.peak_mb:,.0f} MB, database {result['db_mb']:,.0f} MB"
    )

    params = page_params(db)
    result["params"] = {k: v for k, v in params.items() if k not in DEFAULTS.params()}
    with tempfile.TemporaryDirectory() as tmp:
        params_file = Path(tmp) / "params.json"
        params_file.write_text(json.dumps(params))
        cold: dict[str, dict[str, list[float]]] = {}
        for _ in range(args.cold_repeat):
            out = Path(tmp) / "cold.json"
            child(_self("pages", "--db", db, "--params", params_file, "--out", out))
            for name, values in json.loads(out.read_text()).items():
                for kind, times in values.items():
                    cold.setdefault(name, {}).setdefault(kind, []).extend(times)
        out = Path(tmp) / "warm.json"
        child(
            _self(
                "pages",
                "--db",
                db,
                "--params",
                params_file,
                "--out",
                out,
                "--warm-repeat",
                args.repeat,
            )
        )
        warm = json.loads(out.read_text())
    result["pages"] = {
        name: {
            "warm_p50_ms": percentile(warm[name]["wall"], 50),
            "warm_p95_ms": percentile(warm[name]["wall"], 95),
            "warm_cpu_p50_ms": percentile(warm[name]["cpu"], 50),
            "cold_p50_ms": percentile(cold[name]["wall"], 50),
            "cold_p95_ms": percentile(cold[name]["wall"], 95),
            "cold_cpu_p50_ms": percentile(cold[name]["cpu"], 50),
        }
        for name in warm
    }
    slow = [
        name
        for name, p in result["pages"].items()
        if p["warm_p95_ms"] > TARGETS["warm_p95_ms"] or p["cold_p95_ms"] > TARGETS["cold_p95_ms"]
    ]
    worst = max(result["pages"].items(), key=lambda kv: kv[1]["warm_p95_ms"], default=None)
    if worst:
        log(f"  pages: slowest warm p95 {worst[1]['warm_p95_ms']:.0f} ms ({worst[0]})")
    if profiling and slow:
        result["explained"] = explain_pages(args.data, db, params, slow, scale)
    if not args.keep:
        _remove_db(db)
    if not args.no_refresh:
        result.update(measure_refresh(folder, args, scale, limits, log))
    return result


# One day of the generator's two years: the share of each CSV a nightly refresh adds.
DAY_SHARE = 1 / 730


def measure_refresh(
    folder: Path,
    args: argparse.Namespace,
    scale: float,
    limits: list,
    log: Callable[[str], None],
) -> dict:
    """`aftermath load --refresh` adding one day's rows: a database loaded from the exports
    without the last 1/730 of each CSV's rows (the generator writes rows in time order, so about
    the newest day; usage is Parquet and stays as it is), refreshed from the full exports."""
    earlier = args.data / f"scale-{scale:g}-earlier"
    db = args.data / f"scale-{scale:g}-refresh.duckdb"
    shutil.rmtree(earlier, ignore_errors=True)
    _remove_db(db)
    try:
        earlier_exports(folder, earlier, 1 - DAY_SHARE)
        child(_self("load", "--folder", earlier, "--db", db, *limits))
        refreshed = child(_self("load", "--folder", folder, "--db", db, "--refresh", *limits))
    except ChildFailed as e:
        log(f"  refresh FAILED: {e.error}")
        return {"refresh_error": e.error}
    finally:
        shutil.rmtree(earlier, ignore_errors=True)
        _remove_db(db)
    log(f"  refresh adding one day {refreshed.seconds:.1f} s, peak {refreshed.peak_mb:,.0f} MB")
    return {
        "refresh_seconds": refreshed.seconds,
        "refresh_cpu_seconds": refreshed.cpu_seconds,
        "refresh_rss_mb": refreshed.peak_mb,
    }


def earlier_exports(folder: Path, out: Path, share: float) -> Path:
    """`folder`'s exports as they were earlier: each .csv/.jsonl cut to its first rows (about
    `share` of its bytes, at a row end), the other files linked unchanged (same size and time,
    so a refresh sees them unchanged)."""
    out.mkdir(parents=True)
    for path in sorted(folder.iterdir()):
        target = out / path.name
        if path.name.lower().endswith((".csv", ".jsonl", ".ndjson")):
            length = row_end_after(path, share)
            with open(path, "rb") as src, open(target, "wb") as dst:
                _copy_bytes(src, dst, length)
        else:
            try:
                os.link(path, target)
            except OSError:
                shutil.copy2(path, target)
    return out


def row_end_after(path: Path, share: float) -> int:
    """The byte offset of the first row end at or after `share` of the file: a line end outside
    any quoted CSV field (a field's quotes come in pairs, doubled quotes too)."""
    size = path.stat().st_size
    at = int(size * share)
    is_csv = path.name.lower().endswith(".csv")
    quotes = 0
    with open(path, "rb") as f:
        if is_csv:
            left = at
            while left:
                block = f.read(min(BLOCK_BYTES, left))
                quotes += block.count(b'"')
                left -= len(block)
        else:
            f.seek(at)
        while line := f.readline():
            at += len(line)
            quotes += line.count(b'"') if is_csv else 0
            if line.endswith(b"\n") and quotes % 2 == 0:
                return at
    return size


BLOCK_BYTES = 1 << 24


def _copy_bytes(src: BinaryIO, dst: BinaryIO, length: int) -> None:
    while length:
        block = src.read(min(BLOCK_BYTES, length))
        if not block:
            return
        dst.write(block)
        length -= len(block)


def explain_pages(data: Path, db: Path, params: dict, labels: list[str], scale: float) -> list[str]:
    """EXPLAIN ANALYZE of the slow page queries, saved beside the data."""
    from aftermath.queries import get

    folder = data / "profile"
    folder.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db), read_only=True)
    saved = []
    try:
        for label, name, bound in page_cases(params):
            if label not in labels:
                continue
            plan = con.execute(f"explain analyze {get(name).sql}", bound).fetchall()
            slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
            path = folder / f"scale-{scale:g}-{slug}.txt"
            path.write_text("\n".join(str(row[-1]) for row in plan))
            saved.append(os.path.relpath(path, PROJECT_DIR))
    finally:
        con.close()
    return saved


def summarize_profile(records: list[dict]) -> dict:
    """Per-statement records of a profiled load, summed by statement, slowest first."""
    totals: dict[str, dict] = {}
    peak_before = 0.0
    failed_in = None
    for record in records:
        if "error" in record:
            continue
        label = record["label"]
        if record.get("failed"):
            failed_in = failed_in or label
            label += " (failed)"
        entry = totals.setdefault(label, {"seconds": 0.0, "cpu_seconds": 0.0, "peak_rise_mb": 0.0})
        entry["seconds"] += record["seconds"]
        entry["cpu_seconds"] += record["cpu_seconds"]
        entry["peak_rise_mb"] += max(0.0, record["peak_mb"] - peak_before)
        peak_before = max(peak_before, record["peak_mb"])

    def phase(kind: str) -> float:
        def of(label: str) -> bool:
            if label == "checkpoint":
                return kind == "checkpoint"
            return kind == ("derived" if label.startswith("derived ") else "input")

        return sum(v["seconds"] for k, v in totals.items() if of(k))

    return {
        "seconds": sum(v["seconds"] for v in totals.values()),
        "cpu_seconds": sum(v["cpu_seconds"] for v in totals.values()),
        "peak_rss_mb": peak_before,
        "input_seconds": phase("input"),
        "derived_seconds": phase("derived"),
        "checkpoint_seconds": phase("checkpoint"),
        "failed_in": failed_in,
        "top": sorted(({"label": k, **v} for k, v in totals.items()), key=lambda r: -r["seconds"])[
            :15
        ],
    }


def _remove_db(db: Path) -> None:
    for path in (db, Path(f"{db}.wal")):
        if path.exists():
            path.unlink()


# The report.


def _add_steps(parser: argparse.ArgumentParser) -> None:
    """The measured steps, each run by the benchmark in a child process of its own (so its peak
    memory is its own): `floor`, `load` and `pages`."""
    steps = parser.add_subparsers(dest="step", metavar="{floor,load,pages}")
    for name, about in (
        ("floor", "DuckDB alone reading the export files into tables"),
        ("load", "the load, as `aftermath load` runs it"),
    ):
        step = steps.add_parser(name, help=f"(a child step) {about}")
        step.add_argument("--folder", type=Path, required=True, help="the export folder")
        step.add_argument("--db", type=Path, required=True)
        step.add_argument("--memory-limit", default="", help="DuckDB memory_limit (empty: its own)")
        step.add_argument("--max-temp", required=True, help="DuckDB max_temp_directory_size")
    steps.choices["load"].add_argument(
        "--profile", type=Path, help="time every step of the load, written here as JSON"
    )
    steps.choices["load"].add_argument(
        "--refresh", action="store_true", help="refresh --db from the folder's grown files"
    )
    pages = steps.add_parser("pages", help="(a child step) every page query, timed")
    pages.add_argument("--db", type=Path, required=True)
    pages.add_argument("--params", type=Path, required=True, help="JSON of the bound parameters")
    pages.add_argument("--out", type=Path, required=True, help="JSON of the timings to write")
    pages.add_argument(
        "--warm-repeat",
        type=int,
        default=0,
        help="warm: one connection, this many runs after an unmeasured one (0: one cold run, a "
        "fresh connection per query)",
    )


def _run_step(args: argparse.Namespace) -> None:
    if args.step == "floor":
        floor_child(args.folder, args.db, args.memory_limit, args.max_temp)
    elif args.step == "load":
        load_child(
            args.folder, args.db, args.profile, args.memory_limit, args.max_temp, args.refresh
        )
    else:
        pages_child(args.db, args.params, args.warm_repeat, args.out)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="the scale the targets apply to")
    parser.add_argument(
        "--scales", help="comma-separated scales to measure (default: SCALE/10, SCALE, SCALE*10)"
    )
    parser.add_argument("--repeat", type=int, default=20, help="warm runs per page query")
    parser.add_argument("--cold-repeat", type=int, default=5, help="cold runs per page query")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--max-minutes",
        type=float,
        default=120,
        help="skip a scale whose load would take longer, judged from the scale below it",
    )
    parser.add_argument(
        "--profile", action="store_true", help="time every statement of the load at SCALE"
    )
    parser.add_argument(
        "--memory-limit",
        default=DEFAULT_MEMORY_LIMIT,
        help="DuckDB memory_limit of the floor and the load (`aftermath load --memory-limit`; "
        f"default {DEFAULT_MEMORY_LIMIT}, the loader's own)",
    )
    parser.add_argument(
        "--max-temp",
        help="DuckDB max_temp_directory_size for the floor and the load (default: half the "
        "free disk), so that a load spilling without end fails instead of filling the disk",
    )
    parser.add_argument("--keep", action="store_true", help="keep the loaded databases")
    parser.add_argument(
        "--no-refresh",
        action="store_true",
        help="skip the refresh measurement (a load of the exports less one day, then the refresh)",
    )
    parser.add_argument(
        "--data", type=Path, default=DATA_DIR, help="folder for generated data and databases"
    )
    parser.add_argument("--results", type=Path, default=RESULTS_FILE, help="Markdown to write")
    parser.add_argument("--json", type=Path, help="also write every figure as JSON here")
    parser.add_argument(
        "--engine",
        choices=("duckdb", "spark"),
        default="duckdb",
        help="spark: the load on the Spark engine (local[1], local[2]) beside DuckDB's, into "
        "RESULTS.md's Spark section (benchmarks/spark_engine.py)",
    )
    _add_steps(parser)
    args = parser.parse_args(argv)
    if args.step:
        _run_step(args)
        return 0
    scales = (
        [float(s) for s in args.scales.split(",")]
        if args.scales
        else [args.scale / 10, args.scale, args.scale * 10]
    )
    if args.scale not in scales:
        parser.error("--scales must include --scale")
    args.data.mkdir(parents=True, exist_ok=True)
    if not args.max_temp:
        args.max_temp = f"{shutil.disk_usage(args.data).free // 2**30 // 2}GiB"
    info = machine()

    def log(message: str) -> None:
        print(message, flush=True)

    log(
        f"{info['cores']} cores, {info['memory']}, {info['cpu']}, DuckDB {info['duckdb']}, "
        f"load average {info['load_average']}"
    )
    command = "python benchmarks/run.py " + " ".join(argv)
    if args.engine == "spark":
        measured = spark_engine.measure(
            sorted(scales), args.data, args.seed, ensure_data, child, log
        )
        spark_engine.write_section(args.results, spark_engine.section(measured, command, info))
        print(spark_engine.section(measured, command, info))
        return 0
    results: list[dict] = []
    for scale in sorted(scales):
        results.append(measure(scale, args, results, log))
    text = report(results, args.scale, info, command.strip(), args.memory_limit, args.max_temp)
    write_results(args.results, text)
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "results": results}, indent=2))
    print()
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

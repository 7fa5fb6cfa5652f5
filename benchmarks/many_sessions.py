"""Page times with many people at once, and the server's peak memory.

    python benchmarks/many_sessions.py --db /tmp/demo.duckdb --incident INC-305 --sessions 1,20

For each number of sessions it serves a copy of the database (`aftermath serve`, as a user runs
it) and opens that many browser sessions (contexts of one Debian /usr/bin/chromium, through
Playwright; never a downloaded browser), arriving evenly over --ramp seconds; each opens every page
in turn by its address (a new Streamlit session per page, as a link opened from a chat does).
A page counts as loaded when READY of benchmarks/browser.py holds (its title drawn, nothing
running, every chart and table drawn, for 0.5 s); one not loaded within --wait seconds counts as
unfinished. With --swap-every, the database is replaced under the server that often, as a sync
does (a copy renamed over it: a new file, every cache cold). It prints p50 / p95 / slowest of
the loaded pages, the unfinished ones, errors shown (exceptions, a failed query), the server's peak resident
memory (VmHWM of the Streamlit process) and the CPU seconds it used, as Markdown for RESULTS.md.
The browsers run on the same machine as the server, so the server's CPU time against the run's
shows whose work the page times wait on. With --bare the same sessions open Streamlit's bare
one-chart pages instead (benchmarks/browser.py): the floor on this machine.
"""

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import async_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.browser import (  # noqa: E402
    ARGS,
    CHROMIUM,
    HOLD_MS,
    READY,
    VIEWPORT,
    aftermath_app,
    bare_app,
    served,
)

PAGES = [
    "",
    "incident?incident={incident}",
    "undeclared",
    "trends",
    "quiet_accounts",
    "follow_ups",
    "process",
    "data",
]

# The bare app's two pages (benchmarks/browser.py).
BARE_PATHS = ["", "two"]

# What the app shows in place of a page when a query fails on the database (dashboard/app.py).
DATABASE_ERROR = "This database lacks a table or column"


def streamlit_pid(serve_pid: int) -> int:
    """The Streamlit child of `aftermath serve`."""
    children = Path(f"/proc/{serve_pid}/task/{serve_pid}/children").read_text().split()
    return int(children[0])


def cpu_seconds(pid: int) -> float:
    """User and system CPU time the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for {pid}")


async def session(
    browser, url: str, paths: list[str], delay: float, wait_s: float, deadline: float
) -> list[tuple[str, float | None, int]]:
    """[(path, seconds to ready or None, errors shown)] for one person opening every page; a page
    not begun by `deadline` (time.monotonic()) counts as unfinished."""
    await asyncio.sleep(delay)
    context = await browser.new_context(viewport=VIEWPORT)
    tab = await context.new_page()
    results = []
    for path in paths:
        if time.monotonic() > deadline:
            results.append((path, None, 0))
            continue
        try:
            await tab.goto(f"{url}/{path}", timeout=wait_s * 1000)
            ready = await tab.evaluate(READY, [None, HOLD_MS, wait_s * 1000])
            seconds = ready / 1000  # performance.now() counts from the navigation's start
        except PlaywrightError:
            results.append((path, None, 0))
            continue
        exceptions = await tab.locator('[data-testid="stException"]').count()
        said = await tab.locator("body").inner_text()
        results.append((path, seconds, exceptions + said.count(DATABASE_ERROR)))
    await context.close()
    return results


def swapper(db: Path, every: float, stop: threading.Event) -> list[float]:
    """Replace the database with a copy of itself every `every` seconds, as a sync does."""
    swaps = []
    while not stop.wait(every):
        copy = db.with_name(db.name + ".next")
        shutil.copy(db, copy)
        os.replace(copy, db)
        swaps.append(time.monotonic())
    return swaps


async def run(
    db: Path,
    sessions: int,
    ramp: float,
    wait_s: float,
    paths: list[str],
    swap_every: float | None,
    budget_s: float = 3600,
    pages_each: int | None = None,
    bare: bool = False,
) -> dict:
    """Serve a copy of `db`, `sessions` people through the pages of `paths`; their figures.

    With `pages_each`, person i opens that many pages from the i-th on (in a ring), so that
    together they still open every page, with less browser work than each opening all."""
    deadline = time.monotonic() + budget_s
    with tempfile.TemporaryDirectory() as folder:
        served_db = Path(folder) / "served.duckdb"
        shutil.copy(db, served_db)
        command, port = bare_app(Path(folder)) if bare else aftermath_app(served_db)
        with served(command, port) as (url, server):
            # `aftermath serve` runs Streamlit as its child; the bare app is Streamlit itself.
            pid = server.pid if bare else streamlit_pid(server.pid)
            started = time.monotonic()
            stop = threading.Event()
            swaps: list[float] = []
            thread = None
            if swap_every:
                thread = threading.Thread(
                    target=lambda: swaps.extend(swapper(served_db, swap_every, stop))
                )
                thread.start()
            try:
                async with async_playwright() as playwright:
                    browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                    gap = ramp / sessions if sessions > 1 else 0
                    runs = await asyncio.gather(
                        *(
                            session(
                                browser, url, ring(paths, i, pages_each), i * gap, wait_s, deadline
                            )
                            for i in range(sessions)
                        )
                    )
                    await browser.close()
            finally:
                stop.set()
                if thread is not None:
                    thread.join()
            peak = peak_rss_mb(pid)
            server_cpu = cpu_seconds(pid)
            elapsed = time.monotonic() - started
    loads = [r for one in runs for r in one]
    loaded_paths = {r[0] for r in loads if r[1] is not None}
    times = sorted(r[1] for r in loads if r[1] is not None)
    return {
        "sessions": sessions,
        "page loads": len(loads),
        "times": times,
        "unfinished": sum(r[1] is None for r in loads),
        "errors": sum(r[2] for r in loads),
        "peak_mb": peak,
        "server_cpu_s": server_cpu,
        "elapsed_s": elapsed,
        "swaps": len(swaps),
        "pages loaded": loaded_paths,
    }


def ring(paths: list[str], start: int, count: int | None) -> list[str]:
    """`count` paths (all when None) from the `start`-th on, going round."""
    count = len(paths) if count is None else count
    return [paths[(start + n) % len(paths)] for n in range(count)]


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def row(result: dict) -> str:
    times = result["times"]
    shown = (
        f"{statistics.median(times):.2f} | {percentile(times, 0.95):.2f} | {max(times):.2f}"
        if len(times) > 1
        else "– | – | –"
    )
    return (
        f"| {result['sessions']} | {result['page loads']} | {shown} | {result['unfinished']} | "
        f"{result['errors']} | {result['swaps']} | {result['peak_mb']:,.0f} | "
        f"{result['server_cpu_s']:.0f} of {result['elapsed_s'] * os.cpu_count():.0f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--incident", required=True, help="the incident the Incident page opens")
    parser.add_argument("--sessions", default="1,20", help="comma-separated session counts")
    parser.add_argument("--ramp", type=float, default=30, help="seconds over which they arrive")
    parser.add_argument(
        "--wait", type=float, default=60, help="seconds before a page is unfinished"
    )
    parser.add_argument("--swap-every", type=float, help="replace the database every N seconds")
    parser.add_argument(
        "--pages-each", type=int, help="each person opens this many pages (default every page)"
    )
    parser.add_argument(
        "--bare", action="store_true", help="Streamlit's bare one-chart pages instead (the floor)"
    )
    args = parser.parse_args()
    paths = BARE_PATHS if args.bare else [p.format(incident=args.incident) for p in PAGES]
    lines = [
        "| sessions | page loads | p50 (s) | p95 (s) | slowest (s) | unfinished | errors shown | "
        "database swaps | server peak memory (MB) | server CPU s of the machine's |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for count in [int(n) for n in args.sessions.split(",")]:
        result = asyncio.run(
            run(
                args.db,
                count,
                args.ramp,
                args.wait,
                paths,
                args.swap_every,
                pages_each=args.pages_each,
                bare=args.bare,
            )
        )
        lines.append(row(result))
        print(lines[-1], file=sys.stderr, flush=True)
    print("\n".join(lines))


if __name__ == "__main__":
    main()

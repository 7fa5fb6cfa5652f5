"""How long each page takes in a real browser, beside Streamlit's own floor.

    python benchmarks/browser.py --db demo=/tmp/demo.duckdb --db 0.1=benchmarks/data/s01.duckdb

For every database it serves the app (`aftermath serve`, as a user runs it) and drives Debian's
/usr/bin/chromium (Playwright, never a downloaded browser) at 1440 × 900, then does the same for a
bare Streamlit page holding one Plotly chart: the floor no page of ours can beat.

A page counts as ready when its title is drawn, Streamlit runs nothing (no status widget, no
stale element), every visible chart has drawn its SVG, every visible table its canvas and no
skeleton stands in, and all of that has held for 0.5 s; the time is taken when it first held.
- fresh tab: a new browser context (empty cache, new session), from navigation start;
- page change: a click on the page's link in the sidebar, from the click.
Each is measured --repeat times; the tables give the median and the slowest, in seconds, and
each page's median as a multiple of the floor measured in the same run.
"""

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# The floor is served as `aftermath serve` serves the app.
from aftermath.serve.server import STREAMLIT_FLAGS  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
VIEWPORT = {"width": 1440, "height": 900}
WAIT_MS = 120_000

BARE_APP = """
import plotly.graph_objects as go
import streamlit as st

st.title("One chart")
st.plotly_chart(go.Figure(go.Scatter(x=[1, 2, 3], y=[3, 1, 2])))
"""
BARE_PAGES = """
import streamlit as st

st.navigation([st.Page("one.py", title="One", default=True), st.Page("two.py", title="Two")]).run()
"""

# Resolves with the moment (performance.now()) the page was first ready and stayed so for
# `hold` ms; rejects after `wait` ms, so a page that never settles fails the run instead of
# hanging it. `previous` is the title shown before a page change: the new page must replace it.
READY = """
([previous, hold, wait]) => new Promise((resolve, reject) => {
    const started = performance.now();
    const visible = sel => [...document.querySelectorAll(sel)].filter(e => e.checkVisibility());
    const ready = () => {
        const title = document.querySelector('h1');
        if (!title || title.innerText === previous) return false;
        if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
        if (document.querySelector('[data-stale="true"]')) return false;
        if (visible('[data-testid="stSkeleton"]').length) return false;
        if (!visible('[data-testid="stPlotlyChart"]').every(c => c.querySelector('.main-svg')))
            return false;
        return visible('[data-testid="stDataFrame"]').every(f => f.querySelector('canvas'));
    };
    let since = null;
    const poll = () => {
        const now = performance.now();
        if (now - started > wait) return reject(new Error("page never settled"));
        if (!ready()) since = null;
        else if (since === null) since = now;
        else if (now - since >= hold) return resolve(since);
        setTimeout(poll, 20);
    };
    poll();
})
"""
HOLD_MS = 500


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def served(
    command: list[str], port: int, env: dict[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen]]:
    """A server in a session of its own (killed with its children), once it answers: its url and
    its process."""
    server = subprocess.Popen(
        command,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{command[0]} did not come up") from None
                time.sleep(0.5)
        yield url, server
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def aftermath_app(db: Path) -> tuple[list[str], int]:
    port = free_port()
    script = Path(sys.executable).with_name("aftermath")
    return [str(script), "serve", "--db", str(db), "--port", str(port)], port


def bare_app(folder: Path) -> tuple[list[str], int]:
    (folder / "one.py").write_text(BARE_APP)
    (folder / "two.py").write_text(BARE_APP.replace("One chart", "Another chart"))
    (folder / "app.py").write_text(BARE_PAGES)
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", str(folder / "app.py")]
    return [*command, "--server.port", str(port), *STREAMLIT_FLAGS], port


def ready_at(tab: Page, previous: str | None = None) -> float:
    """performance.now() in ms when the page was first ready (see READY)."""
    return tab.evaluate(READY, [previous, HOLD_MS, WAIT_MS])


def nav_paths(browser: object, url: str, first: str) -> list[str]:
    """Every page's path, in the sidebar's order, the first one `first` (its deep link)."""
    context = browser.new_context(viewport=VIEWPORT)
    tab = context.new_page()
    tab.goto(url, timeout=WAIT_MS)
    ready_at(tab)
    links = tab.locator('[data-testid="stSidebarNav"] a').evaluate_all(
        "links => links.map(a => new URL(a.href).pathname.replace(/^\\//, ''))"
    )
    context.close()
    return [first if first and first.split("?")[0] == path else path for path in links]


def fresh(browser: object, url: str, path: str) -> float:
    context = browser.new_context(viewport=VIEWPORT)
    tab = context.new_page()
    tab.goto(f"{url}/{path}", timeout=WAIT_MS)
    seconds = ready_at(tab) / 1000  # performance.now() counts from navigation start
    context.close()
    return seconds


def page_changes(browser: object, url: str, paths: list[str], repeat: int) -> dict[str, list]:
    """Go round the sidebar `repeat` times in one tab, timing each click to its page."""
    context = browser.new_context(viewport=VIEWPORT)
    tab = context.new_page()
    tab.goto(f"{url}/{paths[0]}", timeout=WAIT_MS)
    ready_at(tab)
    links = tab.locator('[data-testid="stSidebarNav"] a')
    timings: dict[str, list[float]] = {path: [] for path in paths}
    for _ in range(repeat):
        for index, path in [*enumerate(paths)][1:] + [(0, paths[0])]:
            previous = tab.locator("h1").first.inner_text()
            clicked = tab.evaluate("() => performance.now()")
            links.nth(index).click()
            timings[path].append((ready_at(tab, previous) - clicked) / 1000)
    context.close()
    return timings


def measure(browser: object, url: str, first: str, repeat: int) -> dict[str, dict]:
    paths = nav_paths(browser, url, first)
    fresh_tabs = {path: [fresh(browser, url, path) for _ in range(repeat)] for path in paths}
    changes = page_changes(browser, url, paths, repeat)
    return {path: {"fresh": fresh_tabs[path], "change": changes[path]} for path in paths}


def summary(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} / {max(values):.2f}"


def table(label: str, results: dict[str, dict], floor: dict[str, float]) -> list[str]:
    lines = [
        f"**{label}**",
        "",
        "| page | fresh tab (s) | × floor | page change (s) | × floor |",
        "|---|---:|---:|---:|---:|",
    ]
    for path, runs in results.items():
        fresh_x = statistics.median(runs["fresh"]) / floor["fresh"]
        change_x = statistics.median(runs["change"]) / floor["change"]
        lines.append(
            f"| `/{path}` | {summary(runs['fresh'])} | {fresh_x:.2f} | "
            f"{summary(runs['change'])} | {change_x:.2f} |"
        )
    return [*lines, ""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", action="append", required=True, metavar="LABEL=PATH")
    parser.add_argument("--incident", action="append", default=[], metavar="LABEL=ID")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path, help="write every timing here too")
    args = parser.parse_args()
    incidents = dict(pair.split("=", 1) for pair in args.incident)
    every: dict[str, dict] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        with tempfile.TemporaryDirectory() as folder:
            command, port = bare_app(Path(folder))
            with served(command, port) as (url, _):
                every["floor"] = measure(browser, url, "", args.repeat)
        for pair in args.db:
            label, db = pair.split("=", 1)
            first = f"incident?incident={incidents[label]}" if label in incidents else ""
            command, port = aftermath_app(Path(db))
            with served(command, port) as (url, _):
                every[label] = measure(browser, url, first, args.repeat)
        browser.close()
    floor_runs = [run for runs in every["floor"].values() for run in runs["fresh"]]
    change_runs = [run for runs in every["floor"].values() for run in runs["change"]]
    floor = {"fresh": statistics.median(floor_runs), "change": statistics.median(change_runs)}
    lines = [
        f"Floor (a bare Streamlit page with one Plotly chart): fresh tab "
        f"{summary(floor_runs)} s, page change {summary(change_runs)} s (median / slowest).",
        "",
    ]
    for label, results in every.items():
        if label != "floor":
            lines += table(label, results, floor)
    print("\n".join(lines))
    if args.json:
        args.json.write_text(json.dumps(every, indent=1))


if __name__ == "__main__":
    main()

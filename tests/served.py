"""`aftermath serve` as a user runs it, on a free loopback port, for the tests that talk to it
over HTTP or drive Debian's Chromium (/usr/bin/chromium, never a downloaded browser) against it."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import PROJECT_DIR

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# A page waits up to two minutes: on a shared two-core machine under a load of 30 a page has
# taken over a minute to settle. A bound against a hang, not a timing.
WAIT_MS = 120_000
# url path → charts the page draws on the demo data.
DEMO_PAGES = {
    "": 1,
    "incident?incident=INC-305": 1,
    "undeclared": 1,
    "trends": 3,
    "quiet_accounts": 1,
    "follow_ups": 2,
    "process": 3,
    "data": 0,
}
# Up to a minute for Streamlit to start on a busy machine: a readiness wait, not a timing.
START_SECONDS = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def aftermath_command() -> list[str]:
    script = Path(sys.executable).with_name("aftermath")
    return [str(script)] if script.exists() else [sys.executable, "-m", "aftermath.cli"]


def need_chromium() -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api", reason="the test extras (playwright) are missing")


def serve(
    db: Path,
    log_path: Path,
    *flags: str,
    port: int | None = None,
    env: dict[str, str] | None = None,
) -> Iterator[str]:
    """`aftermath serve --db DB FLAGS...` until the caller is done with its url."""
    port = port or free_port()
    log = log_path.open("w")
    # A session of its own, so that whatever it started goes with it.
    server = subprocess.Popen(
        [*aftermath_command(), "serve", "--db", str(db), "--port", str(port), *flags],
        cwd=PROJECT_DIR,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env={**os.environ, **(env or {})},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"aftermath serve did not come up; see {log.name}") from None
                time.sleep(0.5)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


def settle(tab, charts: int) -> None:
    """Wait until the page has run: its title is there and its charts are drawn."""
    tab.wait_for_selector('[data-testid="stHeading"]', timeout=WAIT_MS)
    tab.wait_for_function(
        "n => document.querySelectorAll('.js-plotly-plot').length >= n && [...document"
        ".querySelectorAll('.js-plotly-plot')].every(p => p.querySelector('.main-svg'))",
        arg=charts,
        timeout=WAIT_MS,
    )
    tab.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=WAIT_MS)
    # Shown tables draw on a canvas once their data arrives; until then a skeleton stands in.
    tab.wait_for_function(
        """() => [
            ...document.querySelectorAll('[data-testid="stDataFrame"], [data-testid="stSkeleton"]')
        ].filter(e => e.checkVisibility()).every(e => e.querySelector("canvas"))""",
        timeout=WAIT_MS,
    )

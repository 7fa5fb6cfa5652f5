"""`aftermath serve` is the server itself: a SIGTERM to it stops Streamlit and frees the port."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _port_is_free(port: int) -> bool:
    """True when a new server could listen on the port (as Streamlit does, with SO_REUSEADDR:
    the closed connections of the health checks may linger in TIME_WAIT, which is no holder)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def test_stopping_serve_frees_its_port(demo_db: Path, tmp_path: Path):
    port = _free_port()
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "aftermath.cli", "serve", "--db", str(demo_db), "--port", str(port)],
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # so the cleanup below can reach anything it left behind
    )
    try:
        # Up to two minutes for Streamlit to start on a busy machine: a readiness wait, not a timing.
        for _ in range(240):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.5)
        else:
            raise AssertionError((tmp_path / "serve.log").read_text())
        server.send_signal(signal.SIGTERM)  # to the process we started, not its group
        server.wait(timeout=120)
        for _ in range(120):
            if _port_is_free(port):
                break
            time.sleep(0.5)
        assert _port_is_free(port), (tmp_path / "serve.log").read_text()
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)

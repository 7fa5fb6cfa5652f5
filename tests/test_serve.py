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

from tests.served import free_port


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
    port = free_port()
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "aftermath.cli", "serve", "--db", str(demo_db), "--port", str(port)],
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # so the cleanup below can reach anything it left behind
    )
    try:
        _wait_healthy(port, tmp_path / "serve.log")
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


def _serve_once(tmp_path: Path, *flags: str, env: dict[str, str] | None = None):
    """`aftermath serve FLAGS` that is expected to refuse: its exit status and standard error."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "aftermath.cli",
            "serve",
            "--db",
            str(tmp_path / "none.duckdb"),
            *flags,
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )
    return done.returncode, done.stderr


def test_serving_beyond_this_machine_without_a_login_is_refused_in_one_line(tmp_path):
    port = free_port()
    code, err = _serve_once(tmp_path, "--address", "0.0.0.0", "--port", str(port))
    assert code == 1
    assert err == (
        "aftermath: refusing to serve customers' data on 0.0.0.0, where anyone who can reach it "
        "would see it: configure [login] in --config aftermath.toml, or name the user header of "
        "the authenticating proxy in front with --behind-proxy HEADER (e.g. X-Forwarded-Email)\n"
    )
    # Refused before anything was built or bound.
    assert not (tmp_path / "none.duckdb").exists()
    assert _port_is_free(port)


LOGIN = """
[login]
issuer = "https://accounts.example.com"
client_id = "aftermath"
allowed_domains = ["example.com"]

[sources.zendesk]
subdomain = "acme"
"""


def test_a_login_needs_its_secrets_from_the_environment(tmp_path):
    (tmp_path / "aftermath.toml").write_text(LOGIN)
    env = {"AFTERMATH_LOGIN_CLIENT_SECRET": "", "AFTERMATH_COOKIE_SECRET": ""}
    code, err = _serve_once(tmp_path, "--config", "aftermath.toml", env=env)
    assert (code, err) == (
        1,
        "aftermath: [login] needs the client secret in $AFTERMATH_LOGIN_CLIENT_SECRET (the "
        "provider gave it with the client id)\n",
    )
    env["AFTERMATH_LOGIN_CLIENT_SECRET"] = "client-secret-value"
    env["AFTERMATH_COOKIE_SECRET"] = "too-short"
    code, err = _serve_once(tmp_path, "--config", "aftermath.toml", env=env)
    assert (code, err) == (
        1,
        "aftermath: [login] needs $AFTERMATH_COOKIE_SECRET, a random text of at least 32 "
        "characters (e.g. `openssl rand -hex 32`)\n",
    )
    assert "client-secret-value" not in err


def test_a_login_serving_beyond_this_machine_needs_its_public_address(tmp_path):
    (tmp_path / "aftermath.toml").write_text(LOGIN)
    code, err = _serve_once(tmp_path, "--config", "aftermath.toml", "--address", "0.0.0.0")
    assert code == 1
    assert err.startswith(f"aftermath: {Path('aftermath.toml')}: [login] needs redirect_uri")
    assert err.count("\n") == 1


def test_the_login_secrets_live_in_a_private_file_only_while_serving(demo_db, tmp_path):
    (tmp_path / "aftermath.toml").write_text(LOGIN)
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    port = free_port()
    env = {
        **os.environ,
        "AFTERMATH_LOGIN_CLIENT_SECRET": "client-secret-value",
        "AFTERMATH_COOKIE_SECRET": "c" * 40,
        "TMPDIR": str(private_tmp),
    }
    log = (tmp_path / "serve.log").open("w")
    command = [sys.executable, "-m", "aftermath.cli", "serve", "--config", "aftermath.toml"]
    server = subprocess.Popen(
        [*command, "--db", str(demo_db), "--port", str(port)],
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env=env,
    )
    try:
        _wait_healthy(port, tmp_path / "serve.log")
        (folder,) = private_tmp.iterdir()
        assert folder.stat().st_mode & 0o777 == 0o700
        secrets = folder / "secrets.toml"
        assert secrets.stat().st_mode & 0o777 == 0o600
        assert 'client_secret = "client-secret-value"' in secrets.read_text()
        assert (
            'server_metadata_url = "https://accounts.example.com/.well-known/openid-configuration"'
            in secrets.read_text()
        )
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=120) == 0
        assert list(private_tmp.iterdir()) == []
        assert "client-secret-value" not in (tmp_path / "serve.log").read_text()
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)


def _wait_healthy(port: int, log: Path) -> None:
    """Up to two minutes for Streamlit to start on a busy machine: a readiness wait, not a timing."""
    for _ in range(240):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(log.read_text())

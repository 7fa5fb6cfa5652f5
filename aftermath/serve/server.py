"""`aftermath serve`: decides who may come in, then runs Streamlit on the dashboard as a child
process and, with `--sync-every`, brings the database up to date on a timer beside it.

This process stays in front of Streamlit so that the login's secrets file (written from the
environment into a private temporary folder) is removed when the server stops, and so that a
SIGTERM or Ctrl-C to `aftermath serve` stops Streamlit and frees the port.
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from aftermath.errors import InputError
from aftermath.serve.config import (
    ACCESS_ENV,
    CLIENT_SECRET_ENV,
    COOKIE_SECRET_ENV,
    Access,
    ServeConfig,
    is_loopback,
    secrets_toml,
    sync_status_path,
)

NOT_LOOPBACK = (
    "refusing to serve customers' data on {address}, where anyone who can reach it would see it: "
    "configure [login] in --config aftermath.toml, or name the user header of the "
    "authenticating proxy in front with --behind-proxy HEADER (e.g. X-Forwarded-Email)"
)
# How Streamlit serves, whoever comes in. Flags, not a config.toml: that would have to sit in
# the folder `serve` is run from, which is the user's, not ours.
STREAMLIT_FLAGS = [
    "--server.headless",
    "true",
    "--browser.gatherUsageStats",
    "false",
    # No "Deploy" button, no developer menu.
    "--client.toolbarMode",
    "minimal",
    "--server.enableXsrfProtection",
    "true",
    # A server reads its code once; watching the package's files only costs CPU.
    "--server.fileWatcherType",
    "none",
]
# The cookie secret signs the login cookie: shorter keys are guessable.
MIN_COOKIE_SECRET = 32
# How much of a failed sync's standard error the Data page shows.
SYNC_MESSAGE_CHARS = 2000


def decide_access(config: ServeConfig) -> Access:
    """Who the dashboard lets in; InputError (one line) when serving would leave a door open."""
    login = config.login
    lists = (login.allowed_domains, login.allowed_emails) if login else ((), ())
    if config.behind_proxy:
        return Access("proxy", config.behind_proxy, *lists)
    if login is None:
        if not is_loopback(config.address):
            raise InputError(NOT_LOOPBACK.format(address=config.address))
        return Access()
    where = f"{config.path}: [login]"
    if not login.has_provider:
        raise InputError(
            f"{where} needs issuer and client_id (or serve --behind-proxy HEADER, where the "
            "proxy signs users in)"
        )
    if not any(lists):
        raise InputError(f"{where} lets nobody in: list allowed_domains and/or allowed_emails")
    if not login.redirect_uri and not is_loopback(config.address):
        raise InputError(
            f"{where} needs redirect_uri, the address users open with /oauth2callback "
            "(e.g. https://aftermath.example.com/oauth2callback), to serve on "
            f"{config.address}"
        )
    return Access("login", None, *lists)


def login_secrets(config: ServeConfig, environ: dict[str, str]) -> str:
    """Streamlit's `[auth]` secrets, the two secrets taken from the environment."""
    client_secret = environ.get(CLIENT_SECRET_ENV, "")
    cookie_secret = environ.get(COOKIE_SECRET_ENV, "")
    if not client_secret:
        raise InputError(
            f"[login] needs the client secret in ${CLIENT_SECRET_ENV} (the provider gave it "
            "with the client id)"
        )
    if len(cookie_secret) < MIN_COOKIE_SECRET:
        raise InputError(
            f"[login] needs ${COOKIE_SECRET_ENV}, a random text of at least "
            f"{MIN_COOKIE_SECRET} characters (e.g. `openssl rand -hex 32`)"
        )
    return secrets_toml(config.login, config.port, client_secret, cookie_secret)


def streamlit_command(config: ServeConfig, access: Access, secrets_file: Path | None) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(resources.files("dashboard") / "app.py"),
        "--server.address",
        config.address,
        "--server.port",
        str(config.port),
        *STREAMLIT_FLAGS,
    ]
    if secrets_file is not None:
        command += ["--secrets.files", str(secrets_file)]
    if access.mode == "proxy":
        command += ["--server.trustedUserHeaders", json.dumps({access.header: "email"})]
    return command


class Syncer:
    """Runs the sync command every `interval` seconds, timed from the database's last write."""

    def __init__(self, command: list[str], db: Path, interval: int) -> None:
        self.command = command
        self.db = db
        self.interval = interval
        self.stopped = threading.Event()
        self._running: subprocess.Popen | None = None

    def loop(self) -> None:
        while not self.stopped.is_set():
            last = self.db.stat().st_mtime if self.db.exists() else 0.0
            if self.stopped.wait(max(0.0, last + self.interval - time.time())):
                return
            self.run_once()
            # A failed sync leaves the database as it was: wait a whole interval, not none.
            if self.db.exists() and self.db.stat().st_mtime == last:
                self.stopped.wait(self.interval)

    def run_once(self) -> bool:
        started = datetime.now(UTC)
        print(f"aftermath serve: sync started: {' '.join(self.command[2:])}", file=sys.stderr)
        self._running = subprocess.Popen(
            self.command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        _, err = self._running.communicate()
        if self.stopped.is_set():
            # Stopped with the server: no outcome to keep, the next start syncs when due.
            return False
        ok = self._running.returncode == 0
        message = "" if ok else (err.strip() or f"exit status {self._running.returncode}")
        self._running = None
        status = {
            "started_at": started.isoformat(timespec="seconds"),
            "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "ok": ok,
            "message": message[-SYNC_MESSAGE_CHARS:],
        }
        path = sync_status_path(self.db)
        partial = path.with_name(path.name + ".tmp")
        partial.write_text(json.dumps(status), encoding="utf-8")
        partial.replace(path)
        outcome = "finished" if ok else f"FAILED, the data stays as it was: {message[-300:]}"
        print(f"aftermath serve: sync {outcome}", file=sys.stderr, flush=True)
        return ok

    def stop(self) -> None:
        self.stopped.set()
        if self._running is not None:
            # The load replaces the database only when it completes: stopping it loses nothing.
            self._running.terminate()


def serve(
    config: ServeConfig,
    db: Path,
    access: Access,
    secrets: str | None,
    sync_command: list[str] | None,
) -> int:
    """Streamlit on the dashboard until it stops or this process is told to stop."""
    env = {**os.environ, "AFTERMATH_DB": str(db.resolve()), ACCESS_ENV: access.to_env()}
    # A private folder (mode 700) for the login's secrets, removed when the server stops.
    with tempfile.TemporaryDirectory(prefix="aftermath-serve-") as private:
        secrets_file = None
        if secrets is not None:
            secrets_file = Path(private) / "secrets.toml"
            fd = os.open(secrets_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(secrets)
        server = subprocess.Popen(streamlit_command(config, access, secrets_file), env=env)
        syncer = None
        if sync_command is not None:
            syncer = Syncer(sync_command, db, config.sync_every_seconds)
            threading.Thread(target=syncer.loop, name="sync", daemon=True).start()

        def stop(signum: int, frame: object) -> None:
            if syncer is not None:
                syncer.stop()
            server.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        code = server.wait()
        if syncer is not None:
            syncer.stop()
    # Streamlit stopped by our SIGTERM is a clean stop.
    return 0 if code in (0, -signal.SIGTERM) else code

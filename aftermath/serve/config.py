"""What `aftermath serve` reads from aftermath.toml: who may sign in (`[login]`) and how it serves
(`[serve]`). Other sections (the sources `aftermath sync` pulls) belong to other commands and are
left alone here. Secrets never come from the file: only from the environment.

```toml
[login]
issuer = "https://accounts.example.com"   # its /.well-known/openid-configuration is read
client_id = "aftermath"
redirect_uri = "https://aftermath.example.com/oauth2callback"
allowed_domains = ["example.com"]
allowed_emails = ["cfo@partner.org"]

[serve]
address = "0.0.0.0"
port = 8501
behind_proxy = "X-Forwarded-Email"
sync_every = "24h"
exports = "data/exports"
```
"""

import ipaddress
import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from aftermath.errors import InputError

CLIENT_SECRET_ENV = "AFTERMATH_LOGIN_CLIENT_SECRET"
COOKIE_SECRET_ENV = "AFTERMATH_COOKIE_SECRET"
# What the dashboard is told about who may see it (JSON, see `Access`).
ACCESS_ENV = "AFTERMATH_ACCESS"
DEFAULT_ADDRESS = "127.0.0.1"
DEFAULT_PORT = 8501
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_HEADER = re.compile(r"^[A-Za-z0-9-]+$")


@dataclass(frozen=True)
class Login:
    """The `[login]` section: an OpenID Connect provider and who of its users may come in."""

    issuer: str | None = None
    client_id: str | None = None
    redirect_uri: str | None = None
    allowed_domains: tuple[str, ...] = ()
    allowed_emails: tuple[str, ...] = ()

    @property
    def has_provider(self) -> bool:
        return bool(self.issuer and self.client_id)


@dataclass(frozen=True)
class Access:
    """Who the dashboard lets in: everyone (loopback only), users of the login, or of a proxy."""

    mode: str = "open"  # "open", "login" or "proxy"
    header: str | None = None  # the proxy's header with the user's e-mail address
    allowed_domains: tuple[str, ...] = ()
    allowed_emails: tuple[str, ...] = ()

    def allows(self, email: object) -> bool:
        """True when the e-mail address is on the allowed list or in an allowed domain."""
        if self.mode == "open":
            return True
        if not isinstance(email, str) or email.count("@") != 1:
            return False
        address = email.strip().lower()
        if not self.allowed_domains and not self.allowed_emails:
            # Only a proxy may come without a list: it lets in whom it authenticated.
            return self.mode == "proxy"
        return address in self.allowed_emails or address.split("@")[1] in self.allowed_domains

    def to_env(self) -> str:
        return json.dumps(
            {
                "mode": self.mode,
                "header": self.header,
                "allowed_domains": list(self.allowed_domains),
                "allowed_emails": list(self.allowed_emails),
            }
        )

    @classmethod
    def from_env(cls, value: str | None) -> "Access":
        if not value:
            return cls()
        data = json.loads(value)
        return cls(
            mode=data["mode"],
            header=data["header"],
            allowed_domains=tuple(data["allowed_domains"]),
            allowed_emails=tuple(data["allowed_emails"]),
        )


@dataclass(frozen=True)
class ServeConfig:
    """`aftermath.toml` as `serve` reads it; command-line flags override `[serve]`."""

    path: Path | None = None
    login: Login | None = None
    address: str = DEFAULT_ADDRESS
    port: int = DEFAULT_PORT
    behind_proxy: str | None = None
    sync_every_seconds: int | None = None
    exports: Path | None = None
    has_sources: bool = False


def parse_duration(text: str) -> int:
    """Seconds in "24h", "90m", "1d" or "3600s"; ValueError otherwise."""
    match = re.fullmatch(r"\s*(\d+)\s*([smhd])\s*", text)
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"'{text}' is not a duration such as 24h, 30m or 1d")
    return int(match.group(1)) * _UNITS[match.group(2)]


def is_loopback(address: str) -> bool:
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def read_config(path: Path) -> ServeConfig:
    """`[login]` and `[serve]` of the file; InputError naming the file and key when wrong."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: not valid TOML: {e}") from None
    login = data.get("login")
    serve = data.get("serve", {})
    for name, section in (("login", login), ("serve", serve)):
        if section is not None and not isinstance(section, dict):
            raise InputError(f"{path}: [{name}] must be a section")
    return ServeConfig(
        path=path,
        login=_login(path, login) if login is not None else None,
        address=_text(path, "serve", serve, "address") or DEFAULT_ADDRESS,
        port=_port(path, serve),
        behind_proxy=_header(path, _text(path, "serve", serve, "behind_proxy")),
        sync_every_seconds=_duration(path, _text(path, "serve", serve, "sync_every")),
        exports=_folder(path, _text(path, "serve", serve, "exports")),
        has_sources=isinstance(data.get("sources"), dict) and bool(data["sources"]),
    )


def check_header(name: str) -> str:
    """A header name as a proxy sends it; ValueError for anything else."""
    if not _HEADER.match(name):
        raise ValueError(f"'{name}' is not an HTTP header name such as X-Forwarded-Email")
    return name


def secrets_toml(login: Login, port: int, client_secret: str, cookie_secret: str) -> str:
    """Streamlit's `[auth]` secrets for the login (written to a private file while serving)."""
    redirect_uri = login.redirect_uri or f"http://localhost:{port}/oauth2callback"
    metadata = login.issuer.rstrip("/") + "/.well-known/openid-configuration"
    values = {
        "redirect_uri": redirect_uri,
        "cookie_secret": cookie_secret,
        "client_id": login.client_id,
        "client_secret": client_secret,
        "server_metadata_url": metadata,
    }
    # A JSON string is a TOML basic string: the same quotes and escapes.
    lines = [f"{key} = {json.dumps(value)}" for key, value in values.items()]
    return "[auth]\n" + "\n".join(lines) + "\n"


def sync_status_path(db: Path) -> Path:
    """Where `serve --sync-every` keeps the last sync's outcome: beside the database."""
    return db.with_name(db.name + ".sync.json")


def _login(path: Path, section: dict) -> Login:
    domains = _list(path, section, "allowed_domains")
    emails = _list(path, section, "allowed_emails")
    for domain in domains:
        if "@" in domain or "." not in domain:
            raise InputError(
                f"{path}: [login] allowed_domains: '{domain}' is not a domain such as example.com"
            )
    for email in emails:
        if email.count("@") != 1:
            raise InputError(f"{path}: [login] allowed_emails: '{email}' is not an address")
    issuer = _text(path, "login", section, "issuer")
    if issuer and not re.match(r"^https?://", issuer):
        raise InputError(f"{path}: [login] issuer must be a URL (https://...), got '{issuer}'")
    redirect_uri = _text(path, "login", section, "redirect_uri")
    if redirect_uri and not redirect_uri.endswith("/oauth2callback"):
        raise InputError(
            f"{path}: [login] redirect_uri must be the dashboard's address ending in "
            f"/oauth2callback, got '{redirect_uri}'"
        )
    return Login(
        issuer=issuer,
        client_id=_text(path, "login", section, "client_id"),
        redirect_uri=redirect_uri,
        allowed_domains=tuple(d.lower() for d in domains),
        allowed_emails=tuple(e.lower() for e in emails),
    )


def _text(path: Path, name: str, section: dict, key: str) -> str | None:
    value = section.get(key)
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise InputError(f"{path}: [{name}] {key} must be a text value")
    return value.strip() if value else None


def _list(path: Path, section: dict, key: str) -> list[str]:
    value = section.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise InputError(f'{path}: [login] {key} must be a list of text values, e.g. ["a", "b"]')
    return [v.strip() for v in value]


def _port(path: Path, section: dict) -> int:
    port = section.get("port", DEFAULT_PORT)
    if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
        raise InputError(f"{path}: [serve] port must be a number from 1 to 65535")
    return port


def _header(path: Path, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return check_header(value)
    except ValueError as e:
        raise InputError(f"{path}: [serve] behind_proxy: {e}") from None


def _duration(path: Path, value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return parse_duration(value)
    except ValueError as e:
        raise InputError(f"{path}: [serve] sync_every: {e}") from None


def _folder(path: Path, value: str | None) -> Path | None:
    # A relative folder is read from the configuration file's folder, as a service runs anywhere.
    return (path.parent / value).resolve() if value else None

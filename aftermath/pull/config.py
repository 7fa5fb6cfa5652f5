"""The `[sources.*]` and `[sync]` parts of aftermath.toml: what `aftermath sync` pulls and loads.

```toml
[sync]
out = "data/exports"          # where the pulls go (default data/exports)
db = "data/aftermath.duckdb"  # the database sync loads (default as `load`)
link_field = "360012345"      # as `load --link-field`
timezone = "UTC"              # as `load --timezone`

[sources.statuspage]
url = "https://status.example.com"

[sources.zendesk]
subdomain = "acme"
since = "2024-01-01"          # where the first pull starts (default two years back)
key_files = { ZENDESK_API_TOKEN = "/run/secrets/zendesk-token" }
```

Relative paths are read from the config file's folder. Keys never stand in the file: each comes
from its environment variable, or from the file `key_files` names. Other top-level tables
(`[login]`, `[serve]`) belong to other commands and are left alone.
"""

import tomllib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from aftermath.errors import InputError
from aftermath.pull import SOURCES, Job

DEFAULT_CONFIG = Path("aftermath.toml")
SYNC_KEYS = {"out", "db", "link_field", "timezone"}
COMMON_KEYS = {"since", "base_url", "key_files"}
SOURCE_KEYS = {
    "statuspage": {"url"},
    "zendesk": {"subdomain"},
    "pagerduty": set(),
    "incident_io": set(),
    "jira": {"site", "jql"},
    "intercom": set(),
}


@dataclass
class SyncConfig:
    path: Path
    out: Path
    db: Path | None
    load_options: dict[str, str] = field(default_factory=dict)
    timezone: str = "UTC"
    jobs: list[Job] = field(default_factory=list)


def read_config(path: Path) -> SyncConfig:
    """The sources and load options `path` lists; InputError naming the file and the key."""
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(
            f"{path}: no such file. Write one listing your sources (see the README's "
            "'Your own data'), or give --config FILE."
        ) from None
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: cannot read it ({e})") from None
    except tomllib.TOMLDecodeError as e:
        raise InputError(f"{path}: not valid TOML ({e})") from None
    base = path.resolve().parent
    sync = _table(doc, "sync", path)
    _known(sync, SYNC_KEYS, "[sync]", path)
    config = SyncConfig(
        path=path,
        out=base / _text(sync, "out", "[sync]", path, "data/exports"),
        db=base / sync["db"] if "db" in sync else None,
        timezone=_text(sync, "timezone", "[sync]", path, "UTC"),
    )
    if "link_field" in sync:
        config.load_options["link_field"] = _text(sync, "link_field", "[sync]", path)
    sources = _table(doc, "sources", path)
    if not sources:
        raise InputError(
            f"{path}: no [sources.NAME] table; list at least one of {', '.join(SOURCES)}"
        )
    for name, options in sources.items():
        where = f"[sources.{name}]"
        if name not in SOURCES:
            raise InputError(f"{path}: {where}: unknown source; known: {', '.join(SOURCES)}")
        if not isinstance(options, dict):
            raise InputError(f"{path}: {where} must be a table of options")
        _known(options, SOURCE_KEYS[name] | COMMON_KEYS, where, path, SOURCES[name].KEYS)
        job = Job(name, out=config.out)
        for key in SOURCE_KEYS[name] | {"base_url"}:
            if key in options:
                setattr(job, key, _text(options, key, where, path))
        if "since" in options:
            job.since = _since(options["since"], where, path)
        job.keys = _key_files(options.get("key_files", {}), name, where, base, path)
        config.jobs.append(job)
    return config


def _table(doc: dict, key: str, path: Path) -> dict:
    value = doc.get(key, {})
    if not isinstance(value, dict):
        raise InputError(f"{path}: '{key}' must be a table ([{key}])")
    return value


def _known(
    options: dict, allowed: set[str], where: str, path: Path, keys: tuple[str, ...] = ()
) -> None:
    for key in options:
        if key in allowed:
            continue
        if key.lower() in {
            "token",
            "api_token",
            "api_key",
            "password",
            "key",
            *map(str.lower, keys),
        }:
            raise InputError(
                f"{path}: {where}: '{key}' looks like a key, and keys never go in this file: set "
                f"{' and '.join(keys) or 'it'} in the environment, or name a file in key_files"
            )
        raise InputError(
            f"{path}: {where}: unknown option '{key}'; known: {', '.join(sorted(allowed))}"
        )


def _text(options: dict, key: str, where: str, path: Path, default: str | None = None) -> str:
    value = options.get(key, default)
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{path}: {where}: '{key}' must be a non-empty string")
    return value.strip()


def _since(value: object, where: str, path: Path) -> datetime:
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"{path}: {where}: since = {value!r} is not a date (2024-01-31)") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _key_files(files: object, name: str, where: str, base: Path, path: Path) -> dict[str, str]:
    """The keys read from the files `key_files` names (never their text in a message)."""
    if not isinstance(files, dict):
        raise InputError(f'{path}: {where}: key_files must be a table, e.g. {{ VAR = "FILE" }}')
    keys = {}
    for var, file in files.items():
        if var not in SOURCES[name].KEYS:
            known = ", ".join(SOURCES[name].KEYS) or "none (no key needed)"
            raise InputError(
                f"{path}: {where}: key_files names '{var}'; this source's keys: {known}"
            )
        key_path = base / str(file)
        try:
            keys[var] = key_path.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as e:
            reason = e.strerror if isinstance(e, OSError) and e.strerror else type(e).__name__
            raise InputError(
                f"{path}: {where}: cannot read the key file {key_path} ({reason})"
            ) from None
    return keys

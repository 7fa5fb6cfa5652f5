"""What a pull keeps: one folder per source (DIR/SOURCE/), its record files and its state.

Each record file holds the vendor's own records, as JSON lines of its list response (each line
`{"tickets": [... up to 1,000 ...]}` with what the API side-loads beside them), so the vendor
adapters read it as they read a hand-made export. Records are kept by id: a record pulled again
replaces its earlier copy (moved to the end of the file, where the newest are), so the file
holds every record any pull saw, once.

The state (`.pull-state`, JSON, no key in it) says which source wrote the folder, with which
options, and the cursors the next pull starts from. A pull writes the whole new folder beside
the old one and swaps it in only when everything succeeded: a failed pull leaves the previous
folder as it was, byte for byte.
"""

import json
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from aftermath.pull.http import PullError

STATE_FILE = ".pull-state"
RECORDS_PER_LINE = 1000


def read_state(folder: Path) -> dict | None:
    """The state a pull left in `folder`, or None when no pull wrote it."""
    try:
        return json.loads((folder / STATE_FILE).read_text())
    except (FileNotFoundError, NotADirectoryError, json.JSONDecodeError):
        return None


def is_pulled(folder: Path) -> str | None:
    """The source whose pull wrote `folder`, or None."""
    state = read_state(folder) if folder.is_dir() else None
    return state.get("source") if state else None


def record_id(key: str) -> Callable[[dict], str]:
    return lambda rec: str(rec.get(key))


@dataclass
class Kind:
    """One kind of record a source keeps: its file, the list key its API wraps records in, how a
    record is identified, the side-loaded lists (key → id of one entry) and constant top-level
    values (Intercom's `"type": "conversation.list"`)."""

    file: str
    key: str
    id_of: Callable[[dict], str] = field(default_factory=lambda: record_id("id"))
    sideloads: dict[str, Callable[[dict], str]] = field(default_factory=dict)
    wrapper: dict = field(default_factory=dict)


class Records:
    """One kind's records: what earlier pulls kept, with this pull's upserted."""

    def __init__(self, kind: Kind, folder: Path | None) -> None:
        self.kind = kind
        self.items: dict[str, dict] = {}
        self.sides: dict[str, dict[str, dict]] = {key: {} for key in kind.sideloads}
        self.extra: dict = {}  # top-level values beside the list (Statuspage's `page`)
        self.new = self.changed = 0
        path = folder / kind.file if folder else None
        if path and path.exists():
            with open(path, encoding="utf-8") as f:
                for line in f:
                    doc = json.loads(line)
                    for rec in doc.get(kind.key, []):
                        self.items[kind.id_of(rec)] = rec
                    for key, id_of in kind.sideloads.items():
                        for rec in doc.get(key, []):
                            self.sides[key][id_of(rec)] = rec
                    known = {kind.key, *kind.sideloads, *kind.wrapper}
                    self.extra |= {k: v for k, v in doc.items() if k not in known}

    def upsert(self, records: Iterable[dict]) -> None:
        """Each record replaces its earlier copy (moved to the end) when it changed."""
        for rec in records:
            rid = self.kind.id_of(rec)
            old = self.items.get(rid)
            if old == rec:
                continue
            if old is None:
                self.new += 1
            else:
                self.changed += 1
                del self.items[rid]
            self.items[rid] = rec

    def side(self, key: str, records: Iterable[dict]) -> None:
        id_of = self.kind.sideloads[key]
        for rec in records:
            self.sides[key].pop(id_of(rec), None)
            self.sides[key][id_of(rec)] = rec

    def write(self, folder: Path) -> None:
        lists = {self.kind.key: list(self.items.values())} | {
            key: list(found.values()) for key, found in self.sides.items()
        }
        lines = max(
            1, *((len(v) + RECORDS_PER_LINE - 1) // RECORDS_PER_LINE for v in lists.values())
        )
        with open(folder / self.kind.file, "w", encoding="utf-8") as f:
            for n in range(lines):
                part = slice(n * RECORDS_PER_LINE, (n + 1) * RECORDS_PER_LINE)
                doc = {**self.kind.wrapper, **self.extra}
                doc |= {key: values[part] for key, values in lists.items()}
                f.write(json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n")

    def summary(self) -> str:
        return (
            f"{len(self.items):,} {self.kind.key.replace('_', ' ')} "
            f"({self.new:,} new, {self.changed:,} changed)"
        )


class Output:
    """A pull's new folder, built beside DIR/SOURCE and swapped in by `commit`.

    `state` and `kept` are what the previous pull left, unless its options differ from this
    pull's: a pull for another subdomain or query starts afresh rather than mixing the two.
    """

    def __init__(self, out: Path, source: str, options: dict) -> None:
        self.final = out / source
        self.source = source
        self.options = options
        old = read_state(self.final)
        if old is None and self.final.exists() and any(self.final.iterdir()):
            # Someone's own files: a pull replaces only what a pull wrote.
            raise PullError(
                f"{self.final} exists and no pull wrote it; move it away or pull into "
                "another --out folder"
            )
        self.restarted = old is not None and old.get("options") != options
        self.state = old if old is not None and not self.restarted else None
        self.kept = self.final if self.state is not None else None
        out.mkdir(parents=True, exist_ok=True)
        self.tmp = Path(tempfile.mkdtemp(prefix=f".{source}.pulling-", dir=out))

    def records(self, kind: Kind) -> Records:
        return Records(kind, self.kept)

    def cursor(self, name: str) -> object:
        return (self.state or {}).get("cursors", {}).get(name)

    def commit(self, kept: list[Records], cursors: dict) -> None:
        """Write the records and the state into the new folder and swap it in."""
        for records in kept:
            records.write(self.tmp)
        state = {
            "source": self.source,
            "options": self.options,
            "cursors": cursors,
            "pulled_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        (self.tmp / STATE_FILE).write_text(json.dumps(state, indent=2) + "\n")
        old = None
        if self.final.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{self.source}.previous-", dir=self.final.parent))
            old.rmdir()
            self.final.rename(old)
        try:
            self.tmp.rename(self.final)
        except OSError:
            if old is not None:
                old.rename(self.final)
            raise
        if old is not None:
            shutil.rmtree(old)

    def discard(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)

"""Vendor export adapters: each maps one vendor's documented export into the contract's tables."""

from pathlib import Path


class SourceError(Exception):
    """A vendor file that cannot be read; the message names the file and the source."""


ADAPTERS: dict = {}


def detect(path: Path) -> tuple[str, str] | None:
    """(adapter name, why) when the file looks like a known vendor export."""
    for name, adapter in ADAPTERS.items():
        reason = adapter.detect(path)
        if reason:
            return name, reason
    return None

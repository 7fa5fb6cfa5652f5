"""Vendor export adapters: read a Statuspage, Zendesk, ... export straight into contract tables.

Each adapter module has `NAME`, `FEEDS` (the contract tables it produces), `detect(path)` (why a
file is that vendor's shape, or None) and `read(con, path, options)` (one DuckDB relation per
table it feeds, contract column names plus `_row`, the record's position in the vendor file).
An adapter whose export comes in several files may have `companion(path)`: why a file is read
together with that export (PagerDuty log entries beside the incidents), or None.
"""

from pathlib import Path

from aftermath.errors import SourceError
from aftermath.ingest.vendors import (
    amplitude,
    firehydrant,
    freshdesk,
    incident_io,
    intercom,
    jira,
    mixpanel,
    opsgenie,
    pagerduty,
    posthog,
    segment,
    statuspage,
    zendesk,
)

__all__ = ["ADAPTERS", "SourceError", "companion", "detect"]

# Detection asks in this order; each rule keys on fields only that vendor's export has.
ADAPTERS = {
    m.NAME: m
    for m in (
        statuspage,
        zendesk,
        intercom,
        pagerduty,
        incident_io,
        jira,
        opsgenie,
        firehydrant,
        freshdesk,
        mixpanel,
        amplitude,
        posthog,
        segment,
    )
}


def detect(path: Path) -> tuple[str, str] | None:
    """(adapter name, the plain reason) for a vendor file or folder, or None."""
    for name, adapter in ADAPTERS.items():
        reason = adapter.detect(path)
        if reason:
            return name, reason
    return None


def companion(path: Path) -> tuple[str, str] | None:
    """(adapter name, the plain reason) for a file read together with another export, or None."""
    for name, adapter in ADAPTERS.items():
        reason = adapter.companion(path) if hasattr(adapter, "companion") else None
        if reason:
            return name, reason
    return None

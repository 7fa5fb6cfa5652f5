"""The input tables of the data contract: their columns, types and which are required."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # id, text, lower, timestamp, date, integer, number, severity, list
    required: bool = False


@dataclass(frozen=True)
class Table:
    name: str
    required: bool
    columns: tuple[Column, ...]
    key: str | None = None  # the id column: duplicates keep the last row of the file
    doc: str = ""

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _cols(spec: str) -> tuple[Column, ...]:
    """`name:kind` words; a trailing `!` marks a required column."""
    out = []
    for word in spec.split():
        name, kind = word.split(":")
        out.append(Column(name, kind.rstrip("!"), kind.endswith("!")))
    return tuple(out)


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "incidents",
            True,
            _cols(
                "incident_id:id! title:text severity:severity services:list started_at:timestamp! "
                "detected_at:timestamp acknowledged_at:timestamp mitigated_at:timestamp "
                "resolved_at:timestamp "
                "status_page_url:text"
            ),
            key="incident_id",
            doc="the live incident record",
        ),
        Table(
            "status_updates",
            False,
            _cols("incident_id:id! posted_at:timestamp! status:lower! body:text"),
            doc="public comms posted during the incident",
        ),
        Table(
            "postmortems",
            False,
            _cols(
                "postmortem_id:id! incident_id:id! published_at:timestamp url:text "
                "affected_accounts:list stated_ticket_count:integer"
            ),
            key="postmortem_id",
            doc="the analysis written days later",
        ),
        Table(
            "action_items",
            False,
            _cols(
                "action_item_id:id! incident_id:id! title:text! description:text team:lower "
                "owner:text due_date:date completed_at:timestamp tags:list"
            ),
            key="action_item_id",
            doc="postmortem follow-ups",
        ),
        Table(
            "tickets",
            True,
            _cols(
                "ticket_id:id! created_at:timestamp! account_id:id subject:text description:text "
                "tags:list channel:lower priority:lower solved_at:timestamp incident_id:id"
            ),
            key="ticket_id",
            doc="customer support tickets",
        ),
        Table(
            "ticket_events",
            False,
            _cols("ticket_id:id! created_at:timestamp! author_role:lower body:text"),
            doc="later comments on tickets",
        ),
        Table(
            "accounts",
            False,
            _cols("account_id:id! name:text segment:lower plan:text mrr:number region:text"),
            key="account_id",
            doc="customer accounts",
        ),
        Table(
            "usage",
            False,
            # `day` or `ts` is required (checked by the loader); raw events are rolled up per day.
            _cols("account_id:id! day:date ts:timestamp value:number feature:lower"),
            doc="product activity per account",
        ),
    )
}

# Severity words and their level; numbers 1..5 with or without SEV/P/S are read as they are.
SEVERITY_WORDS = {
    "critical": 1,
    "major": 2,
    "high": 2,
    "medium": 3,
    "moderate": 3,
    "minor": 3,
    "low": 4,
    "info": 5,
    "informational": 5,
}

FILE_SUFFIXES = (".csv", ".csv.gz", ".parquet", ".json", ".jsonl", ".ndjson")

"""`aftermath outreach INCIDENT_ID`: a draft message to each account of the contact list, in the
order to call them, for customer success to read, adjust and send.

A template is plain text whose first line is `Subject: ...`; the rest is the body. Placeholders
in braces (`{account_name}`) are filled per account; `{{` and `}}` write a brace. The default
template ships in the package (`outreach_template.txt`). Customer and export text (account
names, ticket subjects, titles, status updates) goes in as text: in quotation marks, on one line,
and in Markdown escaped by `md_text`, so it never acts as markup; the CSV's cells are guarded
against formulas.
"""

import string
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb
import pandas as pd

from aftermath.errors import InputError
from aftermath.export import safe_csv
from aftermath.queries import query_rows
from aftermath.report import CONTACTS_OF, incident_summary, md_text

DEFAULT_TEMPLATE = resources.files("aftermath") / "outreach_template.txt"
FORMATS = ("md", "csv")
DEFAULT_REPLY_TO = "this email"
CSV_COLUMNS = ["priority", "account_id", "account_name", "email_subject", "body"]

# What each placeholder holds (README documents the same list).
PLACEHOLDERS = {
    "account_name": "the account's name (its id when the accounts table has none)",
    "account_id": "the account's id",
    "priority": "its place in the call order, 1 = call first",
    "incident_id": "the incident's id",
    "incident_title": "the incident's title",
    "impact_window": "when customers felt it, in the chosen time zone "
    "('on 1 September 2026 from 09:00 to 10:00 UTC')",
    "status_page": "the status page's last update, quoted, with its status and time",
    "their_tickets": "the account's own related tickets, a line each: the subject quoted and when "
    "it was opened",
    "our_follow_ups": "the action items that answer the themes of the account's tickets, a line "
    "each (every action item of the incident for an account that never wrote in)",
    "reply_to": "who to reply to (--reply-to; default 'this email')",
}


@dataclass(frozen=True)
class Template:
    subject: list[tuple[str, str | None]]  # (literal text, placeholder after it or None)
    body: list[tuple[str, str | None]]


@dataclass(frozen=True)
class Draft:
    priority: int
    account_id: str
    account_name: str
    email_subject: str
    body: str


def read_template(path: Path | None = None) -> Template:
    """The template at `path` (the shipped one without); InputError on an unknown placeholder."""
    name = str(path) if path else "the default template"
    try:
        text = (Path(path) if path else DEFAULT_TEMPLATE).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{name}: no such template file") from None
    except UnicodeDecodeError:
        raise InputError(f"{name}: not a UTF-8 text file") from None
    first, _, body = text.partition("\n")
    if not first.startswith("Subject:"):
        raise InputError(f"{name}: the first line must be 'Subject: ...' (the email's subject)")
    text_body = body.lstrip("\n")
    return Template(
        _parts(name, first.removeprefix("Subject:").strip(), 1),
        _parts(name, text_body, 2 + len(body) - len(text_body)),
    )


def _parts(name: str, text: str, first_line: int) -> list[tuple[str, str | None]]:
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as e:
        raise InputError(
            f"{name}: not a valid template ({e}); write {{{{ and }}}} for a brace"
        ) from None
    parts = []
    seen = ""
    for literal, field, spec, conversion in parsed:
        seen += literal
        if field is not None and (field not in PLACEHOLDERS or spec or conversion):
            line = first_line + seen.count("\n")
            raise InputError(
                f"{name}, line {line}: unknown placeholder {{{field}}}; "
                f"known: {', '.join('{' + p + '}' for p in PLACEHOLDERS)}"
            )
        parts.append((literal, field))
        seen += "{}" if field is not None else ""
    return parts


def _fill(parts: list[tuple[str, str | None]], values: dict[str, str]) -> str:
    return "".join(literal + (values[field] if field else "") for literal, field in parts)


def drafts(
    con: duckdb.DuckDBPyConnection,
    incident_id: str,
    template: Template,
    zone: str = "UTC",
    reply_to: str = DEFAULT_REPLY_TO,
    markdown: bool = False,
) -> list[Draft]:
    """One draft per contact_list row of the incident, in call order; `markdown` escapes the text
    from the exports for a Markdown document, else it stays plain text."""
    tz = _zone(zone)
    s = incident_summary(con, incident_id)
    text = md_text if markdown else _one_line
    contacts = query_rows(con, "pages/contacts_to_call", **CONTACTS_OF, incident_id=incident_id)
    tickets = query_rows(con, "pages/incident_tickets", incident_id=incident_id)
    updates = query_rows(con, "pages/incident_status_updates", incident_id=incident_id)
    items = query_rows(con, "pages/incident_action_items", incident_id=incident_id)
    covering = query_rows(con, "pages/outreach_follow_ups", incident_id=incident_id)
    shared = {
        "incident_id": text(incident_id),
        "incident_title": text(s["title"] or incident_id),
        "impact_window": _impact_window(s, tz),
        "status_page": _status_page(updates, tz, text),
        "reply_to": text(reply_to),
    }
    result = []
    for c in contacts:
        account = c["account_id"]
        mine = [t for t in tickets if t["account_id"] == account]
        answers = [i["title"] for i in covering if i["account_id"] == account]
        if not mine:
            answers = [i["title"] for i in items]
        values = {
            **shared,
            "account_name": text(c["account_name"] or account),
            "account_id": text(account),
            "priority": str(c["priority"]),
            "their_tickets": _their_tickets(mine, tz, text),
            "our_follow_ups": _follow_ups(answers, text),
        }
        result.append(
            Draft(
                c["priority"],
                account,
                c["account_name"] or account,
                _fill(template.subject, values),
                _fill(template.body, values),
            )
        )
    return result


def _zone(zone: str) -> ZoneInfo:
    try:
        return ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(
            f"unknown time zone '{zone}' (an IANA name such as Europe/Berlin)"
        ) from None


def _one_line(value: object) -> str:
    return " ".join(str(value).split())


def _local(moment: datetime, tz: ZoneInfo) -> datetime:
    return moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(tz)


def _day(moment: datetime) -> str:
    return f"{moment.day} {moment:%B %Y}"


def _impact_window(s: dict, tz: ZoneInfo) -> str:
    start = s["customer_impact_start_at"] or s["started_at"]
    end = s["customer_impact_end_at"] or s["resolved_at"]
    first = _local(start, tz)
    if end is None:
        return f"from {_day(first)}, {first:%H:%M %Z}, and it is still going on"
    last = _local(end, tz)
    if first.date() == last.date():
        return f"on {_day(first)} from {first:%H:%M} to {last:%H:%M %Z}"
    return f"from {_day(first)}, {first:%H:%M} to {_day(last)}, {last:%H:%M %Z}"


def _status_page(updates: list[dict], tz: ZoneInfo, text) -> str:
    if not updates:
        return "we posted no status page update for it."
    last = max(updates, key=lambda u: u["posted_at"])
    at = _local(last["posted_at"], tz)
    return f"“{text(last['body'] or '')}” ({text(last['status'])}, {_day(at)} {at:%H:%M %Z})"


def _their_tickets(tickets: list[dict], tz: ZoneInfo, text) -> str:
    if not tickets:
        return "- You did not write to us about it."
    lines = []
    for t in sorted(tickets, key=lambda t: (t["created_at"], t["ticket_id"])):
        opened = _local(t["created_at"], tz)
        subject = text(t["subject"] or "(no subject)")
        lines.append(f"- “{subject}”, opened {_day(opened)} {opened:%H:%M %Z}")
    return "\n".join(lines)


def _follow_ups(titles: list[str], text) -> str:
    if not titles:
        return "- We are still agreeing on the follow-up work; we will tell you once it is settled."
    return "\n".join(f"- {text(title)}" for title in titles)


def drafts_csv(found: list[Draft]) -> bytes:
    """The drafts as CSV for a mail merge, a row per account in call order, cells a spreadsheet
    would run as a formula guarded."""
    return safe_csv(pd.DataFrame([d.__dict__ for d in found], columns=CSV_COLUMNS))


def render(found: list[Draft], fmt: str, incident_id: str) -> str:
    """The drafts as one Markdown document (a section each) or as CSV for a mail merge."""
    if fmt == "csv":
        return drafts_csv(found).decode("utf-8")
    if not found:
        return f"Nobody to contact after {md_text(incident_id)}: the contact list is empty.\n"
    sections = [
        f"## {d.priority}. {md_text(d.account_name)} ({md_text(d.account_id)})\n\n"
        f"**Subject:** {d.email_subject}\n\n{d.body.rstrip()}\n"
        for d in found
    ]
    return "\n".join(sections)

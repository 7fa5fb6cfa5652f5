"""`aftermath surge SURGE_ID`: a ticket surge as Markdown, for declaring it after the fact.

Engineering gets what a declaration needs: when it began and peaked, how far above normal,
who wrote in and what they wrote about, and the tickets themselves. Every text from the exports
is escaped (report.md_text), so the Markdown renders as plain text.
"""

import duckdb

from aftermath.errors import InputError
from aftermath.format import (
    at_text,
    count_text,
    duration_text,
    money_text,
    text_or_missing,
    times_normal_text,
)
from aftermath.queries import query_rows
from aftermath.report import md_text

MAX_ROWS = 50
SUBJECT_CHARS = 90


def render_surge(con: duckdb.DuckDBPyConnection, surge_id: str) -> str:
    """The Markdown section for one surge; InputError when there is no such surge."""
    found = query_rows(con, "pages/surge_summary", surge_id=surge_id)
    if not found:
        raise InputError(
            f"no surge '{surge_id}' in the database; `aftermath export ticket_surges` lists them"
        )
    s = found[0]
    tickets = query_rows(con, "pages/surge_ticket_list", surge_id=surge_id)
    return "\n\n".join([_headline(s), _accounts(tickets), _tickets(tickets)]) + "\n"


def _headline(s: dict) -> str:
    minutes = (s["ended_at"] - s["started_at"]).total_seconds() / 60
    if s["incident_id"] is None:
        status = "**No incident was declared** for it."
    else:
        status = f"Declared as **{md_text(s['incident_id'])}**."
    ratio = s["peak_ratio"]
    times = f" ({times_normal_text(ratio)})" if ratio is not None else " (none usual)"
    topic = (
        "every ticket of those hours"
        if s["surge_kind"] == "volume"
        else "the tickets on its topic, while the total stayed near normal"
    )
    mrr = f", MRR {money_text(s['mrr'])}" if s["mrr"] is not None else " (no accounts loaded)"
    return "\n".join(
        [
            f"## Ticket surge {md_text(s['surge_id'])}",
            "",
            f"_Customers wrote in far above the usual level. {status} Figures from Aftermath, "
            f"data up to {at_text(s['data_end_at'])}._",
            "",
            f"- **When:** {at_text(s['started_at'])} → {at_text(s['ended_at'], s['started_at'])} "
            f"({duration_text(minutes)}); first ticket {at_text(s['first_ticket_at'])}.",
            f"- **Peak:** {at_text(s['peak_at'])}, {count_text(s['peak_tickets'])} tickets "
            f"against {s['peak_baseline_tickets']:g} usual{times}.",
            f"- **Tickets:** {count_text(s['tickets'])} against {s['baseline_tickets']:g} usual "
            f"for those hours: {s['excess_tickets']:g} above normal ({topic}).",
            f"- **Customers:** {count_text(s['accounts'])} accounts wrote in{mrr}.",
            f"- **What they wrote about:** {md_text(s['top_terms'] or 'no word stands out')}.",
            f"- **To declare it:** start {at_text(s['first_ticket_at'])} at the latest (the "
            "first ticket); the words above say which service; link these tickets to the "
            "incident in the help desk so that its customer impact is counted.",
        ]
    )


def _accounts(tickets: list[dict]) -> str:
    by_account: dict[str, dict] = {}
    for t in tickets:
        if t["account_id"] is None:
            continue
        row = by_account.setdefault(t["account_id"], {**t, "tickets": 0})
        row["tickets"] += 1
    lines = ["### Accounts that wrote in", ""]
    if not by_account:
        return "\n".join([*lines, "No ticket names an account."])
    ranked = sorted(by_account.values(), key=lambda a: (-(a["mrr"] or 0), a["account_id"]))
    lines += ["| account | segment | MRR | tickets |", "|---|---|---:|---:|"]
    for a in ranked[:MAX_ROWS]:
        name = a["account_name"] or a["account_id"]
        lines.append(
            f"| {md_text(name)} | {md_text(text_or_missing(a['segment']))} | {money_text(a['mrr'])} "
            f"| {a['tickets']} |"
        )
    return "\n".join(lines + _more(len(ranked)))


def _tickets(tickets: list[dict]) -> str:
    lines = [
        "### Tickets",
        "",
        "| ticket | opened (UTC) | account | subject |",
        "|---|---|---|---|",
    ]
    for t in tickets[:MAX_ROWS]:
        account = text_or_missing(t["account_name"] or t["account_id"])
        subject = text_or_missing(t["subject"])
        if len(subject) > SUBJECT_CHARS:
            subject = subject[: SUBJECT_CHARS - 1] + "…"
        lines.append(
            f"| {md_text(t['ticket_id'])} | {t['created_at']:%Y-%m-%d %H:%M} | {md_text(account)} "
            f"| {md_text(subject)} |"
        )
    return "\n".join(lines + _more(len(tickets)))


def _more(count: int) -> list[str]:
    if count <= MAX_ROWS:
        return []
    return ["", f"… and {count - MAX_ROWS} more: `aftermath export surge_tickets`."]

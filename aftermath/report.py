"""`aftermath report INCIDENT_ID`: the "Customer impact" section to paste into a postmortem.

It is the postmortem's half of the two-way link between incidents and tickets: it names the
affected customers and their tickets. Everything customers or exports wrote (quotes, subjects,
account names, ids) passes through `md_text`, so it shows as plain text wherever the Markdown is
rendered: no links, no HTML, no emphasis.
"""

import re

import duckdb

from aftermath.errors import InputError
from aftermath.export import safe_csv, tables
from aftermath.format import (
    at_text,
    duration_text,
    money_text,
    severity_label,
    text_or_missing,
    theme_label,
)
from aftermath.queries import query_rows, run_query

# A postmortem-sized section: the top rows of each table, the rest in the CSVs it names
# (report_csvs; `aftermath report ID --csv DIR` writes them, the Incident page downloads them).
MAX_ROWS = 10
# The first to call; the table of affected customers below lists the top by MRR as well.
MAX_CONTACTS = 5
# pages/contacts_to_call with no filter but the incident: every account to contact.
CONTACTS_OF = {"segment": None, "min_mrr": None, "reason": None, "max_rows": None}
QUOTE_CHARS = 160
SUBJECT_CHARS = 60

# Characters that start Markdown or HTML markup anywhere in a line (links, images, emphasis,
# code, tables, strikethrough, entities, math in renderers that have it, e-mail autolinks).
_MARKUP = re.compile(r"([\\`*_\[\]<>|~&$@])")
# Bare URLs that GitHub-flavoured renderers turn into links by themselves.
_AUTOLINK = re.compile(r"(?i)(\w)(://)|\b(www)(\.)")


def md_text(text: object) -> str:
    """Any text as one line of plain Markdown text: markup characters escaped, URLs inert."""
    line = " ".join(str(text).split())
    line = _MARKUP.sub(r"\\\1", line)
    return _AUTOLINK.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"{m[3]}\\{m[4]}", line)


def csv_names(incident_id: str) -> dict[str, str]:
    """The files the section names for its full tables: accounts and tickets."""
    safe = re.sub(r"[^\w.-]", "_", incident_id)
    return {"accounts": f"{safe}-affected-accounts.csv", "tickets": f"{safe}-tickets.csv"}


def report_csvs(con: duckdb.DuckDBPyConnection, incident_id: str) -> dict[str, bytes]:
    """The section's full tables as spreadsheet-safe CSVs, by file name: every affected account
    (wrote in or went quiet; the already quiet ones, not counted, left out as in the section)
    and every related ticket."""
    names = csv_names(incident_id)
    accounts = run_query(con, "pages/incident_accounts", incident_id=incident_id)
    accounts = accounts[accounts["quiet"] | (accounts["related_tickets"] > 0)]
    tickets = run_query(con, "pages/incident_tickets", incident_id=incident_id)
    return {names["accounts"]: safe_csv(accounts), names["tickets"]: safe_csv(tickets)}


def incident_summary(con: duckdb.DuckDBPyConnection, incident_id: str) -> dict:
    """The incident's row of pages/incident_summary; InputError when it is unknown."""
    found = query_rows(con, "pages/incident_summary", incident_id=incident_id)
    if not found:
        raise InputError(
            f"no incident '{incident_id}' in the database; `aftermath export incidents` lists them"
        )
    return found[0]


def render_report(con: duckdb.DuckDBPyConnection, incident_id: str) -> str:
    """The Markdown "Customer impact" section for one incident; InputError when it is unknown."""
    s = incident_summary(con, incident_id)
    tickets = query_rows(con, "pages/incident_tickets", incident_id=incident_id)
    accounts = query_rows(con, "pages/incident_accounts", incident_id=incident_id)
    quotes = query_rows(con, "pages/report_quotes", incident_id=incident_id)
    phrases = query_rows(con, "pages/incident_signal_phrases", incident_id=incident_id)
    older = _older_load(con)
    parts = [
        _headline(s, accounts),
        "### The support review",
        _not_built(QUESTIONS[0], older)
        if older
        else _tasks(
            s,
            query_rows(con, "pages/incident_tasks", incident_id=incident_id),
            query_rows(con, "pages/incident_ticket_groups", incident_id=incident_id),
        ),
        _confusion(s, phrases, quotes),
        _workarounds(s, phrases, quotes, tickets, accounts),
        _not_built(QUESTIONS[3], older)
        if older
        else _replies(
            s,
            query_rows(con, "pages/incident_reply_outcomes", incident_id=incident_id),
            query_rows(con, "pages/ticket_comment_counts")[0],
        ),
        _contacts(
            s,
            query_rows(con, "pages/contacts_to_call", **CONTACTS_OF, incident_id=incident_id),
        ),
        _quotes(quotes),
        _themes(s, query_rows(con, "pages/incident_themes", incident_id=incident_id)),
        _still_open(
            tickets, query_rows(con, "pages/incident_action_items", incident_id=incident_id)
        ),
        _accounts(accounts, csv_names(incident_id)["accounts"]),
        _tickets(tickets, csv_names(incident_id)["tickets"]),
    ]
    return "\n\n".join(parts) + "\n"


def _headline(s: dict, accounts: list[dict]) -> str:
    title = f"{md_text(s['incident_id'])} · {md_text(s['title'] or 'untitled')}"
    if s["severity"] is not None:
        title += f" · declared {severity_label(s['severity'])}"
    lines = [
        "## Customer impact",
        "",
        f"_{title}. Figures from Aftermath, data up to {at_text(s['data_end_at'])}._",
        "",
    ]
    unmeasured = s["customer_impact_reason"]
    if unmeasured:
        so_far = "so far " if s["is_ongoing"] else ""
        lines.append(
            f"The outage {'has lasted' if s['is_ongoing'] else 'lasted'} "
            f"**{duration_text(s['outage_minutes'])}** {so_far}. How long customers felt it is "
            f"**not measured**: it {md_text(unmeasured)} (load the help desk's ticket export)."
        )
    elif s["is_ongoing"]:
        lines.append(
            f"The incident is **still ongoing**: {duration_text(s['outage_minutes'])} so far, and "
            f"customers have felt it for **{duration_text(s['customer_impact_minutes'])}**."
        )
    else:
        ratio = s["impact_ratio"]
        times = f", {ratio:.3g} times as long" if ratio is not None and ratio > 1 else ""
        lines.append(
            f"The outage lasted **{duration_text(s['outage_minutes'])}**; customers felt it for "
            f"**{duration_text(s['customer_impact_minutes'])}**{times}."
        )
    lines.append("")
    end = "still ongoing" if s["is_ongoing"] else at_text(s["resolved_at"], s["started_at"])
    impact = (
        f"not measured ({md_text(unmeasured)})."
        if unmeasured
        else f"{at_text(s['customer_impact_start_at'])} → "
        f"{at_text(s['customer_impact_end_at'], s['customer_impact_start_at'])} "
        f"({duration_text(s['customer_impact_minutes'])}): from the start or the first ticket, "
        "to the last ticket of the run that kept coming after resolution."
    )
    lines += [
        f"- **Outage:** {at_text(s['started_at'])} → {end} ({duration_text(s['outage_minutes'])}).",
        f"- **Customer impact:** {impact}",
        f"- **Status page:** {_comms(s)}",
        f"- **Tickets:** {_tickets_line(s)}",
        f"- **Accounts:** {_accounts_line(s, accounts)}",
    ]
    return "\n".join(lines)


def _comms(s: dict) -> str:
    if s["first_update_at"] is None:
        return "no status update was posted, so there is no comms gap to measure."
    if s["customer_impact_reason"]:
        first = f"first update at {at_text(s['first_update_at'])}"
    elif s["first_ticket_at"] is None:
        first = f"first update at {at_text(s['first_update_at'])}, no ticket came"
    else:
        lead = s["customers_first_minutes"]
        if lead > 0:
            first = f"the first ticket came {duration_text(lead)} before the first update"
        elif lead < 0:
            first = f"the first update came {duration_text(-lead)} before the first ticket"
        else:
            first = "the first update and the first ticket came at the same minute"
    resolved_at = s["status_resolved_at"]
    if resolved_at is None:
        said = 'it never said "resolved", so there is no comms gap to measure'
    elif s["comms_gap_minutes"] is None:
        said = (
            f'it said "resolved" at {at_text(resolved_at, s["started_at"])}; whether customers '
            f"were still hurting then is not measured ({md_text(s['comms_gap_reason'])})"
        )
    elif s["comms_gap_minutes"] is not None and s["comms_gap_minutes"] > 0:
        said = (
            f'it said "resolved" at {at_text(resolved_at, s["started_at"])}, '
            f"**{duration_text(s['comms_gap_minutes'])}** before customers stopped writing "
            "(the comms gap)"
        )
    else:
        said = f'it said "resolved" at {at_text(resolved_at, s["started_at"])}, once the impact had ended'
    return f"{first}; {said}."


def _tickets_line(s: dict) -> str:
    linked, suggested, suspect = s["linked_tickets"], s["suggested_tickets"], s["suspect_links"]
    if linked is None:
        return f"not measured ({md_text(s['customer_impact_reason'])})."
    text = (
        "none related"
        if linked + suggested == 0
        else (f"{linked + suggested} related: {linked} linked in the help desk")
    )
    if suggested:
        text += f", {suggested} suggested by Aftermath (review them and link them to the incident)"
    if suspect:
        text += (
            f"; {_count(suspect, 'suspect link')} (linked, but created long before the start: "
            "not counted, fix the link in the help desk)"
        )
    return text + "."


def _accounts_line(s: dict, accounts: list[dict]) -> str:
    if s["affected_accounts"] is None:
        text = f"who wrote in is not measured ({md_text(s['customer_impact_reason'])})"
    else:
        text = f"{s['affected_accounts']} wrote in (MRR {money_text(s['affected_mrr'])})"
    if s["quiet_accounts"] is None:
        reason = s["not_judged_reason"] or "no usage data"
        return f"{text}; quiet accounts not judged ({md_text(reason)})."
    silent = s["silent_quiet_accounts"]
    text += (
        f"; {s['quiet_accounts']} went quiet afterwards (MRR {money_text(s['quiet_mrr'])}), "
        f"{silent} of them without a word to support"
    )
    already = sum(1 for a in accounts if a["already_quiet"])
    if already:
        text += f"; {_count(already, 'account')} already quiet before it, not counted"
    return text + "."


# pages/incident_ticket_groups' groupings besides the task, as the report names them, and what
# their empty group means.
GROUPINGS = {"symptom": ("symptom", "no symptom tag"), "segment": ("customer type", "no segment")}


# The support review's five questions, in the order the postmortem practice asks them.
QUESTIONS = (
    "1. What were customers trying to finish when it hit?",
    "2. What confused them most?",
    "3. What workarounds did they try, and what did they cost?",
    "4. Which replies from support calmed them, and which drew another question?",
    "5. Which customers need direct contact now?",
)
QUOTES_PER_QUESTION = 2
# The tables the support review's questions 1 and 4 read, built by the load since the review.
REVIEW_TABLES = ("related_ticket_tasks", "incident_tasks", "reply_outcomes")


def _older_load(con: duckdb.DuckDBPyConnection) -> str | None:
    """Why the support review's own tables cannot be read, or None when the load built them: a
    database loaded by an Aftermath from before the review lacks them."""
    cursor = con.cursor()
    try:
        built = set(tables(cursor))
    finally:
        cursor.close()
    missing = [t for t in REVIEW_TABLES if t not in built]
    if not missing:
        return None
    return (
        f"Not measured: this database was loaded by an older version of Aftermath, without "
        f"{', '.join(f'`{t}`' for t in missing)}; load the exports again (`aftermath load`)."
    )


def _not_built(question: str, reason: str) -> str:
    return "\n".join([f"#### {question}", "", reason])


def _unanswerable(s: dict) -> str | None:
    """Why questions about the related tickets cannot be answered, or None when they can."""
    if s["linked_tickets"] is None:
        return f"Not measured: it {md_text(s['customer_impact_reason'])} (load the tickets)."
    if s["linked_tickets"] + s["suggested_tickets"] == 0:
        return "No related ticket, so nothing to read."
    return None


def _tasks(s: dict, tasks: list[dict], groups: list[dict]) -> str:
    lines = [f"#### {QUESTIONS[0]}", ""]
    reason = _unanswerable(s)
    if reason:
        return "\n".join([*lines, reason])
    if not tasks:
        lines.append(
            "No related ticket names a task of the lexicon's [tasks] (queries/lexicon.toml)."
        )
    else:
        lines += [
            "| task | tickets | accounts | MRR | in their words |",
            "|---|---:|---:|---:|---|",
        ]
        lines += [
            f"| {md_text(t['task'])} | {t['tickets']} | {t['accounts']} | {money_text(t['mrr'])} "
            f"| “{md_text(_shorten(t['example']))}” |"
            for t in tasks
        ]
        untasked = sum(
            g["tickets"] for g in groups if g["grouping"] == "task" and g["group_name"] is None
        )
        if untasked:
            lines += ["", f"{_count(untasked, 'related ticket')} named no task."]
    lines.append("")
    for grouping, (label, empty) in GROUPINGS.items():
        shown = [
            f"{md_text(g['group_name'] or empty)} {g['tickets']}"
            for g in groups
            if g["grouping"] == grouping
        ]
        lines.append(f"- **Tickets by {label}:** {', '.join(shown) or 'none'}.")
    return "\n".join(lines)


def _signal_answer(
    question: str, s: dict, signal: str, phrases: list[dict], quotes: list[dict], found: str
) -> list[str]:
    """A question answered by one signal: its tickets, the phrases by tickets, quotes (each
    text once). `found` says what a ticket shows, its verb first: 'shows confusion'."""
    lines = [f"#### {question}", ""]
    reason = _unanswerable(s)
    if reason:
        return [*lines, reason]
    count = s[f"{signal}_tickets"]
    if not count:
        return [*lines, f"No related ticket {found}."]
    mine = [p for p in phrases if p["signal"] == signal]
    said = ", ".join(f"“{md_text(p['phrase'])}” {p['tickets']}" for p in mine)
    verb, _, what = found.partition(" ")
    if count > 1:
        verb = verb.removesuffix("s")
    lines.append(f"{_count(count, 'related ticket')} {verb} {what}; in their words: {said}.")
    texts: dict[str, dict] = {}
    for q in quotes:
        if q["signal"] == signal:
            texts.setdefault(q["quote"], q)
    picked = list(texts.values())[:QUOTES_PER_QUESTION]
    if picked:
        lines.append("")
        for q in picked:
            lines += [
                f"> “{md_text(_shorten(q['quote']))}” — ticket {md_text(q['ticket_id'])}",
                ">",
            ]
        lines.pop()
    return lines


def _confusion(s: dict, phrases: list[dict], quotes: list[dict]) -> str:
    return "\n".join(
        _signal_answer(QUESTIONS[1], s, "confusion", phrases, quotes, "shows confusion")
    )


def _workarounds(
    s: dict, phrases: list[dict], quotes: list[dict], tickets: list[dict], accounts: list[dict]
) -> str:
    lines = _signal_answer(QUESTIONS[2], s, "workaround", phrases, quotes, "tells of a workaround")
    if _unanswerable(s) or not s["workaround_tickets"]:
        return "\n".join(lines)
    who = {
        t["account_id"]
        for t in tickets
        if t["account_id"] and "workaround" in t["signals"].split(", ")
    }
    mrr = [a["mrr"] for a in accounts if a["account_id"] in who and a["mrr"] is not None]
    cost = (
        f"**What it cost:** {_count(len(who), 'account')} worked around it"
        + (f", MRR {money_text(sum(mrr))}" if mrr else "")
        + "; how long the work took, the tickets do not say."
    )
    lines[3:3] = ["", cost]
    return "\n".join(lines)


def _replies(s: dict, replies: list[dict], comments: dict) -> str:
    lines = [f"#### {QUESTIONS[3]}", ""]
    reason = _unanswerable(s)
    if reason:
        return "\n".join([*lines, reason])
    if not comments["comments"]:
        return "\n".join(
            [
                *lines,
                "No ticket comments are loaded (ticket_events), so there is no reply to judge.",
            ]
        )
    if not replies:
        return "\n".join(
            [*lines, "No agent replied on the related tickets, so there is no wording to judge."]
        )
    judged = [r for r in replies if r["wrote_again_pct"] is not None]
    if judged:
        lines += [
            "Fewest customers writing again first: the wording at the top calmed them most.",
            "",
            "| reply | sent | customers stopped writing after | followed by another question "
            "| what they wrote next |",
            "|---|---:|---:|---:|---|",
        ]
        for r in judged:
            next_words = r["example_follow_up"]
            lines.append(
                f"| “{md_text(r['reply'])}” | {r['replies']} | {r['stopped_writing']} "
                f"| {r['customer_wrote_again']} ({r['wrote_again_pct']:.0f} %) "
                f"| {f'“{md_text(_shorten(next_words))}”' if next_words else ''} |"
            )
        lines.append("")
    unjudged = len(replies) - len(judged)
    if unjudged:
        other = "other " if judged else ""
        lines.append(f"{_count(unjudged, other + 'reply')}: sent too few times to judge.")
    return "\n".join(lines).rstrip()


def _contacts(s: dict, contacts: list[dict]) -> str:
    lines = [f"#### {QUESTIONS[4]}", ""]
    if not contacts:
        if s["linked_tickets"] is None and s["quiet_accounts"] is None:
            return "\n".join(
                [*lines, "Not known: it needs the tickets or the usage data (neither is loaded)."]
            )
        return "\n".join(
            [
                *lines,
                "Nobody (no quiet account, and no urgent, trust-loss or unsolved ticket).",
            ]
        )
    first = f", the first {MAX_CONTACTS}" if len(contacts) > MAX_CONTACTS else ""
    lines.append(f"{_count(len(contacts), 'account')} to call{first}, in order:")
    lines.append("")
    lines += [
        f"{c['priority']}. {md_text(c['account_name'] or c['account_id'])} "
        f"({md_text(c['segment'] or 'no segment')}, {_mrr(c['mrr'])}): {md_text(c['why'])}"
        for c in contacts[:MAX_CONTACTS]
    ]
    more = len(contacts) - MAX_CONTACTS
    if more > 0:
        lines.append(f"\nAnd {more} more: the dashboard's contact list has them all.")
    lines.append(f"\nA draft message for each: `aftermath outreach {md_text(s['incident_id'])}`.")
    return "\n".join(lines)


def _quotes(candidates: list[dict]) -> str:
    lines = ["### In their words", ""]
    if not candidates:
        return "\n".join([*lines, "No related ticket shows a signal."])
    # One quote per signal, the best one from a ticket not quoted yet when there is one.
    chosen: dict[tuple[str, str], list[str]] = {}
    used: set[str] = set()
    for signal in sorted({c["signal"] for c in candidates}):
        mine = [c for c in candidates if c["signal"] == signal]
        pick = next((c for c in mine if c["ticket_id"] not in used), mine[0])
        used.add(pick["ticket_id"])
        chosen.setdefault((pick["ticket_id"], pick["quote"]), []).append(theme_label(signal))
    for (ticket_id, quote), signals in chosen.items():
        lines.append(
            f"> “{md_text(_shorten(quote))}” — {', '.join(signals)}, ticket {md_text(ticket_id)}"
        )
        lines.append(">")
    return "\n".join(lines[:-1])


def _themes(s: dict, themes: list[dict]) -> str:
    lines = ["### Complaints and their owners", ""]
    if not themes:
        lines.append("No related ticket carries a signal or a symptom tag.")
    else:
        lines += ["| theme | tickets | owning action items |", "|---|---:|---|"]
        for t in sorted(themes, key=lambda t: (-t["tickets"], t["theme"])):
            owners = md_text(t["action_item_ids"]) if t["covered"] else "**none**"
            lines.append(f"| {md_text(theme_label(t['theme']))} | {t['tickets']} | {owners} |")
        lines.append("")
        uncovered = [theme_label(t["theme"]) for t in themes if not t["covered"]]
        lines.append(
            f"**Owned by no action item:** {md_text(', '.join(sorted(uncovered)))}."
            if uncovered
            else "Every complaint has an owning action item."
        )
    teams = s["action_item_teams"] or []
    if s["action_items"]:
        lines.append(
            f"\n**Action items:** {s['action_items']}, from {md_text(', '.join(teams) or 'no team')}."
        )
    else:
        lines.append("\n**Action items:** none yet.")
    if s["is_engineering_only"]:
        lines.append(
            "Customers reported confusion or workarounds, yet every follow-up is engineering's: "
            "product and support work is missing."
        )
    return "\n".join(lines)


def _still_open(tickets: list[dict], action_items: list[dict]) -> str:
    lines = ["### Still open", ""]
    open_items = [a for a in action_items if a["completed_at"] is None]
    overdue = [a for a in open_items if a["is_overdue"]]
    line = (
        f"- **Action items:** {len(open_items)} of {len(action_items)} open, {len(overdue)} overdue"
    )
    if overdue:
        line += ": " + "; ".join(
            f"{md_text(a['action_item_id'])} “{md_text(a['title'])}” "
            f"({md_text(a['team'] or 'no team')}, due {a['due_date']:%Y-%m-%d})"
            for a in overdue
        )
    lines.append(line + ".")
    unsolved = [t["ticket_id"] for t in tickets if t["solved_at"] is None]
    lines.append(
        f"- **Tickets not solved:** {len(unsolved)}"
        + (f": {md_text(', '.join(unsolved))}." if unsolved else ".")
    )
    return "\n".join(lines)


def _mrr(mrr: object) -> str:
    return "MRR unknown" if mrr is None else f"MRR {money_text(mrr)}"


def _accounts(accounts: list[dict], csv_name: str) -> str:
    """The affected accounts the text counts, top MRR first: those that wrote in or went quiet
    (an account already quiet before the incident is not counted, so not listed)."""
    lines = ["### Affected customers", ""]
    counted = sorted(
        (a for a in accounts if a["quiet"] or a["related_tickets"]),
        key=lambda a: (-(a["mrr"] or 0), a["account_id"]),
    )
    if not counted:
        return "\n".join([*lines, "No account wrote in or went quiet."])
    lines += [
        *_top(len(counted), "accounts", "by MRR"),
        "| account | segment | MRR | related tickets | after the incident |",
        "|---|---|---:|---:|---|",
    ]
    for a in counted[:MAX_ROWS]:
        after = ("quiet, silent" if a["silent"] else "quiet") if a["quiet"] else ""
        name = a["name"] or a["account_id"]
        lines.append(
            f"| {md_text(name)} | {md_text(a['segment'] or '')} | {money_text(a['mrr'])} "
            f"| {a['related_tickets']} | {after} |"
        )
    return "\n".join(lines + _more(len(counted), "accounts", csv_name))


def _tickets(tickets: list[dict], csv_name: str) -> str:
    lines = ["### Tickets", ""]
    if not tickets:
        return "\n".join([*lines, "No related ticket."])
    lines += [
        *_top(len(tickets), "tickets", "the first by time"),
        "| ticket | opened (UTC) | account | subject | link | signals |",
        "|---|---|---|---|---|---|",
    ]
    for t in tickets[:MAX_ROWS]:
        account = text_or_missing(t["account_name"] or t["account_id"])
        subject = _shorten(t["subject"] or "", SUBJECT_CHARS)
        signals = ", ".join(theme_label(x) for x in t["signals"].split(", ") if x)
        lines.append(
            f"| {md_text(t['ticket_id'])} | {t['created_at']:%Y-%m-%d %H:%M} | {md_text(account)} "
            f"| {md_text(subject)} | {t['link']} | {signals} |"
        )
    return "\n".join(lines + _more(len(tickets), "tickets", csv_name))


def _top(count: int, things: str, order: str) -> list[str]:
    """A line over a table that shows only its top rows."""
    return [] if count <= MAX_ROWS else [f"The top {MAX_ROWS} of {count} {things}, {order}:", ""]


def _more(count: int, things: str, csv_name: str) -> list[str]:
    if count <= MAX_ROWS:
        return []
    return [
        "",
        f"The other {count - MAX_ROWS} {things}, and all {count}, are in `{csv_name}` "
        "(`aftermath report ID --csv DIR` writes it; the Incident page's Postmortem tab "
        "downloads it).",
    ]


def _count(n: int, thing: str) -> str:
    return f"{n} {thing}" if n == 1 else f"{n} {thing}s"


def _shorten(text: str, chars: int = QUOTE_CHARS) -> str:
    """At most `chars` characters, cut at a word with an ellipsis."""
    line = " ".join(text.split())
    if len(line) <= chars:
        return line
    return line[: chars - 1].rsplit(" ", 1)[0] + "…"

"""The week-later check on the calendar: a 15-minute event at `week_later.check_due_at` whose
description is the checklist (accounts still quiet, tickets still open, action items overdue,
accounts that wrote again), written as RFC 5545 iCalendar by the `icalendar` library, which
folds long lines and escapes text."""

from datetime import UTC, datetime, timedelta

import duckdb
from icalendar import Calendar, Event

from aftermath.errors import InputError
from aftermath.format import at_text, count_text
from aftermath.queries import query_rows
from aftermath.report import incident_summary

CHECK_MINUTES = 15


def week_later_ics(con: duckdb.DuckDBPyConnection, incident_id: str) -> bytes:
    """The .ics file of the incident's week-later check; InputError when it has no date yet."""
    s = incident_summary(con, incident_id)
    check = query_rows(con, "pages/incident_week_later", incident_id=incident_id)[0]
    if check["check_due_at"] is None:
        raise InputError(
            f"incident '{incident_id}' is still ongoing: its week-later check is due "
            "a week after it is resolved"
        )
    event = Event()
    event.add("uid", f"week-later-{incident_id}@aftermath")
    event.add("dtstamp", datetime.now(UTC))
    event.add("dtstart", check["check_due_at"].replace(tzinfo=UTC))
    event.add("duration", timedelta(minutes=CHECK_MINUTES))
    event.add("summary", f"Week-later check: {incident_id} {s['title'] or ''}".strip())
    event.add("description", checklist(incident_id, check))
    calendar = Calendar()
    calendar.add("prodid", "-//Aftermath//week-later check//EN")
    calendar.add("version", "2.0")
    calendar.add_component(event)
    return calendar.to_ical()


def checklist(incident_id: str, check: dict) -> str:
    """What to look at in the check, with the figures as of the data's end."""
    as_of = at_text(check["checked_at"])
    quiet = _or_unknown(check["accounts_still_quiet"], "needs usage covering the week")
    wrote_again = _or_unknown(check["repeat_ticket_accounts"], "not known yet")
    lines = [
        f"A week after {incident_id} was resolved: is every customer back? Figures as of "
        f"{as_of}; run `aftermath report {incident_id}` on the newest data before the call.",
        "",
        f"[ ] Accounts still quiet: {quiet}. Call them.",
        f"[ ] Related tickets still open: {count_text(check['open_related_tickets'])}. "
        "Close or answer them.",
        f"[ ] Action items overdue: {count_text(check['overdue_action_items'])}. "
        "Ask their owners for a date.",
        f"[ ] Accounts that wrote again after resolution: {wrote_again}. Read what they said.",
    ]
    return "\n".join(lines)


def _or_unknown(value: object, reason: str) -> str:
    return reason if value is None else count_text(value)

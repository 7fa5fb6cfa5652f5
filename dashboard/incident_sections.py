"""The Incident page's sections, one function each, in the order the page shows them.

`summary` is the row of pages/incident_summary; each section runs its own page queries.
"""

import pandas as pd
import streamlit as st

from aftermath.export import safe_csv
from aftermath.format import (
    MISSING,
    count_text,
    counted,
    dollars_text,
    duration_text,
    is_missing,
    or_reason,
    severity_label,
    signed_duration_words,
    times_normal_text,
    value_or_reason,
)
from dashboard import cards, charts, db, filters, incident_timeline, tables

CONTACTS_SHOWN = 200
TABS = [
    "Tickets",
    "Support review",
    "Accounts",
    "Themes and action items",
    "Status page",
    "Postmortem",
]


def pick_incident() -> tuple[str, str]:
    """The incident the link names, else the period's finished incident that reached the most
    customers (the Overview's date range, else the data's last 90 days), picked in a box the
    link follows: (incident_id, its label)."""
    labels = db.incident_labels()
    period = st.session_state.get(filters.PERIOD_KEY, {})
    incidents = db.run(
        "pages/incident_list",
        started_from=period.get("started_from"),
        started_before=period.get("started_before"),
    )
    opening = incidents.loc[incidents["is_opening_pick"], "incident_id"].iloc[0]
    wanted = st.query_params.get("incident")
    if wanted in labels:
        st.session_state["incident_pick"] = wanted
    elif wanted is not None:
        st.warning(
            "The incident in the link is not in this database; showing the finished incident "
            "that reached the most customers."
        )
    if st.session_state.get("incident_pick") not in labels:
        st.session_state["incident_pick"] = opening
    incident_id = st.selectbox(
        "Incident",
        list(labels),
        format_func=labels.get,
        key="incident_pick",
        # The link follows the pick, so the page can be shared as it is.
        on_change=lambda: st.query_params.update(incident=st.session_state["incident_pick"]),
    )
    st.query_params["incident"] = incident_id
    title = incidents.set_index("incident_id").at[incident_id, "title"]
    return incident_id, f"{incident_id} · {title}" if pd.notna(title) else incident_id


def heading(summary: tuple, label: str) -> None:
    """The title, when it ran, the severity the customers suggest, and its ticket surges."""
    st.title(label)
    ended = "ongoing" if summary.is_ongoing else f"resolved {summary.resolved_at:%Y-%m-%d %H:%M}"
    suggested = or_reason(
        summary.suggested_severity,
        severity_label(summary.suggested_severity),
        summary.customer_impact_reason,
    )
    st.caption(
        f"{severity_label(summary.severity)} · started {summary.started_at:%Y-%m-%d %H:%M} · "
        f"{ended} ({db.zone()}) · severity the customers' record suggests: {suggested}"
    )
    surges = db.run("pages/incident_surge", incident_id=summary.incident_id)
    for surge in surges.itertuples():
        rose = (
            times_normal_text(surge.peak_ratio)
            if pd.notna(surge.peak_ratio)
            else "far above normal"
        )
        st.caption(
            f"Tickets rose to {rose} at {surge.peak_at:%H:%M} ({surge.peak_tickets} in the hour; "
            f"surge {surge.surge_id}: {surge.tickets} tickets from {surge.accounts} accounts)."
        )


def headline_cards(summary: tuple, has_tickets: bool, has_usage: bool) -> None:
    """Outage, customer impact, tickets, quiet accounts and the comms gap, as five cards."""
    so_far = " so far" if summary.is_ongoing else ""
    impact, impact_reason = value_or_reason(
        summary.customer_impact_minutes,
        duration_text(summary.customer_impact_minutes),
        summary.customer_impact_reason,
    )
    gap, gap_reason = value_or_reason(
        summary.comms_gap_minutes,
        duration_text(abs(summary.comms_gap_minutes or 0)),
        summary.comms_gap_reason,
    )
    if gap_reason is None:
        gap_reason = (
            "customers hurt on after 'resolved' was posted"
            if summary.comms_gap_minutes > 0
            else "customer impact ended before 'resolved' was posted"
        )
    quiet, quiet_reason = value_or_reason(
        summary.quiet_accounts,
        f"{count_text(summary.quiet_accounts)} ({count_text(summary.silent_quiet_accounts)})",
        summary.not_judged_reason,
    )
    with cards.row():
        cards.card(
            f"Outage{so_far}", duration_text(summary.outage_minutes), help="started → resolved"
        )
        cards.card(
            f"Customer impact{so_far}",
            impact,
            impact_reason,
            help="first sign → end of the ticket run",
        )
        cards.card(
            "Tickets linked / suggested",
            f"{count_text(summary.linked_tickets)} / {count_text(summary.suggested_tickets)}"
            if has_tickets
            else MISSING,
            f"{counted(summary.affected_accounts, 'account')} wrote in"
            if has_tickets
            else "no tickets loaded",
        )
        cards.card(
            "Quiet accounts (silent)",
            quiet if has_usage else MISSING,
            (f"{dollars_text(summary.quiet_mrr)} MRR" if quiet_reason is None else quiet_reason)
            if has_usage
            else "needs usage",
            help="silent: went quiet without opening a related ticket",
        )
        cards.card(
            "Comms gap",
            gap,
            gap_reason,
            help="the end of the customer impact against 'resolved' on the status page",
        )


def contacts_to_call(incident_id: str, has_tickets: bool, has_usage: bool) -> None:
    """The incident's contact list, first to call first, with its CSV."""
    st.subheader("Whom to call first")
    if not (has_tickets or has_usage):
        st.info(f"{db.NEEDS['tickets']} {db.NEEDS['usage']} {db.LOAD_HINT}")
        return
    one_incident = {"incident_id": incident_id, "segment": None, "min_mrr": None, "reason": None}
    totals = db.one("pages/contacts_to_call_totals", **one_incident)
    contacts = db.run("pages/contacts_to_call", **one_incident, max_rows=CONTACTS_SHOWN)
    if contacts.empty:
        st.success(
            "Nobody went quiet, no account wrote of urgency or lost trust, and every "
            "related ticket is solved."
        )
        return
    st.caption(
        f"{counted(totals.accounts, 'account')}, {dollars_text(totals.mrr)} MRR, "
        f"{count_text(totals.silent_quiet_accounts)} of them silent quiet; first to call first "
        "(score: MRR × the strength of the reasons)."
    )
    zone, reasons = db.zone(), db.run("pages/contact_reasons")
    shown = tables.contacts_shown(contacts)
    tables.show(
        shown,
        tables.contacts(zone, reasons),
        tables.CONTACT_COLUMNS,
        rows_in_view=8,
        row_height=tables.contacts_row_height(shown, tables.WHY_CHARS_PER_LINE),
    )
    st.download_button(
        "Download the contact list (CSV)",
        lambda: tables.contacts_csv(contacts, zone, reasons),
        file_name=f"{incident_id}-contacts.csv",
        mime="text/csv",
    )


def timeline(summary: tuple, has_tickets: bool) -> None:
    """Tickets per hour against the usual level, the windows, the updates and quiet usage."""
    incident_id = summary.incident_id
    # Without tickets the hours hold only zeros: the chart draws the outage and the updates alone.
    hours = db.run("pages/incident_hourly_tickets", incident_id=incident_id).iloc[
        : None if has_tickets else 0
    ]
    updates = db.run("pages/incident_status_updates", incident_id=incident_id)
    if not (len(hours) or len(updates)):
        return
    comments = db.run("pages/incident_lingering_comments", incident_id=incident_id)
    activity = db.run("pages/incident_exposed_activity", incident_id=incident_id)
    figure = incident_timeline.incident_timeline(
        hours, updates, comments, activity, summary._asdict(), db.zone()
    )
    st.plotly_chart(figure, key="timeline", config=charts.NO_TOOLBAR)


def tickets_tab(summary: tuple) -> None:
    """The related tickets in the customers' words, and the suspect links for CS to fix."""
    if not db.require("tickets"):
        return
    incident_id = summary.incident_id
    tickets = db.run("pages/incident_tickets", incident_id=incident_id)
    tables.show(
        tickets,
        tables.incident_tickets(db.zone()),
        tables.TICKET_COLUMNS,
        rows_in_view=8,
        row_height=tables.wrapped_row_height(
            (tickets["quote"], tables.QUOTE_CHARS_PER_LINE),
            (tickets["reason"], tables.REASON_CHARS_PER_LINE),
        ),
    )
    st.download_button(
        "Download these tickets (CSV)",
        lambda: safe_csv(tickets),
        file_name=f"{incident_id}-tickets.csv",
        mime="text/csv",
    )
    if summary.suspect_links:
        st.markdown(f"**Suspect links for CS to fix ({summary.suspect_links})**")
        st.caption(
            "Linked to this incident in the help desk, but created long before it started: "
            "they move no window and count in no total until the link is fixed."
        )
        suspects = db.run("pages/suspect_links_to_fix", incident_id=incident_id)
        tables.show(suspects, tables.suspect_links(db.zone()))
    ambiguous_tickets(incident_id)


def ambiguous_tickets(incident_id: str | None) -> None:
    """Tickets that fit this incident and another one equally: suggested for neither."""
    if not db.rows("ambiguous_tickets"):
        return
    ambiguous = db.run("pages/ambiguous_tickets", incident_id=incident_id)
    if ambiguous.empty:
        return
    st.markdown(f"**Tickets for CS to link: they fit two incidents equally ({len(ambiguous):,})**")
    st.caption(
        "Their words tie them as much to another incident open at the time as to this one, so "
        "Aftermath suggests them for neither: they move no window and count in no total until "
        "CS links each to its incident in the help desk."
    )
    tables.show(ambiguous, tables.ambiguous_tickets(db.zone()))


def accounts_tab(incident_id: str, has_tickets: bool, has_usage: bool) -> None:
    """The check a week after resolution, then every affected account."""
    if not (has_tickets or db.require("usage")):
        return
    week_later(incident_id, has_tickets, has_usage)
    accounts = db.run("pages/incident_accounts", incident_id=incident_id)
    tables.show(accounts, tables.incident_accounts(db.settings()))


def week_later(incident_id: str, has_tickets: bool, has_usage: bool) -> None:
    """Still quiet, wrote again, still open, overdue: the follow-up check after resolution."""
    check = db.one("pages/incident_week_later", incident_id=incident_id)
    rules = db.settings()
    days = rules.week_later_days
    zone = db.zone()
    if pd.isna(check.check_due_at):
        when = f"the incident is ongoing: the check comes {days} days after it is resolved"
    elif check.is_check_due:
        when = f"the check {days} days after resolution, {check.check_due_at:%Y-%m-%d %H:%M}"
    else:
        when = f"due {check.check_due_at:%Y-%m-%d %H:%M}; so far, as of the data's end"
    st.markdown(f"**A week later** ({when}, {zone})")
    if pd.notna(check.check_due_at):
        st.download_button(
            "Put the 15-minute check on the calendar (.ics)",
            db.week_later_event(incident_id),
            file_name=f"{incident_id}-week-later.ics",
            mime="text/calendar",
        )
    as_of = MISSING if pd.isna(check.checked_at) else f"as of {check.checked_at:%Y-%m-%d %H:%M}"
    with cards.row():
        cards.card(
            "Still quiet",
            count_text(check.accounts_still_quiet) if has_usage else MISSING,
            as_of if has_usage else "needs usage",
            help=f"exposed accounts still at least {rules.quiet_drop_pct:g} % below baseline "
            f"over days 1–{days} after resolution; – until the usage covers them",
        )
        cards.card(
            "Wrote again",
            count_text(check.repeat_ticket_accounts) if has_tickets else MISSING,
            as_of if has_tickets else "needs tickets",
            help="accounts with a related ticket in the impact window and another after resolution",
        )
        cards.card(
            "Related tickets still open",
            count_text(check.open_related_tickets) if has_tickets else MISSING,
            as_of if has_tickets else "needs tickets",
        )
        has_items = bool(db.rows("action_items"))
        cards.card(
            "Action items overdue at the check",
            count_text(check.overdue_action_items) if has_items else MISSING,
            as_of if has_items else "needs action items",
            help="due before the check and not completed by it; the Follow-ups page counts "
            "them as of the data's newest day instead",
        )


def themes_tab(incident_id: str, has_tickets: bool) -> None:
    """The complaint themes beside the action items."""
    themes_col, items_col = st.columns(2)
    if has_tickets:
        themes = db.run("pages/incident_themes", incident_id=incident_id)
        with themes_col:
            tables.show(themes, tables.themes())
        lift = db.run("pages/incident_signal_lift", incident_id=incident_id)
        before_days = db.settings().signal_before_days
        st.markdown("**What the customers wrote of more than usual**")
        st.caption(
            "Share of all tickets created in the customer impact window that show each signal, "
            f"against the {before_days} days before the start; lift – where a signal is new."
        )
        tables.show(lift, tables.signal_lift(before_days))
    with items_col:
        if db.require("action_items"):
            items = db.run("pages/incident_action_items", incident_id=incident_id)
            tables.show(items, tables.action_items(db.zone()))


def status_page_tab(summary: tuple) -> None:
    """Who spoke first, and what the status page said."""
    first = summary.customers_first_minutes
    with cards.row():
        cards.card(
            "Who spoke first",
            MISSING
            if is_missing(first)
            else "customers"
            if first > 0
            else "the status page"
            if first < 0
            else "both at once",
            or_reason(
                first,
                f"customers wrote {signed_duration_words(first, 'before', 'after')} our first "
                "update",
                summary.customers_first_reason,
            ),
            help="the first related ticket against the first status update",
        )
    if db.require("status_updates"):
        updates = db.run("pages/incident_status_updates", incident_id=summary.incident_id)
        tables.show(updates, tables.status_updates(db.zone()))


def postmortem_tab(summary: tuple, has_tickets: bool) -> None:
    """The postmortem's hygiene, and the Markdown section for it."""
    if db.require("postmortems"):
        published = pd.notna(summary.postmortem_published_at)
        related = summary.linked_tickets + summary.suggested_tickets if has_tickets else None
        with cards.row():
            cards.card(
                "Postmortem",
                summary.postmortem_status,
                f"{summary.postmortem_days_after_resolved:.1f} days after resolution"
                if published
                else None,
            )
            cards.card(
                "Tickets: postmortem says / data shows",
                f"{count_text(summary.stated_ticket_count)} / {count_text(related)}",
                None if has_tickets else "needs tickets",
            )
            cards.card(
                "Accounts: postmortem names / affected",
                f"{count_text(summary.stated_accounts)} / {count_text(summary.affected_accounts)}",
            )
    incident_id = summary.incident_id
    report = db.report(incident_id)
    st.download_button(
        "Download the customer impact section for the postmortem (Markdown)",
        report,
        file_name=f"{incident_id}-customer-impact.md",
        mime="text/markdown",
    )
    # The section shows the top rows of its tables and names these files for the rest.
    for name, data in db.report_csvs_of(incident_id).items():
        st.download_button(f"Download {name}", data, file_name=name, mime="text/csv")
    # The report escapes every text from the exports, so its Markdown renders as plain text.
    with st.expander("Preview the section"):
        st.markdown(report)
    with st.expander("Markdown to paste"):
        st.code(report, language="markdown")

"""The Incident page's sections, one function each, in the order the page shows them.

`summary` is the row of pages/incident_summary; each section runs its own page queries.
"""

import pandas as pd
import streamlit as st

from aftermath.export import safe_csv
from aftermath.format import (
    count_text,
    duration_text,
    money_text,
    or_reason,
    severity_label,
    times_normal_text,
)
from dashboard import charts, db, incident_timeline, tables

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
    """The incident the link names (else the newest), picked in a box the link follows:
    (incident_id, its label)."""
    incidents = db.run("pages/incident_list")
    labels = dict(
        zip(
            incidents["incident_id"],
            incidents["incident_id"] + " · " + incidents["title"].fillna(""),
            strict=True,
        )
    )
    wanted = st.query_params.get("incident")
    if wanted in labels:
        st.session_state["incident_pick"] = wanted
    elif wanted is not None:
        st.warning("The incident in the link is not in this database; showing the newest one.")
    incident_id = st.selectbox(
        "Incident",
        list(labels),
        format_func=labels.get,
        key="incident_pick",
        # The link follows the pick, so the page can be shared as it is.
        on_change=lambda: st.query_params.update(incident=st.session_state["incident_pick"]),
    )
    st.query_params["incident"] = incident_id
    return incident_id, labels[incident_id]


def heading(summary: tuple, label: str) -> None:
    """The title, when it ran, the severity the customers suggest, and its ticket surges."""
    st.title(label)
    ended = "ongoing" if summary.ongoing else f"resolved {summary.resolved_at:%Y-%m-%d %H:%M}"
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
    so_far = " so far" if summary.ongoing else ""
    cards = st.columns(5, border=True)
    cards[0].metric(
        f"Outage{so_far}", duration_text(summary.outage_minutes), help="started → resolved"
    )
    cards[1].metric(
        f"Customer impact{so_far}",
        or_reason(
            summary.customer_impact_minutes,
            duration_text(summary.customer_impact_minutes),
            summary.customer_impact_reason,
        ),
        help="first sign → end of the ticket run",
    )
    cards[2].metric(
        "Tickets linked / suggested",
        f"{summary.linked_tickets} / {summary.suggested_tickets}"
        if has_tickets
        else "no tickets loaded",
        f"{count_text(summary.affected_accounts)} accounts wrote in" if has_tickets else None,
        delta_color="off",
        delta_arrow="off",
    )
    quiet = f"{count_text(summary.quiet_accounts)} ({count_text(summary.silent_quiet_accounts)})"
    cards[3].metric(
        "Quiet accounts (silent)",
        quiet if has_usage else "needs usage",
        f"${money_text(summary.quiet_mrr)} MRR"
        if has_usage and pd.notna(summary.quiet_mrr)
        else None,
        delta_color="off",
        delta_arrow="off",
        help="silent: went quiet without opening a related ticket; – while not judged (ongoing)",
    )
    cards[4].metric(
        "Comms gap",
        or_reason(
            summary.comms_gap_minutes,
            duration_text(summary.comms_gap_minutes),
            summary.comms_gap_reason,
        ),
        help="customer impact end − 'resolved' on the status page; positive: customers still "
        "hurting after 'resolved' was posted; – without tickets or a 'resolved' update",
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
        f"{count_text(totals.accounts)} accounts, ${money_text(totals.mrr)} MRR, "
        f"{count_text(totals.silent_quiet_accounts)} of them silent quiet; first to call first."
    )
    zone = db.zone()
    tables.show(contacts, tables.contacts(zone), tables.CONTACT_COLUMNS, height=35 * 8 + 3)
    st.download_button(
        "Download the contact list (CSV)",
        lambda: tables.contacts_csv(contacts, zone),
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
    ongoing_end = hours["hour"].max() if summary.ongoing and len(hours) else summary.resolved_at
    windows = {**summary._asdict(), "ended_at": ongoing_end}
    comments = db.run("pages/incident_lingering_comments", incident_id=incident_id)
    activity = db.run("pages/incident_exposed_activity", incident_id=incident_id)
    figure = incident_timeline.incident_timeline(
        hours, updates, comments, activity, windows, db.zone()
    )
    st.plotly_chart(figure, key="timeline", config=charts.NO_TOOLBAR)


def tickets_tab(summary: tuple) -> None:
    """The related tickets in the customers' words, and the suspect links for CS to fix."""
    if not db.require("tickets"):
        return
    incident_id = summary.incident_id
    tickets = db.run("pages/incident_tickets", incident_id=incident_id)
    tables.show(tickets, tables.incident_tickets(db.zone()), tables.TICKET_COLUMNS)
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
        st.dataframe(suspects, hide_index=True, column_config=tables.suspect_links(db.zone()))
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
    st.dataframe(ambiguous, hide_index=True, column_config=tables.ambiguous_tickets(db.zone()))


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
    needs_tickets = "needs tickets"
    cards = st.columns(4, border=True)
    cards[0].metric(
        "Still quiet",
        count_text(check.accounts_still_quiet) if has_usage else "needs usage",
        help=f"exposed accounts still at least {rules.quiet_drop_pct:g} % below baseline "
        f"over days 1–{days} after resolution; – until the usage covers them",
    )
    cards[1].metric(
        "Wrote again",
        count_text(check.repeat_ticket_accounts) if has_tickets else needs_tickets,
        help="accounts with a related ticket in the impact window and another after resolution",
    )
    cards[2].metric(
        "Related tickets still open",
        count_text(check.open_related_tickets) if has_tickets else needs_tickets,
    )
    cards[3].metric(
        "Action items overdue",
        count_text(check.overdue_action_items) if db.rows("action_items") else "needs action items",
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
    st.metric(
        "Customers wrote before our first update by",
        or_reason(
            summary.customers_first_minutes,
            duration_text(summary.customers_first_minutes),
            summary.customers_first_reason,
        ),
        help="first related ticket → first status update; negative: the status page spoke first",
    )
    if db.require("status_updates"):
        updates = db.run("pages/incident_status_updates", incident_id=summary.incident_id)
        tables.show(updates, tables.status_updates(db.zone()))


def postmortem_tab(summary: tuple, has_tickets: bool) -> None:
    """The postmortem's hygiene, and the Markdown section for it."""
    if db.require("postmortems"):
        cards = st.columns(3, border=True)
        published = pd.notna(summary.postmortem_published_at)
        cards[0].metric(
            "Postmortem",
            summary.postmortem_status,
            f"{summary.postmortem_days_after_resolved:.1f} days after resolution"
            if published
            else None,
            delta_color="off",
            delta_arrow="off",
        )
        related = summary.linked_tickets + summary.suggested_tickets if has_tickets else None
        cards[1].metric(
            "Tickets: postmortem says / data shows",
            f"{count_text(summary.stated_ticket_count)} / "
            + (count_text(related) if has_tickets else "needs tickets"),
        )
        cards[2].metric(
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
    # The report escapes every text from the exports, so its Markdown renders as plain text.
    with st.expander("Preview the section"):
        st.markdown(report)
    with st.expander("Markdown to paste"):
        st.code(report, language="markdown")

"""The Whom-to-call page's sections, one function each, in the order the page shows them.

`filters` are the bound parameters of pages/contacts_to_call and its totals; `totals` is the row
of pages/contacts_to_call_totals under them.
"""

import streamlit as st

from aftermath.format import count_text, dollars_text
from aftermath.queries import run_query
from aftermath.settings import Settings
from dashboard import db, quiet_charts, tables

# Every incident at once holds millions of rows at scale: the page shows the top ones.
ROWS_SHOWN = 500


def rules_caption(rules: Settings) -> None:
    st.caption(
        f"Quiet: usage over the {rules.quiet_after_days} days after resolution at least "
        f"{rules.quiet_drop_pct:g} % below the {rules.usage_baseline_days} days before. Silent: "
        "quiet without a ticket, the group easiest to miss. Order: MRR × the strength of the "
        "reasons."
    )


def pick_filters() -> dict:
    """The incident, segment, MRR floor and reason picked above the cards, as query parameters."""
    incident_col, segment_col, mrr_col, reason_col = st.columns([2, 1, 1, 1])
    labels = db.incident_labels()
    incident_id = incident_col.selectbox(
        "Incident",
        [None, *labels],
        format_func=lambda i: "All incidents" if i is None else labels[i],
        key="quiet_incident",
    )
    segment = segment_col.selectbox(
        "Segment",
        [None, *db.run("pages/account_segments")["segment"]],
        format_func=lambda s: "All segments" if s is None else s or "(none)",
        key="quiet_segment",
    )
    min_mrr = mrr_col.number_input(
        "MRR at least ($)", min_value=0, value=0, step=500, key="quiet_mrr"
    )
    reasons = db.run("pages/contact_reasons")
    words = dict(zip(reasons["reason"], reasons["words"], strict=True))
    reason = reason_col.selectbox(
        "Reason",
        [None, *words],
        format_func=lambda r: "Any reason" if r is None else words[r],
        key="quiet_reason",
    )
    return {"incident_id": incident_id, "segment": segment, "min_mrr": min_mrr, "reason": reason}


def total_cards(totals) -> None:
    cards = st.columns(3, border=True)
    cards[0].metric(
        "Accounts to contact",
        count_text(totals.accounts),
        help="an account listed after two incidents is one account",
    )
    cards[1].metric(
        "Silent quiet accounts",
        count_text(totals.silent_quiet_accounts) if db.rows("usage") else "needs usage",
        help="went quiet without a ticket",
    )
    cards[2].metric("MRR at stake", dollars_text(totals.mrr), help="each account's MRR once")


def contact_table(filters: dict, listed_rows: int) -> None:
    """The first ROWS_SHOWN contacts, first to call first, and the whole list as a CSV."""
    calls = db.run("pages/contacts_to_call", **filters, max_rows=ROWS_SHOWN)
    shown = f"{len(calls):,} of {listed_rows:,} rows shown, first to call first"
    if len(calls) < listed_rows:
        shown += "; the CSV has them all"
    st.caption(shown)
    columns = tables.CONTACT_COLUMNS
    reasons = db.run("pages/contact_reasons")
    if filters["incident_id"]:
        config = tables.contacts(db.zone(), reasons)
        per_line = tables.WHY_CHARS_PER_LINE
    else:
        config = tables.contacts(db.zone(), reasons, tables.WHY_WITH_INCIDENT_PX)
        columns, per_line = ["incident_id", *columns], tables.WHY_WITH_INCIDENT_CHARS_PER_LINE
    shown = tables.contacts_shown(calls)
    tables.show(shown, config, columns, row_height=tables.contacts_row_height(shown, per_line))
    # Streamlit runs the callable when clicked, on a thread outside this session: bind now what
    # it needs (the connection, the zone) rather than reading the session there.
    con, zone = db.connection(), db.zone()

    def contacts_csv() -> bytes:
        every_row = run_query(con, "pages/contacts_to_call", **filters, max_rows=None)
        return tables.contacts_csv(db.in_zone(every_row, zone), zone, reasons)

    st.download_button(
        "Download the contact list (CSV)",
        contacts_csv,  # every matching row, queried only when clicked
        file_name="contact_list.csv",
        mime="text/csv",
    )


def quiet_rates(rules: Settings) -> None:
    """Each incident's quiet rate against the placebo and control rates, in an expander."""
    with st.expander("Is it more than the usual churn? Quiet rate per incident against normal"):
        if not db.require("usage"):
            return
        rates = db.run("pages/quiet_rates")
        st.plotly_chart(
            quiet_charts.quiet_rates(rates, rules.placebo_offset_days), key="quiet_rates"
        )
        st.caption(
            "Accounts go quiet for reasons of their own too: the excess is the exposed accounts' "
            f"rate minus the same accounts' rate {rules.placebo_offset_days} days earlier "
            "(placebo) or unexposed accounts' rate (control, measured on a fixed sample of "
            f"{rules.control_sample_accounts:,} accounts). A placebo that would fall in "
            "another incident's aftermath, when its own customers were going quiet, moves "
            f"{rules.placebo_offset_days} days further back, or stays empty with the reason. "
            "Read a rate with its counts."
        )
        tables.show(rates, tables.quiet_rates(db.zone()))

"""The Incident page's support-led review, one function each: what the customers were trying to
do, how their tickets split by symptom and customer type, and which replies from support calmed
them."""

import streamlit as st

from aftermath.format import count_text
from aftermath.outreach import DEFAULT_REPLY_TO, drafts_csv
from dashboard import db, tables

# The Incident page's ticket groupings: (grouping in pages/incident_ticket_groups, heading,
# what the empty group means).
GROUPINGS = (
    ("symptom", "symptom", "no symptom tag"),
    ("segment", "customer type", "no known segment"),
)


def tasks_and_groups(summary: tuple) -> None:
    """The customer tasks with a quote each, then the tickets by symptom and by customer type."""
    if not (db.require("tickets") and db.built("incident_tasks", "related_ticket_tasks")):
        return
    incident_id = summary.incident_id
    st.markdown("**What were the customers trying to do?**")
    tasks = db.run("pages/incident_tasks", incident_id=incident_id)
    groups = db.run("pages/incident_ticket_groups", incident_id=incident_id)
    by_task = groups[groups["grouping"] == "task"]
    untasked = by_task.loc[by_task["group_name"].isna(), "tickets"].sum()
    if tasks.empty:
        st.info(
            "No related ticket names a task of the lexicon's `[tasks]` (queries/lexicon.toml): "
            "add the phrases your customers use and load again."
        )
    else:
        related = summary.linked_tickets + summary.suggested_tickets
        st.caption(
            f"From the phrases of the lexicon's `[tasks]`; a ticket naming two tasks counts in "
            f"both. {count_text(untasked)} of {count_text(related)} related tickets name no task."
        )
        tables.show(tasks, tables.tasks())
    columns = st.columns(len(GROUPINGS))
    for column, (grouping, label, empty) in zip(columns, GROUPINGS, strict=True):
        shown = groups[groups["grouping"] == grouping].drop(columns="grouping")
        with column:
            st.markdown(f"**Tickets by {label}**")
            tables.show(shown.fillna({"group_name": f"({empty})"}), tables.ticket_groups(label))


def reply_outcomes(incident_id: str) -> None:
    """Support's replies: after which customers stopped writing, after which they asked again."""
    st.markdown("**Which replies calmed them, and which drew another question?**")
    if not db.rows("ticket_events"):
        st.info(
            "This needs the tickets' comments (`ticket_events`: ticket_id, created_at, "
            f"author_role, body), where the agents' replies are. {db.LOAD_HINT}"
        )
        return
    if not db.built("reply_outcomes"):
        return
    replies = db.run("pages/incident_reply_outcomes", incident_id=incident_id)
    if replies.empty:
        st.info(
            "No agent replied on this incident's related tickets, so there is no wording to judge."
        )
        return
    rules = db.settings()
    st.caption(
        f"A reply is known by its first {rules.reply_opening_words} words, so one macro is one "
        "row. It drew another question when the next message on its ticket was the customer's, "
        f"within {rules.reply_followup_hours} h. The share is given from "
        f"{rules.reply_min_count} replies; under that, too few to judge (–). Lowest share first."
    )
    tables.show(replies, tables.reply_outcomes())


def outreach_drafts(incident_id: str) -> None:
    """A draft message for each account of the contact list, and all of them as one CSV."""
    drafts = db.outreach(incident_id, st.session_state.get("reply_to", DEFAULT_REPLY_TO))
    if not drafts:
        return
    with st.expander("Drafts to send them, one per account in the order to call"):
        st.text_input("Customers reply to", value=DEFAULT_REPLY_TO, key="reply_to")
        picked = st.selectbox(
            "Draft for",
            range(len(drafts)),
            format_func=lambda i: f"{drafts[i].priority}. {drafts[i].account_name}",
            key="draft_pick",
        )
        draft = drafts[picked]
        # As plain text: the customers' own words in a draft never render as markup.
        st.code(f"Subject: {draft.email_subject}\n\n{draft.body}", language=None, wrap_lines=True)
        st.caption(
            "The shipped template; `aftermath outreach INCIDENT_ID --template FILE` fills your own."
        )
        st.download_button(
            "Download every draft (CSV, for a mail merge)",
            drafts_csv(drafts),
            file_name=f"{incident_id}-drafts.csv",
            mime="text/csv",
        )

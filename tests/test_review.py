"""The support-led review on tests/fixtures/review (every figure worked out by hand in its
README.md): what customers were trying to do, and how their tickets split."""

from pathlib import Path

import duckdb
import pytest

from aftermath.pipeline.load import load
from aftermath.report import QUESTIONS, REVIEW_TABLES, render_report
from aftermath.settings import DEFAULTS
from tests.helpers import page_frame, rows, write_exports
from tests.test_pages import infos, open_app

FIXTURE = Path(__file__).parent / "fixtures" / "review"
NEVER_QUOTED = "Question about export"


@pytest.fixture
def db(review_db: Path) -> Path:
    return review_db


def test_tasks_count_tickets_accounts_and_mrr(db):
    # README.md's task table: R0 is a suspect link and names nothing; R1 names two tasks and
    # counts in both; R6 has no account; R5 names "run payroll" in a comment only.
    assert rows(db, "select * from incident_tasks") == [
        (
            "RV-1",
            "send invoices",
            3,
            2,
            5000.0,
            "We need to send invoices before our client meeting at noon.",
        ),
        ("RV-1", "run payroll", 2, 2, 4200.0, '=HYPERLINK("http://evil","Payroll blocked")'),
        ("RV-1", "pay", 1, 1, 4000.0, "We tried to pay the invoice by card."),
        (
            "RV-1",
            "prepare a meeting",
            1,
            1,
            4000.0,
            "We need to send invoices before our client meeting at noon.",
        ),
        ("RV-1", "export data", 1, 1, 100.0, NEVER_QUOTED),
    ]


def test_tickets_group_by_task_symptom_and_segment(db):
    groups = page_frame(db, "pages/incident_ticket_groups", incident_id="RV-1")
    got = [
        (
            g.grouping,
            None if g.group_name is None or g.group_name != g.group_name else g.group_name,
            g.tickets,
            g.accounts,
            None if g.mrr != g.mrr else g.mrr,
        )
        for g in groups.itertuples()
    ]
    assert got == [
        ("segment", "enterprise", 2, 1, 4000.0),
        ("segment", "smb", 2, 2, 300.0),
        ("segment", "mid-market", 1, 1, 1000.0),
        ("segment", None, 1, 0, None),  # R6, written without an account
        ("symptom", "invoice-missing", 1, 1, 4000.0),
        ("symptom", "double-charge", 1, 1, 1000.0),
        ("symptom", None, 4, 3, 4300.0),  # R2, R4, R5, R6: B2 + B4 + B1
        ("task", "send invoices", 3, 2, 5000.0),
        ("task", "run payroll", 2, 2, 4200.0),
        ("task", "pay", 1, 1, 4000.0),
        ("task", "prepare a meeting", 1, 1, 4000.0),
        ("task", "export data", 1, 1, 100.0),
    ]


def test_an_incident_without_tickets_has_no_tasks(db):
    assert rows(db, "select count(*) from incident_tasks where incident_id = 'RV-2'") == [(0,)]
    assert page_frame(db, "pages/incident_ticket_groups", incident_id="RV-2").empty


def test_reply_outcomes_judge_each_macro_once(db):
    # README.md's reply table: the first macro (two endings, one row) on 6 tickets, the customer
    # writing next on R1, R2, R3: 3 of 6 = 50 %. The second on 5 tickets, never answered within
    # 24 h (R5's customer writes 24 h 35 min later): 0 %. The screenshot request, 2 replies, is
    # under reply_min_count = 5: not judged. "Closing this ticket now." came 10 minutes before
    # the data's end: not counted at all.
    assert rows(db, "select * from reply_outcomes") == [
        (
            "RV-1",
            "We are aware of the billing problem and are working…",
            6,
            6,
            3,
            50.0,
            "Any update? Our meeting is at noon.",
        ),
        ("RV-1", "Thanks for your patience, invoices are sending again now.", 5, 5, 0, 0.0, None),
        (
            "RV-1",
            "Could you send us a screenshot of the error?",
            2,
            2,
            1,
            None,
            "Attached the screenshot.",
        ),
    ]


def test_the_page_lists_calming_replies_first(db):
    shown = page_frame(db, "pages/incident_reply_outcomes", incident_id="RV-1")
    assert list(shown["reply"].str[:10]) == ["Thanks for", "We are awa", "Could you "]
    assert list(shown["stopped_writing"]) == [5, 3, 1]
    assert list(shown["customer_wrote_again"]) == [0, 3, 1]


def test_a_longer_followup_window_changes_the_judgement(tmp_path):
    # With 25 hours, R5's customer (24 h 35 min after the second macro) now follows it; the
    # macro's other four replies (R1 10:10 ... R6 10:30) have hours reaching past the data's end
    # (09-02 11:00), unanswered so far: not counted. 1 reply, followed, under 5: no share.
    db = tmp_path / "r25.duckdb"
    load(FIXTURE, db, DEFAULTS.with_overrides(["reply_followup_hours=25"]))
    assert rows(
        db,
        "select replies, customer_wrote_again, wrote_again_pct, example_follow_up "
        "from reply_outcomes where reply like 'Thanks%'",
    ) == [(1, 1, None, "We also need to run payroll tomorrow.")]


def test_a_customers_mere_thanks_is_not_writing_again(tmp_path):
    # One macro on five tickets, each answered by the customer ten minutes later: "Thanks!",
    # "Thank you", "Great, thanks." ask nothing (not followed); "Thanks, but it still fails." does
    # (followed); on T5 "Great, thanks." is passed over and "Still broken?" at 11:00, within 24 h,
    # decides (followed). 2 of 5 = 40 %; the earliest followed reply is T5's (10:09), so its
    # example is "Still broken?", not the thanks. T5's closing note of 07-16 is the data's end:
    # its 24 h reach past it, so it is not counted.
    folder = write_exports(
        tmp_path / "thanks",
        {
            "incidents.csv": "incident_id,started_at,resolved_at\n"
            "I1,2026-07-14T10:00:00Z,2026-07-14T11:00:00Z\n",
            "tickets.csv": "ticket_id,created_at,subject,incident_id\n"
            + "".join(f"T{n},2026-07-14T10:0{n}:00Z,Export fails,I1\n" for n in range(1, 6)),
            "ticket_events.csv": "ticket_id,created_at,author_role,body\n"
            "T1,2026-07-14T10:10:00Z,agent,We are looking into it now.\n"
            "T1,2026-07-14T10:20:00Z,customer,Thanks!\n"
            "T2,2026-07-14T10:11:00Z,agent,We are looking into it now.\n"
            "T2,2026-07-14T10:21:00Z,customer,Thank you\n"
            "T3,2026-07-14T10:12:00Z,agent,We are looking into it now.\n"
            'T3,2026-07-14T10:22:00Z,customer,"Great, thanks."\n'
            "T4,2026-07-14T10:13:00Z,agent,We are looking into it now.\n"
            'T4,2026-07-14T10:23:00Z,customer,"Thanks, but it still fails."\n'
            "T5,2026-07-14T10:09:00Z,agent,We are looking into it now.\n"
            'T5,2026-07-14T10:19:00Z,customer,"Great, thanks."\n'
            "T5,2026-07-14T11:00:00Z,customer,Still broken?\n"
            "T5,2026-07-16T10:00:00Z,agent,Closing this ticket.\n",
        },
    )
    load(folder, tmp_path / "thanks.duckdb")
    assert rows(
        tmp_path / "thanks.duckdb",
        "select reply, replies, tickets, customer_wrote_again, wrote_again_pct, example_follow_up "
        "from reply_outcomes",
    ) == [("We are looking into it now.", 5, 5, 2, 40.0, "Still broken?")]


def test_the_incident_page_shows_the_review_drafts_and_the_calendar_event(db, monkeypatch):
    at = open_app(db, monkeypatch, "app_pages/incident.py", incident="RV-1")
    tasks = next(d.value for d in at.dataframe if "example" in d.value.columns)
    assert list(tasks["task"]) == [
        "send invoices",
        "run payroll",
        "pay",
        "prepare a meeting",
        "export data",
    ]
    replies = next(d.value for d in at.dataframe if "stopped_writing" in d.value.columns)
    assert list(replies["stopped_writing"]) == [5, 3, 1]
    # The first draft, Northwind's, as plain text: its subject, then its body.
    assert at.code[0].value.splitlines()[:3] == [
        "Subject: Invoice runs failing: what happened, and what we are doing about it",
        "",
        "Hello Northwind team,",
    ]
    at.selectbox(key="draft_pick").select(2).run()
    pine = at.code[0].value.splitlines()
    assert "Hello Pine & Co team," in pine
    assert (
        '- “=HYPERLINK("http://evil","Payroll blocked")”, opened 1 September 2026 09:10 UTC' in pine
    )
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Download every draft (CSV, for a mail merge)" in labels
    assert "Put the 15-minute check on the calendar (.ics)" in labels


def report_lines(db: Path, incident_id: str) -> list[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return render_report(con, incident_id).splitlines()
    finally:
        con.close()


def test_the_report_answers_the_five_questions_in_order(db):
    lines = report_lines(db, "RV-1")
    headings = [line for line in lines if line.startswith("#### ")]
    assert headings == [f"#### {q}" for q in QUESTIONS]
    review = lines[lines.index(headings[0]) :]
    for expected in [
        # 1: the task table's rows as incident_tasks has them, customer text escaped.
        "| send invoices | 3 | 2 | 5,000 | “We need to send invoices before our client meeting "
        "at noon.” |",
        '| run payroll | 2 | 2 | 4,200 | “=HYPERLINK("http\\://evil","Payroll blocked")” |',
        "- **Tickets by customer type:** enterprise 2, smb 2, mid-market 1, no segment 1.",
        # 2: R1's comment "Any update?" is its only confusion.
        "1 related ticket shows confusion; in their words: “any update” 1.",
        "> “Any update?” — ticket R1",
        # 3: nobody worked around it.
        "No related ticket tells of a workaround.",
        # 4: the judged macros, the calming one first; the screenshot request not judged.
        "| “Thanks for your patience, invoices are sending again now.” | 5 | 5 | 0 (0 %) |  |",
        "| “We are aware of the billing problem and are working…” | 6 | 3 | 3 (50 %) "
        "| “Any update? Our meeting is at noon.” |",
        "1 other reply: sent too few times to judge.",
        # 5: the contact list in call order, and where the drafts are.
        "1. Northwind (enterprise, MRR 4,000): Wrote of urgency.",
        "3. Pine \\& Co (smb, MRR 200): Wrote of urgency; 1 ticket open.",
        "A draft message for each: `aftermath outreach RV-1`.",
    ]:
        assert expected in review, expected
    # In the order of the questions.
    assert review.index("No related ticket tells of a workaround.") < review.index(
        "1 other reply: sent too few times to judge."
    )


def test_each_question_says_why_it_is_empty(tmp_path):
    # Tickets without comments: the replies cannot be judged. No tickets at all: nothing is.
    no_comments = write_exports(
        tmp_path / "a",
        {
            "incidents.csv": "incident_id,started_at,resolved_at\n"
            "I1,2026-07-14T10:00:00Z,2026-07-14T11:00:00Z\n",
            "tickets.csv": "ticket_id,created_at,subject,incident_id\n"
            "T1,2026-07-14T10:10:00Z,Not sure if it worked,I1\n",
        },
    )
    load(no_comments, tmp_path / "a.duckdb")
    lines = report_lines(tmp_path / "a.duckdb", "I1")
    assert "No ticket comments are loaded (ticket_events), so there is no reply to judge." in lines
    assert (
        "No related ticket names a task of the lexicon's [tasks] (queries/lexicon.toml)." in lines
    )
    no_tickets = write_exports(
        tmp_path / "b",
        {
            "incidents.csv": "incident_id,started_at,resolved_at\n"
            "I1,2026-07-14T10:00:00Z,2026-07-14T11:00:00Z\n",
            "tickets.csv": "ticket_id,created_at\n",
        },
    )
    load(no_tickets, tmp_path / "b.duckdb")
    lines = report_lines(tmp_path / "b.duckdb", "I1")
    start = lines.index(f"#### {QUESTIONS[0]}")
    answers = [lines[start + 2 + 4 * i] for i in range(5)]
    assert answers[:4] == ["Not measured: it needs tickets (load the tickets)."] * 4
    assert answers[4] == "Not known: it needs the tickets or the usage data (neither is loaded)."


def test_a_database_loaded_before_the_review_says_so(db, tmp_path, monkeypatch):
    # The fixture's database without the review's three tables, as an older Aftermath left it:
    # questions 1 and 4 say why they are empty, the others are answered, and the Incident page
    # says which table is missing instead of failing.
    older = tmp_path / "older.duckdb"
    older.write_bytes(db.read_bytes())
    with duckdb.connect(str(older)) as con:
        for table in REVIEW_TABLES:
            con.execute(f"drop table {table}")
    lines = report_lines(older, "RV-1")
    reason = (
        "Not measured: this database was loaded by an older version of Aftermath, without "
        "`related_ticket_tasks`, `incident_tasks`, `reply_outcomes`; load the exports again "
        "(`aftermath load`)."
    )
    for question in (QUESTIONS[0], QUESTIONS[3]):
        assert lines[lines.index(f"#### {question}") + 2] == reason
    assert "No related ticket tells of a workaround." in lines
    at = open_app(older, monkeypatch, "app_pages/incident.py", incident="RV-1")
    assert "The table `incident_tasks` is not in this database" in infos(at)
    assert "The table `reply_outcomes` is not in this database" in infos(at)
    # The drafts read only the contact list and the themes, which older loads built.
    assert at.code[0].value.startswith("Subject: Invoice runs failing")

"""ticket_signals with the shipped lexicon: what customers write, and what must not match."""

import csv
import io
from pathlib import Path

import pytest

from aftermath.pipeline.load import load
from tests.helpers import rows, write_exports

# (ticket_id, subject, description); all created during incident I1.
TICKETS = [
    # Positives, punctuation and case ignored.
    ("P01", "Did it go through??", ""),
    ("P02", "Question about security", "Is my data safe?"),
    ("P03", "Charged TWICE!!", "I was charged twice - I want a refund."),
    ("P04", "Payroll run", "We ran payroll by hand in a spreadsheet, the deadline is Friday."),
    ("P05", "Invoices", "We exported everything to Excel in the meantime."),
    ("P06", "Paid with my personal card", ""),
    ("P07", "", "I'm not sure if it worked."),
    # `cancel*` and `refund*` match any ending, and the evidence is the word as written.
    ("P08", "Cancellation request", "Please process our cancellation and refunds."),
    # An occurrence without its negation still counts: the second "urgent" here.
    ("P09", "Not urgent for me", "but urgent for our CFO"),
    # Underscores, a curly apostrophe and capitals are all normalised away (the load's quick
    # may_hold_signal prefilter must let these texts through too).
    ("P10", "CHARGED_TWICE", ""),
    ("P11", "", "I’M NOT SURE"),
    # Negatives.
    ("N01", "No refund needed", "Just letting you know, no refund needed."),
    ("N02", "Not urgent", "This is not urgent, whenever you have time."),
    ("N03", "Refund not needed", "We don't want to cancel, all good."),
    ("N04", "Please cancel the meeting", "Let's cancel the meeting on Tuesday."),
    ("N05", "Not charged twice", "but the invoice layout changed"),
    ("N06", "Non-urgent: question", "about the invoices page"),
    ("N07", "Excellent", "thanks for the quick fix, the exporter works"),
    ("N08", "", ""),
    # Comments: a customer's count, an agent's do not.
    ("C01", "Login question", "How do I reset my password?"),
]

EVENTS = (
    "ticket_id,created_at,author_role,body\n"
    "C01,2026-07-14T11:00:00Z,agent,We can refund you if needed and it is urgent\n"
    'C01,2026-07-14T11:05:00Z,customer,"Great, is it down again? Anyone else seeing this?"\n'
)


def tickets_csv(tickets: list[tuple[str, str, str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["ticket_id", "created_at", "subject", "description", "incident_id"])
    for ticket_id, subject, description in tickets:
        writer.writerow([ticket_id, "2026-07-14T10:30:00Z", subject, description, "I1"])
    return out.getvalue()


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = write_exports(
        tmp_path_factory.mktemp("signals"),
        {
            "incidents.csv": "incident_id,started_at,resolved_at\n"
            "I1,2026-07-14T10:00:00Z,2026-07-14T12:00:00Z\n",
            "tickets.csv": tickets_csv(TICKETS),
            "ticket_events.csv": EVENTS,
        },
    )
    load(folder, folder / "s.duckdb")
    return folder / "s.duckdb"


def test_signals_match_how_customers_write(db):
    # Worked out against queries/lexicon.toml, phrase by phrase.
    assert rows(db, "select ticket_id, signal, evidence from ticket_signals order by all") == [
        ("C01", "confusion", "anyone else, is it down"),  # the customer's comment
        ("P01", "confusion", "did it go through"),
        ("P02", "trust_loss", "is my data safe"),
        ("P03", "trust_loss", "charged twice, refund"),
        ("P04", "urgent", "deadline, payroll"),
        ("P04", "workaround", "by hand, spreadsheet"),
        ("P05", "workaround", "excel, exported, in the meantime"),
        ("P06", "workaround", "personal card"),
        ("P07", "confusion", "im not sure, not sure if"),
        ("P08", "trust_loss", "cancellation, refunds"),
        ("P09", "urgent", "urgent"),
        ("P10", "trust_loss", "charged twice"),
        ("P11", "confusion", "im not sure"),
    ]


def test_negations_exclusions_and_word_boundaries_do_not_match(db):
    negatives = [t[0] for t in TICKETS if t[0].startswith("N")]
    assert (
        rows(
            db,
            "select ticket_id from ticket_signals where list_contains($ids, ticket_id)",
            {"ids": negatives},
        )
        == []
    )


def test_an_agent_comment_is_not_the_customer_voice(db):
    # The agent wrote "refund" and "urgent" on C01; only the customer's confusion is there.
    assert rows(db, "select signal from ticket_signals where ticket_id = 'C01'") == [("confusion",)]


def test_the_prefilter_passes_texts_that_may_match_and_drops_the_rest(db):
    # may_hold_signal lets the load skip normalising texts without any phrase: most tickets.
    checks = ["CHARGED_TWICE", "I’M NOT SURE", "refunds please", "Login question", "deadlines"]
    got = rows(
        db,
        "select unnest($t), unnest(list_transform($t, lambda x: may_hold_signal(x)))",
        {"t": checks},
    )
    # "deadlines": `deadline` is a whole-word phrase, so the plural cannot hold it.
    assert got == [
        ("CHARGED_TWICE", True),
        ("I’M NOT SURE", True),
        ("refunds please", True),
        ("Login question", False),
        ("deadlines", False),
    ]

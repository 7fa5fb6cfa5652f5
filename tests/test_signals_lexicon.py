"""The lexicon file: how it is stored, how a user's edits change the matches, bad files refused."""

from pathlib import Path

import duckdb
import pytest

from aftermath import queries
from aftermath.pipeline.lexicon import store_lexicon
from aftermath.pipeline.load import InputError, load
from aftermath.queries import LEXICON_FILE
from tests.helpers import rows, write_exports

SMALL = """
[signals]
urgent = ["ASAP", "due today"]
trust_loss = ["Refund*", "Charged twice!"]

[negation]
before = ["no", "don't need"]
after = ["not needed"]

[exclusions]
phrases = ["refund policy"]

[themes.double-charge]
tags = ["Duplicate_Charge"]
words = ["idempoten*"]

[tasks]
"send invoices" = ["Invoice run*", "bill a client"]
"""


def lexicon_file(folder: Path, text: str) -> Path:
    path = folder / "lexicon.toml"
    path.write_text(text)
    return path


def signals_with_lexicon(folder: Path, tickets: str, lexicon: str) -> Path:
    """A database loaded from one incident and `tickets`, its ticket_signals built again with
    `lexicon` as the lexicon file."""
    exports = write_exports(
        folder / "in",
        {
            "incidents.csv": "incident_id,started_at\nI1,2026-07-14T10:00:00Z\n",
            "tickets.csv": tickets,
        },
    )
    db = folder / "signals.duckdb"
    load(exports, db)
    con = duckdb.connect(str(db))
    store_lexicon(con, lexicon_file(folder, lexicon))
    con.execute(
        f"create or replace table ticket_signals as {queries.get('marts/voice/ticket_signals').sql}"
    )
    con.close()
    return db


def test_tables_hold_the_normalised_lexicon(tmp_path):
    con = duckdb.connect(str(tmp_path / "l.duckdb"))
    store_lexicon(con, lexicon_file(tmp_path, SMALL))
    # Lowercase, punctuation and apostrophes gone, a trailing * a prefix pattern (no end space).
    assert con.execute("select * from lexicon_phrases order by all").fetchall() == [
        ("trust_loss", "charged twice", False, " charged twice "),
        ("trust_loss", "refund", True, " refund"),
        ("urgent", "asap", False, " asap "),
        ("urgent", "due today", False, " due today "),
    ]
    assert con.execute("select * from lexicon_negations order by all").fetchall() == [
        ("after", "not needed"),
        ("before", "dont need"),
        ("before", "no"),
    ]
    assert con.execute("select * from lexicon_exclusions").fetchall() == [("refund policy",)]
    # The theme's own name is one of its tags; tags and words are its synonyms.
    assert con.execute("select * from theme_tags order by all").fetchall() == [
        ("double-charge", "double charge"),
        ("double-charge", "duplicate charge"),
    ]
    assert con.execute("select * from theme_synonyms order by all").fetchall() == [
        ("double-charge", "double charge", " double charge "),
        ("double-charge", "duplicate charge", " duplicate charge "),
        ("double-charge", "idempoten", " idempoten"),
    ]
    # A task keeps the name the file gives it; its phrases are normalised like the signals'.
    assert con.execute("select * from lexicon_tasks order by all").fetchall() == [
        ("send invoices", "bill a client", False, " bill a client "),
        ("send invoices", "invoice run", True, " invoice run"),
    ]
    assert con.execute("select normalise_text('Didn''t it GO—through?!')").fetchone() == (
        " didnt it go through ",
    )


def test_an_edited_lexicon_changes_the_matches(tmp_path):
    tickets = (
        "ticket_id,created_at,subject,description\n"
        "T1,2026-07-14T10:30:00Z,Refunds not needed,\n"  # prefix phrase, 'after' cue: no
        "T2,2026-07-14T10:30:00Z,We don't need refunds,\n"  # 'before' cue: no
        "T3,2026-07-14T10:30:00Z,What is your refund policy?,\n"  # exclusion: no
        "T4,2026-07-14T10:30:00Z,Refunded twice? Need it ASAP,\n"  # refunded, asap
        "T5,2026-07-14T10:30:00Z,CHARGED   TWICE,due  today!\n"  # spaces squeezed
        "T6,2026-07-14T10:30:00Z,No refunds; refunds please,\n"  # the second one counts
    )
    db = signals_with_lexicon(tmp_path, tickets, SMALL)
    assert rows(db, "select * from ticket_signals order by all") == [
        ("T4", "trust_loss", "refunded"),
        ("T4", "urgent", "asap"),
        ("T5", "trust_loss", "charged twice"),
        ("T5", "urgent", "due today"),
        ("T6", "trust_loss", "refunds"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[signals]\nconfusions = ['x']\n", r"\[signals\] has unknown key confusions"),
        ("[signals]\nurgent = 'asap'\n", "'urgent' must be a list of quoted phrases"),
        ("[signals\nurgent = []\n", "not valid TOML"),
        ("[signals]\nurgent = ['ab*']\n", "at least three letters before the"),
        ("[signals]\nurgent = ['!!!']\n", "an entry of 'urgent' has no letters or digits"),
        ("[themes.x]\nsynonyms = ['a']\n", r"\[themes.x\] has unknown key synonyms"),
        ("[exclusion]\nphrases = []\n", "the file has unknown key exclusion"),
        ("[tasks]\npay = 'checkout'\n", "'pay' must be a list of quoted phrases"),
        ("[tasks]\n' ' = ['pay']\n", r"\[tasks\] has a task without a name"),
        ("tasks = ['pay']\n", r"\[tasks\] must be a table of named lists"),
    ],
)
def test_a_bad_lexicon_is_refused_with_one_message(tmp_path, text, message):
    con = duckdb.connect(str(tmp_path / "l.duckdb"))
    with pytest.raises(InputError, match=message):
        store_lexicon(con, lexicon_file(tmp_path, text))


def test_a_missing_lexicon_says_so(tmp_path):
    con = duckdb.connect(str(tmp_path / "l.duckdb"))
    with pytest.raises(InputError, match="lexicon.toml: no such file"):
        store_lexicon(con, tmp_path / "lexicon.toml")


def test_the_shipped_lexicon_has_tens_of_phrases_per_signal(tmp_path):
    con = duckdb.connect(str(tmp_path / "l.duckdb"))
    store_lexicon(con, LEXICON_FILE)
    counts = dict(
        con.execute("select signal, count(*) from lexicon_phrases group by all").fetchall()
    )
    assert set(counts) == {"confusion", "trust_loss", "workaround", "urgent"}
    assert min(counts.values()) >= 30, counts


OVERLAPPING = """
[signals]
confusion = ["I'm not sure", "not sure if"]
trust_loss = ["charged", "charged twice", "cancel*", "cancel my plan"]
urgent = ["due today"]
"""


def test_phrases_that_start_at_one_word_or_overlap_are_all_found(tmp_path):
    """Each text is scanned once with every phrase in one pattern, where a match is one phrase:
    the phrases it may cover must still be found."""
    tickets = (
        "ticket_id,created_at,subject,description\n"
        "T1,2026-07-14T10:30:00Z,I'm not sure if I was charged twice,\n"  # overlap; one start
        "T2,2026-07-14T10:30:00Z,Cancel my plan,or is it cancelled?\n"  # a phrase* and a phrase
        "T3,2026-07-14T10:30:00Z,Due todays,\n"  # 'due today' is not a whole-word match
    )
    db = signals_with_lexicon(tmp_path, tickets, OVERLAPPING)
    # T1: "im not sure" and "not sure if" share two words; "charged" and "charged twice" start
    # at one. T2: cancel* is spelled 'cancel' (in "cancel my plan") and 'cancelled'.
    assert rows(db, "select * from ticket_signals order by all") == [
        ("T1", "confusion", "im not sure, not sure if"),
        ("T1", "trust_loss", "charged, charged twice"),
        ("T2", "trust_loss", "cancel, cancel my plan, cancelled"),
    ]

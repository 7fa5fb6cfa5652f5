"""One way to write a duration, a count and an amount, shared by the pages and the report."""

import math
from datetime import datetime

import pandas as pd

from aftermath.format import (
    RATIO_FORMAT,
    SEVERITY_FORMAT,
    at_text,
    count_text,
    counted,
    dollars_text,
    duration_text,
    money_text,
    severity_label,
    signed_duration_words,
    theme_label,
    times_normal_text,
    value_or_reason,
)


def test_durations_read_the_same_everywhere():
    assert duration_text(40) == "40 min"
    assert duration_text(245) == "4 h 5 min"  # once "4 h 05 min" on a card, "4 h 5 min" below
    assert duration_text(180) == "3 h"
    assert duration_text(47 * 60 + 59) == "47 h 59 min"
    assert duration_text(2 * 24 * 60 + 4 * 60 + 10) == "2 d 4 h"  # 10 min round away at days
    assert duration_text(-90) == "−1 h 30 min"


def test_a_figure_not_measured_reads_as_a_dash():
    for missing in (None, math.nan, pd.NA, pd.NaT):
        assert duration_text(missing) == count_text(missing) == money_text(missing) == "–"
    assert at_text(None) == "–"
    assert severity_label(None) == "unknown"


def test_counts_money_times_and_severity():
    assert count_text(12345) == "12,345"
    assert money_text(268663.5) == "268,664"
    moment = datetime(2026, 7, 14, 10, 20)
    assert at_text(moment) == "2026-07-14 10:20 UTC"
    assert at_text(moment, same_day_as=datetime(2026, 7, 14, 1, 0)) == "10:20 UTC"
    assert severity_label(2) == "SEV2"


def test_themes_read_as_words_on_pages_and_in_the_report():
    # A signal's name loses its underscore; a symptom tag stays as the help desk spells it.
    assert theme_label("trust_loss") == "trust loss"
    assert theme_label("double-charge") == "double-charge"


def test_how_many_times_normal_reads_the_same_on_pages_reports_and_tables():
    assert times_normal_text(13.0) == "13 × normal"
    assert times_normal_text(40 / 12) == "3.33 × normal"
    assert times_normal_text(None) == "–"
    # A table column shows the same number through the same printf form.
    assert RATIO_FORMAT % (40 / 12) == "3.33 ×"
    assert severity_label(2) == SEVERITY_FORMAT % 2


def test_counts_read_with_their_noun_in_the_right_number():
    assert counted(1, "account") + " wrote in" == "1 account wrote in"
    assert counted(2480, "account") == "2,480 accounts"
    assert counted(0, "incident") == "0 incidents"
    assert counted(None, "account") == "– accounts"


def test_a_signed_duration_reads_in_words_never_with_a_minus():
    # The first ticket 10:03, the first status update 15:25: customers wrote 322 min = 5 h 22 min
    # before our first update; the other way round, after it.
    assert signed_duration_words(322, "before", "after") == "5 h 22 min before"
    assert signed_duration_words(-322, "before", "after") == "5 h 22 min after"
    assert signed_duration_words(0.4, "before", "after") == "at the same time"
    assert signed_duration_words(None, "before", "after") == "–"


def test_money_on_a_card_has_no_cents():
    assert dollars_text(227945.49) == "$227,945"
    assert dollars_text(None) == "–"


def test_a_card_puts_a_long_state_in_its_caption():
    assert value_or_reason(90, "1 h 30 min", None) == ("1 h 30 min", None)
    assert value_or_reason(None, "", 'no "resolved" status update') == (
        "–",
        'no "resolved" status update',
    )
    assert value_or_reason(None, "", None) == ("–", None)

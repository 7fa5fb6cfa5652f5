"""signal_lift: each signal's share of tickets in the impact window against the 28 days before."""

from pathlib import Path

import pytest

from aftermath.pipeline.load import load
from tests.helpers import page_frame, rows, write_exports

INCIDENTS = (
    "incident_id,title,started_at,resolved_at\n"
    "I1,Billing outage,2026-07-14T10:00:00Z,2026-07-14T11:00:00Z\n"
    # No ticket near it at all: every share is empty.
    "I2,Quiet night,2026-05-01T00:00:00Z,2026-05-01T01:00:00Z\n"
)

# I1's window is 10:00 (started_at, before its first ticket) to 11:30 (W4 arrives 30 minutes after
# resolution, under the 2-hour gap, and nothing after it). "Before" is [2026-06-16 10:00, 10:00).
TICKETS = (
    "ticket_id,created_at,subject,incident_id\n"
    "B0,2026-06-10T09:00:00Z,Did it go through?,\n"  # 34 days before: outside both
    "B5,2026-06-16T10:00:00Z,Any update?,\n"  # on the before edge: in, confusion
    "B1,2026-06-20T09:00:00Z,Did it go through?,\n"  # before, confusion
    "B2,2026-06-25T09:00:00Z,Password reset,\n"  # before, no signal
    "B3,2026-07-01T09:00:00Z,Is my data safe?,\n"  # before, trust loss
    "B4,2026-07-10T09:00:00Z,How do I add a user,\n"  # before, no signal
    "U0,2026-07-14T10:00:00Z,No refund needed,\n"  # on started_at: window, not before; none
    "W1,2026-07-14T10:05:00Z,Charged twice,I1\n"  # window, trust loss
    "W2,2026-07-14T10:20:00Z,Did it go through??,I1\n"  # window, confusion
    "W3,2026-07-14T10:40:00Z,Refund please; payroll is due today,I1\n"  # trust loss, urgent
    "U1,2026-07-14T10:50:00Z,Hello there,\n"  # window, no signal
    "W4,2026-07-14T11:30:00Z,We did it by hand,I1\n"  # window (its end), workaround
)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = write_exports(
        tmp_path_factory.mktemp("lift"), {"incidents.csv": INCIDENTS, "tickets.csv": TICKETS}
    )
    load(folder, folder / "l.duckdb")
    return folder / "l.duckdb"


def test_window_is_the_customer_impact_window(db):
    assert rows(
        db,
        "select customer_impact_start_at::varchar, customer_impact_end_at::varchar "
        "from customer_impact_windows where incident_id = 'I1'",
    ) == [("2026-07-14 10:00:00", "2026-07-14 11:30:00")]


def test_lift_compares_window_share_with_the_weeks_before(db):
    got = rows(db, "select * from signal_lift where incident_id = 'I1' order by signal")
    # Window: U0, W1, W2, W3, U1, W4 = 6 tickets. Before: B5, B1, B2, B3, B4 = 5 tickets.
    assert got == [
        # confusion: W2 of 6; B5 and B1 of 5; lift (1/6) / (2/5) = 5/12.
        ("I1", "confusion", 1, pytest.approx(1 / 6), 2, pytest.approx(2 / 5), pytest.approx(5 / 12)),
        # trust_loss: W1, W3 of 6; B3 of 5; lift (2/6) / (1/5) = 5/3.
        ("I1", "trust_loss", 2, pytest.approx(2 / 6), 1, pytest.approx(1 / 5), pytest.approx(5 / 3)),
        # urgent: W3 of 6; none before, so before_share is 0 and the lift is empty.
        ("I1", "urgent", 1, pytest.approx(1 / 6), 0, 0.0, None),
        # workaround: W4 of 6; none before.
        ("I1", "workaround", 1, pytest.approx(1 / 6), 0, 0.0, None),
    ]  # fmt: skip


def test_no_tickets_means_empty_shares_not_zero(db):
    assert rows(db, "select * from signal_lift where incident_id = 'I2' order by signal") == [
        ("I2", signal, 0, None, 0, None, None)
        for signal in ("confusion", "trust_loss", "urgent", "workaround")
    ]


def test_the_incident_page_lists_the_signals_most_written_of_first(db):
    got = page_frame(db, "pages/incident_signal_lift", incident_id="I1")
    # The shares above as percentages; trust_loss (2 tickets) first, then by name. An empty lift
    # reaches the page as NaN.
    EMPTY = pytest.approx(float("nan"), nan_ok=True)
    assert list(got.itertuples(index=False, name=None)) == [
        ("trust_loss", 2, pytest.approx(100 / 3), 1, pytest.approx(20.0), pytest.approx(5 / 3)),
        ("confusion", 1, pytest.approx(100 / 6), 2, pytest.approx(40.0), pytest.approx(5 / 12)),
        ("urgent", 1, pytest.approx(100 / 6), 0, 0.0, EMPTY),
        ("workaround", 1, pytest.approx(100 / 6), 0, 0.0, EMPTY),
    ]  # fmt: skip

"""Twenty people at once, through every page, while the database is swapped under the server as a
sync does: every page loads and none shows an exception or a failed query. No time is asserted:
the page waits are bounds against a hang (benchmarks/many_sessions.py measures the times).

Person i opens page i (going round the eight pages), so the twenty open every page two or three
times at once: twenty page loads keep the browser work within a few minutes on two cores."""

import asyncio

import pytest

from benchmarks import many_sessions
from tests.served import need_chromium

pytestmark = pytest.mark.browser

SESSIONS = 20


def test_twenty_sessions_through_every_page_while_the_database_is_swapped(demo_db):
    need_chromium()
    paths = [page.format(incident="INC-305") for page in many_sessions.PAGES]
    result = asyncio.run(
        many_sessions.run(
            demo_db,
            SESSIONS,
            ramp=10,
            wait_s=400,
            paths=paths,
            swap_every=10,
            budget_s=900,
            pages_each=1,
        )
    )
    assert result["page loads"] == SESSIONS
    assert result["pages loaded"] == set(paths)
    assert result["swaps"] > 0
    assert (result["unfinished"], result["errors"]) == (0, 0)

"""Every load step's grain holds on the demo: its rows are unique on the `key:` its header names."""

import duckdb
import pytest

from aftermath.queries import PAGES_FOLDER, all_queries
from tests.helpers import build_load_only

STEPS = [q for q in all_queries() if not q.name.startswith(f"{PAGES_FOLDER}/")]
ONE_ROW = "one row"
# Tables the demo has no case of, and the test that holds their rows exactly instead.
EMPTY_ON_DEMO = {
    "suspect_links": "tests/test_impact_links.py: no demo ticket predates its incident by a day",
    "ambiguous_tickets": "tests/test_impact_overlap.py: no demo ticket fits two incidents equally",
}


@pytest.fixture(scope="module")
def demo_con(demo_db, tmp_path_factory):
    """The demo database, with the load-only steps built again as temporary objects."""
    copy = tmp_path_factory.mktemp("grain") / "demo.duckdb"
    copy.write_bytes(demo_db.read_bytes())
    con = duckdb.connect(str(copy))
    build_load_only(con)
    yield con
    con.close()


@pytest.mark.parametrize("query", STEPS, ids=lambda q: q.table)
def test_rows_are_unique_on_the_declared_key(query, demo_con):
    if query.grain == ONE_ROW:
        assert not query.key
        (rows,) = demo_con.execute(f"select count(*) from {query.table}").fetchone()
        assert rows == 1
        return
    assert query.key, f"{query.name}.sql: the header names no key: for its grain"
    assert set(query.key) <= set(query.columns), query.name
    cols = ", ".join(query.key)
    rows, distinct, with_null = demo_con.execute(
        f"select count(*), count(distinct ({cols})), "
        f"count(*) filter (where {' or '.join(f'{c} is null' for c in query.key)}) "
        f"from {query.table}"
    ).fetchone()
    if query.table in EMPTY_ON_DEMO:
        assert rows == 0, f"{query.table} now has rows on the demo: drop it from EMPTY_ON_DEMO"
        return
    assert rows > 0, f"{query.table} is empty on the demo: nothing holds its grain"
    assert (distinct, with_null) == (rows, 0), f"{query.table} is not one row per {cols}"

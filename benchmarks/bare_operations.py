"""The bare DuckDB operation under each heavy step of the load, timed on a loaded database.

    python benchmarks/bare_operations.py --db benchmarks/data/scale-0.3.duckdb

A step of the load does more than its bare operation (validation, joins, the rules), but it
cannot do less: the bare figure is the floor each step is measured against in RESULTS.md. Each
operation reads the stored input tables (tickets, usage, incidents, accounts) and the lexicon the
load stored, counts what it produced (nothing is written), and is timed in this process: wall
seconds and CPU seconds (every DuckDB thread). Prints a Markdown table.
"""

import argparse
import sys
import time
from pathlib import Path

import duckdb

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from aftermath.queries import MACROS_DIR  # noqa: E402

# (the load's step it bounds, what the operation does, its SQL: one row of one count)
OPERATIONS = (
    (
        "candidate_term_hits",
        "every ticket's subject, tags and first 2,000 characters of description split into "
        "distinct words (words_of)",
        """
        select count(*) from (
            select unnest(list_distinct(words_of(subject))) from tickets
            union all
            select unnest(list_distinct(words_of(left(description, 2000)))) from tickets
            union all
            select unnest(list_distinct(words_of(array_to_string(tags, ' ')))) from tickets
        )
        """,
    ),
    (
        "ticket_signals",
        "each signal's phrases as one regular expression, tested on every ticket's lowercased "
        "subject and description (four scans)",
        None,  # built from the stored lexicon: signal_patterns()
    ),
    (
        "ticket_words",
        "every ticket's subject and tags split into distinct words",
        """
        select count(*) from (
            select unnest(list_distinct(words_of(concat_ws(' ', subject,
                array_to_string(tags, ' '))))) from tickets
        )
        """,
    ),
    (
        "account_timelines",
        "usage rolled up per account and day, then into one ordered list per account",
        """
        select count(*), sum(len(days)) from (
            select account_id, list(daily order by day) as days
            from (select account_id, day, sum(value) as daily from usage group by all)
            group by account_id
        )
        """,
    ),
    (
        "incident_exposure",
        "every incident met with every account (a cross join), one test per pair",
        """
        select count(*) from incidents cross join accounts
        where accounts.account_id <> incidents.incident_id
        """,
    ),
)


def signal_patterns(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """Per signal, its phrases as one alternation of whole words (phrases are letters, digits and
    single spaces: lexicon.py checks them)."""
    rows = con.execute(
        "select signal, list(phrase order by phrase) from lexicon_phrases group by signal "
        "order by signal"
    ).fetchall()
    return [
        (
            signal,
            "(?:^|[^a-z0-9])(?:" + "|".join(p.replace(" ", "[^a-z0-9]+") for p in phrases) + ")",
        )
        for signal, phrases in rows
    ]


def timed(con: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None) -> tuple:
    wall, cpu = time.perf_counter(), time.process_time()
    result = con.execute(sql, params).fetchone()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, type=Path, help="a database `aftermath load` wrote")
    args = parser.parse_args()
    con = duckdb.connect(str(args.db), read_only=True)
    con.execute((MACROS_DIR / "words.sql").read_text())  # words_of, a temporary macro
    print("| step | bare operation | seconds | CPU seconds | rows |")
    print("|---|---|---|---|---|")
    for step, what, sql in OPERATIONS:
        if sql is None:
            seconds = cpu = 0.0
            found = 0
            for _, pattern in signal_patterns(con):
                s, c, (n,) = timed(
                    con,
                    "select count(*) from tickets where regexp_matches("
                    "lower(concat_ws(' ', subject, description)), $pattern)",
                    {"pattern": pattern},
                )
                seconds, cpu, found = seconds + s, cpu + c, found + n
            result = (found,)
        else:
            seconds, cpu, result = timed(con, sql)
        print(f"| `{step}` | {what} | {seconds:.1f} | {cpu:.1f} | {result[0]:,} |")
        sys.stdout.flush()


if __name__ == "__main__":
    main()

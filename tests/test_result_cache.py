"""The query results every session shares: bounded in entries, in bytes and in time, the least
recently used dropped first, and a result twenty sessions ask for at once read once. And the
read-only database a swap replaces: a query already running finishes on the old file."""

import shutil
import threading
import time

import duckdb
import pandas as pd

from dashboard.db import Reader, ResultCache


def _frame(rows: int) -> pd.DataFrame:
    # int64 values and a RangeIndex: 8 bytes a row plus the index's 132 bytes.
    return pd.DataFrame({"n": range(rows)}, dtype="int64")


FRAME_10_BYTES = 8 * 10 + 132


def test_at_most_the_entries_the_least_recently_used_dropped_first():
    cache = ResultCache(entries=2, max_bytes=10**6, seconds=60)
    for key in ["a", "b"]:
        cache.get((key,), lambda: _frame(10))
    cache.get(("a",), lambda: _frame(99))  # a hit: "a" is now the most recent
    cache.get(("c",), lambda: _frame(10))  # "b" goes
    assert list(cache._kept) == [("a",), ("c",)]
    assert cache.bytes == 2 * FRAME_10_BYTES


def test_at_most_the_bytes():
    assert int(_frame(10).memory_usage(index=True, deep=True).sum()) == FRAME_10_BYTES
    cache = ResultCache(entries=100, max_bytes=2 * FRAME_10_BYTES + 1, seconds=60)
    for key in ["a", "b", "c"]:
        cache.get((key,), lambda: _frame(10))
    assert list(cache._kept) == [("b",), ("c",)]
    # A result larger than the whole budget is handed back, never kept.
    assert len(cache.get(("big",), lambda: _frame(1000))) == 1000
    assert list(cache._kept) == [("b",), ("c",)]


def test_a_result_is_read_again_after_its_time():
    cache = ResultCache(entries=10, max_bytes=10**6, seconds=0.2)
    reads = []
    for _ in range(2):
        cache.get(("a",), lambda: reads.append(1) or _frame(1))
    time.sleep(0.3)
    cache.get(("a",), lambda: reads.append(1) or _frame(1))
    assert len(reads) == 2


def test_twenty_sessions_asking_at_once_read_once():
    cache = ResultCache(entries=10, max_bytes=10**6, seconds=60)
    reads = []
    started = threading.Event()

    def slow_read() -> pd.DataFrame:
        reads.append(1)
        started.set()
        time.sleep(0.5)
        return _frame(3)

    results = []
    threads = [
        threading.Thread(target=lambda: results.append(cache.get(("q",), slow_read)))
        for _ in range(20)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(reads) == 1
    assert [len(r) for r in results] == [3] * 20


def test_a_query_running_on_a_swapped_file_finishes_on_it(tmp_path):
    db = tmp_path / "aftermath.duckdb"

    def write(version: int) -> None:
        con = duckdb.connect(str(tmp_path / "next.duckdb"))
        con.execute(f"create table load_info as select {version} as version")
        con.close()
        shutil.move(tmp_path / "next.duckdb", db)

    write(1)
    old = Reader(str(db))
    running = old.cursor()
    write(2)  # a sync swaps the file in
    new = Reader(str(db))
    assert new.cursor().execute("select version from load_info").fetchall() == [(2,)]
    # The old reader is dropped as the dashboard drops it; its running cursor still reads.
    del old
    assert running.execute("select version from load_info").fetchall() == [(1,)]

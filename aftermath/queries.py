"""Named SQL files in `queries/`: their headers, their parameters, and running them.

A file's header says what it answers, its grain, its `$params` and its columns; the contract test
holds every file to its header. Parameters are always bound by DuckDB, never formatted in.
"""

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd

# The SQL ships as package data of the `queries` package, so an installed wheel finds it too.
QUERIES_DIR = Path(str(resources.files("queries")))
LEXICON_FILE = QUERIES_DIR / "lexicon.toml"
# The folders in the order data flows: a file reads the input tables and the tables of its own or
# an earlier folder only (tests/test_layout.py). intermediate/ holds the load-only steps, dropped
# once the last step that reads them is built; marts/ the tables the load keeps, which pages,
# exports and the report read; pages/ what the pages read, never built by the load.
INTERMEDIATE_FOLDER = "intermediate"
MARTS_FOLDER = "marts"
PAGES_FOLDER = "pages"
LAYERS = (INTERMEDIATE_FOLDER, MARTS_FOLDER, PAGES_FOLDER)
# macros/ holds the SQL functions the steps share, created before the first step; not queries.
MACROS_DIR = QUERIES_DIR / "macros"

HEADER_FIELDS = ("grain", "params", "columns")
# A load step's `key:` names the columns its grain is unique on (a test holds the data to it).
# An intermediate step is a table in the database until it is dropped, unless its header says
# `storage: a view`, `a temporary table`, or `a scratch table`: stored in the load's scratch
# database of small row groups (pipeline.derived) and read through a temporary view of its name.
# An intermediate step a refresh updates by value (`refresh: by`, below) outlives the load: the
# next refresh updates its stored rows. One whose header
# says `passes: N values of TABLE.COLUMN at a time` is built in passes, each binding $pass_first and
# $pass_last to a range of that column's values (from 0): rows land grouped by it without one
# big sort, and each pass sorts only its own rows. One whose header says `refresh: by COLUMN`
# is row-local in that column (each output row depends only on the rows of the tables it reads
# that carry its value, and on tables without the column that a refresh leaves as they were): a
# refresh recomputes only the values whose rows changed (pipeline/refresh_scope.py). Any other
# file is recomputed whole.
OPTIONAL_FIELDS = ("key", "storage", "passes", "refresh")
STORAGE_FORMS = ("a view", "a temporary table", "a scratch table")
# The attached database that holds the scratch tables.
SCRATCH = "scratch"
PASS_PARAMS = ("pass_first", "pass_last")
# The Overview's filters, which marts/overview/overview_totals takes too: the load binds them empty
# (the stored table is the unfiltered view) and the Overview runs the file with the ones picked.
FILTER_PARAMS = ("started_from", "started_before", "service", "severities")


@dataclass(frozen=True)
class Query:
    name: str  # path below queries/ without .sql, e.g. "marts/incident_impact"
    question: str
    grain: str
    params: tuple[str, ...]
    columns: tuple[str, ...]
    sql: str
    key: tuple[str, ...] = ()
    storage: str = ""  # "" (a table), or one of STORAGE_FORMS
    passes: tuple[int, str, str] | None = None  # (values per pass, table, column)
    refresh_by: str = ""  # the column a refresh recomputes it by; "" for whole

    @property
    def is_load_only(self) -> bool:
        """Dropped once the last step that reads it is built: the folder says so."""
        return self.name.startswith(f"{INTERMEDIATE_FOLDER}/") and not self.refresh_by

    @property
    def create(self) -> str:
        """The statement that builds a derived file's table (or temporary view or table)."""
        if self.storage == "a scratch table":
            return f"create table {SCRATCH}.{self.table} as"
        if self.storage == "a view":
            return f"create temp view {self.table} as"
        if self.storage == "a temporary table":
            return f"create temp table {self.table} as"
        return f"create table {self.table} as"

    @property
    def table(self) -> str:
        return self.name.rsplit("/", 1)[-1]


def parse(name: str, text: str) -> Query:
    """Read a query file's header; raises ValueError naming what is missing."""
    # A load step's table is named after its file, and that name is spliced into the statements
    # that build it (pipeline.derived): it must be a plain identifier.
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name.rsplit("/", 1)[-1]):
        raise ValueError(f"queries/{name}.sql: a file name must be lowercase letters, digits, _")
    header: list[str] = []
    for line in text.splitlines():
        if not line.startswith("--"):
            break
        header.append(line[2:].strip())
    if not header:
        raise ValueError(f"queries/{name}.sql has no header comment")
    found: dict[str, str] = {}
    current = None
    for line in header[1:]:
        field, sep, rest = line.partition(":")
        if sep and field.strip() in HEADER_FIELDS + OPTIONAL_FIELDS:
            current = field.strip()
            found[current] = rest.strip()
        elif current == "columns" and found["columns"].endswith(","):
            found[current] += " " + line  # the list goes on after a trailing comma
        else:
            current = None
    missing = [f for f in HEADER_FIELDS if f not in found]
    if missing:
        raise ValueError(f"queries/{name}.sql header lacks {', '.join(missing)}")
    params = tuple(re.findall(r"\$(\w+)", found["params"]))
    columns = tuple(c.strip() for c in found["columns"].split(",") if c.strip())
    key = tuple(c.strip() for c in found.get("key", "").split(",") if c.strip())
    storage = ""
    if "storage" in found:
        storage = next((f for f in STORAGE_FORMS if re.match(rf"{f}\b", found["storage"])), "")
        if not storage or not name.startswith(f"{INTERMEDIATE_FOLDER}/"):
            raise ValueError(
                f"queries/{name}.sql: storage must read {', '.join(STORAGE_FORMS)}, "
                "for an intermediate step"
            )
    passes = None
    if "passes" in found:
        match = re.fullmatch(r"(\d+) values of (\w+)\.(\w+) at a time\b.*", found["passes"])
        if not match:
            raise ValueError(
                f"queries/{name}.sql: passes must read 'N values of TABLE.COLUMN at a time'"
            )
        passes = (int(match[1]), match[2], match[3])
    refresh_by = ""
    if "refresh" in found:
        match = re.fullmatch(r"by (\w+)\b.*", found["refresh"])
        if not match or match[1] not in columns or storage or passes:
            raise ValueError(
                f"queries/{name}.sql: refresh must read 'by COLUMN', a column of a stored table "
                "built in one statement"
            )
        refresh_by = match[1]
    return Query(
        name, header[0], found["grain"], params, columns, text, key, storage, passes, refresh_by
    )


@cache
def _read(path: Path, mtime: float) -> Query:
    name = path.relative_to(QUERIES_DIR).with_suffix("").as_posix()
    return parse(name, path.read_text())


def get(name: str) -> Query:
    path = QUERIES_DIR / f"{name}.sql"
    return _read(path, path.stat().st_mtime)


def all_queries(folder: str = "") -> list[Query]:
    root = QUERIES_DIR / folder
    return [
        _read(p, p.stat().st_mtime)
        for p in sorted(root.rglob("*.sql"))
        if not p.is_relative_to(MACROS_DIR)
    ]


def quoted_identifier(name: str) -> str:
    """A name as a quoted SQL identifier, inner quotes doubled (a name from an export may hold one)."""
    return '"' + name.replace('"', '""') + '"'


def used_params(sql: str) -> set[str]:
    """`$names` in the body, ignoring comments and string literals."""
    body = re.sub(r"--[^\n]*", "", sql)
    body = re.sub(r"'(?:[^']|'')*'", "''", body)
    return set(re.findall(r"\$([A-Za-z_]\w*)", body))


def run_query(con: duckdb.DuckDBPyConnection, name: str, **params: object) -> pd.DataFrame:
    """Run `queries/<name>.sql` with its declared params bound; a DataFrame back."""
    query = get(name)
    missing = set(query.params) - set(params)
    if missing:
        raise TypeError(f"{name} needs {', '.join(sorted(missing))}")
    bound = {p: params[p] for p in query.params}
    return con.cursor().execute(query.sql, bound).df()


def query_rows(con: duckdb.DuckDBPyConnection, name: str, **params: object) -> list[dict]:
    """Run `queries/<name>.sql` like run_query, the rows back as dicts of Python values (for
    text output such as the report, where a DataFrame's NaN and Timestamp would get in the way)."""
    query = get(name)
    cursor = con.cursor()
    try:
        cursor.execute(query.sql, {p: params[p] for p in query.params})
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        cursor.close()

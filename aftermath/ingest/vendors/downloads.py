"""What the CSV downloads of vendor tools share: the header row that tells them apart, every
column read as text, and their dates (localised, day or month first) turned into ISO 8601.

A download's columns are named for people (`Created at`, `Issue key`), in the tool's own words;
its dates are written as the tool's settings say (`12/Jun/20 12:13 AM`, `03/04/2025 14:05`), in
the zone of the account that downloaded it (naive: the load's `--timezone` applies).
"""

import csv
import gzip
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import duckdb

from aftermath.errors import SourceError
from aftermath.ingest.readers import DELIMITERS, HEAD_BYTES, read_csv_text
from aftermath.ingest.vendors import common

SUFFIXES = (".csv", ".csv.gz", ".tsv")
DATE_ORDERS = ("dmy", "mdy")


def is_csv(path: Path) -> bool:
    return path.is_file() and path.name.lower().endswith(SUFFIXES)


def header(path: Path) -> tuple[str, ...] | None:
    """The lower-case column names of a CSV file's header row, or None when it is no CSV."""
    if not is_csv(path):
        return None
    stat = path.stat()
    return _header(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _header(file: str, _mtime: int, _size: int) -> tuple[str, ...] | None:
    opener = gzip.open if file.lower().endswith(".gz") else open
    try:
        with opener(file, "rb") as f:
            head = f.read(HEAD_BYTES)
    except OSError:
        return None
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    if not text.strip():
        return None
    line = text.splitlines()[0]
    delimiter = max(DELIMITERS, key=lambda d: len(next(csv.reader([line], delimiter=d))))
    return tuple(name.strip().lower() for name in next(csv.reader([line], delimiter=delimiter)))


@dataclass(frozen=True)
class HeaderMark:
    """A download known by columns its header row holds (every one of `columns`)."""

    why: str
    columns: frozenset[str]

    def fits(self, names: tuple[str, ...]) -> bool:
        return self.columns <= set(names)


def header_mark(*columns: str) -> HeaderMark:
    listed = ", ".join(f"'{c}'" for c in columns)
    return HeaderMark(f"CSV with the columns {listed}", frozenset(c.lower() for c in columns))


def detect(path: Path, source: str, marks: tuple[HeaderMark, ...]) -> str | None:
    """Why a CSV file is `source`'s download: the first mark its header fits, or None."""
    names = header(path)
    why = next((m.why for m in marks if m.fits(names)), None) if names else None
    return f"{why} → {common.TITLES[source]}" if why else None


@dataclass(frozen=True)
class Download:
    """A CSV download as a temp table: `_row` and one text column per header field."""

    table: str
    label: str
    columns: dict[str, str]  # lower-case header name → quoted column (repeats end in `_`)

    def has(self, *names: str) -> bool:
        return any(n in self.columns for n in names)

    def text(self, *names: str) -> str:
        """SQL: the first present column of `names`, blank as NULL (NULL when none is)."""
        for name in names:
            if name in self.columns:
                return f"nullif(trim({self.columns[name]}), '')"
        return "null::varchar"

    def repeated(self, name: str) -> list[str]:
        """SQL for every column of a repeated header name (`Labels`, `Labels`, ...)."""
        return [
            f"nullif(trim({quoted}), '')"
            for key, quoted in self.columns.items()
            if key.rstrip("_") == name
        ]

    def named(self, name: str) -> str | None:
        """The header name a user gave (`--link-field "Incident"`) as this file spells it:
        exact, or before a bracketed type (`Incident [txt]`), case-insensitive; None if absent."""
        wanted = name.strip().lower()
        for key in self.columns:
            bare = re.sub(r"\s*\[[^\]]*\]$", "", key)
            if wanted in (key, bare) or key == f"custom field ({wanted})":
                return key
        return None


def read(con: duckdb.DuckDBPyConnection, path: Path, source: str) -> Download:
    """The download's rows, each field as text; rows the CSV reader refused become rejects."""
    label = common.label(path, source)
    ranked, columns = read_csv_text(con, path, label, f"the {common.TITLES[source]} download")
    table = common.stage(con, source, ranked)
    return Download(table, label, columns)


# Day or month first: the numbers before the year of `03/04/2025`, `3.4.25`, `03-04-2025 14:05`.
NUMERIC_DATE = r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-]\d{2,4}\b"


def date_order(
    con: duckdb.DuckDBPyConnection,
    download: Download,
    columns: list[str],
    options: dict[str, str],
) -> str:
    """`dmy` or `mdy` for the file's numeric dates: what its values settle (a day above 12 in
    either place), else `--date-order`; a file whose values cannot be told apart and no
    `--date-order` stops the load with the message asking for it."""
    present = [download.columns[c] for c in columns if c in download.columns]
    if not present:
        return options.get("date_order", "dmy")
    values = " union all ".join(f"select {c} as v from {download.table}" for c in present)
    first, second, example = con.execute(
        "with parts as (select v, try_cast(regexp_extract(v, $pattern, 1) as int) as a, "
        f"try_cast(regexp_extract(v, $pattern, 2) as int) as b from ({values})) "
        "select count(*) filter (where a > 12), count(*) filter (where b > 12), "
        "any_value(v) filter (where a <> b and a <= 12 and b <= 12) from parts",
        {"pattern": NUMERIC_DATE},
    ).fetchall()[0]
    given = options.get("date_order")
    if first and second:
        raise SourceError(
            f"{download.label}: its dates put the day first in some rows and the month first in "
            "others; export the file again with one date format."
        )
    found = "dmy" if first else "mdy" if second else None
    if found and given and given != found:
        raise SourceError(
            f"{download.label}: --date-order {given} was given, but its dates have "
            f"{'a day above 12 first' if first else 'a day above 12 second'} ({found}); "
            "leave --date-order out for this file."
        )
    if found or given:
        return found or given
    if example is None:
        return "dmy"  # no date where the order matters (03/03/2025), or no numeric date at all
    raise SourceError(
        f"{download.label}: its dates such as '{example}' can be read day first or month first, "
        "and no row settles which. Load again with --date-order dmy (day first, 03/04/2025 = "
        "3 April) or --date-order mdy (month first, 03/04/2025 = March 4)."
    )


def _formats(order: str) -> list[str]:
    """strptime formats of wall-clock times a download writes, numeric dates in `order`."""
    day_month = "%d{s}%m" if order == "dmy" else "%m{s}%d"
    times = ("", " %H:%M", " %H:%M:%S", " %I:%M %p", " %I:%M:%S %p")
    numeric = [
        f"{day_month.format(s=s)}{s}{year}{time}"
        for s in "/.-"
        for year in ("%y", "%Y")  # two digits first: %Y would read `25` as the year 25
        for time in times
    ]
    named = [
        f"{date}{time}"
        for date in ("%d/%b/%y", "%d/%b/%Y", "%d-%b-%Y", "%d %b %Y", "%b %d, %Y", "%d %B %Y")
        for time in times
    ]
    iso = [f"%Y/%m/%d{time}" for time in times]
    return numeric + named + iso


ZONED_FORMATS = ["%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M %z", "%Y/%m/%d %H:%M:%S %z"]


def timestamp(expr: str, order: str) -> str:
    """SQL: a download's date and time as ISO 8601 text, NULL when it is none of the forms
    read: ISO 8601 as it is (an offset kept), `2024-05-01 10:00:00 +0200` in UTC, a wall-clock
    time such as `12/Jun/20 12:13 AM` without an offset (read in the load's zone)."""
    local = ", ".join(f"'{f}'" for f in _formats(order))
    zoned = ", ".join(f"'{f}'" for f in ZONED_FORMATS)
    return f"""(case
        when {expr} is null then null
        when regexp_matches({expr}, '^[0-9]{{4}}-[0-9][0-9]-[0-9][0-9]')
            and try_cast({expr} as timestamptz) is not null then {expr}
        when try_strptime({expr}, [{zoned}]) is not null
            then strftime(timezone('UTC', try_strptime({expr}, [{zoned}])), '%Y-%m-%dT%H:%M:%SZ')
        else strftime(try_strptime({expr}, [{local}]), '%Y-%m-%dT%H:%M:%S')
    end)"""


def time_problems(checks: list[tuple[str, str, str]], source: str) -> str:
    """SQL: the record's rejects for times that are none of the forms read, each named by
    its contract column: (contract column, raw SQL, converted SQL)."""
    return common.problems(
        *(
            (
                f"{raw} is not null and {converted} is null",
                column,
                raw,
                f"not a date and time as {common.TITLES[source]} writes them; see "
                f"{source}.md for the forms read",
            )
            for column, raw, converted in checks
        )
    )


@dataclass(frozen=True)
class Columns:
    """Where a download keeps each contract column: its header names to try, in order;
    which of them are times, and which are lists with the separator between their items."""

    names: dict[str, tuple[str, ...]]
    times: tuple[str, ...] = ()
    lists: dict[str, str] | None = None


def mapped(
    con: duckdb.DuckDBPyConnection,
    download: Download,
    columns: Columns,
    options: dict[str, str],
    source: str,
    computed: dict[str, str] | None = None,
    params: dict[str, str] | None = None,
) -> str:
    """The download's rows as contract columns (a staged temp table with `_row` and
    `_problems`): text as it is, times as ISO 8601 (the file's own date order), lists as JSON
    arrays; `computed` adds columns as SQL over the download's own columns (`text` of them)."""
    time_headers = [n for c in columns.times for n in columns.names.get(c, ())]
    order = date_order(con, download, time_headers, options)
    lists = columns.lists or {}
    selected, checks = [], []
    for column, names in columns.names.items():
        raw = download.text(*names)
        if column in columns.times:
            converted = timestamp(raw, order)
            checks.append((column, raw, converted))
        elif column in lists:
            converted = (
                f"to_json(list_filter(list_transform(regexp_split_to_array({raw}, "
                f"'{lists[column]}'), lambda x: trim(x)), lambda x: x <> ''))"
            )
        else:
            converted = raw
        selected.append(f"{converted} as {column}")
    selected += [f"{sql} as {column}" for column, sql in (computed or {}).items()]
    return common.stage(
        con,
        source,
        f"select _row, {', '.join(selected)}, {time_problems(checks, source)} as _problems "
        f"from {download.table}",
        params,
    )


def link(
    download: Download, link_field: str, tags: str, default_prefix: str = ""
) -> tuple[str, dict[str, str]]:
    """SQL for the incident reference --link-field names, and its bound parameters: a column of
    the download (`Incident` finds `Incident [txt]` and `Custom field (Incident)`), else a tag
    prefix (the rest of the first of the `tags` list (SQL) that starts with it); then the
    `default_prefix` tag, when the vendor has one."""
    column = download.named(link_field) if link_field else None
    prefixes = {}
    if link_field and not column and not link_field.isdigit():
        prefixes["link_prefix"] = link_field
    if default_prefix:
        prefixes["default_prefix"] = default_prefix
    found = [download.text(column)] if column else []
    for param in prefixes:
        first = f"list_filter({tags}, lambda t: starts_with(lower(t), lower(${param})))[1]"
        found.append(f"nullif(substr({first}, length(${param}) + 1), '')")
    return (f"coalesce({', '.join(found)})" if found else "null::varchar"), prefixes


def tickets(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    source: str,
    marks: tuple[HeaderMark, ...],
    expected: str,
    columns: Columns,
    options: dict[str, str],
) -> duckdb.DuckDBPyRelation:
    """A help desk's ticket download as `tickets`; the incident is the column --link-field
    names, else the tag after the prefix it gives (tags split as `columns.lists` says)."""
    check(path, source, marks, expected)
    download = read(con, path, source)
    separator = (columns.lists or {})["tags"]
    tags = (
        "list_transform(regexp_split_to_array("
        f"{download.text(*columns.names['tags'])}, '{separator}'), lambda t: trim(t))"
    )
    linked, params = link(download, options.get("link_field", ""), tags)
    return con.table(
        mapped(con, download, columns, options, source, {"incident_id": linked}, params)
    )


def plus_seconds(iso: str, seconds: str) -> str:
    """SQL: ISO 8601 text plus a number of seconds, as ISO 8601 text: in UTC when the time
    carries an offset, else as the same wall-clock kind of time."""
    return f"""(case
        when regexp_matches({iso}, '(Z|[+-]\\d\\d:?\\d\\d)$')
            then strftime(timezone('UTC', try_cast({iso} as timestamptz))
                + try_cast({seconds} as double) * interval '1 second', '%Y-%m-%dT%H:%M:%SZ')
        else strftime(try_cast({iso} as timestamp)
            + try_cast({seconds} as double) * interval '1 second', '%Y-%m-%dT%H:%M:%S')
    end)"""


def check(path: Path, source: str, marks: tuple[HeaderMark, ...], expected: str) -> None:
    """Stop with a plain message when a CSV given as `source` is none of its downloads."""
    names = header(path)
    if names and any(m.fits(names) for m in marks):
        return
    found = ", ".join(names[:12]) if names else "none (the file is empty)"
    raise SourceError(
        f"{common.label(path, source)}: this CSV file is not a {common.TITLES[source]} "
        f"download: expected {expected}; its columns are {found}."
    )

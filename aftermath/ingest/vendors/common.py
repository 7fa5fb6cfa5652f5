"""What the vendor adapters share: reading a vendor's JSON into records, its shape, its errors.

Every adapter reads JSON the same way: DuckDB parses the file (or a folder of files) into
top-level values, each value yields its records (the elements of a list such as `incidents[]`,
one wrapped object such as `incident`, or the value itself), and the records are numbered in
file order: that number is `_row`, which reject messages quote.
"""

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import duckdb

from aftermath import schema
from aftermath.errors import SourceError

JSON_SUFFIXES = (".json", ".jsonl", ".ndjson")
# Gzipped JSON (an Amplitude export's files): DuckDB reads them as they are.
GZIP_JSON_SUFFIXES = tuple(f"{s}.gz" for s in JSON_SUFFIXES)
# DuckDB's default limit for one JSON value is 16 MB; a whole API export is one value.
MIN_OBJECT_BYTES = 16 * 1024 * 1024

_names = itertools.count(1)

# How messages name each source (adapter NAME → the vendor's own spelling).
TITLES = {
    "statuspage": "Statuspage",
    "zendesk": "Zendesk",
    "intercom": "Intercom",
    "pagerduty": "PagerDuty",
    "incident_io": "incident.io",
    "jira": "Jira",
    "opsgenie": "Opsgenie",
    "firehydrant": "FireHydrant",
    "freshdesk": "Freshdesk",
    "mixpanel": "Mixpanel",
    "amplitude": "Amplitude",
    "posthog": "PostHog",
    "segment": "Segment",
}


def label(path: Path, source: str) -> str:
    """How messages name a vendor file (the loader's load report uses the same words)."""
    return f"{path.name} [{source}]"


def temp_name(source: str) -> str:
    """A fresh temp table name; `source` is an adapter's NAME, never user input."""
    return f"_src_{source}_{next(_names)}"


def is_json(path: Path) -> bool:
    """Whether the file's name says JSON (gzipped or not)."""
    return path.name.lower().endswith(JSON_SUFFIXES + GZIP_JSON_SUFFIXES)


def json_files(path: Path) -> list[Path]:
    """The file itself, or the JSON files directly inside a folder (sorted by name)."""
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.is_file() and is_json(p))
    return [path]


@dataclass(frozen=True)
class Shape:
    """The keys of a file's first JSON value, and of the objects under them."""

    top: frozenset[str]  # keys of the first top-level object
    inner: dict[str, frozenset[str]]  # key -> keys of that object, or of its list's objects
    files: int  # JSON files read (1 for a file, how many for a folder)

    def under(self, key: str) -> frozenset[str]:
        return self.inner.get(key, frozenset())


@dataclass(frozen=True)
class Mark:
    """One shape by which a vendor's export is known: `keys` in its first top-level object and,
    for each (key, keys) of `under`, those keys in the objects under that key; `why` says so."""

    why: str
    keys: frozenset[str] = frozenset()
    under: tuple[tuple[str, frozenset[str]], ...] = ()

    def fits(self, found: Shape) -> bool:
        return self.keys <= found.top and all(keys <= found.under(k) for k, keys in self.under)


def mark(why: str, *keys: str, **under: tuple[str, ...]) -> Mark:
    """A Mark: `mark(why, "a", "b", incidents=("c",))` needs a and b at the top, c under incidents."""
    return Mark(why, frozenset(keys), tuple((k, frozenset(v)) for k, v in under.items()))


def detect(path: Path, source: str, marks: tuple[Mark, ...]) -> str | None:
    """Why the file (or folder) is `source`'s export: the first of its marks that the file's
    shape fits, or None."""
    found = shape(path)
    why = fitting(found, marks)
    if why is None:
        return None
    if path.is_dir():
        why = f"folder of {found.files} JSON files, the first a {why}"
    return f"{why} → {TITLES[source]}"


def fitting(found: Shape | None, marks: tuple[Mark, ...]) -> str | None:
    """Why a shape is one of `marks`: the first that fits, or None."""
    return next((m.why for m in marks if m.fits(found)), None) if found else None


def shape(path: Path) -> Shape | None:
    """The shape of a vendor file or folder (its first file), or None when it is not JSON."""
    files = json_files(path)
    if not files or not is_json(files[0]):
        return None
    stat = files[0].stat()
    return _shape(str(files[0]), stat.st_mtime_ns, stat.st_size, len(files))


@lru_cache(maxsize=64)
def _shape(file: str, _mtime: int, size: int, files: int) -> Shape | None:
    # One parse and one json_structure per file serve all six detectors (the structure of a
    # list merges the keys of all its objects); the cache key changes when the file does.
    con = duckdb.connect()
    try:
        inner_rows = con.execute(
            "with first as (select json_structure(json) as doc from read_json_objects($f, "
            "format = 'auto', maximum_object_size = $max) limit 1), "
            "keyed as (select doc, key, '$.\"' || replace(key, '\"', '\\\"') || '\"' as path "
            "from (select doc, unnest(json_keys(doc)) as key from first "
            "where json_type(doc) = 'OBJECT')) "
            # A quoted path: a key such as `$insert_id` (Amplitude) is no path of its own.
            "select key, json_keys(case json_type(doc -> path) when 'OBJECT' then doc -> path "
            "when 'ARRAY' then doc -> path -> 0 end) from keyed",
            {"f": file, "max": _max_bytes(size)},
        ).fetchall()
    except duckdb.OutOfMemoryException:
        raise  # the load's memory limit, reported by load()
    except duckdb.Error:
        return None
    finally:
        con.close()
    if not inner_rows:
        return None
    inner = {key: frozenset(keys or ()) for key, keys in inner_rows}
    return Shape(frozenset(inner), inner, files)


def _max_bytes(size: int) -> int:
    return max(MIN_OBJECT_BYTES, size + 1)


@dataclass(frozen=True)
class Records:
    """Temp tables: `table` (_row, _doc, _file, rec) and per side-load key (_doc, rec)."""

    table: str
    sideloads: dict[str, str]


@dataclass(frozen=True)
class Layout:
    """Where one vendor export keeps one kind of record, and what it says when a file is not it.

    A top-level value gives its records by the first rule that fits: an array under one of
    `lists` (its elements), an object under one of `singles`, or the value itself when it has
    one of the `markers` keys. Values that fit none are skipped (an array of ids next to the
    incident files, say). When nothing fits, or no record has any of the `needs` keys (the
    markers unless said), the file is not this vendor's export and the error says what was
    `expected`. `sideloads` are lists that an API response carries beside its records (users,
    metric sets).
    """

    source: str
    expected: str
    lists: tuple[str, ...] = ()
    singles: tuple[str, ...] = ()
    markers: tuple[str, ...] = ()
    needs: tuple[str, ...] | None = None
    sideloads: tuple[str, ...] = ()

    def records(
        self, con: duckdb.DuckDBPyConnection, path: Path, files: list[Path] | None = None
    ) -> Records:
        """This layout's records in `path`, one JSON object each, numbered in file order."""
        return records(con, path, self, files)


def records(
    con: duckdb.DuckDBPyConnection, path: Path, layout: Layout, files: list[Path] | None = None
) -> Records:
    """The records `layout` says where to find, one JSON object each, numbered in file order;
    `files`, when given, are the ones of `path` to read (a folder holding other kinds too)."""
    source, expected = layout.source, layout.expected
    needs = layout.markers if layout.needs is None else layout.needs
    files = json_files(path) if files is None else files
    if not files:
        raise SourceError(
            f"{label(path, source)}: the folder holds no .json files; expected {expected}."
        )
    found = None
    if layout.lists or layout.singles:
        found = _wrapped(con, path, files, layout)
    if found is None:
        found = _values(con, path, files, layout)
    if needs:
        has = " or ".join(f"(rec -> $n{i}::varchar) is not null" for i in range(len(needs)))
        bad = con.execute(
            f"select count(*) > 0 and count(*) filter (where {has}) = 0, "
            f"any_value(json_keys(rec)) from {found.table}",
            {f"n{i}": key for i, key in enumerate(needs)},
        ).fetchone()
        if bad[0]:
            raise SourceError(
                f"{label(path, source)}: this is not that export: expected {expected}; its "
                f"records have the keys {', '.join(sorted(bad[1])[:12])}."
            )
    return found


def _files_param(files: list[Path]) -> dict:
    return {
        "files": [str(f) for f in files],
        "max": _max_bytes(max(f.stat().st_size for f in files)),
    }


def _wrapped(
    con: duckdb.DuckDBPyConnection, path: Path, files: list[Path], layout: Layout
) -> Records | None:
    """Records under list or object keys, parsing only those keys (fast on one huge object).

    None when some top-level value has none of the keys (it may be a record itself, which
    `_values` reads), is not an object, or holds one of the keys with another type.
    """
    source, lists, singles, sideloads = (
        layout.source,
        layout.lists,
        layout.singles,
        layout.sideloads,
    )
    columns = {key: "JSON[]" for key in (*lists, *sideloads)} | {key: "JSON" for key in singles}
    docs = temp_name(source)
    try:
        con.execute(
            f"create temp table {docs} as select row_number() over (order by filename, _seq) "
            "as _doc, * exclude (_seq) from (select row_number() over () as _seq, * "
            "from read_json($files, format = 'auto', columns = $columns, filename = true, "
            "maximum_object_size = $max))",
            {**_files_param(files), "columns": columns},
        )
    except duckdb.OutOfMemoryException:
        raise  # the load's memory limit, reported by load()
    except duckdb.Error as e:
        # A key of another type (or a value that is no object): read whole values instead.
        if "Expected OBJECT" in str(e) or "Expected ARRAY" in str(e):
            return None
        raise SourceError(_unreadable(path, files, source, e, layout.expected)) from None
    try:
        # A value holds records under its first key that is present (lists before singles).
        present = " or ".join(f'"{key}" is not null' for key in (*lists, *singles))
        with_keys, without = con.execute(
            f"select count(*) filter (where {present}), count(*) filter (where not ({present})) "
            f"from {docs}"
        ).fetchone()
        if not with_keys or (without and layout.markers):
            return None
        recs = [f'"{key}"' for key in lists] + [
            f'case when "{key}" is not null then ["{key}"] end' for key in singles
        ]
        table = temp_name(source)
        con.execute(
            f"create temp table {table} as "
            + _numbered(
                f"select _doc, filename as _file, coalesce({', '.join(recs)}) as recs from {docs}"
            )
        )
        loaded = {}
        for key in sideloads:
            loaded[key] = temp_name(source)
            con.execute(
                f"create temp table {loaded[key]} as "
                f'select _doc, unnest("{key}") as rec from {docs}'
            )
        return Records(table, loaded)
    finally:
        con.execute(f"drop table {docs}")


def _numbered(picked: str) -> str:
    """SQL: the records of `picked` (_doc, _file, recs), one row each, `_row` counting
    them in file order from each value's offset, so the records themselves are never sorted."""
    return (
        f"with picked as ({picked}), "
        "offsets as (select _doc, coalesce(sum(len(recs)) over (order by _doc rows between "
        "unbounded preceding and 1 preceding), 0) as _offset from picked), "
        "flat as (select _offset + generate_subscripts(recs, 1) as _row, _doc, _file, "
        "unnest(recs) as rec from picked join offsets using (_doc)) "
        "select * from flat where json_type(rec) = 'OBJECT'"
    )


def _values(
    con: duckdb.DuckDBPyConnection, path: Path, files: list[Path], layout: Layout
) -> Records:
    """Records from whole top-level values: JSON lines, an array, or files of any JSON."""
    docs = temp_name(layout.source)
    try:
        con.execute(
            f"create temp table {docs} as select row_number() over (order by filename, _seq) "
            "as _doc, filename as _file, json as doc from (select filename, "
            "row_number() over () as _seq, json from read_json_objects($files, format = 'auto', "
            "filename = true, maximum_object_size = $max))",
            _files_param(files),
        )
    except duckdb.OutOfMemoryException:
        raise  # the load's memory limit, reported by load()
    except duckdb.Error as e:
        raise SourceError(_unreadable(path, files, layout.source, e, layout.expected)) from None
    try:
        return _pick(con, path, docs, layout)
    finally:
        con.execute(f"drop table {docs}")


def _pick(con: duckdb.DuckDBPyConnection, path: Path, docs: str, layout: Layout) -> Records:
    source, lists, singles, markers = layout.source, layout.lists, layout.singles, layout.markers
    params: dict[str, str] = {}
    rules = ["when json_type(doc) <> 'OBJECT' then null"]
    for n, key in enumerate(lists):
        params[f"l{n}"], params[f"lp{n}"] = key, f'$."{key}"[*]'
        rules.append(
            f"when json_type(doc -> $l{n}::varchar) = 'ARRAY' "
            f"then json_extract(doc, $lp{n}::varchar)"
        )
    for n, key in enumerate(singles):
        params[f"s{n}"] = key
        rules.append(
            f"when json_type(doc -> $s{n}::varchar) = 'OBJECT' then [doc -> $s{n}::varchar]"
        )
    for n, key in enumerate(markers):
        params[f"m{n}"] = key
        rules.append(f"when (doc -> $m{n}::varchar) is not null then [doc]")
    picked = f"select _doc, _file, case {' '.join(rules)} end as recs from {docs}"
    table = temp_name(source)
    con.execute(f"create temp table {table} as {_numbered(picked)}", params)
    fitting = con.execute(
        f"select count(*) from ({picked}) where recs is not null", params
    ).fetchone()[0]
    if not fitting:
        found = con.execute(
            "select count(*), list_sort(list_distinct(flatten(list(json_keys(doc))))) "
            f"from {docs} where json_type(doc) = 'OBJECT'"
        ).fetchone()
        raise SourceError(f"{label(path, source)}: {_not_this_vendor(found, layout.expected)}")
    loaded = {}
    for key in layout.sideloads:
        loaded[key] = temp_name(source)
        con.execute(
            f"create temp table {loaded[key]} as select _doc, unnest(json_extract(doc, "
            f"$p::varchar)) as rec from {docs} where json_type(doc) = 'OBJECT'",
            {"p": f'$."{key}"[*]'},
        )
    return Records(table, loaded)


def _not_this_vendor(found: tuple, expected: str) -> str:
    count, keys = found
    keys = keys or []
    if not count:
        return f"the file holds no JSON data (it is empty); export it again. Expected {expected}."
    if {"error", "errors"} & set(keys) or keys == ["message"]:
        return (
            f"it holds an API error response (keys: {', '.join(keys[:8])}), not data; "
            f"run the export again and save the data response. Expected {expected}."
        )
    return (
        f"this is not that export: expected {expected}; the file's top-level keys are "
        f"{', '.join(keys[:12])}."
    )


def _unreadable(
    path: Path, files: list[Path], source: str, error: duckdb.Error, expected: str
) -> str:
    """Say in plain words why DuckDB could not parse the JSON, naming the bad file."""
    detail = str(error).strip().splitlines()[0]
    bad = next((f for f in files if f'"{f}"' in detail or f"'{f}'" in detail), files[0])
    where = label(path, source) + (f", file {bad.name}" if bad != path else "")
    with open(bad, "rb") as f:
        head = f.read(4096)
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    bom = " It starts with a byte-order mark (BOM)." if head.startswith(b"\xef\xbb\xbf") else ""
    if not text:
        return f"{where}: the file is empty. Export it again; expected {expected}."
    if text[:1] == b"<":
        return (
            f"{where}: this is a web page (HTML), not JSON: probably an error or sign-in page "
            f"saved instead of the API response. Export it again; expected {expected}."
        )
    if text[:1] in (b"{", b"["):
        return (
            f"{where}: the JSON is cut off or broken ({_after_colon(detail)}). The export was "
            f"probably interrupted; download it again. Expected {expected}."
        )
    first_line = text.split(b"\n", 1)[0]
    for sep, name in ((b";", "';'"), (b"\t", "tabs"), (b",", "','")):
        if sep in first_line:
            return (
                f"{where}: this is a CSV file (fields separated by {name}), not JSON.{bom} "
                f"Aftermath reads {TITLES[source]}'s JSON export; expected {expected}."
            )
    return f"{where}: this is not JSON ({_after_colon(detail)}); expected {expected}."


def _after_colon(detail: str) -> str:
    # DuckDB: 'Invalid Input Error: Malformed JSON in file "x", at byte 54 ...: unexpected end'
    match = re.search(r"at byte \d+.*$", detail)
    return (match.group(0) if match else detail[:200]).rstrip(". ")


def stage(con: duckdb.DuckDBPyConnection, source: str, sql: str, params: dict | None = None) -> str:
    """Run an adapter's mapping once into a temp table, so errors surface in `read`; its name."""
    table = temp_name(source)
    con.execute(f"create temp table {table} as {sql}", params or {})
    return table


def materialize(
    con: duckdb.DuckDBPyConnection, source: str, sql: str, params: dict | None = None
) -> duckdb.DuckDBPyRelation:
    """The mapping run once (see `stage`), as the relation the loader reads."""
    return con.table(stage(con, source, sql, params))


def split_help_desk_tickets(
    con: duckdb.DuckDBPyConnection, fields: str, is_incident: str, severity: str = ""
) -> tuple[duckdb.DuckDBPyRelation, duckdb.DuckDBPyRelation]:
    """(tickets, incidents) from a help desk's staged tickets, where the ones marked by the
    boolean column `is_incident` are incident records (Zendesk problems, Intercom trackers);
    `severity`, when given, is the column that holds an incident's severity."""
    tickets = con.sql(
        f"""
        select
            _row, ticket_id, created_at, account_id, subject, description, tags, channel,
            priority, solved_at, incident_id
        from {fields}
        where not {is_incident}
        """
    )
    severity_column = f"{severity} as severity," if severity else ""
    incidents = con.sql(
        f"""
        select
            _row,
            ticket_id as incident_id,
            subject as title,
            {severity_column}
            created_at as started_at,
            solved_at as resolved_at
        from {fields}
        where {is_incident}
        """
    )
    return tickets, incidents


def iso_from_epoch_ms(expr: str) -> str:
    """SQL: epoch milliseconds as an ISO 8601 UTC string."""
    return f"strftime(epoch_ms(try_cast({expr} as bigint)), '%Y-%m-%dT%H:%M:%S.%gZ')"


def iso_from_epoch(expr: str) -> str:
    """SQL: epoch seconds as an ISO 8601 UTC string (explicit Z: the loader's zone never applies)."""
    return f"strftime(make_timestamp(({expr})::bigint * 1000000), '%Y-%m-%dT%H:%M:%SZ')"


def problems(*checks: tuple[str, str, str, str]) -> str:
    """SQL: a record's own rejects, as the loader lists them: for each (condition, column,
    value SQL, reason) whose condition holds, that column, its value and the reason (a fixed
    phrase of the adapter's, never data)."""
    cases = ", ".join(
        f"case when {condition} then {{'column': '{column}', 'value': left(({value})::varchar, "
        f"200), 'reason': '{reason.replace(chr(39), chr(39) * 2)}'}} end"
        for condition, column, value, reason in checks
    )
    return f"list_filter([{cases}], lambda p: p is not null)"


def earliest(text: str, where: str) -> str:
    """SQL aggregate: the text of the earliest time among the rows `where` holds (text alone
    does not sort: `10:00:00.39Z` comes after `10:00:00.393Z`)."""
    return f"arg_min({text}, try_cast({text} as timestamptz)) filter (where {where})"


def latest(text: str, where: str) -> str:
    """SQL aggregate: the text of the latest time among the rows `where` holds."""
    return f"arg_max({text}, try_cast({text} as timestamptz)) filter (where {where})"


def timeline_times(entries: str, key: str, acknowledged: str, resolved: str) -> str:
    """SQL: per `key`, the first acknowledgement and the last resolution among timeline
    `entries` (SQL with `key`, `kind` and `entry_at`); `acknowledged` and `resolved` test
    `kind`."""
    return (
        f"select {key}, {earliest('entry_at', acknowledged)} as first_acknowledged_at, "
        f"{latest('entry_at', resolved)} as resolved_at from ({entries}) group by {key}"
    )


def plus_milliseconds(at: str, milliseconds: str) -> str:
    """SQL: an ISO 8601 time `at` plus a count of milliseconds, as ISO 8601 UTC text."""
    return (
        f"strftime(timezone('UTC', try_cast({at} as timestamptz)) "
        f"+ to_milliseconds(try_cast({milliseconds} as bigint)), '%Y-%m-%dT%H:%M:%S.%gZ')"
    )


def severity_level(expr: str) -> str:
    """SQL: a vendor's severity name as 1..5 (SEV2, P2, 2, critical, ...), NULL when unknown."""
    words = " ".join(f"when '{w}' then {n}" for w, n in schema.SEVERITY_WORDS.items())
    digit = f"regexp_extract(lower(trim({expr})), '^(sev|p|s)?[ -]?([1-5])\\b', 2)"
    return (
        f"coalesce(case lower(trim({expr})) {words} end, try_cast(nullif({digit}, '') as integer))"
    )


# Decoded by strip_html, `&amp;` last so that `&amp;lt;` stays the text `&lt;`.
HTML_ENTITIES = (
    ("&nbsp;", " "),
    ("&lt;", "<"),
    ("&gt;", ">"),
    ("&quot;", '"'),
    ("&#39;", "''"),
    ("&amp;", "&"),
)


def strip_html(expr: str) -> str:
    """SQL: HTML message text as plain text (tags dropped, common entities decoded)."""
    no_tags = f"regexp_replace({expr}, '<[^>]*>', ' ', 'g')"
    decoded = no_tags
    for entity, char in HTML_ENTITIES:
        decoded = f"replace({decoded}, '{entity}', '{char}')"
    return f"nullif(trim(regexp_replace({decoded}, '\\s+', ' ', 'g')), '')"


def note(con: duckdb.DuckDBPyConnection, text: str) -> None:
    """A line for the load report (the loader prints `_notes`; an adapter read alone keeps it)."""
    con.execute("create temp table if not exists _notes (note varchar)")
    con.execute("insert into _notes values ($n)", {"n": text})


def notes(con: duckdb.DuckDBPyConnection) -> list[str]:
    con.execute("create temp table if not exists _notes (note varchar)")
    return [n for (n,) in con.execute("select note from _notes").fetchall()]


def top_level(con: duckdb.DuckDBPyConnection, path: Path, sql: str) -> tuple:
    """One row of `sql` over the file's top-level JSON values, each as `json` (a page of an API
    response, say): for the page's own keys beside its records."""
    files = json_files(path)
    return con.execute(
        f"select {sql} from read_json_objects($files, format = 'auto', maximum_object_size = $max)",
        _files_param(files),
    ).fetchall()[0]


def warn_if_more_pages(
    con: duckdb.DuckDBPyConnection, path: Path, source: str, more_sql: str, how: str
) -> None:
    """Note when every page in the file says another one follows (`more_sql`, true/false/NULL
    per top-level value; NULL = the value does not say): only some of the records were exported.
    One page saying it is the last (several pages concatenated) means the export is whole."""
    (incomplete,) = top_level(con, path, f"coalesce(bool_and({more_sql}), false)")
    if incomplete:
        note(
            con,
            f"{label(path, source)}: the export says more pages exist ({how}), and they are not "
            f"in it: only the records given were loaded. Export every page (see {source}.md).",
        )


def export_time(con: duckdb.DuckDBPyConnection, at: str) -> None:
    """When the export was taken, as it says itself: the data's end reaches at least there."""
    con.execute("create temp table if not exists _export_times (exported_at varchar)")
    con.execute("insert into _export_times values ($at)", {"at": at})

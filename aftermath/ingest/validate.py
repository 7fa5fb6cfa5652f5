"""Typing every input row, the row and reference rules, rejects, and the stored input tables.

Every input row ends up in its table or in `rejects`; rows read = loaded + rejected + merged.
"""

from dataclasses import dataclass, field

import duckdb

from aftermath import schema
from aftermath.ingest.discover import Input
from aftermath.progress import SILENT, Progress, rows_text


@dataclass
class TableReport:
    table_name: str
    file: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    duplicates_merged: int = 0
    warnings: int = 0
    # The commonest reasons its rows were rejected: (column, reason, rows), most rows first.
    top_reasons: list[tuple[str, str, int]] = field(default_factory=list)


# Reject reasons the console load report shows per file.
TOP_REASONS = 3


NATIVE_TIMESTAMPS = ("TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS", "DATE")


def _typed(kind: str, col: str, dtype: str = "VARCHAR") -> tuple[str, str, str]:
    """SQL for the typed value of raw column `col`, the reason when it will not type, and the
    test for an empty value. Text is parsed; a natively typed column is converted directly."""
    if dtype != "VARCHAR":
        blank = f"{col} is null"
        if kind in ("timestamp", "date") and dtype == "TIMESTAMP WITH TIME ZONE":
            expr = f"timezone('UTC', {col})"
        elif kind in ("timestamp", "date") and dtype in NATIVE_TIMESTAMPS:
            # A naive value is read in the load's time zone, as text without an offset is.
            expr = f"timezone('UTC', {col}::timestamptz)"
        else:
            expr, reason, _ = _typed(kind, f"{col}::varchar")
            return expr, reason, blank
        return (f"cast({expr} as date)" if kind == "date" else expr), "", blank
    v = f"nullif(trim({col}), '')"
    blank = f"{v} is null"
    ts = f"timezone('UTC', try_cast({v} as timestamptz))"
    if kind == "id":
        return v, "", blank
    if kind == "text":
        return f"nullif({col}, '')", "", blank
    if kind == "lower":
        return f"lower({v})", "", blank
    if kind == "timestamp":
        return ts, "not a timestamp; use ISO 8601 such as 2024-05-01T10:00:00Z", blank
    if kind == "date":
        return (
            f"coalesce(try_cast({v} as date), cast({ts} as date))",
            "not a date; use ISO 8601 such as 2024-05-01",
            blank,
        )
    if kind == "integer":
        return f"try_cast(try_cast({v} as double) as bigint)", "not a whole number", blank
    if kind == "number":
        return f"try_cast(replace({v}, ',', '') as double)", "not a number", blank
    if kind == "severity":
        words = " ".join(f"when '{w}' then {n}" for w, n in schema.SEVERITY_WORDS.items())
        digit = f"regexp_extract(lower({v}), '^(sev|p|s)?[ -]?([1-5])$', 2)"
        return (
            f"coalesce(case lower({v}) {words} end, try_cast(nullif({digit}, '') as integer))",
            "unknown severity; use SEV1..SEV5, P1..P5, 1..5 or critical/major/minor",
            blank,
        )
    if kind == "list":
        return (
            f"case when {v} like '[%' then try_cast(try_cast({v} as json) as varchar[]) "
            f"else list_filter(list_transform(regexp_split_to_array({v}, '[;,]'), "
            "lambda x: trim(x)), lambda x: x <> '') end",
            "not a list; use a JSON array or values separated by ; or ,",
            blank,
        )
    raise ValueError(kind)


TYPES = {
    "id": "varchar",
    "text": "varchar",
    "lower": "varchar",
    "timestamp": "timestamp",
    "date": "date",
    "integer": "bigint",
    "number": "double",
    "severity": "integer",
    "list": "varchar[]",
}

# Row-level rules beyond types: (table, column, condition on typed values, reason).
ORDER_RULES = [
    ("incidents", "resolved_at", "resolved_at < started_at", "resolved before it started"),
    ("incidents", "mitigated_at", "mitigated_at < started_at", "mitigated before it started"),
    ("incidents", "detected_at", "detected_at < started_at", "detected before it started"),
    ("tickets", "solved_at", "solved_at < created_at", "solved before it was created"),
]

# References checked after loading: the row is kept and the reject row is a warning.
REFERENCE_RULES = [
    ("tickets", "incident_id", "incidents", "incident_id", "names no incident in incidents"),
    ("status_updates", "incident_id", "incidents", "incident_id", "names no incident in incidents"),
    ("postmortems", "incident_id", "incidents", "incident_id", "names no incident in incidents"),
    ("action_items", "incident_id", "incidents", "incident_id", "names no incident in incidents"),
    ("ticket_events", "ticket_id", "tickets", "ticket_id", "names no ticket in tickets"),
]


def load_inputs(
    con: duckdb.DuckDBPyConnection,
    inputs: list[Input],
    notes: list[str],
    progress: Progress = SILENT,
) -> list[TableReport]:
    con.execute(
        'create table rejects (file varchar, row_number bigint, "column" varchar, '
        "value varchar, reason varchar, kind varchar)"
    )
    start_rejects(con)
    reports: list[TableReport] = []
    for table in schema.TABLES.values():
        mine = [i for i in inputs if i.table == table.name]
        checked_parts = []
        for n, item in enumerate(mine):
            report = read_part(con, table, item, n, progress)
            if report:
                checked_parts.append((n, report))
                reports.append(report)
        with progress.step(f"storing {table.name}", detail="storing what was read") as step:
            _store(con, table, checked_parts)
            loaded = sum(report.rows_loaded for _, report in checked_parts)
            step.done = (
                f"stored {table.name}: {rows_text(loaded)}"
                if checked_parts
                else f"no {table.name} in the inputs: stored as an empty table"
            )
    with progress.step("checking references between the tables"):
        _check_references(con, reports)
    _top_reasons(con, reports)
    notes += [n for (n,) in con.execute("select note from _notes").fetchall()]
    return reports


def read_part(
    con: duckdb.DuckDBPyConnection,
    table: schema.Table,
    item: Input,
    n: int,
    progress: Progress = SILENT,
    row_offset: int = 0,
) -> TableReport | None:
    """One file read into `_checked_<table>_<n>`, its rejects listed; None when it holds none
    of the table. Row numbers start after `row_offset` (a refresh reads a file's new rows)."""
    raw = f"_raw_{table.name}_{n}"
    con.execute("delete from _parse_rejects")
    new_rows = f" from row {row_offset + 1} on" if row_offset else ""
    with progress.step(f"reading {item.label}{new_rows}") as step:
        if not item.build(con, raw):
            step.done = f"{item.label}: no {table.name} in it"
            return None
        if row_offset:
            con.execute(
                f"create temp table {raw}_on as select _row + $offset as _row, * exclude (_row) "
                f"from {raw}",
                {"offset": row_offset},
            )
            con.execute(
                "update _parse_rejects set row_number = row_number + $offset",
                {"offset": row_offset},
            )
            raw = f"{raw}_on"
        report = TableReport(table.name, item.label)
        parse_rejects = con.execute("select count(*) from _parse_rejects").fetchone()[0]
        con.execute("insert into rejects select *, 'rejected' from _parse_rejects")
        _check(con, table, raw, f"_checked_{table.name}_{n}", item.label)
        checked, bad = con.execute(
            f"select count(*), count(*) filter (len(_problems) > 0) from _checked_{table.name}_{n}"
        ).fetchone()
        report.rows_read = checked + parse_rejects
        report.rows_rejected = bad + parse_rejects
        step.done = (
            f"read {item.label}{new_rows} into {table.name}: {rows_text(report.rows_read)}, "
            f"{report.rows_rejected:,} rejected"
        )
    return report


def start_rejects(con: duckdb.DuckDBPyConnection) -> None:
    """The load's scratch tables for parse rejects and notes."""
    con.execute(
        'create temp table _parse_rejects (file varchar, row_number bigint, "column" varchar, '
        "value varchar, reason varchar)"
    )
    con.execute("create temp table _notes (note varchar)")


def _top_reasons(con: duckdb.DuckDBPyConnection, reports: list[TableReport]) -> None:
    reasons = con.execute(
        "select file, \"column\", reason, count(*) as n from rejects where kind = 'rejected' "
        'group by all order by file, n desc, "column", reason'
    ).fetchall()
    for report in reports:
        report.top_reasons = [(c, r, n) for f, c, r, n in reasons if f == report.file][:TOP_REASONS]


def merge_part(
    con: duckdb.DuckDBPyConnection, table: schema.Table, n: int, report: TableReport
) -> None:
    """A refresh's new rows of one file into its stored table, as a full load would hold them:
    a row replaces the stored row with its id (the later row of a file wins), usage adds to the
    day it rolls up into. `report` (the file's figures so far) takes the new rows' figures."""
    cols = ", ".join(table.column_names)
    con.execute(
        f"create or replace temp view _valid_{table.name} as select _file, _row, {cols} "
        f"from _checked_{table.name}_{n} where len(_problems) = 0"
    )
    valid = report.rows_read - report.rows_rejected
    if table.key:
        con.execute(
            f"create or replace temp table _kept_{table.name} as select * from _valid_{table.name} "
            f"qualify row_number() over (partition by {table.key} order by _row desc) = 1"
        )
        kept, replaced = con.execute(
            f"select count(*), count(*) filter (where {table.key} in "
            f"(select {table.key} from {table.name})) from _kept_{table.name}"
        ).fetchone()
        con.execute(
            f"delete from {table.name} where {table.key} in "
            f"(select {table.key} from _kept_{table.name})"
        )
        con.execute(f"insert into {table.name} select {cols} from _kept_{table.name}")
        report.duplicates_merged = valid - kept + replaced
        report.rows_loaded = kept - replaced
    elif table.name == "usage":
        con.execute(
            "create or replace temp table _rolled_usage as select account_id, "
            "coalesce(day, cast(ts as date)) as day, coalesce(feature, '') as feature, "
            "sum(coalesce(value, 1)) as value from _valid_usage group by all"
        )
        con.execute(
            "update usage set value = usage.value + new.value from _rolled_usage as new "
            "where new.account_id = usage.account_id and new.day = usage.day "
            "and new.feature = usage.feature"
        )
        con.execute(
            "insert into usage select * from _rolled_usage as new where not exists (select 1 "
            "from usage where usage.account_id = new.account_id and usage.day = new.day "
            "and usage.feature = new.feature)"
        )
        report.rows_loaded = valid
    else:
        con.execute(f"insert into {table.name} select {cols} from _valid_{table.name}")
        report.rows_loaded = valid


def refresh_references(
    con: duckdb.DuckDBPyConnection, reports: list[TableReport], read: set[str]
) -> None:
    """The reference warnings of a refresh: a warning whose incident or ticket has arrived goes,
    the new rows of the tables in `read` are checked, and each file's warnings are counted."""
    for table, col, ref_table, ref_col, reason in REFERENCE_RULES:
        files = [r.file for r in reports if r.table_name == table]
        con.execute(
            "delete from rejects where kind = 'warning' and \"column\" = $col "
            f"and list_contains($files, file) and value in (select {ref_col} from {ref_table})",
            {"col": col, "files": files},
        )
        if table in read:
            # Identifiers from REFERENCE_RULES; the values are bound.
            con.execute(
                f"insert into rejects select _file, _row, $col, {col}, $reason, 'warning' "
                f"from _valid_{table} where {col} is not null "
                f"and {col} not in (select {ref_col} from {ref_table})",
                {"col": col, "reason": reason},
            )
        per_file = dict(
            con.execute(
                "select file, count(*) from rejects where kind = 'warning' and \"column\" = $col "
                "group by file",
                {"col": col},
            ).fetchall()
        )
        for report in reports:
            if report.table_name == table:
                report.warnings = per_file.get(report.file, 0)
    _top_reasons(con, reports)


def _check_references(con: duckdb.DuckDBPyConnection, reports: list[TableReport]) -> None:
    """Rows naming an incident or ticket that is not there: kept, and listed as warnings."""
    for table, col, ref_table, ref_col, reason in REFERENCE_RULES:
        con.execute(
            f"create or replace temp table _unknown as select _file, _row, {col} as value "
            f"from _valid_{table} where {col} is not null "
            f"and {col} not in (select {ref_col} from {ref_table})"
        )
        con.execute(
            "insert into rejects select _file, _row, $col, value, $reason, 'warning' from _unknown",
            {"col": col, "reason": reason},
        )
        per_file = dict(
            con.execute("select _file, count(*) from _unknown group by _file").fetchall()
        )
        for report in reports:
            if report.table_name == table:
                report.warnings = per_file.get(report.file, 0)


def _check(
    con: duckdb.DuckDBPyConnection, table: schema.Table, raw: str, out: str, label: str
) -> None:
    """Type every column; collect each row's problems as (column, value, reason) structs."""
    described = con.execute(f"select column_name, column_type from (describe {raw})").fetchall()
    dtypes = {name.lower(): dtype for name, dtype in described}
    typed = []
    problems = []
    for c in table.columns:
        expr, reason, blank = _typed(c.kind, c.name, dtypes[c.name])
        typed.append(f"{expr} as {c.name}")
        if c.required:
            problems.append(
                f"case when {blank} then {{'column': '{c.name}', 'value': '', "
                f"'reason': 'required value is empty'}} end"
            )
        if reason:
            problems.append(
                f"case when not ({blank}) and ({expr}) is null then {{'column': '{c.name}', "
                f"'value': left({c.name}::varchar, 200), 'reason': '{reason}'}} end"
            )
    row_rules = [
        f"case when {cond} then {{'column': '{col}', "
        f"'value': strftime({col}, '%Y-%m-%dT%H:%M:%SZ'), 'reason': '{reason}'}} end"
        for t, col, cond, reason in ORDER_RULES
        if t == table.name
    ]
    if table.name == "usage":
        row_rules.append(
            "case when day is null and ts is null then "
            "{'column': 'day', 'value': '', 'reason': 'needs a day or a ts'} end"
        )
    # A vendor adapter's own rejects (a record that cannot be true as the vendor wrote it).
    # They say what is wrong with a column in the vendor's terms, so the generic checks of that
    # column (an empty required value, say) are not listed again.
    ours = "list_filter(_p || [{rules}], lambda p: p is not null)".format(
        rules=", ".join(row_rules)
    )
    if "_problems" in dtypes:
        ours = (
            f"list_filter({ours}, lambda p: not list_contains("
            "list_transform(coalesce(_own, []), lambda o: o.column), p.column)) "
            "|| coalesce(_own, [])"
        )
    # Type checks see raw values; the row rules see typed ones.
    con.execute(
        f"create temp table {out} as select $file as _file, * exclude (_p, _own), "
        f"{ours} as _problems from (select _row, {', '.join(typed)}, "
        f"[{', '.join(problems)}] as _p, "
        f"{'_problems' if '_problems' in dtypes else 'null'} as _own from {raw})",
        {"file": label},
    )
    con.execute(
        f"insert into rejects select _file, _row, p.column, p.value, p.reason, 'rejected' "
        f"from (select _file, _row, unnest(_problems) as p from {out})"
    )


def _store(con: duckdb.DuckDBPyConnection, table: schema.Table, parts: list) -> None:
    """The table itself: valid rows, the last of each id kept; usage rolled up per day."""
    cols = ", ".join(table.column_names)
    typed_cols = ", ".join(f"null::{TYPES[c.kind]} as {c.name}" for c in table.columns)
    union = (
        " union all ".join(
            f"select {n} as _part, _file, _row, {cols} from _checked_{table.name}_{n} "
            "where len(_problems) = 0"
            for n, _ in parts
        )
        or f"select 0 as _part, null::varchar as _file, 0::bigint as _row, {typed_cols} where false"
    )
    # Valid rows, merged duplicates included: what the reference checks look at.
    con.execute(f"create temp view _valid_{table.name} as {union}")
    for _n, report in parts:
        report.rows_loaded = report.rows_read - report.rows_rejected
    duplicates = (
        table.key
        and con.execute(
            f"select count(*) - count(distinct {table.key}) from _valid_{table.name}"
        ).fetchone()[0]
    )
    source = f"_valid_{table.name}"
    if duplicates:
        source = f"_kept_{table.name}"
        con.execute(
            f"create temp table {source} as select * from _valid_{table.name} "
            f"qualify row_number() over (partition by {table.key} order by _part desc, _row desc) = 1"
        )
        kept = dict(con.execute(f"select _part, count(*) from {source} group by _part").fetchall())
        for n, report in parts:
            report.duplicates_merged = report.rows_loaded - kept.get(n, 0)
            report.rows_loaded = kept.get(n, 0)
    if table.name == "usage":
        # Stored by day: the Incident page reads one incident's exposure days, and the zone maps
        # then skip the other row groups.
        con.execute(
            "create table usage as select account_id, coalesce(day, cast(ts as date)) as day, "
            "coalesce(feature, '') as feature, sum(coalesce(value, 1)) as value "
            f"from {source} group by all order by day"
        )
    else:
        con.execute(f"create table {table.name} as select {cols} from {source}")

"""`aftermath load`: validate a folder of exports into a new DuckDB file, then swap it in.

Work happens in a temporary file beside the target, renamed over it only when everything
succeeded, so a failed load leaves the previous database untouched. With `refresh`, that file
starts as a copy of the previous database and takes only the rows the files gained
(ingest/refresh.py); the derived tables are computed again, on a refresh those whose header
says `refresh: by COLUMN` for the changed values only (pipeline/refresh_scope.py).
"""

import json
import os
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from aftermath.errors import InputError
from aftermath.format import counted
from aftermath.ingest.discover import discover, is_uri
from aftermath.ingest.refresh import plan, refresh_inputs, write_load_files
from aftermath.ingest.validate import TableReport, load_inputs
from aftermath.pipeline.derived import (
    attach_scratch,
    build_step,
    create_macros,
    drop_load_only,
    temporary_objects,
)
from aftermath.pipeline.lexicon import store_lexicon
from aftermath.pipeline.order import derived_queries
from aftermath.pipeline.refresh_scope import lexicon_snapshot, partial_tables, update_step
from aftermath.progress import SILENT, Progress, rows_text
from aftermath.settings import DEFAULTS, Settings

# What a load may hold in memory before DuckDB spills to disk: a laptop's share. The process
# holds some 500 MB more (2,895 MiB at its peak at scale 1); at 2GB the quiet steps ran out.
DEFAULT_MEMORY_LIMIT = "2500MB"
# Where the derived tables are computed: DuckDB in this process, or Apache Spark (the spark extra).
ENGINES = ("duckdb", "spark")


@dataclass
class LoadResult:
    db_path: Path
    reports: list[TableReport]
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """The load report as a plain-text table."""
        head = f"{'table':<15} {'file':<36} {'read':>9} {'loaded':>9} {'rejected':>9} {'merged':>7}"
        lines = [head, "-" * len(head)]
        for r in self.reports:
            lines.append(
                f"{r.table_name:<15} {r.file[:36]:<36} {r.rows_read:>9} {r.rows_loaded:>9} "
                f"{r.rows_rejected:>9} {r.duplicates_merged:>7}"
                + (f"  ({r.warnings} warnings)" if r.warnings else "")
            )
            lines += [
                f"{'':<15} rejected: {n} x {column + ': ' if column else ''}{reason}"
                for column, reason, n in r.top_reasons
            ]
        lines += [f"note: {n}" for n in self.notes]
        lines.append(f"database: {self.db_path}")
        return "\n".join(lines)


def load(
    source_dir: Path | str | None,
    db_path: Path,
    settings: Settings = DEFAULTS,
    sources: list[tuple[str, Path]] | tuple = (),
    timezone: str = "UTC",
    options: dict[str, str] | None = None,
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
    progress: Progress = SILENT,
    refresh: bool = False,
    max_spill: str = "",
    engine: str = "duckdb",
    spark_master: str | None = None,
    spark_dir: Path | None = None,
) -> LoadResult:
    """Validate and import the exports, compute the derived tables, swap the database in.
    DuckDB keeps to `memory_limit` and spills the rest to a folder beside the database (at most
    `max_spill` when given, so a runaway load fails instead of filling the disk); `progress`
    hears of every step as it ends. `refresh`: the database at db_path brought up to date with
    the rows source_dir's files gained since it was loaded. With engine "spark" the derived
    tables are computed on Spark (`spark_master`, default local[*]; pipeline/spark.py) and stored
    the same; its Parquet files go below `spark_dir` (default beside the database), removed
    afterwards. With engine "spark", source_dir may be a URI Spark reads (file://, hdfs://,
    s3a://...): Spark reads its files and the load validates them as a local folder's."""
    if engine not in ENGINES:
        raise InputError(f"unknown engine '{engine}'; known: {', '.join(ENGINES)}")
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    notes: list[str] = []
    if refresh and (sources or source_dir is None):
        raise InputError("--refresh reads a folder of the contract's own files, not --source")
    if refresh and not db_path.exists():
        raise InputError(f"no database at {db_path} to refresh: load it in full first")
    # Spark's Parquet files, inputs and derived tables, for the length of the load.
    spark_dir = (Path(spark_dir) if spark_dir else db_path.parent) / (
        f".{db_path.name}.spark-{os.getpid()}"
    )
    described_dir = source_dir
    if source_dir is not None and is_uri(str(source_dir)):
        source_dir = _fetched(str(source_dir), spark_dir, engine, refresh, spark_master, progress)
    try:
        inputs = [] if refresh else discover(source_dir, list(sources), options or {}, notes)
    except BaseException as e:
        shutil.rmtree(spark_dir, ignore_errors=True)
        if isinstance(e, InputError) and described_dir != source_dir:
            # Said of the URI given, not of the local copy Spark made of it.
            raise InputError(str(e).replace(str(source_dir), str(described_dir))) from None
        raise
    tmp_path = db_path.with_name(f".{db_path.name}.tmp-{os.getpid()}")
    _remove(tmp_path)
    spill_dir = db_path.with_name(f".{db_path.name}.spill-{os.getpid()}")
    scratch_path = db_path.with_name(f".{db_path.name}.scratch-{os.getpid()}")
    _remove(scratch_path)
    stage = "opening the database"
    if refresh:
        with progress.step("copying the previous database"):
            shutil.copyfile(db_path, tmp_path)
    con = duckdb.connect(str(tmp_path))
    try:
        try:
            con.execute("set TimeZone = $tz", {"tz": timezone})
        except duckdb.Error:
            raise InputError(
                f"unknown time zone '{timezone}' (use an IANA name such as Europe/Berlin)"
            ) from None
        try:
            con.execute("set memory_limit = $limit", {"limit": memory_limit})
        except duckdb.Error:
            raise InputError(
                f"memory limit '{memory_limit}' is not a size (use a number and a unit, e.g. 2500MB)"
            ) from None
        # Spill beside the database, into a folder of this load's own that is removed afterwards.
        con.execute("set temp_directory = $dir", {"dir": str(spill_dir)})
        if max_spill:
            con.execute("set max_temp_directory_size = $size", {"size": max_spill})
        attach_scratch(con, scratch_path)
        stage = "reading the inputs"
        steps = derived_queries(settings)
        # The stored tables a refresh updates by value instead of building whole.
        partial: set[str] = set()
        if refresh:
            changes = plan(con, source_dir, timezone, notes)
            inputs = [change.item for change in changes]
            reports, changed = refresh_inputs(
                con, changes, notes, progress, tuple({s.query.refresh_by for s in steps} - {""})
            )
            if engine == "duckdb":
                partial = partial_tables(con, steps, changed, settings.params())
            drop_derived(con, settings, keep=partial)
        else:
            reports = load_inputs(con, inputs, notes, progress)
        with progress.step(
            "freeing the staging copies, storing the lexicon", detail="storing what was read"
        ):
            exported_at = _exported_at(con)
            drop_load_only(con, temporary_objects(con))
            write_load_tables(con, reports, described_dir, sources, settings, exported_at)
            write_load_files(con, inputs, {r.file: r.rows_read for r in reports}, timezone)
            lexicon_before = lexicon_snapshot(con) if partial else []
            store_lexicon(con)
            create_macros(con)
            if partial and lexicon_snapshot(con) != lexicon_before:
                drop_derived(con, settings)
                partial = set()
        if engine == "spark":
            from aftermath.pipeline.spark import build_on_spark

            stage = "computing the derived tables on Spark"
            build_on_spark(con, settings, spark_dir, spark_master, progress)
        computing = "computing impact, quiet accounts and surges"
        for n, step in enumerate(steps if engine == "duckdb" else (), 1):
            stage = f"building {step.query.table}"
            with progress.step(stage, detail=f"{computing} (step {n} of {len(steps)})") as said:
                if step.query.table in partial:
                    values = update_step(con, step, changed[step.query.refresh_by])
                    said.done = (
                        f"updated {step.query.table} for {values:,} changed "
                        f"{step.query.refresh_by} values{_rows_note(con, step.query.table)}"
                    )
                else:
                    build_step(con, step)
                    said.done = f"built {step.query.table}{_rows_note(con, step.query.table)}"
            drop_load_only(con, step.drop_after)
        for line in computed_summary(con):
            progress.say(line)
        with progress.step("writing the database"):
            con.execute("checkpoint")
            con.close()
            _remove(Path(f"{db_path}.wal"))
            os.replace(tmp_path, db_path)
    except BaseException as e:
        con.close()
        _remove(tmp_path)
        _remove(Path(f"{tmp_path}.wal"))
        if isinstance(e, duckdb.OutOfMemoryException):
            raise InputError(
                f"out of memory {stage} within the memory limit of {memory_limit}: "
                "load again with a larger --memory-limit"
            ) from None
        raise
    finally:
        _remove(scratch_path)
        _remove(Path(f"{scratch_path}.wal"))
        shutil.rmtree(spill_dir, ignore_errors=True)
        shutil.rmtree(spark_dir, ignore_errors=True)
    return LoadResult(db_path, reports, notes)


def computed_summary(con: duckdb.DuckDBPyConnection) -> list[str]:
    """What the derived tables found, in the user's words, one line per area."""
    incidents, ongoing, related, measured = con.execute(
        "select count(*), count(*) filter (where ongoing), "
        "coalesce(sum(linked_tickets + suggested_tickets), 0), "
        "count(customer_impact_minutes) from incident_impact"
    ).fetchone()
    quiet, judged = con.execute(
        "select coalesce(sum(quiet_accounts), 0), count(quiet_accounts) from incident_quiet"
    ).fetchone()
    surges, undeclared = con.execute(
        "select count(*), count(*) filter (where incident_id is null) from ticket_surges"
    ).fetchone()
    ongoing_text = f" ({ongoing:,} ongoing)" if ongoing else ""
    return [
        f"computed impact: {counted(incidents, 'incident')}{ongoing_text}, "
        f"{counted(related, 'related ticket')}, customer impact measured for {measured:,}",
        f"found quiet accounts: {quiet:,} after the {counted(judged, 'incident')} judged",
        f"found surges: {counted(surges, 'ticket surge')}, {undeclared:,} with no incident",
    ]


def _fetched(
    uri: str,
    spark_dir: Path,
    engine: str,
    refresh: bool,
    spark_master: str | None,
    progress: Progress,
) -> Path:
    """The files at `uri` read by Spark into a local folder below spark_dir (pipeline/spark.py)."""
    if engine != "spark":
        raise InputError(f"{uri}: a URI is read by Spark: load it with --engine spark")
    if refresh:
        raise InputError("--refresh reads a local folder, not a URI")
    from aftermath.pipeline.spark import fetch_inputs

    with progress.step(f"reading {uri} on Spark"):
        try:
            return fetch_inputs(uri, spark_dir / "fetched", spark_master)
        except BaseException:
            shutil.rmtree(spark_dir, ignore_errors=True)
            raise


def drop_derived(
    con: duckdb.DuckDBPyConnection, settings: Settings, keep: set[str] | frozenset = frozenset()
) -> None:
    """A refresh's copy without what the load computes but the tables in `keep`, so that every
    other step builds its table again."""
    for step in derived_queries(settings):
        if step.query.table not in keep:
            # A name from our own query files (checked by queries.parse). A load-only step's
            # table is gone already, but a database of an older layout may still hold it.
            con.execute(f"drop table if exists {step.query.table}")
    con.execute("drop table if exists load_report")
    con.execute("drop table if exists load_info")


def _rows_note(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """': N rows' for a table just written (its stored count is exact); '' for a view."""
    found = con.execute(
        "select estimated_size from duckdb_tables() where table_name = $t", {"t": table}
    ).fetchone()
    return f": {rows_text(found[0])}" if found else " (a view)"


def _exported_at(con: duckdb.DuckDBPyConnection) -> datetime | None:
    """The newest time an export says it was taken (Statuspage's page.updated_at), in UTC."""
    found = con.execute(
        "select count(*) from duckdb_tables() where table_name = '_export_times'"
    ).fetchall()[0][0]
    if not found:
        return None
    return con.execute(
        "select max(timezone('UTC', try_cast(exported_at as timestamptz))) from _export_times"
    ).fetchall()[0][0]


def _remove(path: Path) -> None:
    if path.exists():
        path.unlink()


def write_load_tables(
    con: duckdb.DuckDBPyConnection,
    reports: list[TableReport],
    source_dir: Path | None,
    sources: list,
    settings: Settings,
    exported_at: datetime | None = None,
) -> None:
    con.execute(
        "create table load_report (table_name varchar, file varchar, rows_read bigint, "
        "rows_loaded bigint, rows_rejected bigint, duplicates_merged bigint, warnings bigint)"
    )
    for r in reports:
        con.execute(
            "insert into load_report values ($t, $f, $read, $loaded, $rejected, $merged, $warn)",
            {
                "t": r.table_name,
                "f": r.file,
                "read": r.rows_read,
                "loaded": r.rows_loaded,
                "rejected": r.rows_rejected,
                "merged": r.duplicates_merged,
                "warn": r.warnings,
            },
        )
    described = [str(source_dir)] if source_dir else []
    described += [f"{name}={path}" for name, path in sources]
    con.execute(
        "create table load_info as select $at::timestamp as loaded_at, $source as source, "
        "$settings as settings, greatest("
        "(select max(greatest(started_at, resolved_at)) from incidents), "
        "(select max(greatest(created_at, solved_at)) from tickets), "
        "(select max(created_at) from ticket_events), "
        "(select max(posted_at) from status_updates), $exported_at::timestamp) as data_end_at",
        {
            "at": datetime.now(UTC).replace(tzinfo=None),
            "source": ", ".join(described),
            "settings": json.dumps(settings.params()),
            "exported_at": exported_at,
        },
    )

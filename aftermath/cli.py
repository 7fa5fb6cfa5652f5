"""The `aftermath` command: demo, load, serve, export, report.

Exit status 0 on success, 1 on bad input (one plain message on stderr), 2 on bad usage.
"""

import argparse
import os
import sys
import tempfile
from importlib import resources
from pathlib import Path

import duckdb

from aftermath import export
from aftermath.demo import write_demo
from aftermath.errors import InputError
from aftermath.ingest.discover import is_uri
from aftermath.pipeline.load import DEFAULT_MEMORY_LIMIT, ENGINES, load
from aftermath.progress import Progress
from aftermath.report import render_report, report_csvs
from aftermath.settings import DEFAULTS, DEMO_DIR, default_db_path
from aftermath.surge_report import render_surge


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aftermath", description="What an incident cost the customers, not just the servers."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def with_db(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument(
            "--db",
            type=Path,
            default=None,
            help="database file (default $AFTERMATH_DB or data/aftermath.duckdb)",
        )
        return p

    p = with_db(sub.add_parser("demo", help="build the bundled demo data set and load it"))
    p.add_argument(
        "--folder",
        type=Path,
        default=DEMO_DIR,
        help=f"where the demo exports are written (default {DEMO_DIR}, below this folder)",
    )

    p = with_db(sub.add_parser("load", help="validate and import a folder of exports"))
    p.add_argument(
        "dir",
        nargs="?",
        help="folder with one file per table (with --engine spark, also a URI Spark reads: "
        "file://, hdfs://, s3a://...)",
    )
    p.add_argument(
        "--source",
        action="append",
        default=[],
        metavar="NAME=PATH",
        help="a vendor export (statuspage, zendesk, intercom, pagerduty, incident_io, jira)",
    )
    p.add_argument("--timezone", default="UTC", help="zone of timestamps without an offset")
    p.add_argument(
        "--link-field", help="Zendesk custom field id or tag prefix holding the incident id"
    )
    p.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE", help="override a setting"
    )
    p.add_argument(
        "--memory-limit",
        default=DEFAULT_MEMORY_LIMIT,
        metavar="SIZE",
        help=f"memory DuckDB may use before spilling to disk (default {DEFAULT_MEMORY_LIMIT})",
    )
    p.add_argument(
        "--quiet",
        action="store_true",
        help="no progress on standard error, only the final load report",
    )
    p.add_argument(
        "--verbose",
        action="store_true",
        help="progress of every internal step too (each table stored, each derived table built)",
    )
    p.add_argument(
        "--refresh",
        action="store_true",
        help="bring the database up to date with the rows DIR's files gained since its load",
    )
    p.add_argument(
        "--engine",
        choices=ENGINES,
        default="duckdb",
        help="what computes the derived tables: duckdb (default) or spark (the spark extra)",
    )
    p.add_argument(
        "--spark-master",
        metavar="URL",
        help="with --engine spark: the Spark master (default local[*], or spark-submit's; "
        "spark://host:7077 for a standalone cluster)",
    )
    p.add_argument(
        "--spark-dir",
        type=Path,
        metavar="DIR",
        help="with --engine spark: where Spark's Parquet files go during the load (default "
        "beside the database; on a cluster, a folder every worker can reach)",
    )

    p = with_db(sub.add_parser("serve", help="run the dashboard (demo data when no database yet)"))
    p.add_argument("--port", type=int, default=8501)
    p.add_argument("--address", default="127.0.0.1", help="bind address (default localhost only)")

    p = with_db(sub.add_parser("export", help="write one table of the database"))
    p.add_argument("table")
    p.add_argument("--format", choices=export.FORMATS, default="csv")
    p.add_argument("-o", "--output", type=Path, help="file to write (default: standard output)")

    p = with_db(
        sub.add_parser("report", help='Markdown "Customer impact" section for a postmortem')
    )
    p.add_argument("incident_id", metavar="INCIDENT_ID")
    p.add_argument(
        "--csv",
        type=Path,
        metavar="DIR",
        help="also write the section's full tables (affected accounts, tickets) as CSVs in DIR",
    )

    p = with_db(
        sub.add_parser("surge", help="Markdown of one ticket surge, to declare it after the fact")
    )
    p.add_argument("surge_id", metavar="SURGE_ID")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    db = args.db or default_db_path()
    try:
        return COMMANDS[args.command](args, db)
    except InputError as e:
        print(f"aftermath: {e}", file=sys.stderr)
        return 1
    except duckdb.IOException as e:
        # A locked or unreadable database, or a full disk while writing one.
        print(f"aftermath: {db}: {str(e).splitlines()[0]}", file=sys.stderr)
        return 1


def cmd_demo(args: argparse.Namespace, db: Path) -> int:
    result = build_demo(db, args.folder)
    print(result.summary())
    return 0


def build_demo(db: Path, folder: Path = DEMO_DIR):
    write_demo(folder)
    return load(folder, db)


def cmd_load(args: argparse.Namespace, db: Path) -> int:
    if args.dir is None and not args.source:
        print("aftermath load: give a folder of exports, or --source NAME=PATH", file=sys.stderr)
        return 2
    sources = []
    for pair in args.source:
        name, sep, path = pair.partition("=")
        if not sep or not path:
            print(f"aftermath load: --source takes NAME=PATH, got '{pair}'", file=sys.stderr)
            return 2
        sources.append((name.strip().lower(), Path(path)))
    try:
        settings = DEFAULTS.with_overrides(args.set)
    except ValueError as e:
        print(f"aftermath load: {e}", file=sys.stderr)
        return 2
    options = {"link_field": args.link_field} if args.link_field else {}
    progress = Progress(enabled=not args.quiet, verbose=args.verbose)
    if (args.spark_master or args.spark_dir) and args.engine != "spark":
        print("aftermath load: --spark-master and --spark-dir need --engine spark", file=sys.stderr)
        return 2
    # A URI goes to the load as it is: a Path would fold its "//".
    folder = Path(args.dir) if args.dir and not is_uri(args.dir) else args.dir
    result = load(
        folder,
        db,
        settings,
        sources,
        args.timezone,
        options,
        args.memory_limit,
        progress,
        refresh=args.refresh,
        engine=args.engine,
        spark_master=args.spark_master,
        spark_dir=args.spark_dir,
    )
    print(result.summary())
    return 0


def cmd_serve(args: argparse.Namespace, db: Path) -> int:
    if not db.exists():
        print(f"No database at {db} yet: building the demo data set first.")
        build_demo(db)
    env = {**os.environ, "AFTERMATH_DB": str(db.resolve())}
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(resources.files("dashboard") / "app.py"),
        "--server.address",
        args.address,
        "--server.port",
        str(args.port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        # A local tool: no "Deploy" button, no developer menu (a config.toml would have to sit
        # in the folder `serve` is run from, which is the user's, not ours).
        "--client.toolbarMode",
        "minimal",
    ]
    print(f"Aftermath on http://{args.address}:{args.port} (database {db})", flush=True)
    # Streamlit replaces this process, so a signal to `aftermath serve` reaches the server itself
    # and stopping it frees the port (a child process would be left holding it).
    os.execve(sys.executable, command, env)


def cmd_export(args: argparse.Namespace, db: Path) -> int:
    if not db.exists():
        raise InputError(f"no database at {db}; run `aftermath load DIR` or `aftermath demo` first")
    con = duckdb.connect(str(db), read_only=True)
    try:
        if args.table not in export.tables(con):
            raise InputError(
                f"no table '{args.table}' in {db}; tables: {', '.join(export.tables(con))}"
            )
        if args.output:
            export.export_table(con, args.table, args.format, args.output)
        else:
            # COPY writes to a file; standard output gets its bytes afterwards.
            with tempfile.TemporaryDirectory() as tmp:
                out = Path(tmp) / f"{args.table}.{args.format}"
                export.export_table(con, args.table, args.format, out)
                sys.stdout.flush()
                sys.stdout.buffer.write(out.read_bytes())
    finally:
        con.close()
    return 0


def cmd_report(args: argparse.Namespace, db: Path) -> int:
    if not db.exists():
        raise InputError(f"no database at {db}; run `aftermath load DIR` or `aftermath demo` first")
    con = duckdb.connect(str(db), read_only=True)
    try:
        print(render_report(con, args.incident_id), end="")
        if args.csv is not None:
            args.csv.mkdir(parents=True, exist_ok=True)
            for name, data in report_csvs(con, args.incident_id).items():
                (args.csv / name).write_bytes(data)
                print(f"wrote {args.csv / name}", file=sys.stderr)
    finally:
        con.close()
    return 0


def cmd_surge(args: argparse.Namespace, db: Path) -> int:
    if not db.exists():
        raise InputError(f"no database at {db}; run `aftermath load DIR` or `aftermath demo` first")
    con = duckdb.connect(str(db), read_only=True)
    try:
        print(render_surge(con, args.surge_id), end="")
    finally:
        con.close()
    return 0


COMMANDS = {
    "demo": cmd_demo,
    "load": cmd_load,
    "serve": cmd_serve,
    "export": cmd_export,
    "report": cmd_report,
    "surge": cmd_surge,
}

if __name__ == "__main__":
    sys.exit(main())

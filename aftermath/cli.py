"""The `aftermath` command: demo, load, pull, sync, serve, export, report, surge, outreach.

Exit status 0 on success, 1 on bad input (one plain message on stderr), 2 on bad usage.
"""

import argparse
import os
import sys
import tempfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from aftermath import export, outreach
from aftermath.demo import write_demo
from aftermath.errors import InputError
from aftermath.ingest.discover import is_uri
from aftermath.pipeline.load import DEFAULT_MEMORY_LIMIT, ENGINES, load
from aftermath.progress import Progress
from aftermath.pull import DEFAULT_OUT, SOURCES, Job, pull
from aftermath.pull.config import DEFAULT_CONFIG, read_config
from aftermath.pull.store import is_pulled
from aftermath.report import render_report, report_csvs
from aftermath.serve.config import (
    DEFAULT_ADDRESS,
    DEFAULT_PORT,
    ServeConfig,
    check_header,
    parse_duration,
)
from aftermath.serve.config import read_config as read_serve_config
from aftermath.serve.server import decide_access, login_secrets, serve
from aftermath.settings import DEFAULTS, DEMO_DIR, default_db_path
from aftermath.surge_report import render_surge
from aftermath.week_later_ics import week_later_ics


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
        "--link-field",
        help="where the help desk keeps the incident id: a custom field id, a CSV column or a "
        "tag prefix",
    )
    p.add_argument(
        "--account-property",
        help="where an analytics export's events keep the account: a group type or property",
    )
    p.add_argument(
        "--feature-property",
        help="the event property that names the feature (default: the event's name)",
    )
    p.add_argument(
        "--date-order",
        choices=("dmy", "mdy"),
        help="day or month first in a CSV download's dates such as 03/04/2025, when its rows "
        "do not settle it",
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

    p = sub.add_parser("pull", help="fetch a vendor's records from its API into a folder")
    p.add_argument("source", choices=list(SOURCES), metavar="SOURCE", help=", ".join(SOURCES))
    p.add_argument("url", nargs="?", help="statuspage: the status page's address")
    p.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help=f"folder of the pulls, each source in its own subfolder (default {DEFAULT_OUT})",
    )
    p.add_argument(
        "--since",
        type=_since,
        metavar="DATE",
        help="where a first pull starts (default two years back); later pulls start where "
        "the last one ended",
    )
    p.add_argument(
        "--base-url", metavar="URL", help="the API's root (an EU region, a proxy, a test server)"
    )
    p.add_argument("--subdomain", help="zendesk: acme for acme.zendesk.com")
    p.add_argument("--site", help="jira: https://acme.atlassian.net")
    p.add_argument(
        "--jql", help='jira: the follow-ups, e.g. "project = OPS AND labels = postmortem"'
    )
    p.add_argument("--quiet", action="store_true", help="no progress on standard error")

    p = sub.add_parser("sync", help="pull every source aftermath.toml lists, then load them")
    p.add_argument(
        "--config",
        type=Path,
        default=DEFAULT_CONFIG,
        help=f"the sources and load options (default ./{DEFAULT_CONFIG})",
    )
    p.add_argument("--quiet", action="store_true", help="no progress on standard error")

    p = with_db(sub.add_parser("serve", help="run the dashboard (demo data when no database yet)"))
    p.add_argument("--config", type=Path, help="aftermath.toml: [login] and [serve]")
    p.add_argument("--port", type=int, help=f"default {DEFAULT_PORT}")
    p.add_argument(
        "--address",
        help=f"bind address (default {DEFAULT_ADDRESS}; another needs a login or a proxy)",
    )
    p.add_argument(
        "--behind-proxy",
        metavar="HEADER",
        help="an authenticating proxy in front signs users in and sends their e-mail in HEADER",
    )
    p.add_argument(
        "--sync-every",
        metavar="DURATION",
        help="bring the data up to date this often (24h, 30m, 1d): aftermath sync, or "
        "load --refresh of [serve] exports",
    )

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
    p.add_argument(
        "--week-later-ics",
        type=Path,
        metavar="FILE",
        help="also write the week-later check as a calendar event (.ics) to FILE",
    )

    p = with_db(
        sub.add_parser(
            "outreach", help="a draft message to each account of the contact list, in call order"
        )
    )
    p.add_argument("incident_id", metavar="INCIDENT_ID")
    p.add_argument(
        "--template",
        type=Path,
        metavar="FILE",
        help="a template of your own ('Subject: ...' on its first line; README lists the "
        "placeholders); default: the one shipped",
    )
    p.add_argument("--format", choices=outreach.FORMATS, default="md")
    p.add_argument(
        "--timezone", default="UTC", help="the zone the drafts give times in (default UTC)"
    )
    p.add_argument(
        "--reply-to",
        default=outreach.DEFAULT_REPLY_TO,
        metavar="TEXT",
        help=f"who customers should reply to (default '{outreach.DEFAULT_REPLY_TO}')",
    )

    p = with_db(
        sub.add_parser("surge", help="Markdown of one ticket surge, to declare it after the fact")
    )
    p.add_argument("surge_id", metavar="SURGE_ID")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    db = getattr(args, "db", None) or default_db_path()
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
    options = {
        name: value
        for name, value in (
            ("link_field", args.link_field),
            ("date_order", args.date_order),
            ("account_property", args.account_property),
            ("feature_property", args.feature_property),
        )
        if value
    }
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


def _since(text: str) -> datetime:
    try:
        at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (use 2024-01-31)") from None
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def cmd_pull(args: argparse.Namespace, db: Path) -> int:
    if args.url and args.source != "statuspage":
        print(
            f"aftermath pull: {args.source} takes no address (--base-url sets the API's root)",
            file=sys.stderr,
        )
        return 2
    job = Job(
        args.source,
        out=args.out,
        since=args.since,
        base_url=args.base_url,
        url=args.url,
        subdomain=args.subdomain,
        site=args.site,
        jql=args.jql,
        progress=Progress(enabled=not args.quiet),
    )
    print(pull(job))
    return 0


def cmd_sync(args: argparse.Namespace, db: Path) -> int:
    """Every configured pull, then one load of what they hold; a failed pull is said and the
    others go on (its previous folder is loaded), and the exit status is then 1."""
    config = read_config(args.config)
    progress = Progress(enabled=not args.quiet)
    failed = []
    for job in config.jobs:
        job.progress = progress
        try:
            print(pull(job), flush=True)
        except InputError as e:
            print(f"aftermath: {e}", file=sys.stderr, flush=True)
            failed.append(job.title)
    db = config.db or db
    # A refresh reads the contract's own files; pulled vendor exports are read whole.
    pulled = [p.name for p in sorted(config.out.glob("*")) if is_pulled(p)]
    refresh = db.exists() and not pulled
    if pulled:
        progress.note(
            f"loading {config.out} in full: the pulled vendor exports ({', '.join(pulled)}) are "
            "read whole, as a refresh reads only the contract's own files"
        )
    elif not db.exists():
        progress.note(f"loading {config.out} in full: no database at {db} yet")
    result = load(
        config.out,
        db,
        DEFAULTS,
        [],
        config.timezone,
        config.load_options,
        progress=progress,
        refresh=refresh,
    )
    print(result.summary())
    if failed:
        print(
            f"aftermath: sync: {', '.join(failed)} failed; loaded their previous pull",
            file=sys.stderr,
        )
        return 1
    return 0


def cmd_serve(args: argparse.Namespace, db: Path) -> int:
    try:
        config = _serve_config(args)
    except ValueError as e:
        print(f"aftermath serve: {e}", file=sys.stderr)
        return 2
    access = decide_access(config)
    secrets = login_secrets(config, dict(os.environ)) if access.mode == "login" else None
    sync_command = _sync_command(config, db) if config.sync_every_seconds else None
    if not db.exists():
        print(f"No database at {db} yet: building the demo data set first.", file=sys.stderr)
        build_demo(db)
    print(
        f"Aftermath on http://{config.address}:{config.port} (database {db}, "
        f"{ACCESS_SAID[access.mode]})",
        file=sys.stderr,
        flush=True,
    )
    return serve(config, db, access, secrets, sync_command)


ACCESS_SAID = {
    "open": "no login: this machine only",
    "login": "users sign in with [login]",
    "proxy": "users signed in by the proxy",
}


def _serve_config(args: argparse.Namespace) -> ServeConfig:
    """aftermath.toml's [serve] and [login], with the command line's flags over [serve]."""
    config = read_serve_config(args.config) if args.config else ServeConfig()
    flags = {
        "address": args.address,
        "port": args.port,
        "behind_proxy": args.behind_proxy and check_header(args.behind_proxy),
        "sync_every_seconds": args.sync_every and parse_duration(args.sync_every),
    }
    return replace(config, **{k: v for k, v in flags.items() if v is not None})


def _sync_command(config: ServeConfig, db: Path) -> list[str]:
    """What --sync-every runs: `aftermath sync` of the configured sources, or a refresh of the
    configured export folder."""
    aftermath = [sys.executable, "-m", "aftermath.cli"]
    if config.has_sources and "sync" in COMMANDS:
        return [*aftermath, "sync", "--config", str(config.path), "--db", str(db)]
    if config.exports is not None:
        return [*aftermath, "load", str(config.exports), "--refresh", "--quiet", "--db", str(db)]
    raise InputError(
        "--sync-every needs something to sync from: [sources.*] or [serve] exports = DIR "
        "in --config aftermath.toml"
    )


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
        text = render_report(con, args.incident_id)
        event = week_later_ics(con, args.incident_id) if args.week_later_ics else None
        csvs = report_csvs(con, args.incident_id) if args.csv is not None else {}
    finally:
        con.close()
    if event is not None:
        try:
            args.week_later_ics.write_bytes(event)
        except OSError as e:
            raise InputError(f"{args.week_later_ics}: cannot write it ({e.strerror})") from None
    if csvs:
        args.csv.mkdir(parents=True, exist_ok=True)
        for name, data in csvs.items():
            (args.csv / name).write_bytes(data)
            print(f"wrote {args.csv / name}", file=sys.stderr)
    print(text, end="")
    return 0


def cmd_outreach(args: argparse.Namespace, db: Path) -> int:
    template = outreach.read_template(args.template)
    if not db.exists():
        raise InputError(f"no database at {db}; run `aftermath load DIR` or `aftermath demo` first")
    con = duckdb.connect(str(db), read_only=True)
    try:
        found = outreach.drafts(
            con,
            args.incident_id,
            template,
            args.timezone,
            args.reply_to,
            markdown=args.format == "md",
        )
    finally:
        con.close()
    print(outreach.render(found, args.format, args.incident_id), end="")
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
    "pull": cmd_pull,
    "sync": cmd_sync,
    "serve": cmd_serve,
    "export": cmd_export,
    "report": cmd_report,
    "surge": cmd_surge,
    "outreach": cmd_outreach,
}

if __name__ == "__main__":
    sys.exit(main())

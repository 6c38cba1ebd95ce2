"""`portal-ingest`: the command line over the same steps the DAGs run.

Each command is a few lines calling `portal_ingest.pipeline`, `transforms`,
`warehouse.sql` or `portal_replica`; there is no CLI-only code path.
Errors are one line on stderr and a non-zero exit, never a traceback; `--debug`
(or PORTAL_DEBUG=1) prints the traceback the line stands for as well.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from datetime import date
from pathlib import Path

EXAMPLES = {
    "parse": "portal-ingest parse page.html --url 'http://127.0.0.1:8765/en-us/Pages/Article.aspx?ChannelId=14&articleID=2718'",
    "parse-list": "curl -s 'http://127.0.0.1:8765/en-us/Pages/news.aspx?Page=1' | portal-ingest parse-list - --url 'http://127.0.0.1:8765/en-us/Pages/news.aspx?Page=1'",
    "crawl": "portal-ingest crawl --pages 3",
    "backfill": "portal-ingest backfill --from-page 1 --to-page 20   |   portal-ingest backfill --since 2019-01-01 --until 2019-12-31",
    "reparse": "portal-ingest reparse --all",
    "replica": "portal-ingest replica --port 8765 --articles 300 --seed 7",
    "sql": "portal-ingest sql \"SELECT doc_type, count(*) FROM articles GROUP BY 1 ORDER BY 2 DESC\"",
    "search": "portal-ingest search \"flood prevention\" --type 'Official Letter' --since 2020-01-01 --limit 5",
    "report": "portal-ingest report --out report.html",
    "migrate-to-lake": "PORTAL_DUCKDB='ducklake:postgres:dbname=portal_lake host=127.0.0.1' PORTAL_LAKE_DATA_PATH=data/lake portal-ingest migrate-to-lake data/portal.duckdb",
}
GLOBALS = ("base_url", "duckdb", "max_rps", "concurrency")


class CliError(Exception):
    """A bad argument or input, reported as one line."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, not usage + error
        raise CliError(f"{self.prog}: {message}")


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1: {value}")
    return value


def _add_global(p: argparse.ArgumentParser, sub: bool = False, only: tuple[str, ...] = GLOBALS) -> None:
    # On a subcommand the flags default to SUPPRESS, so that
    # `portal-ingest --duckdb x crawl` keeps the value given before the command.
    # `only`: the flags that mean something to that command (the readers need no portal).
    g = p.add_argument_group("configuration (flags win over the environment)")
    kw = {"default": argparse.SUPPRESS} if sub else {}
    if "base_url" in only:
        g.add_argument("--base-url", **kw, help="the portal to crawl (env PORTAL_BASE_URL; default: the local replica)")
    if "duckdb" in only:
        g.add_argument("--duckdb", **kw, help="the warehouse file (env PORTAL_DUCKDB; default data/portal.duckdb;"
                       " readers open the snapshot beside it), or a DuckLake 'ducklake:postgres:dbname=..."
                       " host=...' with PORTAL_LAKE_DATA_PATH")
    if "max_rps" in only:
        g.add_argument("--max-rps", type=float, **kw, help="requests per second to the portal, 0 = no limit (env PORTAL_MAX_RPS; default 1)")
    if "concurrency" in only:
        g.add_argument("--concurrency", type=int, **kw, help="requests in flight at once (env PORTAL_CONCURRENCY; default 4)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="portal-ingest",
        description="Keep a DuckDB warehouse of the official letters of the Hung Yen provincial portal.",
        epilog="Examples:\n  " + "\n  ".join(EXAMPLES.values()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_global(parser)
    parser.add_argument("--debug", action="store_true", help="show the traceback behind an error (env PORTAL_DEBUG=1)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def command(name: str, help_text: str, only: tuple[str, ...] = GLOBALS) -> argparse.ArgumentParser:
        p = sub.add_parser(
            name,
            help=help_text,
            description=help_text,
            epilog=f"Example:\n  {EXAMPLES[name]}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        _add_global(p, sub=True, only=only)
        return p

    p = command("parse", "parse one saved article page and print its JSON record")
    p.add_argument("file", metavar="FILE", help="saved page, or - for standard input")
    p.add_argument("--url", default=None, help="the page's address (relative links resolve against it)")

    p = command("parse-list", "parse one saved list page and print its JSON record")
    p.add_argument("file", metavar="FILE", help="saved page, or - for standard input")
    p.add_argument("--url", default=None, help="the page's address (relative links resolve against it)")

    p = command("crawl", "one incremental ingestion run (fetch new and changed articles, load, publish)")
    p.add_argument("--pages", type=_positive_int, help="read at most N list pages")
    p.add_argument("--since", type=_iso_date, help="ignore list entries older than DATE (YYYY-MM-DD)")

    p = command("backfill", "crawl history by list-page range or date range, resumable, with a progress bar")
    p.add_argument("--from-page", type=_positive_int)
    p.add_argument("--to-page", type=_positive_int)
    p.add_argument("--since", type=_iso_date, help="oldest list date to keep (YYYY-MM-DD)")
    p.add_argument("--until", type=_iso_date, help="newest list date to keep (YYYY-MM-DD)")
    p.add_argument("--channel", type=_positive_int, help="only this channel's list (ChannelId)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")

    p = command("reparse", "rebuild parsed tables from stored raw pages with the current parser (no network)")
    p.add_argument("--all", action="store_true", help="every page, not only rows parsed by an older parser version")

    p = command("replica", "serve the offline portal replica on 127.0.0.1")
    p.add_argument("replica_args", nargs=argparse.REMAINDER, help="replica options: --port P --articles N --seed S --layout sharepoint|modern --fail-rate R --slow-rate R --live SECONDS ... (portal-ingest replica --help lists them)")

    p = command("sql", "read-only SQL on the analyst snapshot: one query, or an interactive shell"
                " (line editing, history, Tab completion; type help)", only=("duckdb",))
    p.add_argument("query", nargs="?", help="the SQL query; omit it for an interactive shell")
    p.add_argument("--format", choices=["table", "csv", "json", "markdown"], default="table",
                   help="output format (default table; in the shell, the starting .mode)")
    p.add_argument("--as-of", metavar="TIMESTAMP", default=None,
                   help="on a DuckLake warehouse: query it as it was then (e.g. 2026-12-01T08:00:00+07:00)")

    p = command("search", "ranked full-text search over the snapshot's documents and directives", only=("duckdb",))
    p.add_argument("query", metavar="QUERY", help="words to find (English stemming; accents optional)")
    p.add_argument("--type", dest="doc_type", metavar="T", help="only documents of this type, e.g. 'Official Letter'")
    p.add_argument("--since", type=_iso_date, metavar="D", help="documents dated on or after D (YYYY-MM-DD)")
    p.add_argument("--until", type=_iso_date, metavar="D", help="documents dated on or before D (YYYY-MM-DD)")
    p.add_argument("--agency", metavar="A", help="only documents with a directive for agency A (name or alias)")
    p.add_argument("--limit", type=_positive_int, default=20, metavar="N", help="at most N documents (default 20)")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table",
                   help="table (shortened for the terminal), csv or json (whole texts); default table")

    p = command("report", "write the analysts' self-contained HTML report (charts) from the snapshot",
                only=("duckdb",))
    p.add_argument("--out", metavar="FILE", help="where to write it (default: beside the snapshot,"
                   " data/portal.snapshot.report.html)")

    p = command("migrate-to-lake", "copy every table of a warehouse file into the DuckLake named by PORTAL_DUCKDB",
                only=("duckdb",))
    p.add_argument("file", metavar="FILE", help="the warehouse file to copy (e.g. data/portal.duckdb)")
    return parser


def _settings(args):
    from ingest.config import Settings

    return Settings.from_env(
        base_url=getattr(args, "base_url", None),
        duckdb_path=getattr(args, "duckdb", None),
        max_rps=getattr(args, "max_rps", None),
        concurrency=getattr(args, "concurrency", None),
    )


def _read_input(file: str) -> bytes:
    if file == "-":
        return sys.stdin.buffer.read()
    path = Path(file)
    if not path.is_file():
        raise CliError(f"no such file: {file}")
    return path.read_bytes()


def _print_json(obj) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=2))


def cmd_parse(args) -> int:
    import transforms

    body = _read_input(args.file)
    url = args.url or (Path(args.file).resolve().as_uri() if args.file != "-" else "")
    record = transforms.parse_article(body, url)
    listing = next((w for w in record["warnings"] if w.startswith("not an article page")), None)
    if listing:  # an article record invented from a list page helps nobody
        raise CliError(f"{args.file}: {listing}")
    _print_json(record)
    return 0


def cmd_parse_list(args) -> int:
    import transforms

    body = _read_input(args.file)
    url = args.url or (Path(args.file).resolve().as_uri() if args.file != "-" else "")
    _print_json(transforms.parse_listing(body, url))
    return 0


def failure_line(report) -> str:
    """Why a run failed, in one line: the run's own reason (a failed check, or nothing
    read: the fetch's first error and how many more there were)."""
    reason = " ".join((report.error or "").strip().splitlines()[:1]).strip()
    if not reason and getattr(report, "fetch", None) is not None:
        reason = report.fetch.first_error() or ""
    return reason or "no error recorded; see the runs table"


def _finish(report, what: str) -> int:
    """Print the run's JSON; a failed run (nothing read, or a failed check: not
    published) also says why on stderr, in one line."""
    _print_json(report.to_dict())
    if report.status != "failed":
        return 0
    print(f"error: {what} failed: {failure_line(report)}", file=sys.stderr)
    return 1


def _stop_on_sigterm() -> None:
    """SIGTERM stops a run like Ctrl-C (what was fetched is kept), not a hard kill."""
    import signal
    import threading

    if threading.current_thread() is threading.main_thread():
        def on_term(signum, frame):
            raise KeyboardInterrupt
        signal.signal(signal.SIGTERM, on_term)


def cmd_crawl(args) -> int:
    from portal_ingest import pipeline

    _stop_on_sigterm()
    return _finish(pipeline.crawl(_settings(args), pages=args.pages, since=args.since), "crawl")


def cmd_backfill(args) -> int:
    from portal_ingest import pipeline

    by_page = args.from_page is not None or args.to_page is not None
    by_date = args.since is not None or args.until is not None
    if by_page == by_date:
        raise CliError("backfill: give --from-page A --to-page B, or --since DATE [--until DATE]")
    if by_page and (args.from_page is None or args.to_page is None or args.from_page > args.to_page):
        raise CliError("backfill: --from-page and --to-page are both needed, with A <= B")
    if args.since and args.until and args.since > args.until:
        raise CliError("backfill: --since must not be after --until")
    _stop_on_sigterm()
    summary = pipeline.backfill(
        _settings(args),
        from_page=args.from_page,
        to_page=args.to_page,
        since=args.since,
        until=args.until,
        channel=args.channel,
        progress=not args.no_progress,
    )
    return _finish(summary, "backfill")


def cmd_reparse(args) -> int:
    from portal_ingest import pipeline

    _print_json(pipeline.reparse(_settings(args), all=args.all).to_dict())
    return 0


def cmd_replica(args) -> int:
    from portal_replica.cli import main as replica_main

    extra = list(args.replica_args)
    if extra and extra[0] == "--":
        extra = extra[1:]
    return replica_main(extra, prog="portal-ingest replica")


def cmd_sql(args) -> int:
    from warehouse import sql

    settings = _settings(args)
    as_of = _as_of(args.as_of)
    if args.query is None and sys.stdin.isatty():
        from portal_ingest import shell

        return shell.run(settings, fmt=args.format, as_of=as_of)
    if args.query is None:  # a script piped in
        return sql.interactive_shell(settings, as_of=as_of) or 0
    sql.run_sql_to(settings, args.query, sys.stdout, fmt=args.format, as_of=as_of)
    return 0


def _as_of(text: str | None) -> str | None:
    """An ISO timestamp; one without offset is the portal's time (+07:00)."""
    if text is None:
        return None
    from datetime import datetime, timedelta, timezone

    try:
        stamp = datetime.fromisoformat(text)
    except ValueError:
        raise CliError(f"--as-of: not a timestamp (YYYY-MM-DD[THH:MM[:SS]][+HH:MM]): {text!r}") from None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=timezone(timedelta(hours=7)))
    return stamp.isoformat()


def cmd_migrate_to_lake(args) -> int:
    from warehouse.tolake import migrate_to_lake

    copied = migrate_to_lake(_settings(args), Path(args.file))
    _print_json({"copied": copied, "tables": len(copied), "rows": sum(copied.values())})
    return 0


def cmd_search(args) -> int:
    from warehouse import search, sql

    if args.since and args.until and args.since > args.until:
        raise CliError("search: --since must not be after --until")
    con = search.open_for_search(_settings(args))
    try:
        names, data = search.search(con, args.query, doc_type=args.doc_type, since=args.since,
                                    until=args.until, agency=args.agency, limit=args.limit)
    finally:
        con.close()
    if args.format == "table":
        data = [(*row[:4], search.shorten(row[4], 50), *row[5:7], search.shorten(row[7], 100)) for row in data]
    print(sql.format_rows(names, data, args.format))
    return 0


def cmd_report(args) -> int:
    from warehouse import report

    print(report.write_report(_settings(args), out=Path(args.out) if args.out else None))
    return 0


COMMANDS = {
    "parse": cmd_parse,
    "parse-list": cmd_parse_list,
    "crawl": cmd_crawl,
    "backfill": cmd_backfill,
    "reparse": cmd_reparse,
    "replica": cmd_replica,
    "sql": cmd_sql,
    "search": cmd_search,
    "report": cmd_report,
    "migrate-to-lake": cmd_migrate_to_lake,
}


def _replica_passthrough(argv: list[str]) -> list[str] | None:
    """`portal-ingest replica --port 1 ...`: hand every option after `replica`
    to the replica's own parser (it owns its --help)."""
    if "replica" not in argv:
        return None
    i = argv.index("replica")
    if any(not a.startswith("-") for a in argv[:i]):
        return None
    return argv[i + 1 :]


def _debug(argv: list[str]) -> bool:
    return "--debug" in argv or os.environ.get("PORTAL_DEBUG", "").strip().lower() in ("1", "true", "yes")
def args_command(argv: list[str]) -> str | None:
    return next((a for a in argv if a in COMMANDS), None)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = _debug(argv)
    try:
        rest = _replica_passthrough(argv)
        if rest is not None:
            from portal_replica.cli import main as replica_main

            return replica_main(rest, prog="portal-ingest replica") or 0
        args = build_parser().parse_args(argv)
        if not args.command:
            build_parser().print_help()
            return 2
        return COMMANDS[args.command](args) or 0
    except CliError as exc:
        if debug:
            traceback.print_exc()
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        kept = ("; pages fetched so far are kept in the landing area and load with the next run"
                if args_command(argv) in ("crawl", "backfill") else "")
        print(f"error: interrupted{kept}", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # every library error becomes one line (and its traceback with --debug)
        if debug:
            traceback.print_exc()
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if type(exc).__name__ == "WarehouseMissing":  # e.g. run outside the project folder
            message += ", or point at the warehouse with --duckdb FILE or PORTAL_DUCKDB=FILE"
        print(f"error: {type(exc).__name__}: {message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

"""The interactive `portal-ingest sql` shell for analysts, on a terminal.

Why our own and not DuckDB's CLI: the `duckdb` CLI is not installed with the
project (PyPI ships the Python module only), would need the fts extension
loaded by hand for `search_documents`, and would not get the read-only
statement guard of `warehouse.sql`. So: Python's readline (line editing, history
in ~/.portal_ingest_sql_history or $PORTAL_SQL_HISTORY, Tab completion of
tables, columns, keywords and commands), a banner naming the snapshot, its age
and row counts, `help`, and output modes. Every query goes through
`warehouse.sql.execute` (reads only); a newly published snapshot is picked up
at the next query.

Piped input (`portal-ingest sql < script.sql`) is not a terminal and keeps the
plain reader in `warehouse.sql.interactive_shell`.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from ingest.config import Settings
from warehouse import sql
from warehouse.errors import WarehouseError

MODES = (*sql.FORMATS, "line")
HISTORY_LENGTH = 2000
KEYWORDS = """SELECT FROM WHERE GROUP BY ORDER LIMIT OFFSET JOIN LEFT INNER USING ON AND OR NOT IN IS NULL
AS WITH HAVING DISTINCT COUNT SUM AVG MIN MAX CASE WHEN THEN ELSE END LIKE ILIKE BETWEEN DESC ASC UNION ALL
EXPLAIN DESCRIBE SUMMARIZE CAST DATE year month date_trunc strftime unnest array_to_string""".split()
HELP = """\
Type SQL and end it with ';' (it may span lines). Only reading statements run.
  .tables                 tables and views, with their row counts
  .schema [TABLE]         columns of TABLE (or of every table)
  .mode MODE              output: table (default), csv, json, markdown, line
  .search WORDS           ranked full-text search (the search_documents macro)
  .examples               a few questions to start from (docs/queries.md has ten)
  help, .help             this text
  .quit, .exit, Ctrl-D    leave
Keys: Up/Down recall earlier queries (kept between sessions), Tab completes table,
column and command names, Ctrl-R searches the history, Ctrl-C drops the current input.
"""
EXAMPLES = """\
SELECT doc_type, count(*) AS n FROM articles GROUP BY 1 ORDER BY 2 DESC;
SELECT * FROM search_documents('flood prevention', since := DATE '2020-01-01') LIMIT 5;
SELECT number, citing_articles FROM v_citation_counts ORDER BY 2 DESC LIMIT 10;
SELECT month, doc_type, documents FROM v_monthly ORDER BY month DESC LIMIT 12;
SELECT * FROM v_runs ORDER BY started_at DESC LIMIT 5;
"""


def _text(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, list | dict | tuple):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def history_path() -> Path:
    return Path(os.environ.get("PORTAL_SQL_HISTORY") or Path.home() / ".portal_ingest_sql_history")


def _ago(when: datetime, now: datetime) -> str:
    seconds = max(0, int((now - when).total_seconds()))
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = seconds // size
            return f"{n} {unit}{'s' if n != 1 else ''} ago"
    return "just now"


class Shell:
    def __init__(self, settings: Settings, fmt: str = "table", out=None, as_of: str | None = None):
        self.settings = settings
        self.as_of = as_of  # a DuckLake warehouse as it was then (sql --as-of)
        self.mode = fmt
        self.out = out or sys.stdout
        self.con = None
        self.identity: tuple[int, int] | None = None
        self.names: list[str] = []

    # ---- the snapshot ---------------------------------------------------------

    def connection(self):
        path = Path(self.settings.snapshot_path)
        st = os.stat(path) if path.exists() else None
        identity = (st.st_ino, st.st_mtime_ns) if st else None
        if self.con is None or (identity is not None and identity != self.identity):
            self.close()
            self.con = sql.open_snapshot(self.settings, as_of=self.as_of)
            self.identity = identity
            self.names = self._catalog_names()
        return self.con

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None

    def query(self, text: str, params=None) -> tuple[list[str], list[tuple]]:
        return sql.execute(self.connection(), text, params)

    def _catalog_names(self) -> list[str]:
        _, data = sql.execute(self.con, """
            SELECT DISTINCT table_name FROM information_schema.tables
            WHERE table_schema = 'main' AND table_catalog = current_database()
            UNION SELECT DISTINCT column_name FROM information_schema.columns
            WHERE table_schema = 'main' AND table_catalog = current_database()
            UNION SELECT DISTINCT table_name || '.' || column_name FROM information_schema.columns
            WHERE table_schema = 'main' AND table_catalog = current_database()
            UNION SELECT DISTINCT function_name FROM duckdb_functions()
            WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal""")
        return sorted({r[0] for r in data})

    def banner(self) -> str:
        path = Path(self.settings.snapshot_path)
        self.connection()
        _, data = self.query("SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM directives),"
                             " (SELECT count(*) FROM citations), (SELECT count(*) FROM runs)")
        articles, directives, citations, runs = data[0]
        if self.settings.is_lake:  # no published copy: the lake's latest snapshot (or --as-of)
            when = f"as of {self.as_of}" if self.as_of else "latest commit"
            return (f"portal-ingest sql: read-only DuckLake ({when})\n"
                    f"{articles} articles, {directives} directives, {citations} citations, {runs} runs\n"
                    "End queries with ';'. Type help for commands; Tab completes, Up recalls, Ctrl-D quits.")
        published = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        local = published.astimezone(datetime.now().astimezone().tzinfo).strftime("%Y-%m-%d %H:%M %Z")
        return (f"portal-ingest sql: read-only snapshot {path}\n"
                f"published {local} ({_ago(published, datetime.now(UTC))}); {articles} articles,"
                f" {directives} directives, {citations} citations, {runs} runs\n"
                "End queries with ';'. Type help for commands; Tab completes, Up recalls, Ctrl-D quits.")

    # ---- commands and queries -------------------------------------------------

    def render(self, names: list[str], data: list[tuple]) -> str:
        if self.mode != "line":
            return sql.format_rows(names, data, self.mode)
        width = max((len(n) for n in names), default=0)
        blocks = ["\n".join(f"{n.rjust(width)} = {_text(v)}" for n, v in zip(names, row, strict=True))
                  for row in data]
        return "\n\n".join(blocks) + f"\n({len(data)} row{'s' if len(data) != 1 else ''})"

    def run_query(self, text: str, params=None) -> str:
        try:
            return self.render(*self.query(text, params))
        except WarehouseError as exc:
            return f"Error: {exc}"

    def command(self, line: str) -> str | None:
        """A dot command or help; None means leave the shell."""
        word, _, arg = line.strip().rstrip(";").partition(" ")
        word, arg = word.lower(), arg.strip()
        if word in (".quit", ".exit", "quit", "exit"):
            return None
        if word in ("help", ".help", "\\?", "?"):
            return HELP.rstrip()
        if word == ".tables":
            names, data = self.query("SELECT table_name, table_type FROM information_schema.tables"
                                     " WHERE table_schema = 'main' AND table_catalog = current_database()"
                                     " AND table_name NOT LIKE 'search\\_%' ESCAPE '\\' ORDER BY 1")
            return sql.format_rows(names, data, "table")
        if word == ".schema":
            where = "AND table_name = ?" if arg else "AND table_name NOT LIKE 'search\\_%' ESCAPE '\\'"
            names, data = self.query("SELECT table_name, column_name, data_type FROM information_schema.columns"
                                     " WHERE table_schema = 'main' AND table_catalog = current_database() "
                                     + where + " ORDER BY table_name, ordinal_position", [arg] if arg else None)
            return sql.format_rows(names, data, "table") if data else f"Error: no table {arg!r} (see .tables)"
        if word in (".mode", ".format"):
            if arg not in MODES:
                return f"mode is {self.mode}; choose one of: {', '.join(MODES)}"
            self.mode = arg
            return f"mode {arg}"
        if word == ".search":
            if not arg:
                return "usage: .search WORDS"
            return self.run_query("SELECT doc_number, issued_on, title, snippet, url FROM search_documents(?)",
                                  [arg])
        if word == ".examples":
            return EXAMPLES.rstrip()
        return f"unknown command {word}; type help"

    # ---- completion -----------------------------------------------------------

    def complete(self, text: str, state: int) -> str | None:
        if state == 0:
            words = self.names + [".tables", ".schema", ".mode", ".search", ".examples", ".help", ".quit", "help"]
            found = [w for w in words if w.startswith(text)]
            for k in KEYWORDS:
                if k.lower().startswith(text.lower()) and text:
                    found.append(k if text[:1].isupper() else k.lower())
            self._matches = sorted(set(found))
        return self._matches[state] if state < len(self._matches) else None


def _setup_readline(shell: Shell):
    try:
        import readline
    except ImportError:  # no GNU readline / libedit: input() still works, without editing
        return None
    readline.set_completer(shell.complete)
    readline.set_completer_delims(" \t\n,;()=<>+-*/|'\"")
    if "libedit" in (readline.__doc__ or ""):
        readline.parse_and_bind("bind ^I rl_complete")
    else:
        readline.parse_and_bind("tab: complete")
    readline.set_history_length(HISTORY_LENGTH)
    try:
        readline.read_history_file(history_path())
    except (FileNotFoundError, OSError):
        pass
    return readline


def run(settings: Settings, fmt: str = "table", as_of: str | None = None) -> int:
    """The interactive loop; returns the exit code."""
    shell = Shell(settings, fmt, as_of=as_of)
    print(shell.banner(), flush=True)  # also fails early, in one line, when there is no snapshot
    rl = _setup_readline(shell)
    buffer: list[str] = []
    try:
        while True:
            try:
                line = input("...> " if buffer else "sql> ")
            except KeyboardInterrupt:
                print("^C")
                buffer = []
                continue
            except EOFError:
                print()
                break
            stripped = line.strip()
            if not buffer and (stripped.startswith(".") or stripped.lower().rstrip(";") in
                               ("help", "quit", "exit", "?", "\\?")):
                result = shell.command(stripped)
                if result is None:
                    break
                print(result, flush=True)
                continue
            if not stripped and not buffer:
                continue
            buffer.append(line)
            if stripped.endswith(";"):
                statement, buffer = "\n".join(buffer), []
                if rl is not None and "\n" in statement:
                    _one_history_entry(rl, statement)
                try:
                    print(shell.run_query(statement), flush=True)
                except KeyboardInterrupt:
                    print("interrupted", flush=True)
    finally:
        shell.close()
        if rl is not None:
            try:
                rl.write_history_file(history_path())
            except OSError:
                pass
    return 0


def _one_history_entry(rl, statement: str) -> None:
    """A query typed over several lines comes back with one Up, as one line."""
    lines = statement.count("\n") + 1
    for _ in range(lines):
        n = rl.get_current_history_length()
        if n:
            rl.remove_history_item(n - 1)
    rl.add_history(" ".join(part.strip() for part in statement.splitlines()))

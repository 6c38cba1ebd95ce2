"""Read-only SQL for analysts on the published snapshot (`portal-ingest sql`).

Only reading statements run: anything else is refused before it reaches
DuckDB (a read-only file would still let ATTACH or COPY write elsewhere). The
rule is DuckDB's own parse of each statement (its StatementType), so every
form DuckDB reads with is a read: SELECT, FROM t, SUMMARIZE, DESCRIBE, SHOW,
PIVOT. Results are streamed in batches of BATCH_ROWS: a 5-million-row answer
starts printing at once, in flat memory.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import TextIO

import duckdb

from ingest.config import Settings
from warehouse import extensions
from warehouse.db import scalar, sql_string
from warehouse.errors import QueryFailed, ReadOnlyQuery, WarehouseMissing
from warehouse.snapshot import open_reader

FORMATS = ("table", "csv", "json", "markdown")
READING = {
    duckdb.StatementType.SELECT,
    duckdb.StatementType.EXPLAIN,
}
# A PIVOT without an IN list is one MULTI statement to DuckDB (it first creates
# an ENUM of the pivoted values in the session's temp catalog). It is let through
# to the read-only, no-external-access session, which refuses any write inside
# it (CREATE TABLE x AS PIVOT ...) with a read-only error, reported as refused.
# DuckDB 1.5 hands the same expansion back as separate statements (CREATE TYPE ...,
# SELECT) without query text: statements the user did not write, let through alike.
READING_MULTI = duckdb.StatementType.MULTI
BATCH_ROWS = 10_000


def open_snapshot(settings: Settings, as_of: str | None = None) -> duckdb.DuckDBPyConnection:
    """The published copy, or on a lake the lake itself (as of `as_of` when given)."""
    con = open_reader(settings, as_of=as_of, private=True)
    if settings.is_lake:
        # The lake's own Parquet files stay readable; nothing else on disk is.
        options = scalar(con, "SELECT options FROM duckdb_databases() WHERE database_name = current_database()")
        data = (options or {}).get("data_path") or settings.lake_data_path
        if data:
            con.execute(f"SET allowed_directories = [{sql_string(data)}]")
    else:
        extensions.load(con, "fts")  # the snapshot's search macros need it; loaded before access is shut
    con.execute("SET enable_external_access = false")  # no file writes/reads, even via EXPLAIN ANALYZE COPY
    return con


def check_read_only(con: duckdb.DuckDBPyConnection, query: str) -> None:
    try:
        statements = con.extract_statements(query)
    except duckdb.Error as exc:
        raise QueryFailed(_one_line(exc)) from None
    if not statements:
        raise QueryFailed("empty query")
    if all(not (statement.query or "").strip() for statement in statements):
        return  # one statement DuckDB expanded itself (a dynamic PIVOT): the session guards it
    for statement in statements:
        if statement.type == READING_MULTI and len(statements) == 1:
            continue
        if statement.type not in READING:
            kind = statement.type.name
            raise ReadOnlyQuery(f"refused: {kind} statement; the warehouse is read-only here (SELECT only)")


def execute(con: duckdb.DuckDBPyConnection, query: str, params: Sequence | None = None) -> tuple[list[str], list[tuple]]:
    check_read_only(con, query)
    try:
        result = con.execute(query, params or [])
        names = [d[0] for d in result.description or []]
        return names, result.fetchall()
    except duckdb.Error as exc:
        if "read-only" in str(exc):
            raise ReadOnlyQuery(f"refused: {_one_line(exc)}") from None
        raise QueryFailed(_one_line(exc)) from None


def stream(con: duckdb.DuckDBPyConnection, query: str, params: Sequence | None = None,
           batch_rows: int = BATCH_ROWS) -> tuple[list[str], Iterator[list[tuple]]]:
    """Like `execute`, but the rows come in batches as DuckDB produces them."""
    check_read_only(con, query)
    try:
        result = con.execute(query, params or [])
        names = [d[0] for d in result.description or []]
        first = result.fetchmany(batch_rows)
    except duckdb.Error as exc:
        raise _refused_or_failed(exc) from None

    def batches() -> Iterator[list[tuple]]:
        batch = first
        while batch:
            yield batch
            try:
                batch = result.fetchmany(batch_rows)
            except duckdb.Error as exc:
                raise _refused_or_failed(exc) from None

    return names, batches()


def _refused_or_failed(exc: Exception) -> Exception:
    if "read-only" in str(exc):
        return ReadOnlyQuery(f"refused: {_one_line(exc)}")
    return QueryFailed(_one_line(exc))


def run_sql_to(settings: Settings, query: str, out: TextIO, fmt: str = "table",
               params: Sequence | None = None, as_of: str | None = None) -> None:
    """Run one read-only query on the snapshot (a lake: as of `as_of`), writing the
    result to `out` as it comes."""
    if fmt not in FORMATS:
        raise QueryFailed(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    con = open_snapshot(settings, as_of=as_of)
    try:
        names, batches = stream(con, query, params)
        write_rows(names, batches, fmt, out)
    finally:
        con.close()


def run_sql(settings: Settings, query: str, fmt: str = "table", params: Sequence | None = None,
            as_of: str | None = None) -> str:
    """Run one read-only query on the snapshot (a lake: as of `as_of`) and return it formatted."""
    if fmt not in FORMATS:
        raise QueryFailed(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    con = open_snapshot(settings, as_of=as_of)
    try:
        names, data = execute(con, query, params)
    finally:
        con.close()
    return format_rows(names, data, fmt)


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())


# ---- output ------------------------------------------------------------------


def _plain(value):
    if value is None:
        return None
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return f"<{len(bytes(value))} bytes>"
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _cell(value) -> str:
    value = _plain(value)
    if value is None:
        return "NULL"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def format_rows(names: list[str], data: list[tuple], fmt: str = "table") -> str:
    if fmt == "json":
        return json.dumps([dict(zip(names, (_plain(v) for v in row), strict=True)) for row in data],
                          ensure_ascii=False, indent=2)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(names)
        writer.writerows([["" if v is None else _cell(v) for v in row] for row in data])
        return buf.getvalue().rstrip("\n")
    cells = [[_cell(v).replace("\n", " ") for v in row] for row in data]
    numeric = _numeric(names, data)
    if fmt == "markdown":
        esc = [[c.replace("|", "\\|") for c in row] for row in cells]
        lines = ["| " + " | ".join(names) + " |",
                 "| " + " | ".join("---:" if numeric[i] else "---" for i in range(len(names))) + " |"]
        lines += ["| " + " | ".join(row) + " |" for row in esc]
        return "\n".join(lines)
    widths = [max([len(n)] + [len(row[i]) for row in cells]) for i, n in enumerate(names)]
    out = [_table_line(names, widths, numeric), "  ".join("-" * w for w in widths)]
    out += [_table_line(row, widths, numeric) for row in cells]
    out.append(f"({len(data)} row{'s' if len(data) != 1 else ''})")
    return "\n".join(out)


def _numeric(names: list[str], data: list[tuple]) -> list[bool]:
    return [all(isinstance(row[i], int | float | Decimal) or row[i] is None for row in data) and bool(data)
            for i in range(len(names))]


def _table_line(values: list[str], widths: list[int], numeric: list[bool]) -> str:
    return "  ".join(v.rjust(w) if numeric[i] else v.ljust(w)
                     for i, (v, w) in enumerate(zip(values, widths, strict=True))).rstrip()


def write_rows(names: list[str], batches: Iterable[list[tuple]], fmt: str, out: TextIO) -> int:
    """Write a result batch by batch; returns the row count. Each batch is formatted
    by `format_rows`, so a result of one batch prints exactly as `run_sql` does; in
    a table, the first batch sets the column widths (later cells may run wider)."""
    total = 0
    widths: list[int] = []
    numeric: list[bool] = []
    for batch in batches:
        if fmt == "csv":
            text = format_rows(names, batch, "csv")
            out.write((text if total == 0 else text.partition("\n")[2]) + "\n")
        elif fmt == "json":
            items = json.dumps([dict(zip(names, (_plain(v) for v in row), strict=True)) for row in batch],
                               ensure_ascii=False, indent=2)[1:-2].strip("\n")
            out.write(("[\n" if total == 0 else ",\n") + items)
        elif fmt == "table" and total:
            out.write("\n".join(_table_line([_cell(v).replace("\n", " ") for v in row], widths, numeric)
                                for row in batch) + "\n")
        else:
            lines = format_rows(names, batch, fmt).split("\n")
            if fmt == "table":
                lines = lines[:-1]  # the row count goes at the very end
                widths = [len(dashes) for dashes in lines[1].split("  ")]
                numeric = _numeric(names, batch)
            out.write("\n".join(lines if total == 0 else lines[2:]) + "\n")
        total += len(batch)
        out.flush()
    if total == 0:
        out.write(format_rows(names, [], fmt) + "\n")
    elif fmt == "json":
        out.write("\n]\n")
    elif fmt == "table":
        out.write(f"({total} row{'s' if total != 1 else ''})\n")
    return total


# ---- interactive shell --------------------------------------------------------------


def interactive_shell(settings: Settings, stdin: TextIO | None = None, stdout: TextIO | None = None,
                      fmt: str = "table", stderr: TextIO | None = None,
                      as_of: str | None = None) -> int:
    """A small REPL: queries end with `;` (at the end of input the last one needs
    none); `.quit`, `.tables`, `.format FMT`. Errors go to stderr; fed from a pipe
    or file it returns 1 when any statement failed (0 otherwise).

    It reopens the snapshot when a load has published a new one, so a session
    stays usable (and current) across loads.
    """
    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    interactive = hasattr(stdin, "isatty") and stdin.isatty()
    session = _Session(settings, as_of)
    buffer: list[str] = []
    failed = 0
    try:
        while True:
            if interactive:
                stdout.write("...> " if buffer else "sql> ")
                stdout.flush()
            line = stdin.readline()
            if not line:
                break
            stripped = line.strip()
            if not buffer and stripped.startswith("."):
                command, _, arg = stripped.partition(" ")
                if command in (".quit", ".exit"):
                    break
                if command == ".tables":
                    failed += not session.run_to("SELECT table_name, table_type FROM information_schema.tables"
                                                 " ORDER BY table_name", fmt, stdout, stderr)
                elif command == ".format" and arg.strip() in FORMATS:
                    fmt = arg.strip()
                else:
                    stdout.write("commands: .tables  .format table|csv|json|markdown  .quit\n")
                continue
            buffer.append(line)
            if stripped.endswith(";"):
                query, buffer = "".join(buffer), []
                failed += not session.run_to(query, fmt, stdout, stderr)
        if "".join(buffer).strip():  # the last statement, without its `;`
            failed += not session.run_to("".join(buffer), fmt, stdout, stderr)
    finally:
        session.close()
    return 1 if failed and not interactive else 0


class _Session:
    def __init__(self, settings: Settings, as_of: str | None = None):
        self.settings = settings
        self.as_of = as_of
        self.con: duckdb.DuckDBPyConnection | None = None
        self.identity: tuple[int, int] | None = None

    def _current(self) -> duckdb.DuckDBPyConnection:
        path = Path(self.settings.snapshot_path)
        st = os.stat(path) if path.exists() else None
        identity = (st.st_ino, st.st_mtime_ns) if st else None
        if self.con is None or (identity is not None and identity != self.identity):
            self.close()
            self.con = open_snapshot(self.settings, as_of=self.as_of)
            self.identity = identity
        return self.con

    def run_to(self, query: str, fmt: str, out: TextIO, err: TextIO) -> bool:
        """Run one query, streaming its rows to `out`; an error goes to `err`. True if it ran."""
        try:
            names, batches = stream(self._current(), query)
            write_rows(names, batches, fmt, out)
        except (ReadOnlyQuery, QueryFailed, WarehouseMissing) as exc:
            out.flush()
            err.write(f"Error: {exc}\n")
            err.flush()
            return False
        out.flush()
        return True

    def run(self, query: str, fmt: str) -> str:
        try:
            names, data = execute(self._current(), query)
        except (ReadOnlyQuery, QueryFailed, WarehouseMissing) as exc:
            return f"Error: {exc}"
        return format_rows(names, data, fmt)

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None

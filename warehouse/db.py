"""Opening the warehouse file: the single-writer lock, migrations, transactions.

DuckDB allows one read-write process per file. `connect` waits a bounded time
for that lock so two loaders queue instead of crashing, and names the PID that
holds it when the wait runs out.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pyarrow as pa

from ingest.config import Settings
from warehouse.errors import (
    DuplicateKeysInBatch,
    MigrationFailed,
    SchemaTooNew,
    TransactionAborted,
    WarehouseLocked,
    WarehouseMissing,
)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
TIMEZONE = "Asia/Ho_Chi_Minh"
_LOCK_HOLDER = re.compile(r"Conflicting lock is held in (.*?) \(PID (\d+)\)")


def migrations() -> list[tuple[int, str, Path]]:
    """(version, name, path) of every migration file, in order."""
    found = []
    for path in sorted(MIGRATIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*.sql")):
        found.append((int(path.name[:4]), path.stem, path))
    return found


def latest_version() -> int:
    return migrations()[-1][0]


def _path_of(target: Settings | str | Path) -> Path:
    return Path(target.duckdb_path) if isinstance(target, Settings) else Path(target)


def open_with_lock_wait(path: Path, *, read_only: bool, timeout_s: float) -> duckdb.DuckDBPyConnection:
    """Open `path`, retrying while another process holds the lock."""
    deadline = time.monotonic() + max(0.0, timeout_s)
    delay = 0.05
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            holder = _LOCK_HOLDER.search(str(exc))
            if holder is None:
                raise
            if time.monotonic() >= deadline:
                program, pid = holder.groups()
                raise WarehouseLocked(
                    f"{path.resolve()} is locked by PID {pid} ({program}); gave up after {timeout_s:g}s"
                ) from None
            time.sleep(delay)
            delay = min(delay * 2, 1.0)


def connect(
    target: Settings | str | Path,
    read_only: bool = False,
    *,
    lock_timeout_s: float | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse (creating and migrating it unless read_only).

    Sessions use the portal's time zone so TIMESTAMPTZ values print as +07:00.
    """
    path = _path_of(target)
    if lock_timeout_s is None:
        lock_timeout_s = target.lock_timeout_s if isinstance(target, Settings) else 30.0
    if read_only and not path.exists():
        raise WarehouseMissing(f"no warehouse at {path.resolve()}; run a load first")
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    con = open_with_lock_wait(path, read_only=read_only, timeout_s=lock_timeout_s)
    try:
        con.execute(f"SET TimeZone = '{TIMEZONE}'")
        if read_only:
            _check_schema(con, path)
        else:
            migrate(con)
    except BaseException:
        con.close()
        raise
    return con


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database()"
        " AND schema_name = 'main' AND table_name = 'schema_version'"
    ).fetchall()[0][0]
    if not exists:
        return 0
    return con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchall()[0][0]


def _check_schema(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    # An older schema is readable (a snapshot published before an upgrade must not
    # stop the crawler); a newer one means this code is out of date.
    have, want = schema_version(con), latest_version()
    if have > want:
        raise SchemaTooNew(f"{path} has schema {have}, this code knows up to {want}")


def migrate(con: duckdb.DuckDBPyConnection, upto: int | None = None) -> list[int]:
    """Apply pending migrations in order, each in its own transaction. Returns those applied."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
        " applied_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)"
    )
    have = schema_version(con)
    known = migrations()
    if have > known[-1][0]:
        raise SchemaTooNew(f"warehouse has schema {have}, this code knows up to {known[-1][0]}")
    applied = []
    for version, name, path in known:
        if version <= have or (upto is not None and version > upto):
            continue
        try:
            with transaction(con):
                con.execute(path.read_text(encoding="utf-8"))
                con.execute("INSERT INTO schema_version (version, name) VALUES (?, ?)", [version, name])
        except duckdb.Error as exc:
            first_line = str(exc).splitlines()[0]
            raise MigrationFailed(f"migration {name} failed: {first_line}") from exc
        applied.append(version)
    if applied:
        # Write the new schema into the file now: DuckDB 1.5 cannot replay an
        # ALTER TABLE ... ADD COLUMN ... DEFAULT from the WAL (a loader killed
        # before its first checkpoint left a warehouse that no longer opened).
        con.execute("CHECKPOINT")
    return applied


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """BEGIN ... COMMIT that never commits a failed transaction.

    DuckDB trap: after a failed statement, COMMIT reports success and silently
    discards everything. If the block raised, we roll back; if a failure was
    swallowed inside the block, the probe before COMMIT fails and we roll back
    and raise TransactionAborted instead of pretending it committed.
    """
    con.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        _rollback_quietly(con)
        raise
    try:
        con.execute("SELECT 1").fetchall()
    except duckdb.Error as exc:
        _rollback_quietly(con)
        raise TransactionAborted(
            f"transaction rolled back: an earlier statement failed ({str(exc).splitlines()[0]})"
        ) from exc
    con.execute("COMMIT")


def _rollback_quietly(con: duckdb.DuckDBPyConnection) -> None:
    try:
        con.execute("ROLLBACK")
    except duckdb.Error:
        pass  # no transaction left to roll back (DuckDB ended it itself)


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence | None = None) -> list[tuple]:
    """Run a query and read its whole result.

    duckdb 2.0 refuses new statements while a result is half read, and
    relations have no fetchone(): every read in this package goes through here.
    """
    return con.execute(sql, params or []).fetchall()


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence | None = None):
    result = rows(con, sql, params)
    return result[0][0] if result else None


def stage(con: duckdb.DuckDBPyConnection, name: str, columns: Sequence[tuple[str, str]], data) -> int:
    """(Re)create TEMP table `name` and bulk-insert `data` rows through an Arrow table.

    Set-based SQL then moves the staged rows into the real tables. duckdb 1.5's
    Python API has no appender; an Arrow table scanned by `INSERT ... SELECT` is
    its fastest bulk path (about 450k rows/s against 1.4k for executemany).
    """
    cols = ", ".join(f"{col} {typ}" for col, typ in columns)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} ({cols})")
    data = list(data)
    if data:
        names = [col for col, _ in columns]
        arrow = pa.table({col: _arrow_column([row[i] for row in data]) for i, col in enumerate(names)})
        casts = ", ".join(f"CAST({col} AS {typ})" for col, typ in columns)
        view = f"_arrow_{name}"
        con.register(view, arrow)
        try:
            con.execute(f"INSERT INTO {name} SELECT {casts} FROM {view}")
        finally:
            con.unregister(view)
    return len(data)


def _arrow_column(values: list) -> pa.Array:
    """One column for Arrow; values Arrow cannot type together travel as text and are cast by SQL."""
    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array([None if v is None else str(v) for v in values], type=pa.string())


def assert_unique(con: duckdb.DuckDBPyConnection, staged: str, key: Sequence[str]) -> None:
    """Refuse an upsert batch holding a key twice (DuckDB would silently keep one row)."""
    cols = ", ".join(key)
    dupes = rows(
        con,
        f"SELECT {cols}, count(*) AS n FROM {staged} GROUP BY ALL HAVING count(*) > 1 LIMIT 3",
    )
    if dupes:
        raise DuplicateKeysInBatch(f"{staged}: {len(dupes)}+ keys ({cols}) occur twice, e.g. {dupes[0][:-1]}")

"""Opening the warehouse: its two backends, migrations, transactions, upserts.

The warehouse is either a DuckDB file (the embedded default) or a DuckLake
(`PORTAL_DUCKDB=ducklake:postgres:dbname=... host=...`: catalog in PostgreSQL,
Parquet data under `PORTAL_LAKE_DATA_PATH`). `connect` opens either; everything
above it runs the same SQL on both, except where DuckLake lacks a feature:
upserts (`upsert`: ON CONFLICT on a file, MERGE INTO on a lake) and constraints
in migrations (`lakeddl`).

A file allows one read-write process: `connect` waits a bounded time for its
lock so two loaders queue instead of crashing, and names the PID that holds it
when the wait runs out. A lake takes many writers at once; a commit that
conflicts with another's raises `CommitConflict` and `retry_conflicts` runs the
transaction again.
"""

from __future__ import annotations

import os
import random
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pyarrow as pa

from ingest.config import Settings
from warehouse import extensions, lakeddl
from warehouse.errors import (
    CommitConflict,
    DuplicateKeysInBatch,
    MigrationFailed,
    SchemaTooNew,
    TransactionAborted,
    WarehouseError,
    WarehouseLocked,
    WarehouseMissing,
)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
TIMEZONE = "Asia/Ho_Chi_Minh"
_LOCK_HOLDER = re.compile(r"Conflicting lock is held in (.*?) \(PID (\d+)\)")
LAKE_PREFIX = "ducklake:"
LAKE_ALIAS = "lake"
# One row every lake write transaction updates: DuckLake lets two concurrent
# transactions append to one table unchecked (two loaders could both insert the
# same new article), but two updates of one table conflict. So every writer
# touches this row before COMMIT, and of two overlapping writers the later one
# gets CommitConflict and runs again on the newer snapshot: no row lost or doubled.
LAKE_COMMITS_TABLE = "lake_commits"


def migrations() -> list[tuple[int, str, Path]]:
    """(version, name, path) of every migration file, in order (lake variants excluded)."""
    found = []
    for path in sorted(MIGRATIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*.sql")):
        if path.name.endswith(".lake.sql"):
            continue
        found.append((int(path.name[:4]), path.stem, path))
    return found


def latest_version() -> int:
    return migrations()[-1][0]


def _path_of(target: Settings | str | Path) -> Path:
    return Path(target.duckdb_path) if isinstance(target, Settings) else Path(target)


def is_lake_target(target: Settings | str | Path) -> bool:
    return str(target.duckdb_path if isinstance(target, Settings) else target).startswith(LAKE_PREFIX)


def is_lake(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether `con` works on a DuckLake (its current database is one)."""
    kind = rows(con, "SELECT type FROM duckdb_databases() WHERE database_name = current_database()")
    return bool(kind) and kind[0][0] == "ducklake"


def sql_string(text: str | Path) -> str:
    """A SQL string literal: ATTACH, SET and LOAD take no parameters (the values are our
    own settings and paths, not input)."""
    return "'" + str(text).replace("'", "''") + "'"


def open_lake(
    target: Settings | str,
    *,
    read_only: bool = False,
    data_path: Path | str | None = None,
    as_of: str | None = None,
    shared: bool = True,
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with the lake attached (as `lake`) and in use.

    `as_of` (a timestamp) attaches the lake as it was then (DuckLake time travel).
    `shared=False` gives a private in-memory DuckDB, for a session that locks itself
    down (analysts' SQL turns off file access, a setting of the whole instance).
    """
    spec = str(target.duckdb_path if isinstance(target, Settings) else target)
    if data_path is None and isinstance(target, Settings):
        data_path = target.lake_data_path
    if not read_only and data_path is None:
        raise WarehouseError("a DuckLake warehouse needs PORTAL_LAKE_DATA_PATH (where its Parquet files go)")
    options = []
    if data_path is not None:
        if not read_only:
            Path(data_path).mkdir(parents=True, exist_ok=True)
        options.append(f"DATA_PATH {sql_string(data_path)}")
    if read_only:
        options.append("READ_ONLY")
    if as_of is not None:
        options.append(f"SNAPSHOT_TIME {sql_string(as_of)}")
    try:
        if not shared:
            con = duckdb.connect()
            extensions.load(con, "ducklake", "postgres")
            con.execute(f"ATTACH {sql_string(spec)} AS {LAKE_ALIAS} ({', '.join(options)})")
            alias = LAKE_ALIAS
        else:
            con, alias = _shared_attachment(spec, tuple(options))
        try:
            con.execute(f"USE {alias}")
        except BaseException:
            con.close()
            raise
    except duckdb.Error as exc:
        first = " ".join(str(exc).split())[:300]
        if as_of is not None and "snapshot" in first.lower():
            raise WarehouseMissing(f"the lake has no snapshot at or before {as_of}: {first}") from None
        raise WarehouseMissing(f"cannot open the lake {spec}: {first}") from None
    return con


# One in-memory DuckDB per process holds the extensions (loading them costs ~2 s) and
# the attached lakes; each `open_lake` is a new connection (cursor) on it, with its own
# transactions and temp tables. Keyed by PID: a forked worker builds its own.
_SHARED: dict = {"pid": None, "db": None, "aliases": {}}
_SHARED_LOCK = threading.Lock()
_INHERITED: list = []


def _shared_attachment(spec: str, options: tuple[str, ...]) -> tuple[duckdb.DuckDBPyConnection, str]:
    with _SHARED_LOCK:
        if _SHARED["pid"] != os.getpid():
            if _SHARED["db"] is not None:
                # Inherited through fork: never closed here (closing would end the parent's
                # PostgreSQL sessions through the shared sockets), only left alone.
                _INHERITED.append(_SHARED["db"])
            instance = duckdb.connect()
            extensions.load(instance, "ducklake", "postgres")
            _SHARED.update(pid=os.getpid(), db=instance, aliases={})
        instance, aliases = _SHARED["db"], _SHARED["aliases"]
        key = (spec, options)
        alias = aliases.get(key)
        if alias is None:
            used = set(aliases.values())
            alias = next(a for a in (LAKE_ALIAS, *(f"{LAKE_ALIAS}_{n}" for n in range(2, 10**6)))
                         if a not in used)
            instance.execute(f"ATTACH {sql_string(spec)} AS {alias} ({', '.join(options)})")
            aliases[key] = alias
        return instance.cursor(), alias


def forget_lake(spec: str) -> None:
    """Detach every shared attachment of lake `spec` (before its catalog is dropped:
    catalog-wide queries such as duckdb_tables() would fail on a vanished lake)."""
    with _SHARED_LOCK:
        if _SHARED["pid"] != os.getpid():
            return
        for key, alias in list(_SHARED["aliases"].items()):
            if key[0] == spec:
                try:
                    _SHARED["db"].execute(f"DETACH {alias}")
                except duckdb.Error:
                    pass
                del _SHARED["aliases"][key]


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
    as_of: str | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse (creating and migrating it unless read_only).

    Sessions use the portal's time zone so TIMESTAMPTZ values print as +07:00.
    A writer gets `Settings.memory_limit`, so a big load spills instead of growing.
    """
    if is_lake_target(target):
        con = open_lake(target, read_only=read_only, as_of=as_of)
        return _ready(con, target, read_only, Path(str(_path_of(target))))
    if as_of is not None:
        raise WarehouseError("--as-of needs a DuckLake warehouse (PORTAL_DUCKDB=ducklake:...); a file keeps no history")
    path = _path_of(target)
    if lock_timeout_s is None:
        lock_timeout_s = target.lock_timeout_s if isinstance(target, Settings) else 30.0
    if read_only and not path.exists():
        raise WarehouseMissing(f"no warehouse at {path.resolve()}; run a load first")
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    con = open_with_lock_wait(path, read_only=read_only, timeout_s=lock_timeout_s)
    return _ready(con, target, read_only, path)


def _ready(con: duckdb.DuckDBPyConnection, target, read_only: bool, path: Path) -> duckdb.DuckDBPyConnection:
    """Session settings, then the schema checked (a reader) or migrated (a writer);
    the connection is closed if either fails. The same for a file and a lake."""
    try:
        _setup_session(con, target, read_only)
        if read_only:
            _check_schema(con, path)
        else:
            migrate(con)
    except BaseException:
        con.close()
        raise
    return con


def _setup_session(con: duckdb.DuckDBPyConnection, target, read_only: bool) -> None:
    con.execute(f"SET TimeZone = '{TIMEZONE}'")
    con.execute("SET enable_progress_bar = false")  # it would print on the CLI's and the tasks' stdout
    if not read_only and isinstance(target, Settings):
        bound_memory(con, target.memory_limit)


def bound_memory(con: duckdb.DuckDBPyConnection, memory_limit: str | None) -> None:
    """DuckDB's memory_limit (Settings.memory_limit) on a connection that writes or builds:
    without it DuckDB takes 80% of the RAM and its peak grows with the warehouse."""
    if memory_limit:
        con.execute(f"SET memory_limit = {sql_string(memory_limit)}")


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
    """Apply pending migrations in order, each in its own transaction. Returns those applied.

    On a lake each migration's DDL goes through `lakeddl.migration_sql`, and a
    migration another process committed first (a conflict) is simply seen as done.
    """
    lake = is_lake(con)
    retry_conflicts(lambda: _bootstrap(con, lake))
    known = migrations()
    have = schema_version(con)
    if have > known[-1][0]:
        raise SchemaTooNew(f"warehouse has schema {have}, this code knows up to {known[-1][0]}")
    applied = []
    for version, name, path in known:
        if version <= have or (upto is not None and version > upto):
            continue
        sql = lakeddl.migration_sql(path, lake)
        if retry_conflicts(lambda v=version, n=name, q=sql: _apply_one(con, v, n, q)):
            applied.append(version)
    if applied and not lake:
        # Write the new schema into the file now: DuckDB 1.5 cannot replay an
        # ALTER TABLE ... ADD COLUMN ... DEFAULT from the WAL (a loader killed
        # before its first checkpoint left a warehouse that no longer opened).
        con.execute("CHECKPOINT")
    return applied


def _bootstrap(con: duckdb.DuckDBPyConnection, lake: bool) -> None:
    ddl = ("CREATE TABLE IF NOT EXISTS schema_version ("
           " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
           " applied_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)")
    if not lake:
        con.execute(ddl)
        return
    if schema_version(con) and scalar(
        con, "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database()"
             f" AND table_name = '{LAKE_COMMITS_TABLE}'"
    ):
        return
    with transaction(con):
        con.execute(lakeddl.lake_sql(ddl))
        con.execute(f"CREATE TABLE IF NOT EXISTS {LAKE_COMMITS_TABLE} (commits BIGINT NOT NULL)")
        if not scalar(con, f"SELECT count(*) FROM {LAKE_COMMITS_TABLE}"):
            con.execute(f"INSERT INTO {LAKE_COMMITS_TABLE} VALUES (0)")


def _apply_one(con: duckdb.DuckDBPyConnection, version: int, name: str, sql: str) -> bool:
    if schema_version(con) >= version:
        return False
    try:
        with transaction(con):
            if schema_version(con) >= version:  # another process got there first
                return False
            con.execute(sql)
            con.execute("INSERT INTO schema_version (version, name) VALUES (?, ?)", [version, name])
    except CommitConflict:
        raise
    except duckdb.Error as exc:
        first_line = str(exc).splitlines()[0]
        raise MigrationFailed(f"migration {name} failed: {first_line}") from exc
    return True


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """BEGIN ... COMMIT that never commits a failed transaction.

    DuckDB trap: after a failed statement, COMMIT reports success and silently
    discards everything. If the block raised, we roll back; if a failure was
    swallowed inside the block, the probe before COMMIT fails and we roll back
    and raise TransactionAborted instead of pretending it committed.

    On a lake the transaction also touches the commit row (LAKE_COMMITS_TABLE), and
    a COMMIT that loses to another writer raises CommitConflict (nothing written).
    """
    lake = is_lake(con)
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
    if lake:
        try:
            if scalar(con, "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database()"
                           f" AND table_name = '{LAKE_COMMITS_TABLE}'"):
                con.execute(f"UPDATE {LAKE_COMMITS_TABLE} SET commits = commits + 1")
        except BaseException:
            _rollback_quietly(con)
            raise
    try:
        con.execute("COMMIT")
    except duckdb.TransactionException as exc:
        _rollback_quietly(con)
        if lake and "conflict" in str(exc).lower():
            raise CommitConflict(" ".join(str(exc).split())) from exc
        raise


def retry_conflicts(work: Callable[[], object], *, attempts: int = 30, first_delay_s: float = 0.05):
    """Run `work` (one whole transaction), again after a CommitConflict, with jittered
    exponential backoff; the last conflict is raised."""
    delay = first_delay_s
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except CommitConflict:
            if attempt == attempts:
                raise
            time.sleep(delay * random.uniform(0.5, 1.5))
            delay = min(delay * 2, 2.0)
    return None  # unreachable


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


def upsert(
    con: duckdb.DuckDBPyConnection,
    table: str,
    source: str,
    columns: Sequence[str],
    key: Sequence[str],
    updates: str,
    where: str | None = None,
) -> None:
    """Insert the rows of `source` into `table`, updating those whose `key` exists.

    `updates` (and the optional `where` condition) are written as for ON CONFLICT:
    `excluded.col` is the incoming row, `table.col` the stored one. A file runs
    INSERT ... ON CONFLICT (its primary key); a lake has no keys, so it runs MERGE
    INTO and then checks the batch's keys occur once (`DuplicateKeysInBatch`).
    """
    cols = ", ".join(columns)
    if not is_lake(con):
        con.execute(
            f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {source}"
            f" ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}"
            + (f" WHERE {where}" if where else "")
        )
        return
    on = " AND ".join(f"{table}.{k} = excluded.{k}" for k in key)
    con.execute(
        f"MERGE INTO {table} USING (SELECT {cols} FROM {source}) AS excluded ON {on}"
        f" WHEN MATCHED{f' AND ({where})' if where else ''} THEN UPDATE SET {updates}"
        f" WHEN NOT MATCHED THEN INSERT ({cols}) VALUES ({', '.join('excluded.' + c for c in columns)})"
    )
    check_keys(con, table, key, source)


def check_keys(con: duckdb.DuckDBPyConnection, table: str, key: Sequence[str], source: str | None = None) -> None:
    """Refuse (raise) when `table` holds a key twice; with `source`, only its keys are looked at."""
    cols = ", ".join(f"t.{k}" for k in key)
    only = ""
    if source:
        only = " WHERE EXISTS (SELECT 1 FROM {s} s WHERE {m})".format(
            s=source, m=" AND ".join(f"s.{k} = t.{k}" for k in key))
    dupes = rows(con, f"SELECT {cols} FROM {table} t{only} GROUP BY ALL HAVING count(*) > 1 LIMIT 1")
    if dupes:
        raise DuplicateKeysInBatch(f"{table}: key ({', '.join(key)}) = {dupes[0]} would be stored twice")

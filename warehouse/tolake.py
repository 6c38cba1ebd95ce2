"""`portal-ingest migrate-to-lake FILE`: move a file warehouse into a DuckLake, every table,
every row as it is (article versions, runs and raw pages included).

The file is first brought to the current schema (its migrations run), the lake is
created or migrated to the same schema, then every table of the file is copied in
one lake transaction: either all of it lands or none. A lake that already holds
rows is refused, so running it twice never doubles anything.
"""

from __future__ import annotations

from pathlib import Path

from ingest.config import Settings
from warehouse.db import (
    LAKE_COMMITS_TABLE,
    connect,
    retry_conflicts,
    rows,
    scalar,
    sql_string,
    transaction,
)
from warehouse.errors import WarehouseError, WarehouseMissing


def migrate_to_lake(settings: Settings, source: Path) -> dict[str, int]:
    """Copy every table of the warehouse file `source` into the lake of `settings`;
    returns rows copied per table."""
    if not settings.is_lake:
        raise WarehouseError("migrate-to-lake: PORTAL_DUCKDB (or --duckdb) must name the DuckLake to fill")
    source = Path(source)
    if not source.is_file():
        raise WarehouseMissing(f"no warehouse file at {source}")
    connect(source, lock_timeout_s=settings.lock_timeout_s).close()  # the file at the current schema
    con = connect(settings)
    try:
        quoted = sql_string(source.resolve())
        con.execute(f"ATTACH {quoted} AS tolake_source (READ_ONLY)")
        try:
            return retry_conflicts(lambda: _copy_all(con))
        finally:
            con.execute("DETACH tolake_source")
    finally:
        con.close()


def _tables(con, database: str) -> list[str]:
    return [r[0] for r in rows(
        con, "SELECT table_name FROM duckdb_tables() WHERE database_name = ? AND schema_name = 'main'"
             " ORDER BY table_name", [database])]


def _columns(con, database: str, table: str) -> list[str]:
    return [r[0] for r in rows(
        con, "SELECT column_name FROM duckdb_columns() WHERE database_name = ? AND schema_name = 'main'"
             " AND table_name = ? ORDER BY column_index", [database, table])]


def _copy_all(con) -> dict[str, int]:
    lake = scalar(con, "SELECT current_database()")
    lake_tables = set(_tables(con, lake))
    copied: dict[str, int] = {}
    with transaction(con):
        for table in _tables(con, "tolake_source"):
            if table in ("schema_version", LAKE_COMMITS_TABLE):
                continue  # the lake keeps its own
            if table not in lake_tables:
                raise WarehouseError(f"migrate-to-lake: the lake has no table {table}; is the file from newer code?")
            if scalar(con, f"SELECT count(*) FROM {table}"):
                raise WarehouseError(f"migrate-to-lake: the lake's {table} already holds rows; use an empty lake")
            wanted = set(_columns(con, lake, table))
            cols = ", ".join(c for c in _columns(con, "tolake_source", table) if c in wanted)
            con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM tolake_source.main.{table}")
            copied[table] = scalar(con, f"SELECT count(*) FROM {table}")
        for table, n in copied.items():
            if scalar(con, f"SELECT count(*) FROM tolake_source.main.{table}") != n:
                raise WarehouseError(f"migrate-to-lake: {table} copied {n} rows, the file has a different count")
    return copied

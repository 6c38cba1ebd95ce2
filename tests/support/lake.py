"""Throwaway DuckLake catalogs in the machine's PostgreSQL (127.0.0.1:5432, user postgres).

Each test gets its own database, `portal_lake_test_<pid>_<n>`, dropped afterwards.
Nothing is skipped when PostgreSQL is down: the test fails (CI's .ci/run starts it).
"""

from __future__ import annotations

import itertools
import os
from contextlib import contextmanager
from pathlib import Path

import psycopg2

PG_HOST = os.environ.get("PORTAL_TEST_PGHOST", "127.0.0.1")
PG_USER = os.environ.get("PORTAL_TEST_PGUSER", "postgres")
_counter = itertools.count(1)


def _admin():
    con = psycopg2.connect(host=PG_HOST, port=5432, user=PG_USER, dbname="postgres", connect_timeout=5)
    con.autocommit = True
    return con


def create_database(prefix: str = "portal_lake_test", template: str | None = None) -> str:
    """A fresh database; with `template`, a copy of that one (no session may hold it)."""
    name = f"{prefix}_{os.getpid()}_{next(_counter)}"
    con = _admin()
    try:
        with con.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cur.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    finally:
        con.close()
    return name


def drop_database(name: str) -> None:
    from warehouse.db import forget_lake

    forget_lake(lake_spec(name))
    con = _admin()
    try:
        with con.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        con.close()


def lake_spec(dbname: str) -> str:
    return f"ducklake:postgres:dbname={dbname} host={PG_HOST} user={PG_USER}"


@contextmanager
def lake_database():
    name = create_database()
    try:
        yield name
    finally:
        drop_database(name)


def lake_settings(dbname: str, root: Path, **kw):
    from ingest.config import Settings

    return Settings(duckdb_path=Path(lake_spec(dbname)), lake_data_path=root / "lake", **kw)

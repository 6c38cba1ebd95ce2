"""Create the DuckLake catalog database in PostgreSQL when it is missing; idempotent.

    python -m portal_ingest.lake_setup

Run by the compose init service (after `airflow db migrate`) when PORTAL_DUCKDB names a
DuckLake, `ducklake:postgres:dbname=NAME host=HOST user=USER`; the password comes from
libpq's PGPASSWORD. A warehouse file needs nothing: the command says so and exits 0.
The lake's tables are created by the first connection (warehouse migrations).
"""

from __future__ import annotations

import os
import sys

from ingest.config import Settings

PREFIX = "ducklake:postgres:"


def catalog_params(spec: str) -> dict[str, str]:
    """`key=value` pairs of the libpq string in a `ducklake:postgres:...` spec."""
    if not spec.startswith(PREFIX):
        raise ValueError(f"not a DuckLake on PostgreSQL: {spec!r} (want {PREFIX}dbname=... host=...)")
    params = {}
    for part in spec[len(PREFIX):].split():
        key, sep, value = part.partition("=")
        if not sep:
            raise ValueError(f"bad catalog setting {part!r} in {spec!r} (want key=value)")
        params[key] = value
    if "dbname" not in params:
        raise ValueError(f"no dbname= in {spec!r}")
    return params


def ensure_catalog_database(spec: str) -> str:
    """Create the catalog database named in `spec` unless it exists. Returns what was done."""
    import psycopg2

    params = catalog_params(spec)
    name = params.pop("dbname")
    con = psycopg2.connect(dbname="postgres", connect_timeout=10, **params)
    con.autocommit = True  # CREATE DATABASE cannot run in a transaction
    try:
        with con.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cur.fetchone():
                return f"catalog database {name} exists"
            cur.execute('CREATE DATABASE "{}"'.format(name.replace('"', '""')))
            return f"catalog database {name} created"
    finally:
        con.close()


def main() -> int:
    settings = Settings.from_env()
    if not settings.is_lake:
        print(f"warehouse is a file ({settings.duckdb_path}): no catalog database to create")
        return 0
    if settings.lake_data_path is None:
        print("error: PORTAL_DUCKDB names a DuckLake: set PORTAL_LAKE_DATA_PATH", file=sys.stderr)
        return 1
    try:
        print(ensure_catalog_database(str(settings.duckdb_path)))
    except Exception as exc:  # one line for the init service's log
        print(f"error: {type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}",
              file=sys.stderr)
        return 1
    os.makedirs(settings.lake_data_path, exist_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

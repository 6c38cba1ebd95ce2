"""Create the Airflow objects the portal DAGs need; idempotent.

    python -m portal_ingest.airflow_setup [--overwrite]

Run by `make run` and by the compose init service after ``airflow db migrate``
(it needs the Airflow metadata database, nothing else). It creates:

- pool ``duckdb_writer``: 1 slot on a warehouse file (always reset to 1: a DuckDB file
  has one writer); on a DuckLake ``PORTAL_WRITER_SLOTS`` slots (default 4: writers
  commit concurrently there, a conflicting commit is retried);
- connection ``portal`` (http; schema/host/port from ``PORTAL_BASE_URL``);
- variable ``portal_duckdb`` (absolute path) from ``PORTAL_DUCKDB``.

``portal_max_rps`` and ``portal_concurrency`` are not created: the environment gives
them, and Airflow 3 masks every variable value it reads, warning in every task log
("Skipping masking for a secret as it's too short (<5 chars)") for values like ``1``
or ``4``. An operator may still set them as overrides; copies that an earlier version
of this setup created are removed.

An existing connection or variable is kept as it is (an operator's override
survives restarts) and reported when it differs from the environment;
``--overwrite`` resets them from the environment.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from portal_ingest.airflow_config import CONN_ID, connection_fields

if TYPE_CHECKING:
    from ingest.config import Settings

POOL = "duckdb_writer"
POOL_SLOTS = 1
LAKE_POOL_SLOTS = 4
POOL_DESCRIPTION = "Every task that writes the portal warehouse runs in this pool (a DuckDB file: one writer)"


def pool_slots(settings: Settings) -> int:
    """1 for a DuckDB file; on a DuckLake PORTAL_WRITER_SLOTS (default LAKE_POOL_SLOTS)."""
    import os

    if not settings.is_lake:
        return POOL_SLOTS
    raw = os.environ.get("PORTAL_WRITER_SLOTS") or str(LAKE_POOL_SLOTS)
    try:
        slots = int(raw)
    except ValueError:
        raise ValueError(f"PORTAL_WRITER_SLOTS must be an integer, got {raw!r}") from None
    if slots < 1:
        raise ValueError("PORTAL_WRITER_SLOTS must be >= 1")
    return slots
MANAGED = "managed by portal_ingest.airflow_setup (from the environment)"


def _variable_values(settings: Settings) -> dict[str, str]:
    return {"portal_duckdb": (str(settings.duckdb_path) if settings.is_lake
                              else str(settings.duckdb_path.expanduser().resolve()))}


# Created by earlier versions from the environment; their short values made every task
# log Airflow's "too short to mask" warning. Removed when still as this setup made them.
NOT_MANAGED_ANY_MORE = ("portal_max_rps", "portal_concurrency")


def ensure_airflow_objects(settings: Settings | None = None, *, overwrite: bool = False) -> dict[str, str]:
    """Create (or with ``overwrite`` reset) the pool, connection and variables.

    Returns ``{object name: "created" | "updated" | "unchanged" | "kept (differs: ...)"}``.
    """
    from airflow.models import Connection, Pool, Variable
    from airflow.utils.session import create_session
    from sqlalchemy import select

    from ingest.config import Settings

    settings = settings or Settings.from_env()
    report: dict[str, str] = {}
    with create_session() as session:
        slots = pool_slots(settings)
        pool = session.scalar(select(Pool).where(Pool.pool == POOL))
        if pool is not None and pool.slots == slots:
            report[f"pool {POOL}"] = "unchanged"
        else:
            Pool.create_or_update_pool(
                POOL, slots=slots, description=POOL_DESCRIPTION, include_deferred=False, session=session
            )
            report[f"pool {POOL}"] = "created" if pool is None else "updated"

        wanted = connection_fields(settings.base_url)
        conn = session.scalar(select(Connection).where(Connection.conn_id == CONN_ID))
        key = f"connection {CONN_ID}"
        if conn is None:
            session.add(Connection(conn_id=CONN_ID, description=f"The portal to crawl; {MANAGED}", **wanted))
            report[key] = "created"
        else:
            current = {f: getattr(conn, f) for f in wanted}
            if current == wanted:
                report[key] = "unchanged"
            elif overwrite:
                for f, v in wanted.items():
                    setattr(conn, f, v)
                report[key] = "updated"
            else:
                report[key] = f"kept (differs from PORTAL_BASE_URL={settings.base_url})"
        session.flush()

        for name, value in _variable_values(settings).items():
            var = session.scalar(select(Variable).where(Variable.key == name))
            key = f"variable {name}"
            if var is None:
                Variable.set(name, value, description=MANAGED, session=session)
                report[key] = "created"
            elif var.val == value:
                report[key] = "unchanged"
            elif overwrite:
                Variable.set(name, value, description=MANAGED, session=session)
                report[key] = "updated"
            else:
                report[key] = f"kept {var.val!r} (environment says {value!r})"
        for name in NOT_MANAGED_ANY_MORE:
            var = session.scalar(select(Variable).where(Variable.key == name))
            if var is not None and var.description == MANAGED:
                session.delete(var)
                report[f"variable {name}"] = "removed (the environment gives it)"
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m portal_ingest.airflow_setup",
        description="Create the duckdb_writer pool, the portal connection and the portal_* variables.",
    )
    parser.add_argument(
        "--overwrite", action="store_true", help="reset an existing connection/variables from the environment"
    )
    args = parser.parse_args(argv)
    try:
        report = ensure_airflow_objects(overwrite=args.overwrite)
    except Exception as exc:  # one line, as the CLI does
        print(f"error: {type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}", file=sys.stderr)
        return 1
    for name, status in report.items():
        print(f"{name}: {status}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The published read-only copy analysts, `portal-ingest sql` and the crawler open.

Written beside the target and renamed into place: a reader holding the old
file keeps its consistent view (the old inode), new readers get the new one,
and nobody ever holds a lock on the live file the loader writes.

A DuckLake warehouse has nothing to publish: readers open the lake's latest
snapshot directly (`open_reader`), so publishing there is a no-op that says so.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import duckdb

from ingest.config import Settings
from warehouse import report, search
from warehouse.db import connect, scalar
from warehouse.errors import WarehouseMissing

LAKE_NOTHING_TO_PUBLISH = "a DuckLake warehouse: readers see every commit directly, nothing to publish"


def open_reader(settings: Settings, *, as_of: str | None = None, private: bool = False,
                lock_timeout_s: float | None = None) -> duckdb.DuckDBPyConnection:
    """What readers open: the published copy of a file warehouse, or the lake itself
    (read-only; `as_of` a timestamp for the lake as it was then). `private` gives a
    session of its own (one that may lock itself down, as `portal-ingest sql` does)."""
    timeout = settings.lock_timeout_s if lock_timeout_s is None else lock_timeout_s
    if settings.is_lake:
        from warehouse.db import _check_schema, _setup_session, open_lake

        con = open_lake(settings, read_only=True, as_of=as_of, shared=not private)
        try:
            _setup_session(con, settings, read_only=True)
            _check_schema(con, Path("the lake"))
        except BaseException:
            con.close()
            raise
        return con
    if as_of is not None:
        connect(settings.snapshot_path, read_only=True, as_of=as_of)  # raises: a file keeps no history
    path = Path(settings.snapshot_path)
    if not path.exists():
        raise WarehouseMissing(f"no snapshot at {path.resolve()}; run a load first")
    return connect(path, read_only=True, lock_timeout_s=timeout)

log = logging.getLogger(__name__)


def publish_snapshot(settings: Settings, con: duckdb.DuckDBPyConnection | None = None) -> Path | None:
    """Copy the warehouse to `settings.snapshot_path` atomically; returns that path.

    Pass the writer's open connection to publish without reopening the file.
    On a lake nothing is copied and None is returned (LAKE_NOTHING_TO_PUBLISH).
    """
    if settings.is_lake:
        return None
    target = Path(settings.snapshot_path)
    tmp = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    own = con is None
    con = con or connect(settings)
    # We hold the writer lock, so no other publisher is running: any temp copy
    # beside the target is a leftover of a killed publish.
    for leftover in target.parent.glob(f"{target.name}.tmp-*"):
        leftover.unlink(missing_ok=True)
    try:
        # The file's bytes, copied once everything is checkpointed into it: memory stays
        # flat however big the warehouse (COPY FROM DATABASE read every block through
        # DuckDB's buffer pool, filling it up to the memory limit). We hold the writer
        # lock and write nothing meanwhile, so the bytes are one consistent state.
        con.execute("CHECKPOINT")
        source = Path(scalar(con, "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"))
        shutil.copyfile(source, tmp)
        # Analysts search what they query: the index is part of the copy, never of the live file.
        search.build_index(tmp, settings.memory_limit)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        if own:
            con.close()
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.chmod(tmp, 0o444)  # analysts read it; only the next publish replaces it
    os.replace(tmp, target)
    _fsync_dir(target.parent)
    # The report is derived from the snapshot: a failure is logged, never undoes the publish.
    try:
        report.write_report(settings)
    except Exception as exc:  # noqa: BLE001 - any failure; the next publish tries again
        log.error("report not regenerated (the snapshot is published): %s: %s", type(exc).__name__, exc)
    return target


def refresh_lake_readers(settings: Settings) -> dict:
    """A DuckLake's publish step: nothing to copy, but the search index (a local file,
    `search.lake_index_path`) and the report (`report.default_report_path`) are made
    from the lake's latest commit. A report failure is logged, as on a file."""
    out = {"search_index": str(search.lake_index_path(settings)), **search.build_lake_index(settings)}
    try:
        out["report"] = str(report.write_report(settings))
    except Exception as exc:  # noqa: BLE001 - any failure; the next publish tries again
        log.error("report not regenerated: %s: %s", type(exc).__name__, exc)
        out["report"] = None
    return out


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

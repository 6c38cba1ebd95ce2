"""The published read-only copy analysts, `portal-ingest sql` and the crawler open.

Written beside the target and renamed into place: a reader holding the old
file keeps its consistent view (the old inode), new readers get the new one,
and nobody ever holds a lock on the live file the loader writes.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import duckdb

from ingest.config import Settings
from warehouse import report, search
from warehouse.db import connect, scalar

log = logging.getLogger(__name__)


def _quote(path: Path) -> str:
    # ATTACH takes no parameters; the path comes from our Settings, not from input.
    return "'" + str(path).replace("'", "''") + "'"


def publish_snapshot(settings: Settings, con: duckdb.DuckDBPyConnection | None = None) -> Path:
    """Copy the warehouse to `settings.snapshot_path` atomically; returns that path.

    Pass the writer's open connection to publish without reopening the file.
    """
    target = Path(settings.snapshot_path)
    tmp = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    own = con is None
    con = con or connect(settings)
    # We hold the writer lock, so no other publisher is running: any temp copy
    # beside the target is a leftover of a killed publish.
    for leftover in target.parent.glob(f"{target.name}.tmp-*"):
        leftover.unlink(missing_ok=True)
    try:
        source = scalar(con, "SELECT current_database()")
        con.execute(f"ATTACH {_quote(tmp)} AS portal_snapshot_tmp")
        try:
            con.execute(f'COPY FROM DATABASE "{source}" TO portal_snapshot_tmp')
            con.execute("CHECKPOINT portal_snapshot_tmp")
        finally:
            con.execute("DETACH portal_snapshot_tmp")
        # Analysts search what they query: the index is part of the copy, never of the live file.
        search.build_index(tmp)
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


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

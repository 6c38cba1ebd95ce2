"""What an operator reads first: runs and their counts, freshness, quality checks and
quarantine, read from the published snapshot (never the live file, so the Portal page
never waits on or blocks the loader).

`overview(snapshot_path)` returns one JSON-able dict; the Airflow "Portal" page and
tests read it. `raw_page(snapshot_path, sha256)` returns one stored page's bytes.
"""

from __future__ import annotations

import os
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from warehouse import checks
from warehouse.db import connect, rows
from warehouse.errors import WarehouseMissing

RUNS_PER_KIND = 5
QUARANTINE_LIMIT = 200

# One kind per step (crawl, backfill, reparse) and who ran it (`origin`: cli or dag:<dag_id>),
# as migration 0003 laid them out: the last runs of each step by each origin.
_RUNS_SQL = """
SELECT run_id, kind, origin, status, started_at, finished_at, loaded_at,
       requests, not_modified, new_articles, changed_articles, quarantined,
       pages_loaded, withdrawn, failed, errors
FROM (
    SELECT *, row_number() OVER (PARTITION BY kind, origin ORDER BY started_at DESC) AS n FROM runs
) WHERE n <= ? ORDER BY kind, origin, started_at DESC
"""
_RUN_COLUMNS = ("run_id", "kind", "origin", "status", "started_at", "finished_at", "loaded_at",
                "requests", "not_modified", "new_articles", "changed_articles", "quarantined",
                "loaded", "withdrawn", "failed", "errors")


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _open(snapshot_path: Path):
    path = Path(snapshot_path).expanduser().resolve()
    if not path.exists():
        raise WarehouseMissing(f"no snapshot at {path}; it is published after the first load")
    return connect(path, read_only=True, lock_timeout_s=5.0), path


def overview(snapshot_path: Path, limits: dict[str, float], *, runs_per_kind: int = RUNS_PER_KIND,
             now: datetime | None = None) -> dict[str, Any]:
    """Runs (last few of each kind and origin), freshness, quality checks with ``limits``
    (`warehouse.checks.limits_from(settings)`: the thresholds the load checks with), quarantine.

    Raises `WarehouseMissing` (its message names the absolute path) when no snapshot
    has been published yet.
    """
    con, path = _open(snapshot_path)
    now = now or datetime.now(UTC)
    try:
        runs = [dict(zip(_RUN_COLUMNS, (_iso(v) for v in r), strict=True))
                for r in rows(con, _RUNS_SQL, [runs_per_kind])]
        for run in runs:
            run["errors"] = list(run["errors"] or [])
        fresh = rows(con, """
            SELECT (SELECT count(*) FROM articles),
                   (SELECT max(published_on) FROM articles),
                   (SELECT max(loaded_at) FROM runs),
                   (SELECT max(last_fetched_at) FROM raw_pages),
                   (SELECT count(*) FROM quarantine)
        """)[0]
        report = checks.checks_on(con, limits, now)
        quarantine = [
            {"url": r[0], "article_id": r[1], "kind": r[2], "content_sha256": r[3], "error": r[4],
             "parser_version": r[5], "seen_at": _iso(r[6]), "stored": bool(r[7])}
            for r in rows(con, """
                SELECT q.url, q.article_id, q.kind, q.content_sha256, q.error, q.parser_version, q.seen_at,
                       EXISTS (SELECT 1 FROM raw_pages p WHERE p.content_sha256 = q.content_sha256)
                FROM quarantine q ORDER BY q.seen_at DESC LIMIT ?
            """, [QUARANTINE_LIMIT])
        ]
    finally:
        con.close()
    published = datetime.fromtimestamp(os.stat(path).st_mtime, UTC)
    return {
        "snapshot": str(path),
        "snapshot_published_at": published.isoformat(),
        "snapshot_age_s": round((now - published).total_seconds()),
        "articles": fresh[0],
        "latest_published_on": _iso(fresh[1]),
        "last_loaded_at": _iso(fresh[2]),
        "last_fetched_at": _iso(fresh[3]),
        "quarantined": fresh[4],
        "runs": runs,
        "checks": {
            "ok": report.ok,
            "items": [{"name": c.name, "ok": c.ok, "value": c.value, "threshold": c.threshold,
                       "detail": c.detail} for c in report.checks],
        },
        "quarantine": quarantine,
    }


def raw_page(snapshot_path: Path, content_sha256: str) -> tuple[str, bytes] | None:
    """(url, bytes) of the stored page with this content hash, or None."""
    con, _ = _open(snapshot_path)
    try:
        found = rows(con, "SELECT url, body_codec, body FROM raw_pages WHERE content_sha256 = ?"
                          " ORDER BY last_fetched_at DESC LIMIT 1", [content_sha256])
    finally:
        con.close()
    if not found:
        return None
    url, codec, body = found[0]
    return url, zlib.decompress(body) if codec == "zlib" else bytes(body)


__all__ = ["overview", "raw_page"]

"""What the warehouse already knows, for the crawler's skip decisions.

Read from the published snapshot so a crawl never waits on (or blocks) the loader;
on a DuckLake warehouse, from the lake's latest snapshot (readers never block writers there).
"""

from __future__ import annotations

from pathlib import Path

from ingest.config import Settings
from ingest.landing import KnownArticle
from warehouse.db import connect, rows, schema_version
from warehouse.errors import WarehouseMissing
from warehouse.snapshot import open_reader

_ISO = "strftime(timezone('Asia/Ho_Chi_Minh', {col}), '%Y-%m-%dT%H:%M:%S+07:00')"

KNOWN_SQL = f"""
WITH fetched AS (
    SELECT article_id,
           max(last_fetched_at) AS last_fetched_at,
           arg_max(kind, last_fetched_at) AS last_kind
    FROM raw_pages WHERE article_id IS NOT NULL AND kind IN ('article', 'gone')
    GROUP BY article_id
), ids AS (
    SELECT article_id FROM listings UNION SELECT article_id FROM articles
    UNION SELECT article_id FROM fetched
), quarantined AS (
    SELECT article_id, max(seen_at) AS seen_at
    FROM quarantine WHERE article_id IS NOT NULL AND kind = 'article'
    GROUP BY article_id
)
SELECT ids.article_id,
       l.title,
       {_ISO.format(col='l.listed_at')},
       {_ISO.format(col='f.last_fetched_at')},
       coalesce(a.withdrawn_at IS NOT NULL, f.last_kind = 'gone', false),
       -- never parsed, or its latest fetch did not parse (the loader clears the
       -- quarantine row once a later fetch parses)
       q.article_id IS NOT NULL AND (a.article_id IS NULL OR q.seen_at >= a.last_seen_at),
       coalesce(a.url, l.url)
FROM ids
LEFT JOIN listings l USING (article_id)
LEFT JOIN articles a USING (article_id)
LEFT JOIN fetched f USING (article_id)
LEFT JOIN quarantined q USING (article_id)
-- oldest fetch first (full precision; the ISO text above is cut to the second),
-- which is the order a periodic recheck takes them in
ORDER BY f.last_fetched_at NULLS FIRST, ids.article_id
"""


def _reader(settings: Settings):
    """The lake itself, or the snapshot of a file warehouse, else its live file read-only."""
    if settings.is_lake or Path(settings.snapshot_path).exists():
        return open_reader(settings)
    if not Path(settings.duckdb_path).exists():
        raise WarehouseMissing(f"no warehouse at {Path(settings.duckdb_path).resolve()}")
    return connect(settings.duckdb_path, read_only=True, lock_timeout_s=settings.lock_timeout_s)


def known_articles(settings: Settings) -> dict[str, KnownArticle]:
    """article_id -> KnownArticle, from what readers see: the published snapshot of a
    file warehouse (when there is none, after a kill during publish or a full disk, the
    live file read-only; empty only when neither exists; a live file held by a writer
    raises WarehouseLocked), or a DuckLake's latest commit."""
    try:
        con = _reader(settings)
    except WarehouseMissing:
        return {}
    try:
        if not schema_version(con):
            return {}  # a lake nobody has loaded into yet
        found = rows(con, KNOWN_SQL)
    finally:
        con.close()
    return {r[0]: KnownArticle(r[0], r[1], r[2], r[3], bool(r[4]), quarantined=bool(r[5]), url=r[6])
            for r in found}


def published_batch_ids(settings: Settings) -> set[str]:
    """Landing batches the copy `known_articles` reads holds: the published snapshot,
    else the live file (empty before the first load); on a DuckLake every committed batch."""
    try:
        con = _reader(settings)
    except WarehouseMissing:
        return set()
    try:
        if not schema_version(con):
            return set()
        return {r[0] for r in rows(con, "SELECT batch_id FROM landing_batches")}
    finally:
        con.close()

"""Rebuild the parsed tables from `raw_pages` with the current parser (no network).

An affected article is deleted from the parsed tables and its stored fetches
are replayed, oldest first, through the same code the loader uses: the result
is what a fresh crawl of those pages would have built (versions included, so a
parser upgrade alone never invents a new version). Work is committed in chunks
of articles, and rows already at the current parser_version are skipped unless
`all`, so an interrupted reparse resumes where it stopped.
"""

from __future__ import annotations

import zlib
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

import duckdb

from ingest.config import Settings
from ingest.landing import new_run_id
from warehouse.apply import ApplyCounts, parse_all, write_outcomes
from warehouse.db import connect, retry_conflicts, rows, transaction
from warehouse.parsing import Fetch, Parser

CHUNK_ARTICLES = 500


@dataclass
class ReparseSummary:
    run_id: str
    parser_version: str
    articles: int = 0  # article ids rebuilt
    pages: int = 0  # stored fetches replayed
    changed_articles: int = 0  # current content differs from before
    new_articles: int = 0  # parse now where nothing parsed before
    cleared_quarantine: int = 0
    quarantined: int = 0
    listings_rebuilt: bool = False
    article_ids: list[str] = field(default_factory=list)
    all: bool = False  # every stored page, not only those of older parser versions
    elapsed_s: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)


def reparse(settings: Settings, all: bool = False, *, parser: Parser | None = None,  # noqa: A002 (CLI flag name)
            run_id: str | None = None, origin: str = "cli") -> ReparseSummary:
    parser = parser or Parser()
    version = parser.version
    summary = ReparseSummary(run_id=run_id or new_run_id("reparse"), parser_version=version, all=all)
    started = datetime.now(UTC)
    con = connect(settings)
    try:
        quarantined_before = _quarantined_urls(con)
        ids = _affected_article_ids(con, version, all)
        for start in range(0, len(ids), CHUNK_ARTICLES):
            chunk = ids[start:start + CHUNK_ARTICLES]
            _rebuild_articles(con, chunk, parser, summary)
        if all or _listings_outdated(con, version):
            _rebuild_listings(con, parser, summary)
        cleared = quarantined_before - _quarantined_urls(con)
        summary.cleared_quarantine = len(cleared)
        summary.quarantined = len(_quarantined_urls(con))
        _record_run(con, summary, started, origin)
    finally:
        con.close()
    return summary


def _quarantined_urls(con) -> set[str]:
    return {r[0] for r in rows(con, "SELECT url FROM quarantine")}


def _affected_article_ids(con, version: str, everything: bool) -> list[str]:
    """Articles parsed by another parser version, plus pages that never parsed."""
    if everything:
        sql = "SELECT DISTINCT article_id FROM raw_pages WHERE article_id IS NOT NULL AND kind = 'article'"
        return sorted(r[0] for r in rows(con, sql))
    sql = """
        SELECT article_id FROM articles WHERE parser_version <> ?
        UNION SELECT article_id FROM quarantine
              WHERE kind = 'article' AND article_id IS NOT NULL AND parser_version <> ?
        UNION SELECT DISTINCT r.article_id FROM raw_pages r
              WHERE r.kind = 'article' AND r.article_id IS NOT NULL
                AND r.article_id NOT IN (SELECT article_id FROM articles)
                AND r.article_id NOT IN (SELECT article_id FROM quarantine WHERE article_id IS NOT NULL)
    """
    return sorted(r[0] for r in rows(con, sql, [version, version]))


def stored_fetches(con, where: str, params: list) -> list[Fetch]:
    """Stored fetches as the loader saw them: a body fetched twice unchanged replays twice."""
    found = rows(
        con,
        "SELECT kind, url, article_id, fetched_at, last_fetched_at, body_codec, body, content_sha256"
        f" FROM raw_pages WHERE {where}",
        params,
    )
    fetches = []
    for kind, url, article_id, first, last, codec, body, sha in found:
        raw = zlib.decompress(body) if codec == "zlib" else bytes(body)
        for seen in {first, last}:
            fetches.append(Fetch(kind, url, article_id, seen, raw, sha))
    fetches.sort(key=lambda f: (f.fetched_at, f.raw_sha256))
    return fetches


def _rebuild_articles(con: duckdb.DuckDBPyConnection, ids: list[str], parser: Parser,
                      summary: ReparseSummary) -> ApplyCounts:
    fetches = stored_fetches(con, "kind IN ('article', 'gone') AND article_id IN (SELECT unnest(?::VARCHAR[]))",
                             [ids])
    outcomes = parse_all(parser, fetches)

    def rebuild():
        with transaction(con):
            before = dict(rows(con, "SELECT article_id, content_sha256 FROM articles"
                                    " WHERE article_id IN (SELECT unnest(?::VARCHAR[]))", [ids]))
            for table in ("articles", "article_versions", "directives", "citations", "directive_assignees"):
                con.execute(f"DELETE FROM {table} WHERE article_id IN (SELECT unnest(?::VARCHAR[]))", [ids])
            con.execute("DELETE FROM quarantine WHERE kind = 'article'"
                        " AND article_id IN (SELECT unnest(?::VARCHAR[]))", [ids])
            counts = write_outcomes(con, outcomes, parser.version)
            after = dict(rows(con, "SELECT article_id, content_sha256 FROM articles"
                                   " WHERE article_id IN (SELECT unnest(?::VARCHAR[]))", [ids]))
        return before, after, counts

    before, after, counts = retry_conflicts(rebuild)  # a lake loader may commit meanwhile
    summary.articles += len(ids)
    summary.pages += len(fetches)
    summary.new_articles += len(after.keys() - before.keys())
    changed = sorted(a for a in after.keys() & before.keys() if after[a] != before[a])
    summary.changed_articles += len(changed)
    summary.article_ids += changed
    return counts


def _listings_outdated(con, version: str) -> bool:
    stale = rows(con, "SELECT count(*) FROM listings WHERE parser_version <> ?", [version])[0][0]
    stale += rows(con, "SELECT count(*) FROM quarantine WHERE kind = 'list' AND parser_version <> ?",
                  [version])[0][0]
    return stale > 0


def _rebuild_listings(con, parser: Parser, summary: ReparseSummary) -> None:
    fetches = stored_fetches(con, "kind = 'list'", [])
    outcomes = parse_all(parser, fetches)

    def rebuild():
        with transaction(con):
            con.execute("DELETE FROM listings")
            con.execute("DELETE FROM quarantine WHERE kind = 'list'")
            write_outcomes(con, outcomes, parser.version)

    retry_conflicts(rebuild)
    summary.pages += len(fetches)
    summary.listings_rebuilt = True


def _record_run(con, summary: ReparseSummary, started: datetime, origin: str) -> None:
    retry_conflicts(lambda: _insert_run(con, summary, started, origin))


def _insert_run(con, summary: ReparseSummary, started: datetime, origin: str) -> None:
    with transaction(con):
        con.execute(
            "INSERT INTO runs (run_id, kind, started_at, finished_at, status, new_articles, changed_articles,"
            " failed, quarantined, pages_loaded, batches, errors, loaded_at, origin)"
            " VALUES (?, 'reparse', ?, ?, 'ok', ?, ?, ?, ?, ?, 0, [], ?, ?)",
            [summary.run_id, started, datetime.now(UTC), summary.new_articles, summary.changed_articles,
             summary.quarantined, summary.quarantined, summary.pages, datetime.now(UTC), origin],
        )

"""Landing area -> warehouse: one transaction per batch, idempotent, all-or-nothing.

A batch is recorded in `landing_batches` in the same transaction as its rows,
so a batch loaded twice (a crash between COMMIT and `mark_loaded`, a re-run)
is skipped, and a process killed mid-batch leaves the file as before it.
"""

from __future__ import annotations

import json
import logging
import zlib
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

import duckdb

from ingest.config import Settings
from ingest.landing import (
    BATCH_ERRORS,
    BadBatch,
    Batch,
    FetchedPage,
    Landing,
    RunRecord,
    new_run_id,
)
from transforms.dates import parse_instant
from warehouse.apply import ApplyCounts, parse_all, write_outcomes
from warehouse.db import connect, retry_conflicts, scalar, stage, transaction, upsert
from warehouse.parsing import Fetch, Parser

log = logging.getLogger(__name__)

RAW_COLUMNS = [
    ("url", "VARCHAR"),
    ("content_sha256", "VARCHAR"),
    ("article_id", "VARCHAR"),
    ("kind", "VARCHAR"),
    ("fetched_at", "TIMESTAMPTZ"),
    ("last_fetched_at", "TIMESTAMPTZ"),
    ("http_status", "INTEGER"),
    ("headers", "VARCHAR"),
    ("requested_url", "VARCHAR"),
    ("list_page", "INTEGER"),
    ("body_codec", "VARCHAR"),
    ("body_size", "INTEGER"),
    ("body", "BLOB"),
    ("batch_id", "VARCHAR"),
    ("run_id", "VARCHAR"),
]


@dataclass
class LoadSummary:
    batches: int = 0  # batches loaded by this call
    pages: int = 0
    new_articles: int = 0
    changed_articles: int = 0
    unchanged: int = 0
    quarantined: int = 0
    withdrawn: int = 0
    article_ids: list[str] = field(default_factory=list)  # new or changed
    run_ids: list[str] = field(default_factory=list)
    skipped_batches: int = 0  # already loaded earlier (only retired from pending/)
    unreadable: list[str] = field(default_factory=list)  # pending files that could not be read
    elapsed_s: float = 0.0
    # Damaged batches moved to landing/quarantine/ ("file: error"); the rest loaded.
    quarantined_batches: list[str] = field(default_factory=list)
    load_run_id: str | None = None  # the runs row (kind 'load') reporting them

    def to_dict(self) -> dict:
        return asdict(self)


def load_pending(settings: Settings, *, parser: Parser | None = None) -> LoadSummary:
    """Load every pending landing batch, oldest first; retire each once committed."""
    parser = parser or Parser()
    landing = Landing(settings.landing)
    for name in landing.clean_tmp():
        log.warning("removed a stale landing temp file: %s", name)
    summary = LoadSummary()
    bad: list[BadBatch] = []
    batches = _readable_batches(landing, summary, bad)
    if not batches and not bad:
        return summary
    ids: set[str] = set()
    con = connect(settings)
    try:
        for batch in batches:
            try:
                counts = load_batch(con, batch, parser)
            except BadBatch as exc:
                bad.append(exc)
                continue
            quarantined = counts.quarantined_ids if counts is not None else set()
            if counts is None:
                summary.skipped_batches += 1
            else:
                _add(summary, counts)
                ids |= counts.article_ids
            if batch.run.run_id not in summary.run_ids:
                summary.run_ids.append(batch.run.run_id)
            try:
                landing.mark_loaded(batch, quarantined)
            except FileNotFoundError:
                pass  # a concurrent loader (lake) retired it first
        if bad:
            _quarantine_batches(con, landing, bad, summary)
    finally:
        con.close()
    summary.article_ids = sorted(ids)
    return summary


def _readable_batches(landing: Landing, summary: LoadSummary, bad: list[BadBatch]) -> list[Batch]:
    if not landing.pending.exists():
        return []
    batches = []
    for path in sorted(landing.pending.glob("*.jsonl.gz")):
        try:
            batches.append(landing.read_batch(path))
        except FileNotFoundError:
            continue  # another loader retired it meanwhile
        except BATCH_ERRORS as exc:
            bad.append(landing.salvage(path, exc))
    return batches


def _quarantine_batches(con, landing: Landing, bad: list[BadBatch], summary: LoadSummary) -> None:
    """Record each damaged batch (landing_quarantine + one runs row of kind 'load'),
    then move it to landing/quarantine/: one bad file never stops the others."""
    now = datetime.now(UTC)
    run_id = new_run_id("load")
    lines = [f"landing batch quarantined: {b}" for b in bad]
    columns = [("batch_file", "VARCHAR"), ("batch_id", "VARCHAR"), ("run_id", "VARCHAR"), ("error", "VARCHAR"),
               ("article_ids", "VARCHAR[]"), ("quarantined_at", "TIMESTAMPTZ"), ("load_run_id", "VARCHAR")]

    def record() -> None:
        with transaction(con):
            stage(con, "s_landing_quarantine", columns,
                  [(b.path.name, b.path.name.removesuffix(".jsonl.gz"), b.run_id, b.reason, b.article_ids, now,
                    run_id) for b in bad])
            # The same file quarantined again (a name reused) keeps one row; on a lake a MERGE.
            upsert(con, "landing_quarantine", "s_landing_quarantine", [c for c, _ in columns], ["batch_file"],
                   "error = excluded.error, article_ids = excluded.article_ids,"
                   " quarantined_at = excluded.quarantined_at, load_run_id = excluded.load_run_id")
            con.execute(
                "INSERT INTO runs (run_id, kind, started_at, finished_at, status, failed, errors, loaded_at)"
                " VALUES (?, 'load', ?, ?, 'partial', ?, ?::VARCHAR[], ?)",
                [run_id, now, now, len(bad), lines, now],
            )

    retry_conflicts(record)  # another loader committing on a lake: run it again
    for b, line in zip(bad, lines, strict=True):
        landing.quarantine_batch(b)
        log.warning("%s (%d article ids salvaged; they will be fetched again)", line, len(b.article_ids))
        summary.quarantined_batches.append(str(b))
        summary.unreadable.append(str(b))
    summary.load_run_id = run_id


def _add(summary: LoadSummary, counts: ApplyCounts) -> None:
    summary.batches += 1
    for name in ("pages", "new_articles", "changed_articles", "unchanged", "quarantined", "withdrawn"):
        setattr(summary, name, getattr(summary, name) + getattr(counts, name))


def load_batch(con: duckdb.DuckDBPyConnection, batch: Batch, parser: Parser) -> ApplyCounts | None:
    """Load one batch in one transaction; None when it was loaded before."""
    if _already_loaded(con, batch):
        return None
    try:  # read and parse before BEGIN: a bad file fails early, and alone
        pages = list(batch.pages())
        fetches = [to_fetch(p) for p in pages]
    except FileNotFoundError:
        # Another loader sharing this landing area (a lake) committed it and retired it
        # to loaded/ since our check (it moves a batch only after its commit): not damage.
        return None
    except BATCH_ERRORS as exc:
        raise Landing.salvage(batch.path, exc) from exc
    outcomes = parse_all(parser, fetches)

    def write() -> ApplyCounts | None:
        # After a conflict the winner may have loaded this very batch (loaders sharing a
        # landing area): seen here, outside a transaction, the retry ends without a
        # write. On a lake every write transaction conflicts with every concurrent one
        # (LAKE_COMMITS_TABLE), so an empty one would only make the others retry too.
        if _already_loaded(con, batch):
            return None
        with transaction(con):
            if _already_loaded(con, batch):  # the authoritative check, inside the transaction
                return None
            insert_raw_pages(con, pages, fetches, batch)
            counts = write_outcomes(con, outcomes, parser.version)
            merge_run(con, batch.run, counts)
            con.execute(
                "INSERT INTO landing_batches VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [batch.batch_id, batch.run.run_id, datetime.now(UTC), counts.pages, counts.new_articles,
                 counts.changed_articles, counts.quarantined, counts.withdrawn],
            )
        return counts

    # On a lake another loader may commit first: the whole transaction runs again.
    return retry_conflicts(write)


def _already_loaded(con, batch: Batch) -> bool:
    return bool(scalar(con, "SELECT count(*) FROM landing_batches WHERE batch_id = ?", [batch.batch_id]))


def parse_stamp(value: str) -> datetime:
    """ISO 8601 from the landing area (no offset: portal time); a bad one fails the batch."""
    stamp = parse_instant(value)
    if stamp is None:
        raise ValueError(f"not an ISO 8601 time: {value!r}")
    return stamp


def to_fetch(page: FetchedPage) -> Fetch:
    return Fetch(
        kind=page.kind,
        url=page.url,
        article_id=str(page.article_id) if page.article_id else None,
        fetched_at=parse_stamp(page.fetched_at),
        body=page.body,
        raw_sha256=page.content_sha256,
    )


def insert_raw_pages(con, pages: list[FetchedPage], fetches: list[Fetch], batch: Batch) -> int:
    """Store bodies zlib-compressed; the same (url, bytes) is one row whose fetch span grows."""
    by_key: dict[tuple[str, str], list] = {}
    for page, fetch in zip(pages, fetches, strict=True):
        key = (fetch.url, fetch.raw_sha256)
        row = by_key.get(key)
        if row is not None:
            row[4] = min(row[4], fetch.fetched_at)
            row[5] = max(row[5], fetch.fetched_at)
            continue
        by_key[key] = [
            fetch.url, fetch.raw_sha256, fetch.article_id, fetch.kind, fetch.fetched_at, fetch.fetched_at,
            page.http_status, json.dumps(page.headers or {}, sort_keys=True), page.requested_url, page.page,
            "zlib", len(page.body), zlib.compress(page.body, 6), batch.batch_id, batch.run.run_id,
        ]
    if not by_key:
        return 0
    stage(con, "s_raw", RAW_COLUMNS, [tuple(r) for r in by_key.values()])
    upsert(
        con, "raw_pages", "s_raw", [n for n, _ in RAW_COLUMNS], ["url", "content_sha256"],
        "fetched_at = least(raw_pages.fetched_at, excluded.fetched_at),"
        " last_fetched_at = greatest(raw_pages.last_fetched_at, excluded.last_fetched_at)",
    )
    return len(by_key)


_STATUS_ORDER = "['ok', 'partial', 'failed']"
RUN_COLUMNS = [
    ("run_id", "VARCHAR"), ("kind", "VARCHAR"), ("started_at", "TIMESTAMPTZ"), ("finished_at", "TIMESTAMPTZ"),
    ("status", "VARCHAR"), ("requests", "INTEGER"), ("not_modified", "INTEGER"), ("new_articles", "INTEGER"),
    ("changed_articles", "INTEGER"), ("failed", "INTEGER"), ("quarantined", "INTEGER"), ("withdrawn", "INTEGER"),
    ("unchanged", "INTEGER"), ("pages_loaded", "INTEGER"), ("batches", "INTEGER"), ("errors", "VARCHAR[]"),
    ("loaded_at", "TIMESTAMPTZ"), ("origin", "VARCHAR"),
]


def merge_run(con, run: RunRecord, counts: ApplyCounts) -> None:
    """Add this batch's counts to its run (several batches may share a run_id)."""
    finished = parse_stamp(run.finished_at) if run.finished_at else None
    worse = (
        f"list_position({_STATUS_ORDER}, excluded.status) > list_position({_STATUS_ORDER}, runs.status)"
    )
    stage(con, "s_run", RUN_COLUMNS, [(
        run.run_id, run.kind, parse_stamp(run.started_at), finished, run.status or "ok",
        run.requests, run.not_modified, counts.new_articles, counts.changed_articles,
        run.failed + counts.quarantined, counts.quarantined, counts.withdrawn, counts.unchanged,
        counts.pages, 1, list(run.errors or []), datetime.now(UTC), run.origin or "cli",
    )])
    upsert(
        con, "runs", "s_run", [n for n, _ in RUN_COLUMNS], ["run_id"],
        "started_at = least(runs.started_at, excluded.started_at),"
        " finished_at = greatest(runs.finished_at, excluded.finished_at),"
        f" status = CASE WHEN {worse} THEN excluded.status ELSE runs.status END,"
        " requests = runs.requests + excluded.requests,"
        " not_modified = runs.not_modified + excluded.not_modified,"
        " new_articles = runs.new_articles + excluded.new_articles,"
        " changed_articles = runs.changed_articles + excluded.changed_articles,"
        " failed = runs.failed + excluded.failed,"
        " quarantined = runs.quarantined + excluded.quarantined,"
        " withdrawn = runs.withdrawn + excluded.withdrawn,"
        " unchanged = runs.unchanged + excluded.unchanged,"
        " pages_loaded = runs.pages_loaded + excluded.pages_loaded,"
        " batches = runs.batches + 1,"
        " errors = list_concat(runs.errors, excluded.errors),"
        " loaded_at = excluded.loaded_at",
    )

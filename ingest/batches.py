"""Writing one run's fetches into the landing area in small batches.

A run flushes every `Settings.landing_batch_size` articles (and at the end), so a
SIGKILL loses at most one batch of fetches. All batches of a run share its
run_id; each carries only the counts accrued since the previous batch, because
the loader adds them up (see `ingest.landing.RunRecord`).
"""

from __future__ import annotations

from collections.abc import Callable

from ingest.http import now_iso
from ingest.landing import BATCH_ERRORS, Batch, FetchedPage, Landing, RunRecord


class LandingWriter:
    """Not thread-safe: fetch threads hand their pages to the run's main thread."""

    def __init__(self, landing: Landing, *, run_id: str, kind: str,
                 counts: Callable[[], dict[str, int]], batch_size: int, origin: str = "cli"):
        self.landing = landing
        self.run_id = run_id
        self.kind = kind
        self.origin = origin
        self.started_at = now_iso()
        self.batch_size = max(1, batch_size)
        # Cumulative counts of the run (requests, not_modified, failed).
        self._counts = counts
        self._counted = counts()
        self._pages: list[FetchedPage] = []
        self._articles = 0
        self._errors: list[str] = []
        self.batch_ids: list[str] = []

    def add(self, page: FetchedPage) -> Batch | None:
        """Queue a page; returns the batch written when this one filled it."""
        self._pages.append(page)
        if page.kind != "list":
            self._articles += 1
        if self._articles >= self.batch_size:
            return self.flush()
        return None

    def note_error(self, message: str) -> None:
        self._errors.append(message)

    def flush(self, *, status: str | None = None, final: bool = False) -> Batch | None:
        """Write what is queued. A final flush always writes (a run with nothing
        new still leaves its run record for the loader). The loader keeps the worst
        status of a run's batches, so a batch before the last says only whether it
        saw errors ("ok" or "partial"); finished_at is set on the last one."""
        if not self._pages and not self._errors and not final:
            return None
        if status is None:
            status = "partial" if self._errors else "ok"
        now = self._counts()
        delta = {k: now[k] - self._counted[k] for k in ("requests", "not_modified", "failed")}
        self._counted = now
        record = RunRecord(
            run_id=self.run_id,
            kind=self.kind,
            origin=self.origin,
            started_at=self.started_at,
            finished_at=now_iso() if final else None,
            status=status,
            errors=self._errors,
            article_ids=[p.article_id for p in self._pages if p.kind == "article" and p.article_id],
            **delta,
        )
        batch = self.landing.write_batch(record, self._pages)
        self.batch_ids.append(batch.batch_id)
        self._pages, self._articles, self._errors = [], 0, []
        return batch


def pending_article_ids(landing: Landing) -> set[str]:
    """Ids of articles fetched but not loaded yet.

    Each file is read to its end (the gzip check catches a truncated or
    bit-flipped batch): a damaged batch will be quarantined by the loader, so its
    articles are not pending and get fetched again. Our own batches list the ids
    in their run record; a batch without that list (another writer) gives them
    page by page. A batch the loader retires while we read is simply skipped.
    """
    ids: set[str] = set()
    if not landing.pending.exists():
        return ids
    for path in sorted(landing.pending.glob("*.jsonl.gz")):
        try:
            batch = landing.read_batch(path)
            found = set(batch.run.article_ids)
            for page in batch.pages():
                if page.kind == "article" and page.article_id:
                    found.add(page.article_id)
        except FileNotFoundError:
            continue
        except BATCH_ERRORS:
            # Damaged: the loader quarantines it; its articles are fetched again.
            continue
        ids.update(found)
    return ids


def unpublished_article_ids(landing: Landing, published_batches: set[str]) -> set[str]:
    """Ids of articles stored by batches loaded since the last publish (in ``loaded/``
    but not in the published snapshot's `landing_batches`), less those the loader
    quarantined (a page that did not parse is worth another fetch, as for a known one).

    The crawler's "what we know" is the snapshot; while a data-quality check holds
    the publish back, these are known too, or every run would fetch them again."""
    ids: set[str] = set()
    if not landing.loaded.exists():
        return ids
    for path in sorted(landing.loaded.glob("*.jsonl.gz")):
        batch_id = path.name.removesuffix(".jsonl.gz")
        if batch_id in published_batches:
            continue
        try:
            batch = landing.read_batch(path)
            stored = set(batch.run.article_ids or
                         (p.article_id for p in batch.pages() if p.kind == "article" and p.article_id))
        except BATCH_ERRORS:
            continue  # unreadable: at worst it is fetched again
        # Oldest batch first: the latest outcome of an article wins (parsed, or not).
        failed = landing.quarantined_in(batch_id)
        ids = (ids - failed) | (stored - failed)
    return ids

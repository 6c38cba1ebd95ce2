"""One fetching run: the machinery crawl, backfill and page batches share.

The main thread reads list pages and decides; a pool of `Settings.concurrency`
threads fetches articles; fetched pages come back to the main thread in order
and go to the landing area in batches. In-flight fetches are bounded so memory
stays flat however long the run.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future
from concurrent.futures import wait as futures_wait
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from ingest.batches import LandingWriter, pending_article_ids
from ingest.config import Settings
from ingest.errors import FetchFailed, IngestError, RunAborted
from ingest.http import PortalClient
from ingest.landing import FetchedPage, KnownArticle, Landing, new_run_id
from ingest.listing import ListEntry, ListPage, read_list_page

GONE_STATUSES = frozenset({404, 410})
# A run against a failing server must not pile up errors without bound.
MAX_ERRORS_KEPT = 200
# Ctrl-C / SIGTERM: seconds fetches in flight get to finish before they are cut.
ABORT_GRACE_S = 2.0


@dataclass
class CrawlResult:
    run_id: str
    requests: int = 0
    not_modified: int = 0
    failed: int = 0
    new_ids: list[str] = field(default_factory=list)
    # Known articles refetched because their list entry changed (title, time).
    changed_ids: list[str] = field(default_factory=list)
    gone_ids: list[str] = field(default_factory=list)
    batches: list[str] = field(default_factory=list)  # landing batch ids written
    errors: list[str] = field(default_factory=list)  # one line each
    status: str = "ok"  # ok | partial (some fetches failed) | failed (nothing could be read)
    # Known articles refetched only because they were due for a periodic recheck.
    rechecked_ids: list[str] = field(default_factory=list)
    pages_read: int = 0
    retries: int = 0
    errors_total: int = 0  # errors of the run, those past MAX_ERRORS_KEPT included

    def to_dict(self) -> dict:
        return asdict(self)

    def first_error(self) -> str | None:
        return first_error(self.errors, self.errors_total)


def first_error(errors: Iterable[str], total: int = 0) -> str | None:
    """Why a run failed, in one line: its first error and how many more there were
    (``total``: all the run's errors, those not kept included)."""
    kept = [str(e) for e in errors or [] if not str(e).startswith("... and ")]
    if not kept:
        return None
    total = max(int(total or 0), len(kept))
    return " ".join(kept[0].split()) + (f" (and {total - 1} more)" if total > 1 else "")


@dataclass
class _Outcome:
    entry: ListEntry
    reason: str  # new | changed | recheck
    page: int | None  # list page the entry was on (None: a periodic recheck off the lists)
    stored: FetchedPage | None = None
    error: str | None = None
    # The client gave up after its retries; worth one more try at the end of the run.
    transient: bool = False
    second_chance: bool = False
    # Not fetched because the run stopped: its list page must be read again.
    aborted: bool = False


class FetchRun:
    def __init__(self, settings: Settings, known: Mapping[str, KnownArticle], *,
                 run_id: str | None, run_kind: str, client: PortalClient | None,
                 landing: Landing | None, origin: str = "cli", held: Iterable[str] = ()):
        self.settings = settings
        self.known = known
        self._own_client = client is None
        self.client = client or PortalClient(settings)
        self.landing = landing or Landing(settings.landing)
        self.client.watchdog.run_deadline(settings.run_deadline_s)
        self._baseline = self.client.counters.snapshot()
        self._notes_seen = len(self.client.notes)
        self.result = CrawlResult(run_id=run_id or new_run_id(run_kind))
        # Fetches given up on in this run (the runs table's `failed`).
        self.failed = 0
        self.errors_total = 0
        self.writer = LandingWriter(self.landing, run_id=self.result.run_id, kind=run_kind, origin=origin,
                                    counts=self._counts,
                                    batch_size=settings.landing_batch_size)
        # Fetched by an earlier run but not in the published snapshot yet (pending, or
        # loaded since the last publish: `held`): never fetched twice.
        self.pending = pending_article_ids(self.landing) | set(held)
        # Taken care of in this run (drifted entries show up twice).
        self.seen: set[str] = set()
        self.now = datetime.now(UTC)
        # Articles whose retries ran out, tried once more before the run ends
        # (a server having a bad minute should not cost a letter).
        self._deferred: list[_Outcome] = []
        self._pool = self.client.executor()
        self._inflight: deque[tuple[_Outcome, Future]] = deque()
        self._max_inflight = max(4, settings.concurrency * 4)
        # Last list page whose entries were all handed to the pool.
        self.page_done = 0
        # List pages of fetches an abort cancelled: a resume must read them again.
        self._dropped_pages: list[int] = []
        # List pages of fetches that ran out of retries twice (worth reading again).
        self.failed_pages: list[int] = []
        self.on_batch: Callable[[], None] | None = None
        self.on_article: Callable[[], None] | None = None
        self.articles_stored = 0
        self._stop_noted = False
        self._finished = False

    # -- bookkeeping -----------------------------------------------------------------
    def error(self, message: str) -> None:
        self.errors_total += 1
        if self.errors_total <= MAX_ERRORS_KEPT:
            self.result.errors.append(message)
            self.writer.note_error(message)

    def _counts(self) -> dict[str, int]:
        return {**self.client.counters.snapshot(), "failed": self.failed}

    def is_handled(self, article_id: str) -> bool:
        return article_id in self.seen or article_id in self.pending

    def _store(self, page: FetchedPage) -> None:
        batch = self.writer.add(page)
        if batch is not None:
            self.result.batches.append(batch.batch_id)
            if self.on_batch:
                self.on_batch()

    def resume_page(self) -> int:
        """First list page not fully in the landing area (a backfill resumes there)."""
        pages = [o.page for o, _ in self._inflight] + self._dropped_pages
        pages += [o.page for o in self._deferred]
        return min([p for p in pages if p is not None] + [self.page_done + 1])

    # -- list pages ------------------------------------------------------------------
    def read_list(self, url: str, page: int) -> ListPage | None:
        try:
            try:
                listing = read_list_page(self.client, url, page)
            except FetchFailed:
                # One more round of retries: the run cannot go on without this page.
                listing = read_list_page(self.client, url, page)
        except IngestError as exc:
            self.failed += 1
            self.error(f"list page {page}: {exc}")
            return None
        self.result.pages_read += 1
        if listing.stored.http_status in GONE_STATUSES and page > 1:
            # Past the last page (a redesigned portal answers 404 there): the end.
            listing.entries, listing.next_page = [], None
            return listing
        if listing.stored.http_status != 200:
            self.failed += 1
            self.error(f"list page {page}: HTTP {listing.stored.http_status} {listing.url}")
            return None
        return listing

    # -- articles --------------------------------------------------------------------
    def fetch(self, entry: ListEntry, reason: str, listing: ListPage | None) -> None:
        """Queue an article for fetching. Its list page goes to the landing area
        first (once): a list page that led to no fetch is not stored, so a run with
        nothing new writes nothing but its run record. No listing: a periodic
        recheck of a known article by its stored URL."""
        if listing is not None and not listing.kept:
            listing.kept = True
            self._store(listing.stored)
        self.seen.add(entry.article_id)
        outcome = _Outcome(entry, reason, listing.page if listing is not None else None)
        self._inflight.append((outcome, self._pool.submit(self._fetch_article, outcome)))
        while len(self._inflight) > self._max_inflight:
            self._collect_one()

    def _fetch_article(self, outcome: _Outcome) -> _Outcome:
        """Runs in a pool thread: network only, no shared state but the client."""
        entry = outcome.entry
        known = self.known.get(entry.article_id)
        try:
            response = self.client.get(
                entry.url,
                etag=getattr(known, "etag", None),
                last_modified=getattr(known, "last_modified", None),
            )
        except IngestError as exc:
            outcome.error = f"article {entry.article_id}: {exc}"
            outcome.aborted = isinstance(exc, RunAborted)
            outcome.transient = isinstance(exc, FetchFailed) and not self.client.watchdog.aborted
            return outcome
        if response.status in GONE_STATUSES and known is not None:
            outcome.stored = response.landed("gone", entry.article_id)
        elif response.not_modified:
            pass  # counted by the client; the stored copy stands, nothing to land
        elif response.status == 304:
            # A 304 to a GET without validators answers nothing: a failure, not "unchanged".
            outcome.error = f"article {entry.article_id}: HTTP 304 to a request without validators {response.url}"
        elif response.status == 200:
            outcome.stored = response.landed("article", entry.article_id)
        else:
            outcome.error = f"article {entry.article_id}: HTTP {response.status} {response.url}"
        return outcome

    def _collect_one(self) -> None:
        outcome, future = self._inflight.popleft()
        future.result()  # the worker catches IngestError; anything else is a bug: raise it
        article = outcome.entry.article_id
        if outcome.aborted:
            # Cut by a stop, not a failure of the page: a resume reads its list page again.
            self._dropped_pages.append(outcome.page)
            return
        if outcome.error:
            if outcome.transient and not outcome.second_chance:
                self._deferred.append(outcome)
            else:
                self.failed += 1
                self.error(outcome.error)
                if (outcome.transient or outcome.aborted) and outcome.page is not None:
                    self.failed_pages.append(outcome.page)
            return
        if outcome.stored is None:
            return
        kind = outcome.stored.kind
        if kind == "gone":
            self.result.gone_ids.append(article)
        elif kind == "article":
            {"new": self.result.new_ids, "changed": self.result.changed_ids,
             "recheck": self.result.rechecked_ids}[outcome.reason].append(article)
            self.articles_stored += 1
        self._store(outcome.stored)
        if self.on_article:
            self.on_article()

    def drain(self) -> None:
        """Wait for every fetch, giving the ones that ran out of retries a second round."""
        while self._inflight or self._deferred:
            while self._inflight:
                self._collect_one()
            deferred, self._deferred = self._deferred, []
            for outcome in deferred:
                outcome.second_chance, outcome.error, outcome.transient = True, None, False
                future = self._pool.submit(self._fetch_article, outcome)
                self._inflight.append((outcome, future))

    # -- the end -----------------------------------------------------------------------
    def abort(self, reason: str) -> None:
        """Ctrl-C / SIGTERM: keep what already arrived, drop what has not started,
        cut what is downloading (a dripping page must not hold the stop up)."""
        self._pool.shutdown(wait=False, cancel_futures=True)
        # Healthy downloads end within a moment; whatever still runs then is cut.
        futures_wait([f for _, f in self._inflight], timeout=ABORT_GRACE_S)
        self.client.abort(reason)
        self._pool.shutdown(wait=True)
        kept = deque()
        for outcome, future in self._inflight:
            if future.done() and not future.cancelled():
                kept.append((outcome, future))
            else:
                self._dropped_pages.append(outcome.page)
        self._dropped_pages += [o.page for o in self._deferred]
        self._inflight, self._deferred = kept, []
        self.drain()
        self._stop_noted = True
        self.error(f"run interrupted: {reason}")

    def finish(self) -> CrawlResult:
        if self._finished:
            return self.result
        self.drain()
        self._pool.shutdown(wait=True)
        if self.client.watchdog.aborted and not self._stop_noted:
            # The run's deadline cut it: what was fetched is kept, the rest waits.
            self._stop_noted = True
            self.error(f"run stopped: {self.client.watchdog.aborted}")
        for note in self.client.notes[self._notes_seen:]:
            self.error(note)
        r = self.result
        if self.errors_total > MAX_ERRORS_KEPT:
            more = f"... and {self.errors_total - MAX_ERRORS_KEPT} more errors"
            r.errors.append(more)
            self.writer.note_error(more)
        r.errors_total = self.errors_total
        if self.errors_total:
            r.status = "failed" if r.pages_read == 0 and self.articles_stored == 0 else "partial"
        batch = self.writer.flush(status=r.status, final=True)
        if batch is not None:
            r.batches.append(batch.batch_id)
        now = self.client.counters.snapshot()
        for name in ("requests", "not_modified", "retries"):
            setattr(r, name, now[name] - self._baseline[name])
        r.failed = self.failed
        self._finished = True
        if self._own_client:
            self.client.close()
        return r

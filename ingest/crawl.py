"""Crawling the portal into the landing area: the incremental crawl, the
resumable backfill and the page batches Airflow maps over.

Nothing here writes DuckDB; `warehouse.load` picks the batches up. Every run
skips articles already pending in the landing area, and dedupes by article id
within the run, because pagination drifts while we read.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable, Mapping
from datetime import date

from tqdm import tqdm

from ingest.config import Settings
from ingest.cursor import BackfillCursor, CursorStore, InitialLoadCursor
from ingest.http import PortalClient, now_iso
from ingest.landing import KnownArticle, Landing
from ingest.listing import ListEntry, ListPage, decide, due_for_recheck, listed_on
from ingest.run import GONE_STATUSES, CrawlResult, FetchRun
from ingest.runlock import exclusive_run
from ingest.urls import canonicalise, channel_list_url
from transforms.dates import parse_instant
from transforms.urls import list_page_url

__all__ = [
    "CrawlResult",
    "backfill",
    "channel_list_url",
    "crawl_latest",
    "plan_page_batches",
]

# At most this many pages past the end of a page range are re-read after drift.
MAX_OVERLAP_PAGES = 10


def _page(list_url: str, number: int) -> str:
    return canonicalise(list_page_url(list_url, number))


def _start(settings, known, run_id, run_kind, client, landing, *, origin="cli", held=()) -> FetchRun:
    return FetchRun(settings, known, run_id=run_id, run_kind=run_kind, client=client, landing=landing,
                    origin=origin, held=held)


# -- incremental crawl -------------------------------------------------------------------
def _initial_load_store(settings: Settings) -> CursorStore:
    return CursorStore(settings.state_dir, prefix="crawl", cls=InitialLoadCursor)


def crawl_latest(settings: Settings, known: Mapping[str, KnownArticle], **kwargs) -> CrawlResult:
    """`_crawl_latest` (below), one at a time per warehouse: a second crawl started
    while one runs raises `AnotherRunActive` before any request."""
    with exclusive_run(settings.state_dir, "crawl", "crawl"):
        return _crawl_latest(settings, known, **kwargs)


def _crawl_latest(
    settings: Settings,
    known: Mapping[str, KnownArticle],
    *,
    pages: int | None = None,
    run_id: str | None = None,
    run_kind: str = "crawl",
    origin: str = "cli",
    held: Iterable[str] = (),
    client: PortalClient | None = None,
    landing: Landing | None = None,
) -> CrawlResult:
    """Read list pages newest first until one holds only known, unchanged articles
    (every page during the initial load; `pages` caps), fetching new, changed and
    due-for-recheck articles, then up to `settings.recheck_budget` due articles no
    list page showed (a withdrawn one answers 404). Nothing new costs one list
    request (+ robots.txt).

    The initial load (an empty warehouse) keeps a cursor in `settings.state_dir`
    until a run reaches the last list page: a run killed halfway leaves it, and the
    next `crawl` (although page 1 is known by then) reads page 1 again for new
    entries and resumes at the first page not fully in the landing area."""
    list_url = channel_list_url(settings)
    store = _initial_load_store(settings)
    key = InitialLoadCursor.key_for(list=list_url)
    cursor = store.load(key)
    held = set(held)
    if cursor is None and not known and not held:
        cursor = InitialLoadCursor(key=key, next_page=1, started_at=now_iso(), list_url=list_url)
        store.save(cursor)  # before any batch lands: a kill from here on resumes
    initial_load = cursor is not None
    run = _start(settings, known, run_id, run_kind, client, landing, origin=origin, held=held)
    catch_up = _CatchUp(run.landing, known)

    def save_cursor() -> None:
        # Only pages whose fetches are all in the landing area count as done
        # (called after a batch landed, when nothing fetched is still buffered).
        if cursor is not None:
            cursor.next_page = min([max(cursor.next_page, run.resume_page()), *run.failed_pages])
            store.save(cursor)

    if initial_load:
        run.on_batch = save_cursor
    url: str | None = list_url
    visited: set[str] = set()
    listed: set[str] = set()  # every article id the list pages read here showed
    number = read = 0
    reached_end = bounded = False
    stale = 0  # list pages in a row without an id not seen before (first load, catch-up)
    jumped_to: int | None = None  # the page a resumed initial load went on at
    try:
        while url and url not in visited and (pages is None or read < pages):
            if read >= settings.max_list_pages:
                bounded = True
                run.error(f"stopped after {read} list pages (Settings.max_list_pages); "
                          "`portal-ingest backfill` reads on from there")
                break
            visited.add(url)
            number += 1
            read += 1
            listing = run.read_list(url, number)
            if listing is None:
                break
            if not listing.entries:
                # The end only when the portal says so (404 past the last page); an
                # empty 200 page may be a layout the parser cannot read. An empty
                # page where a resumed load went on: the list shrank, start over.
                reached_end = listing.stored.http_status in GONE_STATUSES
                if number == jumped_to and cursor is not None:
                    cursor.next_page, run.page_done = 1, 0
                    store.save(cursor)
                break
            anything_new = fresh = False
            for entry in listing.entries:
                fresh = fresh or (entry.article_id not in listed and entry.article_id not in known)
                listed.add(entry.article_id)
                if run.is_handled(entry.article_id):
                    continue
                reason = decide(entry, known, run.now, settings.recheck_days)
                if reason is None:
                    continue
                # A recheck alone does not mean older pages changed (list order is
                # not strict, but an unchanged page says the rest is old news).
                anything_new = anything_new or reason != "recheck"
                run.fetch(entry, reason, listing)
            run.page_done = number
            walking = initial_load or catch_up.walking(listed)
            if not anything_new and not walking:
                break
            stale = 0 if fresh else stale + 1
            if walking and stale >= settings.initial_load_stale_pages and not catch_up.needs(listed):
                bounded = True
                run.error(f"{'initial load' if initial_load else 'catch-up walk'} stopped at list page "
                          f"{number}: {stale} list pages in a row showed no new article id "
                          "(an endless next-page chain?)")
                break
            url = listing.next_page
            if url is None:
                reached_end = True
            elif initial_load and number == 1 and cursor.next_page > 2:
                # Resuming an interrupted initial load: page 1 was read again for
                # new entries; pages before the cursor are in the warehouse or the
                # landing area (one page of overlap for entries that slid up).
                number = cursor.next_page - 2
                url = _page(list_url, number + 1)
                run.page_done = number
                jumped_to = number + 1
        if run.result.pages_read:
            _recheck_unlisted(run, known, listed, settings)
        result = run.finish()  # waits for the fetches: a stop may come here too
    except BaseException as exc:  # Ctrl-C, SIGTERM, Airflow stopping the task: keep what arrived
        run.abort(type(exc).__name__)
        run.finish()
        save_cursor()
        raise
    if cursor is not None:
        # A bound ends the first load too: otherwise every later crawl would be
        # one again (the list pages past it are for `backfill`).
        if (reached_end or bounded) and not run.failed_pages:
            store.clear(key)
        else:
            save_cursor()
    catch_up.finish(listed, walked=reached_end or bounded)
    return result


class _CatchUp:
    """Articles of landing batches the loader quarantined (damaged files) are
    fetched again: while some are not stored yet, `crawl` reads list pages on
    (like a first load) until it has seen them all, or to the end when no id could
    be salvaged from a batch; then the batches' reasons are marked recovered."""

    def __init__(self, landing: Landing, known: Mapping[str, KnownArticle]):
        self.landing = landing
        self.reasons = landing.unrecovered()
        self.wanted: set[str] = set()
        self.blind = False
        for reason in self.reasons:
            ids = [str(i) for i in reason.get("article_ids") or []]
            self.blind = self.blind or not ids
            self.wanted.update(i for i in ids if not _stored(known, i))

    def needs(self, listed: set[str]) -> bool:
        """Ids of damaged batches still to find on the list pages (unknown ids: all)."""
        return self.blind or bool(self.wanted - listed)

    walking = needs

    def finish(self, listed: set[str], *, walked: bool) -> None:
        if self.reasons and (walked or not self.walking(listed)):
            self.landing.mark_recovered(self.reasons)


def _recheck_unlisted(run: FetchRun, known: Mapping[str, KnownArticle], listed: set[str],
                      settings: Settings) -> None:
    """Refetch up to `recheck_budget` known articles due for a recheck that no list
    page read in this run showed, oldest fetch first, by their stored URL: an
    article withdrawn from the portal (404, gone from every list) is noticed so."""
    budget = settings.recheck_budget
    if budget <= 0 or not known:
        return
    # Never fetched (only listed; its fetch failed): not a recheck, and an article
    # that always fails must not cost requests on every run.
    due = [k for k in known.values()
           if k.url and k.last_fetched_at and not k.withdrawn and k.article_id not in listed
           and not run.is_handled(k.article_id)
           and due_for_recheck(k, run.now, settings.recheck_days)]
    if not due:
        return
    oldest = parse_instant("0001-01-01T00:00:00+00:00")

    def last_fetch(k: KnownArticle):
        return parse_instant(k.last_fetched_at) or oldest

    # Stable: ties (stamps cut to the second) keep `known`'s order, oldest first.
    for k in sorted(due, key=last_fetch)[:budget]:
        run.fetch(ListEntry(k.article_id, k.url, k.title, k.listed_at), "recheck", None)


# -- page batches (Airflow's mapped backfill) -----------------------------------------------
def plan_page_batches(from_page: int, to_page: int, batch_size: int, max_batches: int) -> list[list[int]]:
    """Split pages from_page..to_page into consecutive batches of `batch_size`,
    growing the batches when there would be more than `max_batches`."""
    if from_page < 1 or to_page < from_page:
        raise ValueError(f"bad page range {from_page}..{to_page}")
    if batch_size < 1 or max_batches < 1:
        raise ValueError("batch_size and max_batches must be >= 1")
    total = to_page - from_page + 1
    size = max(batch_size, math.ceil(total / max_batches))
    pages = list(range(from_page, to_page + 1))
    return [pages[i : i + size] for i in range(0, total, size)]


class _DateWindow:
    def __init__(self, since: date | None, until: date | None):
        self.since, self.until = since, until

    def admits(self, entry: ListEntry) -> bool:
        day = listed_on(entry)
        if day is None:
            return True  # undated: cannot rule it out
        return not ((self.since and day < self.since) or (self.until and day > self.until))

    def all_older(self, listing: ListPage) -> bool:
        """Every entry of the page is dated before `since` (order is not strict, so
        one old entry is not enough to stop)."""
        if self.since is None or not listing.entries:
            return False
        days = [listed_on(e) for e in listing.entries]
        return all(d is not None and d < self.since for d in days)


def _stored(known: Mapping[str, KnownArticle], article_id: str) -> bool:
    """Fetched and stored, not quarantined (a page that did not parse is worth another
    fetch; an id only a list page showed, its fetch failed or lost, is not stored)."""
    k = known.get(article_id)
    return k is not None and not k.quarantined and bool(k.last_fetched_at)


def _take_unstored(run: FetchRun, listing: ListPage, known: Mapping[str, KnownArticle],
                   window: _DateWindow) -> list[ListEntry]:
    """Fetch every entry of the page not stored, pending, or seen in this run."""
    taken = []
    for entry in listing.entries:
        if run.is_handled(entry.article_id) or _stored(known, entry.article_id):
            continue
        if not window.admits(entry):
            continue
        run.fetch(entry, "recheck" if entry.article_id in known else "new", listing)
        taken.append(entry)
    return taken


# -- backfill ---------------------------------------------------------------------------
def backfill(
    settings: Settings,
    known: Mapping[str, KnownArticle],
    *,
    from_page: int | None = None,
    to_page: int | None = None,
    since: date | None = None,
    until: date | None = None,
    channel: int | None = None,
    progress: bool = True,
    run_id: str | None = None,
    run_kind: str = "backfill",
    origin: str = "cli",
    held: Iterable[str] = (),
    request: str | None = None,
    last_of_request: bool = False,
    client: PortalClient | None = None,
    landing: Landing | None = None,
) -> CrawlResult:
    """Crawl history by page range and/or date range, resumable.

    Stops at `to_page`, at the last page, or at the first page whose entries are
    all older than `since`; entries newer than `until` are skipped. A cursor in
    `settings.state_dir` records the first page not yet fully landed, so a crash
    or Ctrl-C resumes there; stored and pending articles are never fetched again.

    `request`: the page range is one batch of a larger request (the backfill DAG's
    mapped batches). Its batches share page 1 as it was when the first of them began,
    so the drift re-read of each batch also covers what moved between batches;
    `last_of_request` clears that shared state once its batch completes.
    """
    if from_page is not None and to_page is not None and to_page < from_page:
        raise ValueError(f"bad page range {from_page}..{to_page}")
    first = from_page or 1
    list_url = channel_list_url(settings, channel)
    key = BackfillCursor.key_for(list=list_url, from_page=first, to_page=to_page,
                                 since=since, until=until)
    # The same backfill twice at once would fetch everything twice (other ranges may run).
    with exclusive_run(settings.state_dir, f"backfill-{key}", "backfill of this range"):
        return _backfill(settings, known, key=key, first=first, list_url=list_url, to_page=to_page,
                         since=since, until=until, progress=progress, run_id=run_id, run_kind=run_kind,
                         origin=origin, held=held, request=request, last_of_request=last_of_request,
                         client=client, landing=landing)


def _backfill(settings: Settings, known: Mapping[str, KnownArticle], *, key: str, first: int, list_url: str,
              to_page: int | None, since: date | None, until: date | None, progress: bool,
              run_id: str | None, run_kind: str, origin: str, held: Iterable[str], request: str | None,
              last_of_request: bool, client: PortalClient | None, landing: Landing | None) -> CrawlResult:
    store = CursorStore(settings.state_dir)
    cursor = store.load(key) or BackfillCursor(key=key, next_page=first)
    anchors = CursorStore(settings.state_dir, prefix="request")
    anchor = None
    if request is not None:
        anchor_key = BackfillCursor.key_for(list=list_url, request=request)
        anchor = anchors.load(anchor_key) or BackfillCursor(key=anchor_key, next_page=1)
    window = _DateWindow(since, until)
    run = _start(settings, known, run_id, run_kind, client, landing, origin=origin, held=held)

    total = (to_page - first + 1) if to_page else None
    bar = tqdm(total=total, initial=cursor.next_page - first, unit="page", desc="backfill",
               disable=not progress, file=sys.stderr, dynamic_ncols=True)

    def save_cursor() -> None:
        cursor.next_page = max(cursor.next_page, run.resume_page())
        store.save(cursor)

    def count_article() -> None:
        cursor.fetched += 1
        elapsed = max(bar.format_dict.get("elapsed", 0.0), 1e-6)
        bar.set_postfix(articles=cursor.fetched, art_per_s=f"{run.articles_stored / elapsed:.1f}",
                        refresh=False)

    def share_top() -> None:
        if anchor is not None and not anchor.top_ids and cursor.top_ids:
            anchor.top_ids = list(cursor.top_ids)
            anchors.save(anchor)

    run.on_batch = save_cursor
    run.on_article = count_article
    run.page_done = cursor.next_page - 1
    complete = False
    try:
        if not cursor.top_ids and anchor is not None and anchor.top_ids:
            cursor.top_ids = list(anchor.top_ids)  # page 1 as the whole request began
        if not cursor.top_ids and first > 1:
            cursor.top_ids = _entry_ids(run.read_list(_page(list_url, 1), 1))
        share_top()
        number = cursor.next_page
        while to_page is None or number <= to_page:
            if to_page is None and number - cursor.next_page >= settings.max_list_pages:
                # An open-ended backfill of an endless chain: stop; the cursor resumes.
                run.error(f"stopped after {settings.max_list_pages} list pages (Settings.max_list_pages); "
                          "the next backfill goes on from here")
                break
            listing = run.read_list(_page(list_url, number), number)
            if listing is None:
                break  # reported; the cursor keeps this page for the next attempt
            if number == 1 and not cursor.top_ids:
                cursor.top_ids = _entry_ids(listing)
                share_top()
            _take_unstored(run, listing, known, window)
            run.page_done = number
            bar.update(1)
            if not listing.entries or window.all_older(listing) or listing.next_page is None:
                complete = True
                break
            number += 1
        else:
            complete = True
        if complete and cursor.top_ids:
            _reread_after_drift(run, cursor, list_url, known, window, first, to_page)
        run.drain()
        result = run.finish()
    except BaseException as exc:  # Ctrl-C, SIGTERM, Airflow stopping the task: keep what arrived
        run.abort(type(exc).__name__)
        run.finish()
        save_cursor()
        raise
    finally:
        bar.close()
    if complete and result.status == "ok":
        store.clear(key)
        if anchor is not None and last_of_request:
            anchors.clear(anchor.key)
    else:
        save_cursor()
    return result


def _entry_ids(listing: ListPage | None) -> list[str]:
    return [e.article_id for e in listing.entries] if listing else []


def _reread_after_drift(run: FetchRun, cursor: BackfillCursor, list_url: str,
                        known: Mapping[str, KnownArticle], window: _DateWindow,
                        first: int, to_page: int | None) -> None:
    """Page 1 may have changed while we crawled: entries pushed down (new ones on
    top, or an edited one jumped up).

    Walking from page 1 to where the old top entry now sits tells how far the
    list drifted (`shift`) and, when the range starts at page 1, fetches entries
    that appeared above it. The first `shift` entries after `to_page` are then the
    ones pushed out of the range while we read it; they are fetched too.
    """
    # Where the first still-listed entry of the old page 1 sits now, against where
    # it sat then, is the drift (an entry withdrawn since does not break this).
    was_at = {article: i for i, article in enumerate(cursor.top_ids)}
    shift, seen_before = 0, 0
    for number in range(1, MAX_OVERLAP_PAGES + 1):
        listing = run.read_list(_page(list_url, number), number)
        if listing is None or not listing.entries:
            break
        ids = [e.article_id for e in listing.entries]
        anchor = next((i for i, article in enumerate(ids) if article in was_at), None)
        if first == 1 or to_page is None:
            _take_unstored(run, listing, known, window)
        if anchor is not None:
            shift = seen_before + anchor - was_at[ids[anchor]]
            break
        seen_before += len(ids)
    else:
        shift = seen_before
    if to_page is None or shift <= 0:
        return
    for number in range(to_page + 1, to_page + 1 + MAX_OVERLAP_PAGES):
        if shift <= 0:
            return
        listing = run.read_list(_page(list_url, number), number)
        if listing is None or not listing.entries:
            return
        for entry in listing.entries[:shift]:
            if not run.is_handled(entry.article_id) and not _stored(known, entry.article_id):
                run.fetch(entry, "recheck" if entry.article_id in known else "new", listing)
        shift -= len(listing.entries)

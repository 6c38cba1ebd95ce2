"""The steps of the pipeline and their one composition: fetch -> load -> check -> publish.

The CLI, the tests and every DAG run these functions, in this order (the DAGs split
them over tasks: `portal_latest_news`/`portal_backfill` fetch, `portal_warehouse_load`
loads, checks and publishes). Plain Python, no Airflow import. Each step returns a
small dataclass with ``to_dict()`` (what the CLI prints and a task returns as XCom).

    fetch_latest(settings, pages=None)         discover + fetch into the landing area (network, no DuckDB)
    fetch_backfill(settings, batch)            one backfill request or batch: resumable, drift-proof
    load_pending(settings)                     landing -> warehouse (the single writer)
    check_quality(settings)                    data-quality checks; raises DataQualityError
    publish_snapshot(settings)                 the analysts' (and the crawler's) read-only copy
    run_steps(settings, fetch)                 fetch -> load -> check -> publish (CLI `crawl`, `backfill`)
    plan_backfill(...)                         page batches for the backfill DAG (no network)
    reparse(settings, all=False)               rebuild parsed tables from raw pages (no network), publish
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ingest.landing import new_run_id
from ingest.run import CrawlResult

if TYPE_CHECKING:
    from ingest.config import Settings
    from ingest.landing import KnownArticle
    from warehouse.load import LoadSummary
    from warehouse.reparse import ReparseSummary

log = logging.getLogger(__name__)

STEPS = ("fetch", "load", "check", "publish")
# Page batches of one backfill (mapped task instances): never one per page or article.
DEFAULT_BATCH_SIZE = 5
DEFAULT_MAX_BATCHES = 16


def _sorted_ids(ids: Iterable[Any]) -> list[str]:
    """Article ids once each, in numeric order."""
    return sorted({str(i) for i in ids or []}, key=lambda s: (len(s), s))


# -- what each step returns -------------------------------------------------------
# load_pending returns `warehouse.load.LoadSummary`, reparse a `ReparseReport` around
# `warehouse.reparse.ReparseSummary`; both have ``to_dict()`` like the reports below.
class _Report:
    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class FetchReport(CrawlResult):
    """What one fetch step did (a crawl, a backfill, or one batch of a backfill): the
    crawler's `CrawlResult` with ids sorted, and what ran it."""

    kind: str = "crawl"  # crawl | backfill
    origin: str = "cli"  # cli | dag:<dag_id>
    elapsed_s: float = 0.0

    @classmethod
    def from_result(cls, result: CrawlResult, *, kind: str, origin: str, elapsed_s: float) -> FetchReport:
        fields = asdict(result)
        for name in ("new_ids", "changed_ids", "gone_ids", "rechecked_ids"):
            fields[name] = _sorted_ids(fields[name])
        return cls(**fields, kind=kind, origin=origin, elapsed_s=round(elapsed_s, 2))

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for name in ("new", "changed", "gone", "rechecked"):
            out[f"{name}_articles"] = len(out[f"{name}_ids"])
        out["article_ids"] = _sorted_ids(self.new_ids + self.changed_ids + self.gone_ids + self.rechecked_ids)
        return out


@dataclass
class CheckReport(_Report):
    ok: bool
    summary: str
    checks: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class PublishReport(_Report):
    snapshot: str | None  # None on a DuckLake: nothing is copied, readers open the lake
    elapsed_s: float = 0.0
    report: str | None = None  # the analysts' HTML report rewritten beside the snapshot
    published: bool = True  # False on a DuckLake (see note)
    note: str | None = None  # why nothing was published, on a DuckLake
    search_index: str | None = None  # on a DuckLake: the local search index file it rebuilt


@dataclass
class RunReport:
    """One run of the whole composition. ``published`` is None when a step stopped it."""

    run_id: str
    # The fetch's status ("partial" too when the load set a damaged landing batch aside),
    # or "failed" when the fetch read nothing or a check failed.
    status: str
    fetch: FetchReport
    load: LoadSummary | None = None
    checks: CheckReport | None = None
    published: PublishReport | None = None
    error: str | None = None  # one line: why the run failed

    def to_dict(self) -> dict[str, Any]:
        parts = {"fetch": self.fetch, "load": self.load, "checks": self.checks, "published": self.published}
        return {"run_id": self.run_id, "status": self.status, "error": self.error,
                **{name: part.to_dict() if part is not None else None for name, part in parts.items()}}


@dataclass
class ReparseReport:
    reparse: ReparseSummary
    published: PublishReport | None = None

    def to_dict(self) -> dict[str, Any]:
        return {**self.reparse.to_dict(), "published": self.published.to_dict() if self.published else None}


# -- what the crawler must not fetch again ---------------------------------------
def known_for_crawl(settings: Settings) -> tuple[dict[str, KnownArticle], set[str]]:
    """What we know: the articles of the published snapshot (else of the live file,
    read-only: a publish lost to a kill or a full disk must not make a crawl fetch
    everything again), and the ids of batches loaded since that copy (a failing check
    holds the publish back; they must not be fetched again meanwhile). When the live
    file is locked by a writer, the loaded landing batches stand in. Pages not loaded
    yet are skipped by the crawler itself (`ingest.run.FetchRun` reads ``pending/``)."""
    from ingest.batches import unpublished_article_ids
    from ingest.landing import Landing
    from warehouse.errors import WarehouseLocked, WarehouseMissing
    from warehouse.known import known_articles, published_batch_ids

    landing = Landing(settings.landing)
    try:
        known, published = dict(known_articles(settings)), published_batch_ids(settings)
    except WarehouseMissing:
        known, published = {}, set()
    except WarehouseLocked as exc:
        log.warning("known articles from the loaded landing batches: %s", exc)
        return landing.loaded_articles(), set()
    return known, unpublished_article_ids(landing, published)


# -- fetch ---------------------------------------------------------------------------
def fetch_latest(settings: Settings, pages: int | None = None, *, since: date | None = None,
                 run_id: str | None = None, origin: str = "cli") -> FetchReport:
    """Discover new and changed articles from the latest-news list and fetch them into
    the landing area (no DuckDB write). ``since``: page back until list entries are
    older than that day, fetching the articles not stored yet."""
    from ingest import crawl as crawler

    started = time.monotonic()
    known, held = known_for_crawl(settings)
    run_id = run_id or new_run_id("crawl")
    log.info("fetch_latest %s: %d known articles, %d held, pages=%s", run_id, len(known), len(held), pages or "auto")
    if since is None:
        result = crawler.crawl_latest(settings, known, pages=pages, run_id=run_id, run_kind="crawl",
                                      origin=origin, held=held)
    else:
        result = crawler.backfill(settings, known, from_page=1, to_page=pages, since=since, progress=False,
                                  run_id=run_id, run_kind="crawl", origin=origin, held=held)
    report = FetchReport.from_result(result, kind="crawl", origin=origin, elapsed_s=time.monotonic() - started)
    _log_fetch(report)
    return report


def fetch_backfill(settings: Settings, batch: dict[str, Any], *, run_id: str | None = None,
                   origin: str = "cli", progress: bool = False) -> FetchReport:
    """One backfill request, or one batch of the DAG's plan (``{"pages": [...] | None,
    "channel", "since", "until"}``, and ``"request"``/``"last"`` from `plan_backfill`):
    the resumable, drift-proof backfill of `ingest.crawl.backfill` (a cursor per
    batch; entries pushed past the range while it was read, in this batch or an
    earlier one of the request, are fetched too). The same for the CLI and every DAG batch."""
    from ingest import crawl as crawler

    started = time.monotonic()
    known, held = known_for_crawl(settings)
    pages = batch.get("pages") or None
    since, until = _day(batch.get("since")), _day(batch.get("until"))
    result = crawler.backfill(
        settings, known, from_page=pages[0] if pages else None, to_page=pages[-1] if pages else None,
        since=since, until=until, channel=batch.get("channel"), progress=progress,
        run_id=run_id or new_run_id("backfill"), run_kind="backfill", origin=origin, held=held,
        request=batch.get("request"), last_of_request=bool(batch.get("last")),
    )
    report = FetchReport.from_result(result, kind="backfill", origin=origin, elapsed_s=time.monotonic() - started)
    _log_fetch(report, f" (pages {_page_span(pages)})")
    return report


# The DAG maps this over its plan; it is the backfill's one path.
fetch_backfill_batch = fetch_backfill


def _day(value: date | str | None) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _page_span(pages: list[int] | None) -> str:
    if not pages:
        return "by date"
    return f"{pages[0]}-{pages[-1]}" if len(pages) > 1 else str(pages[0])


def _log_fetch(report: FetchReport, where: str = "") -> None:
    log.info("%s %s%s (%s): %s requests, %s not modified, %s failed, %s new, %s changed",
             report.kind, report.run_id, where, report.status, report.requests, report.not_modified,
             report.failed, len(report.new_ids), len(report.changed_ids))


# -- load, check, publish ---------------------------------------------------------------
def load_pending(settings: Settings) -> LoadSummary:
    """Load every pending landing batch into the warehouse (the single writer)."""
    from warehouse.load import load_pending as load

    started = time.monotonic()
    report = load(settings)
    report.elapsed_s = round(time.monotonic() - started, 2)
    log.info("load_pending: %s batches, %s new, %s changed, %s quarantined", report.batches,
             report.new_articles, report.changed_articles, report.quarantined)
    return report


def check_quality(settings: Settings, **thresholds: float) -> CheckReport:
    """Run the data-quality checks (thresholds: keyword arguments, else `Settings.qc_*`);
    raises `warehouse.errors.DataQualityError` naming every failed check with its numbers."""
    from warehouse.checks import run_checks

    report = run_checks(settings, **thresholds)
    for check in report.checks:
        log.info("check %s: %s", check.name, check.detail)
    return CheckReport(ok=report.ok, summary=report.summary(), checks=[asdict(c) for c in report.checks])


def publish_snapshot(settings: Settings) -> PublishReport:
    """Publish the analysts' read-only copy of the warehouse."""
    from warehouse.snapshot import publish_snapshot as publish

    started = time.monotonic()
    path = publish(settings)
    if path is None:  # a DuckLake: readers see its commits directly
        from warehouse.snapshot import LAKE_NOTHING_TO_PUBLISH, refresh_lake_readers

        log.info("publish: %s", LAKE_NOTHING_TO_PUBLISH)
        extras = refresh_lake_readers(settings)  # the search index file and the report
        return PublishReport(snapshot=None, elapsed_s=round(time.monotonic() - started, 2),
                             report=extras.get("report"), published=False, note=LAKE_NOTHING_TO_PUBLISH,
                             search_index=extras["search_index"])
    snapshot = str(Path(path).resolve())  # absolute: messages and notes name the real file
    log.info("published snapshot %s", snapshot)
    from warehouse.report import report_path

    report = report_path(settings.snapshot_path)  # rewritten by the publish (its failure is logged)
    return PublishReport(snapshot=snapshot, elapsed_s=round(time.monotonic() - started, 2),
                         report=str(report.resolve()) if report.exists() else None)


def run_steps(settings: Settings, fetch: Callable[[], FetchReport]) -> RunReport:
    """fetch -> load -> check -> publish. The load always runs (it records the run in
    `runs`, whatever the fetch found); a failed check stops before the publish and the
    run says why (the loaded batches stay known to the crawler: `known_for_crawl`)."""
    from warehouse.errors import DataQualityError

    fetched = fetch()
    report = RunReport(run_id=fetched.run_id, status=fetched.status, fetch=fetched)
    if fetched.status == "failed":  # the first error and how many more (the root cause, first)
        report.error = f"nothing could be read from the portal: {fetched.first_error() or 'no error recorded'}"
    report.load = load_pending(settings)
    try:
        report.checks = check_quality(settings)
    except DataQualityError as exc:
        failed_check = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        report.status = "failed"
        report.error = f"{report.error}; then {failed_check}" if report.error else str(exc)
        return report
    report.published = publish_snapshot(settings)
    if fetched.status == "ok" and report.load.quarantined_batches:
        report.status = "partial"  # a damaged landing batch was set aside (its articles are fetched again)
    return report


def crawl(settings: Settings, pages: int | None = None, since: date | None = None) -> RunReport:
    """One incremental ingestion run without Airflow (CLI `crawl`)."""
    return run_steps(settings, lambda: fetch_latest(settings, pages=pages, since=since))


def backfill(settings: Settings, from_page: int | None = None, to_page: int | None = None,
             since: date | None = None, until: date | None = None, channel: int | None = None,
             progress: bool = False) -> RunReport:
    """Crawl history in one process (CLI `backfill`), then load, check, publish."""
    validate_backfill(from_page=from_page, to_page=to_page, since=since, until=until, channel=channel)
    pages = list(range(from_page, to_page + 1)) if from_page is not None else None
    batch = {"pages": pages, "channel": channel, "since": since, "until": until}
    return run_steps(settings, lambda: fetch_backfill(settings, batch, progress=progress))


# -- backfill plans ------------------------------------------------------------------------
class BackfillParamsError(ValueError):
    """A backfill was asked for with an impossible page or date range."""


def validate_backfill(*, from_page: int | None = None, to_page: int | None = None, since: date | None = None,
                      until: date | None = None, channel: int | None = None,
                      batch_size: int = DEFAULT_BATCH_SIZE, max_batches: int = DEFAULT_MAX_BATCHES) -> None:
    """Raise `BackfillParamsError` (one line) unless the range makes sense."""
    by_page = from_page is not None or to_page is not None
    by_date = since is not None or until is not None
    if not by_page and not by_date:
        raise BackfillParamsError("give a page range (from_page, to_page) or a date range (since, until)")
    if by_page and (from_page is None or to_page is None):
        raise BackfillParamsError("a page range needs both from_page and to_page")
    if by_page and not (1 <= from_page <= to_page):
        raise BackfillParamsError(f"need 1 <= from_page <= to_page, got {from_page}..{to_page}")
    if since and until and since > until:
        raise BackfillParamsError(f"since {since} is after until {until}")
    if channel is not None and channel < 1:
        raise BackfillParamsError(f"channel must be a positive ChannelId, got {channel}")
    if batch_size < 1 or max_batches < 1:
        raise BackfillParamsError("batch_size and max_batches must be >= 1")


def plan_backfill(*, from_page: int | None = None, to_page: int | None = None, since: date | str | None = None,
                  until: date | str | None = None, channel: int | None = None,
                  batch_size: int = DEFAULT_BATCH_SIZE, max_batches: int = DEFAULT_MAX_BATCHES) -> list[dict[str, Any]]:
    """Batches for the backfill DAG: ``[{"index", "pages": [..] | None, "channel", "since", "until",
    "request", "last"}]``, each one fetched by `fetch_backfill`; ``request`` names the
    whole plan (its batches share the drift anchor), ``last`` marks its final batch.

    A page range is cut into batches of ``batch_size`` consecutive pages; when that
    makes more than ``max_batches`` the batches grow instead (the number of task
    instances stays bounded). A date range without pages is one batch. No network.
    """
    from ingest.crawl import plan_page_batches

    since, until = _day(since), _day(until)
    validate_backfill(from_page=from_page, to_page=to_page, since=since, until=until, channel=channel,
                      batch_size=batch_size, max_batches=max_batches)
    common = {"channel": channel, "since": since.isoformat() if since else None,
              "until": until.isoformat() if until else None}
    if from_page is None:
        return [{"index": 0, "pages": None, **common, "request": None, "last": True}]
    groups = [g for g in plan_page_batches(from_page, to_page, batch_size, max_batches) if g]
    request = new_run_id("plan")
    return [{"index": i, "pages": [int(p) for p in pages], **common, "request": request, "last": i == len(groups) - 1}
            for i, pages in enumerate(groups)]


# -- reparse ---------------------------------------------------------------------------------
def reparse(settings: Settings, all: bool = False, *, publish: bool = True,  # noqa: A002 - the CLI's name
            run_id: str | None = None, origin: str = "cli") -> ReparseReport:
    """Rebuild the parsed tables from stored raw pages (no network); then publish."""
    from warehouse.reparse import reparse as rebuild

    started = time.monotonic()
    summary = rebuild(settings, all=all, run_id=run_id, origin=origin)
    summary.elapsed_s = round(time.monotonic() - started, 2)
    log.info("reparse %s: %s articles, %s changed", summary.run_id, summary.articles, summary.changed_articles)
    report = ReparseReport(summary)
    if publish:
        report.published = publish_snapshot(settings)
    return report

"""The steps of the pipeline: what `portal-ingest` commands and Airflow tasks call.

Plain Python, no Airflow import. Every step takes a `Settings` and returns a
JSON-able dict (the CLI prints it, a task returns it as its XCom and copies the
counts into its asset event's ``extra``).

    fetch_latest(settings, pages=None)      discover + fetch into the landing area (network, no DuckDB)
    load_pending(settings, publish=True)    landing -> warehouse (single writer), then the snapshot
    publish_snapshot(settings)              the analysts' read-only copy
    crawl(settings, pages=None)             fetch_latest + load_pending (CLI `crawl`)
    plan_backfill(...)                      page batches for a backfill (no network for page ranges)
    fetch_backfill_batch(settings, batch)   one batch of list pages + their articles into landing
    backfill(settings, ...)                 the whole backfill in one process (CLI `backfill`)
    reparse(settings, all=False)            rebuild parsed tables from raw pages (no network)
    check_quality(settings)                 data-quality checks; raises DataQualityError
"""

from __future__ import annotations

import dataclasses
import logging
import time
import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ingest.config import Settings
    from ingest.landing import KnownArticle

log = logging.getLogger(__name__)

# Ids listed in an asset event's extra; more are counted, not listed.
MAX_IDS_IN_EXTRA = 500
# Page batches of one backfill (mapped task instances): never one per page or article.
DEFAULT_BATCH_SIZE = 5
DEFAULT_MAX_BATCHES = 16


# -- helpers ------------------------------------------------------------------
def new_run_id(kind: str) -> str:
    """``<kind>-<UTC stamp>-<6 hex>``: unique, sortable, readable in logs."""
    return f"{kind}-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}-{uuid.uuid4().hex[:6]}"


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: _jsonable(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, (set, frozenset)) else items
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if hasattr(value, "__fspath__"):
        return str(value)
    return str(value)


def _sorted_ids(ids: Iterable[Any]) -> list[str]:
    """Article ids once each, in numeric order."""
    return sorted({str(i) for i in ids or []}, key=lambda s: (len(s), s))


def crawl_summary(result: Any, *, kind: str, elapsed_s: float | None = None) -> dict[str, Any]:
    """An `ingest.crawl.CrawlResult` as the JSON-able summary every caller prints:
    its fields plus ``kind``, counts (``new_articles``, ``changed_articles``,
    ``gone_articles``, ``rechecked_articles``) and ``article_ids`` (everything fetched)."""
    raw = _jsonable(result)
    summary: dict[str, Any] = {"kind": kind, **(raw if isinstance(raw, dict) else {"result": raw})}
    for key in ("new_ids", "changed_ids", "gone_ids", "rechecked_ids"):
        summary[key] = _sorted_ids(summary.get(key))
    summary["new_articles"] = len(summary["new_ids"])
    summary["changed_articles"] = len(summary["changed_ids"])
    summary["gone_articles"] = len(summary["gone_ids"])
    summary["rechecked_articles"] = len(summary["rechecked_ids"])
    summary["article_ids"] = _sorted_ids(
        summary["new_ids"] + summary["changed_ids"] + summary["gone_ids"] + summary["rechecked_ids"]
    )
    for key in ("requests", "not_modified", "failed"):
        summary[key] = int(summary.get(key) or 0)
    summary.setdefault("status", "partial" if summary["failed"] else "ok")
    if elapsed_s is not None:
        summary["elapsed_s"] = round(elapsed_s, 2)
    return summary


class FetchStepFailed(RuntimeError):
    """A fetch step could read nothing from the portal (down, blocked, wrong base URL)."""


def raise_if_failed(summary: dict[str, Any]) -> None:
    """Raise `FetchStepFailed` (one line, with the first errors) when a fetch step read
    nothing, so the Airflow task fails and is retried; a partial run is not an error."""
    if summary.get("status") == "failed":
        errors = "; ".join(str(e) for e in (summary.get("errors") or [])[:3]) or "no error recorded"
        raise FetchStepFailed(f"run {summary.get('run_id')}: nothing could be read from the portal: {errors}")


def has_news(summary: dict[str, Any]) -> bool:
    """True when a fetch step brought something the warehouse must load (new, changed or
    withdrawn articles). No news: no asset event."""
    return bool(summary.get("new_ids") or summary.get("changed_ids") or summary.get("gone_ids"))


def asset_extra(summary: dict[str, Any]) -> dict[str, Any]:
    """The ``extra`` of a raw-pages asset event: run id, counts, article ids (capped)."""
    extra: dict[str, Any] = {
        "run_id": summary.get("run_id"),
        "kind": summary.get("kind"),
        "status": summary.get("status"),
        "counts": {
            k: summary.get(k, 0)
            for k in (
                "requests", "not_modified", "failed",
                "new_articles", "changed_articles", "gone_articles", "rechecked_articles",
            )
        },
    }
    for key in ("new_ids", "changed_ids", "gone_ids"):
        ids = list(summary.get(key) or [])
        extra[key] = ids[:MAX_IDS_IN_EXTRA]
        if len(ids) > MAX_IDS_IN_EXTRA:
            extra[f"{key}_truncated"] = len(ids)
    if summary.get("batches") is not None:
        extra["batches"] = summary["batches"] if isinstance(summary["batches"], int) else len(summary["batches"])
    return extra


def merge_summaries(summaries: Iterable[dict[str, Any]], *, run_id: str | None = None, kind: str = "backfill") -> dict[str, Any]:
    """One summary for several fetch steps of one run (mapped backfill batches)."""
    summaries = [s for s in summaries if s]
    out: dict[str, Any] = {"run_id": run_id, "kind": kind, "parts": len(summaries)}
    for key in ("requests", "not_modified", "failed"):
        out[key] = sum(int(s.get(key) or 0) for s in summaries)
    for key in ("new_ids", "changed_ids", "gone_ids", "rechecked_ids", "article_ids"):
        out[key] = _sorted_ids(i for s in summaries for i in s.get(key) or [])
    out["new_articles"] = len(out["new_ids"])
    out["changed_articles"] = len(out["changed_ids"])
    out["gone_articles"] = len(out["gone_ids"])
    out["rechecked_articles"] = len(out["rechecked_ids"])
    out["batches"] = sum(
        (s["batches"] if isinstance(s.get("batches"), int) else len(s.get("batches") or [])) for s in summaries
    )
    statuses = {s.get("status", "ok") for s in summaries}
    out["status"] = "failed" if statuses == {"failed"} else ("partial" if statuses - {"ok"} else "ok")
    out["errors"] = [e for s in summaries for e in (s.get("errors") or [])][:20]
    if run_id is None and summaries:
        out["run_id"] = summaries[0].get("run_id")
    return out


# -- what the crawler must not fetch again ---------------------------------------
def known_for_crawl(settings: Settings) -> dict[str, KnownArticle]:
    """Articles the warehouse knows, read from the published snapshot (empty before the
    first publish). Pages fetched but not loaded yet are skipped by the crawler itself
    (`ingest.run.FetchRun.pending` reads the landing area), so they are not added here."""
    from warehouse.errors import WarehouseMissing
    from warehouse.known import known_articles

    try:
        return dict(known_articles(settings))
    except WarehouseMissing:
        return {}


# -- steps -------------------------------------------------------------------------
def fetch_latest(
    settings: Settings,
    pages: int | None = None,
    *,
    since: date | None = None,
    run_kind: str = "crawl",
    run_id: str | None = None,
) -> dict[str, Any]:
    """Discover new and changed articles from the latest-news list and fetch them into
    the landing area. No DuckDB write. Returns the run's summary."""
    from ingest import crawl as crawler

    started = time.monotonic()
    known = known_for_crawl(settings)
    run_id = run_id or new_run_id(run_kind.replace(":", "-"))
    log.info("fetch_latest %s: %d known articles, pages=%s", run_id, len(known), pages or "auto")
    if since is None:
        result = crawler.crawl_latest(settings, known, pages=pages, run_id=run_id, run_kind=run_kind)
    else:
        # "ignore list entries older than DATE": page back from page 1 until every entry
        # of a page is older than `since`, fetching the articles not stored yet.
        to_page = pages if pages else None
        result = crawler.backfill(
            settings, known, from_page=1, to_page=to_page, since=since, progress=False, run_id=run_id
        )
    summary = crawl_summary(result, kind=run_kind, elapsed_s=time.monotonic() - started)
    summary["run_id"] = summary.get("run_id") or run_id
    log.info(
        "fetch_latest %s: %s requests, %s not modified, %s failed, %s new, %s changed",
        summary["run_id"], summary["requests"], summary["not_modified"], summary["failed"],
        summary["new_articles"], summary["changed_articles"],
    )
    return summary


def publish_snapshot(settings: Settings) -> dict[str, Any]:
    """Publish the analysts' read-only copy of the warehouse."""
    from warehouse.snapshot import publish_snapshot as publish

    started = time.monotonic()
    result = publish(settings)
    if settings.is_lake:  # readers see the lake's commits directly
        from warehouse.snapshot import LAKE_NOTHING_TO_PUBLISH

        log.info("publish: %s", LAKE_NOTHING_TO_PUBLISH)
        return {"snapshot": None, "published": False, "note": LAKE_NOTHING_TO_PUBLISH,
                "elapsed_s": round(time.monotonic() - started, 2)}
    out = {"snapshot": str(settings.snapshot_path), "elapsed_s": round(time.monotonic() - started, 2)}
    if result is not None and not isinstance(result, (str, bytes)) and not hasattr(result, "__fspath__"):
        out.update(_jsonable(result) if isinstance(_jsonable(result), dict) else {"result": _jsonable(result)})
    log.info("published snapshot %s", out["snapshot"])
    return out


def load_pending(settings: Settings, *, publish: bool = True) -> dict[str, Any]:
    """Load every pending landing batch into the warehouse (the single writer), then
    publish the snapshot unless ``publish=False`` (the DAG publishes after its checks)."""
    from warehouse.load import load_pending as load

    started = time.monotonic()
    result = load(settings)
    summary = _jsonable(result)
    if not isinstance(summary, dict):
        summary = {"result": summary}
    summary["elapsed_s"] = round(time.monotonic() - started, 2)
    log.info("load_pending: %s", {k: v for k, v in summary.items() if not isinstance(v, (list, dict))})
    if publish:
        summary["published"] = publish_snapshot(settings)
    return summary


def crawl(settings: Settings, pages: int | None = None, since: date | None = None) -> dict[str, Any]:
    """One incremental ingestion run without Airflow: fetch_latest then load_pending."""
    fetched = fetch_latest(settings, pages=pages, since=since, run_kind="crawl")
    loaded = load_pending(settings)
    return {"status": fetched.get("status", "ok"), "run_id": fetched.get("run_id"), "fetch": fetched, "load": loaded}


def plan_backfill(
    *,
    from_page: int | None = None,
    to_page: int | None = None,
    since: date | str | None = None,
    until: date | str | None = None,
    channel: int | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    max_batches: int = DEFAULT_MAX_BATCHES,
) -> list[dict[str, Any]]:
    """Batches of list pages for a backfill: ``[{"index", "pages": [..], "channel", "since", "until"}]``.

    A page range is cut into batches of ``batch_size`` pages; when that makes more than
    ``max_batches`` batches the batches grow instead (the number of task instances stays
    bounded). A date range without pages becomes one batch that pages back until ``since``.
    No network.
    """
    from ingest.crawl import plan_page_batches

    since = date.fromisoformat(since) if isinstance(since, str) else since
    until = date.fromisoformat(until) if isinstance(until, str) else until
    validate_backfill(from_page=from_page, to_page=to_page, since=since, until=until, channel=channel,
                      batch_size=batch_size, max_batches=max_batches)
    common = {
        "channel": channel,
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
    }
    if from_page is None:
        return [{"index": 0, "pages": None, **common}]
    groups = plan_page_batches(from_page, to_page, batch_size, max_batches)
    return [{"index": i, "pages": [int(p) for p in pages], **common} for i, pages in enumerate(groups) if pages]


class BackfillParamsError(ValueError):
    """A backfill was asked for with an impossible page or date range."""


def validate_backfill(
    *,
    from_page: int | None = None,
    to_page: int | None = None,
    since: date | None = None,
    until: date | None = None,
    channel: int | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    max_batches: int = DEFAULT_MAX_BATCHES,
) -> None:
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


def fetch_backfill_batch(settings: Settings, batch: dict[str, Any], *, run_id: str | None = None,
                         run_kind: str = "backfill") -> dict[str, Any]:
    """Fetch one planned batch (its list pages and their new/changed articles) into landing."""
    from ingest import crawl as crawler

    started = time.monotonic()
    known = known_for_crawl(settings)
    run_id = run_id or new_run_id("backfill")
    since = batch.get("since")
    until = batch.get("until")
    since = date.fromisoformat(since) if since else None
    until = date.fromisoformat(until) if until else None
    pages = batch.get("pages")
    if pages:
        result = crawler.fetch_list_pages(
            settings, known, list(pages), channel=batch.get("channel"),
            since=since, until=until, run_id=run_id, run_kind=run_kind,
        )
    else:  # a date range: page back from page 1 until `since` (resumable cursor)
        result = crawler.backfill(
            settings, known, since=since, until=until, channel=batch.get("channel"), progress=False, run_id=run_id
        )
    summary = crawl_summary(result, kind=run_kind, elapsed_s=time.monotonic() - started)
    summary["run_id"] = summary.get("run_id") or run_id
    summary["batch"] = {k: batch.get(k) for k in ("index", "pages", "channel", "since", "until")}
    log.info(
        "backfill batch %s (pages %s): %s requests, %s new, %s changed, %s failed",
        batch.get("index"), _page_span(pages), summary["requests"], summary["new_articles"],
        summary["changed_articles"], summary["failed"],
    )
    return summary


def _page_span(pages: list[int] | None) -> str:
    if not pages:
        return "by date"
    return f"{pages[0]}-{pages[-1]}" if len(pages) > 1 else str(pages[0])


def backfill(
    settings: Settings,
    from_page: int | None = None,
    to_page: int | None = None,
    since: date | None = None,
    until: date | None = None,
    channel: int | None = None,
    progress: bool = False,
    *,
    load: bool = True,
) -> dict[str, Any]:
    """Crawl history in one process (CLI `backfill`), then load and publish."""
    from ingest import crawl as crawler

    validate_backfill(from_page=from_page, to_page=to_page, since=since, until=until, channel=channel)
    started = time.monotonic()
    run_id = new_run_id("backfill")
    known = known_for_crawl(settings)
    result = crawler.backfill(
        settings, known, from_page=from_page, to_page=to_page, since=since, until=until,
        channel=channel, progress=progress, run_id=run_id,
    )
    fetched = crawl_summary(result, kind="backfill", elapsed_s=time.monotonic() - started)
    fetched["run_id"] = fetched.get("run_id") or run_id
    out = {"status": fetched.get("status", "ok"), "run_id": fetched["run_id"], "fetch": fetched}
    if load:
        out["load"] = load_pending(settings)
    return out


def reparse(settings: Settings, all: bool = False, *, publish: bool = True) -> dict[str, Any]:  # noqa: A002 - the CLI's name
    """Rebuild the parsed tables from stored raw pages (no network); then publish."""
    from warehouse.reparse import reparse as rebuild

    started = time.monotonic()
    result = rebuild(settings, all=all)
    summary = _jsonable(result)
    if not isinstance(summary, dict):
        summary = {"result": summary}
    summary["elapsed_s"] = round(time.monotonic() - started, 2)
    summary.setdefault("all", all)
    log.info("reparse: %s", {k: v for k, v in summary.items() if not isinstance(v, (list, dict))})
    if publish:
        summary["published"] = publish_snapshot(settings)
    return summary


# Optional threshold overrides of the data-quality checks (environment, like the rest
# of the configuration): e.g. a static archive or the replica has no article from the
# last 14 days, so its deployment raises PORTAL_QC_MAX_DAYS_WITHOUT_NEW.
QC_THRESHOLDS = {
    "PORTAL_QC_MAX_QUARANTINE_SHARE": "max_quarantine_share",
    "PORTAL_QC_MAX_MISSING_SHARE": "max_missing_share",
    "PORTAL_QC_MAX_DAYS_WITHOUT_NEW": "max_days_without_new",
}


def quality_thresholds() -> dict[str, float]:
    """Threshold overrides from the environment (only those set)."""
    import os

    out: dict[str, float] = {}
    for env, name in QC_THRESHOLDS.items():
        raw = (os.environ.get(env) or "").strip()
        if raw:
            try:
                out[name] = float(raw)
            except ValueError:
                raise ValueError(f"{env} must be a number, got {raw!r}") from None
    return out


def check_quality(settings: Settings, **thresholds: float) -> dict[str, Any]:
    """Run the data-quality checks; raises `warehouse.errors.DataQualityError` naming every
    failed check with its numbers. Thresholds: keyword arguments, else PORTAL_QC_* env."""
    from warehouse.checks import run_checks

    merged = {**quality_thresholds(), **thresholds}
    report = run_checks(settings, **merged)
    summary = _jsonable(report)
    if not isinstance(summary, dict):
        summary = {"result": summary}
    for check in summary.get("checks") or []:
        log.info("check %s: %s", check.get("name"), check.get("detail"))
    return summary

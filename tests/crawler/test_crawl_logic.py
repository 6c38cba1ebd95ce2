"""Crawl, backfill and page batches against a scripted portal (JSON list pages),
where drift, edits and crashes can be staged precisely."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest

from ingest.crawl import backfill, crawl_latest, plan_page_batches
from ingest.http import PortalClient
from ingest.landing import KnownArticle, Landing


def landed(settings) -> list:
    landing = Landing(settings.landing)
    return [(b.run, list(b.pages())) for b in landing.pending_batches()]


def landed_article_ids(settings) -> Counter:
    return Counter(p.article_id for _, pages in landed(settings) for p in pages if p.kind == "article")


def known_from(portal, *, fetched_days_ago: float = 0.0, skip: int = 0) -> dict[str, KnownArticle]:
    at = (datetime.now(UTC) - timedelta(days=fetched_days_ago)).isoformat()
    return {a.article_id: KnownArticle(a.article_id, a.title, a.listed_at, at)
            for a in portal.articles[skip:]}


@pytest.fixture
def settings(scripted, make_settings):
    return make_settings(scripted.base_url, list_path="/list?Page=1", landing_batch_size=10)


def test_initial_load_reads_every_page_and_lands_each_article_once(fake_portal, settings):
    portal = fake_portal(23)
    result = crawl_latest(settings, {}, run_id="r1")
    assert result.status == "ok" and result.pages_read == 5
    assert sorted(result.new_ids) == sorted(a.article_id for a in portal.articles)
    assert set(landed_article_ids(settings).values()) == {1}
    # 23 articles in batches of 10: three batches, all of run r1, lists stored too.
    batches = landed(settings)
    assert len(batches) == 3 == len(result.batches)
    assert {run.run_id for run, _ in batches} == {"r1"}
    assert sum(1 for _, pages in batches for p in pages if p.kind == "list") == 5
    # Counts are per batch and add up to the run's.
    assert sum(run.requests for run, _ in batches) == result.requests == 1 + 5 + 23
    assert batches[-1][0].finished_at and batches[0][0].finished_at is None


def test_pages_caps_the_initial_load(fake_portal, settings):
    fake_portal(23)
    result = crawl_latest(settings, {}, pages=2)
    assert result.pages_read == 2 and len(result.new_ids) == 10


def test_nothing_new_costs_one_list_request(fake_portal, settings):
    portal = fake_portal(23)
    result = crawl_latest(settings, known_from(portal))
    assert result.requests == 2  # robots.txt + list page 1
    assert result.new_ids == [] and portal.fetches() == []
    (run, pages), = landed(settings)[-1:]
    assert pages == [] and run.status == "ok" and run.requests == 2  # only the run record


def test_new_articles_fetched_until_a_page_is_all_known(fake_portal, settings):
    portal = fake_portal(23)
    known = known_from(portal)
    for i in (24, 25, 26):
        portal.publish(i)
    result = crawl_latest(settings, known)
    assert sorted(result.new_ids) == ["124", "125", "126"]
    assert result.pages_read == 2  # page 2 held only known articles
    assert result.requests == 1 + 2 + 3


def test_changed_entry_refetched_and_gone_recorded(fake_portal, settings):
    portal = fake_portal(23)
    known = known_from(portal)
    portal.articles[1].title = "Letter 22 (amended)"
    portal.articles[2].listed_at = "2020-02-01T00:00:00+07:00"
    portal.articles[2].gone = True  # edited, then withdrawn
    result = crawl_latest(settings, known)
    assert result.changed_ids == [portal.articles[1].article_id]
    assert result.gone_ids == [portal.articles[2].article_id]
    kinds = [p.kind for _, pages in landed(settings) for p in pages]
    assert kinds.count("gone") == 1


def test_due_for_recheck_refetched_without_reading_further(fake_portal, settings):
    portal = fake_portal(23)
    known = known_from(portal)
    stale = portal.articles[0].article_id
    known[stale] = KnownArticle(stale, portal.articles[0].title, portal.articles[0].listed_at,
                                "2020-01-01T00:00:00+00:00")
    result = crawl_latest(settings, known)
    assert result.rechecked_ids == [stale] and result.pages_read == 1


def test_pending_articles_not_refetched(fake_portal, settings):
    portal = fake_portal(12)
    crawl_latest(settings, {})
    before = len(portal.fetches())
    second = crawl_latest(settings, {})  # warehouse not loaded yet: still pending
    assert len(portal.fetches()) == before and second.new_ids == []


@pytest.mark.parametrize("batch_size", [None, 2], ids=["one range (CLI)", "DAG batches"])
def test_backfill_page_range_survives_drift(fake_portal, settings, batch_size):
    """Articles published while the range is read push entries down; none that was in
    range is missed, none is fetched twice. The DAG's batches take the CLI's path, and
    share page 1 as the request began, so drift between two batches is caught too."""
    from portal_ingest import pipeline

    portal = fake_portal(40)
    start_ids = [a.article_id for a in portal.articles[:20]]  # pages 1-4 at the start

    def publish_while_crawling(n):
        if n == 2 and len(portal.articles) == 40:
            portal.publish(41)
            portal.publish(42)

    portal.before_list = publish_while_crawling
    if batch_size is None:
        results = [backfill(settings, {}, from_page=1, to_page=4, progress=False)]
    else:
        results = [pipeline.fetch_backfill(settings, batch, run_id="bf", origin="dag:portal_backfill")
                   for batch in pipeline.plan_backfill(from_page=1, to_page=4, batch_size=batch_size)]
    counts = landed_article_ids(settings)
    assert set(start_ids) <= set(counts)  # nothing that was in range is missed
    assert set(counts.values()) == {1}  # nothing is stored twice
    assert {r.status for r in results} == {"ok"}
    assert not list(settings.state_dir.glob("*.json"))  # done: cursors cleared


class CrashingClient(PortalClient):
    """Raises Ctrl-C in the main thread when list page `crash_at` is requested."""

    crash_at = 4

    def get(self, url, **kw):
        if url.endswith(f"Page={self.crash_at}"):
            type(self).crash_at = -1
            raise KeyboardInterrupt
        return super().get(url, **kw)


def test_backfill_resumes_after_ctrl_c_without_refetching(fake_portal, settings):
    portal = fake_portal(40)
    settings = settings.with_overrides(landing_batch_size=3)
    with pytest.raises(KeyboardInterrupt):
        backfill(settings, {}, from_page=1, to_page=6, progress=False, client=CrashingClient(settings))
    assert portal.fetches()
    (cursor_file,) = settings.state_dir.glob("backfill-*.json")
    resume_at = json.loads(cursor_file.read_text())["next_page"]
    assert resume_at >= 2
    seen_before = len(portal.server.seen)
    result = backfill(settings, {}, from_page=1, to_page=6, progress=False)
    assert result.status == "ok"
    assert set(Counter(portal.fetches()).values()) == {1}  # nothing fetched twice
    assert sorted(landed_article_ids(settings)) == sorted(a.article_id for a in portal.articles[:30])
    # Resumed at the cursor (page 1 is read again only for the drift check).
    lists = [p for p, _ in portal.server.seen[seen_before:] if p.startswith("/list")]
    assert lists[0] == f"/list?Page={resume_at}"
    assert not list(settings.state_dir.glob("backfill-*.json"))


def test_backfill_by_dates_stops_when_pages_get_older(fake_portal, settings):
    portal = fake_portal(300, page_size=10)
    window = [a for a in portal.articles if a.listed_at.startswith("2020-01-10")]
    day = date(2020, 1, 10)
    result = backfill(settings, {}, since=day, until=day, progress=False)
    assert len(window) == 24 and sorted(result.new_ids) == sorted(a.article_id for a in window)
    # Newer pages are read and skipped; the first page entirely older ends it.
    assert result.pages_read == 10 + 1  # + page 1 read again for the drift check


def test_plan_page_batches():
    assert plan_page_batches(1, 10, 4, 100) == [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10]]
    assert plan_page_batches(1, 10, 1, 3) == [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10]]
    with pytest.raises(ValueError):
        plan_page_batches(5, 1, 1, 1)


def test_backfill_batch_skips_known(fake_portal, settings):
    portal = fake_portal(20)
    known = known_from(portal, skip=5)  # the first page's five are new
    result = backfill(settings, known, from_page=1, to_page=2, run_id="b1", progress=False)
    assert sorted(result.new_ids) == sorted(a.article_id for a in portal.articles[:5])
    assert result.pages_read == 2 + 1  # + page 1 again for the drift check


def test_article_out_of_retries_gets_a_second_chance(fake_portal, settings):
    portal = fake_portal(6)
    portal.flaky[portal.articles[2].article_id] = 3
    result = crawl_latest(settings.with_overrides(max_retries=1), {})
    assert result.status == "ok" and result.failed == 0
    assert len(result.new_ids) == 6 and result.retries >= 2


def test_oversized_article_cut_reported_and_not_stored(fake_portal, settings):
    portal = fake_portal(6)
    big = portal.articles[1].article_id
    portal.huge.add(big)
    result = crawl_latest(settings, {})
    assert result.status == "partial" and result.failed == 1
    assert any("ResponseTooLarge" in e and big in e for e in result.errors)
    assert big not in landed_article_ids(settings)
    run = landed(settings)[-1][0]
    assert run.failed == 1 and run.status == "partial" and run.errors


def test_links_off_the_portal_never_followed(fake_portal, settings, other_server):
    portal = fake_portal(6)
    portal.foreign_links = [f"{other_server.base_url}/a?articleID=5", "file:///etc/passwd",
                            "https://www.facebook.com/a?articleID=6", "javascript:void(0)"]
    result = crawl_latest(settings, {})
    assert result.status == "ok" and len(result.new_ids) == 6
    assert other_server.seen == []


def test_channel_list_url(settings):
    from ingest.crawl import channel_list_url

    sharepoint = settings.with_overrides(list_path="/en-us/Pages/news.aspx?Page=1")
    assert channel_list_url(sharepoint, 14).endswith("/en-us/Pages/news.aspx?ChannelId=14&Page=1")
    assert channel_list_url(settings, 14).endswith("/en-us/Pages/news.aspx?ChannelId=14&Page=1")
    assert channel_list_url(settings).endswith("/list?Page=1")

"""The crawler against the portal replica (a real HTTP server on 127.0.0.1),
with its fault injection, layouts and live changes."""

from __future__ import annotations

import time
from collections import Counter
from datetime import UTC, datetime

import pytest
from support.replica import start_replica

from ingest.crawl import backfill, crawl_latest
from ingest.http import PortalClient
from ingest.landing import KnownArticle, Landing
from transforms import parse_listing

pytestmark = pytest.mark.timeout(300)


def landed_pages(settings):
    for batch in Landing(settings.landing).pending_batches():
        yield from batch.pages()


def landed_article_ids(settings) -> Counter:
    return Counter(p.article_id for p in landed_pages(settings) if p.kind == "article")


def known_from_landing(settings) -> dict[str, KnownArticle]:
    """What the warehouse would know after loading the landing area (stands in for
    warehouse.known so these tests exercise the crawler alone)."""
    fetched = {p.article_id: p.fetched_at for p in landed_pages(settings) if p.kind == "article"}
    known = {}
    for page in landed_pages(settings):
        if page.kind != "list":
            continue
        for item in parse_listing(page.body.decode("utf-8"), page.url)["items"]:
            if item["article_id"] in fetched:
                known[item["article_id"]] = KnownArticle(item["article_id"], item["title"],
                                                         item["listed_at"], fetched[item["article_id"]])
    return known


def truth_ids(replica) -> set[str]:
    return {str(a["article_id"]) for a in replica.truth() if not a.get("withdrawn")}


@pytest.fixture
def replica_settings(make_settings):
    def make(replica, **kw):
        kw.setdefault("backoff_s", 0.05)
        kw.setdefault("backoff_max_s", 0.5)
        kw.setdefault("max_retries", 5)
        kw.setdefault("concurrency", 4)
        return make_settings(replica.base_url, **kw)

    return make


# The replica's 429/503 carry Retry-After 1-2 s, honoured host-wide: the time is nearly all
# waiting, in proportion to the size. 151 articles (eight list pages, dozens of faults at
# 30%) show "every article once despite the faults" as well as 301 did, in half the time.
@pytest.mark.slow  # ~45 s
def test_fail_rate_crawl_lands_all_151_once_then_second_crawl_costs_two(tmp_path, replica_settings):
    with start_replica(tmp_path, articles=150, seed=7, fail_rate=0.3) as replica:
        settings = replica_settings(replica)
        first = crawl_latest(settings, {})
        counts = landed_article_ids(settings)
        assert len(counts) == 151 and set(counts.values()) == {1}
        assert set(counts) == truth_ids(replica)
        assert first.status == "ok" and first.failed == 0, first.errors
        assert first.retries > 0 and replica.stats()["faults"]
        # The second run against the same (faulty) server: nothing new.
        replica.reset_stats()
        batches_before = len(first.batches)
        second = crawl_latest(settings, known_from_landing(settings))
        assert second.new_ids == [] and second.changed_ids == []
        assert second.requests - second.retries <= 2  # robots.txt + list page 1
        assert len(list(Landing(settings.landing).pending_batches())) == batches_before + 1
        last = Landing(settings.landing).pending_batches()[-1]
        assert list(last.pages()) == [] and last.run.run_id == second.run_id


def test_second_crawl_without_faults_makes_at_most_two_requests(tmp_path, replica_settings):
    with start_replica(tmp_path, articles=60, seed=3) as replica:
        settings = replica_settings(replica)
        crawl_latest(settings, {})
        replica.reset_stats()
        second = crawl_latest(settings, known_from_landing(settings))
        assert replica.stats()["total"] <= 2 and second.requests <= 2
        # A new letter on the portal: one more list page and that article.
        replica.control("publish", n=1)
        third = crawl_latest(settings, known_from_landing(settings))
        assert len(third.new_ids) == 1


def test_modern_layout_followed_through_redirects(tmp_path, replica_settings):
    with start_replica(tmp_path, articles=30, seed=5, layout="modern") as replica:
        settings = replica_settings(replica)
        result = crawl_latest(settings, {})
        assert result.status == "ok", result.errors
        pages = list(landed_pages(settings))
        articles = [p for p in pages if p.kind == "article"]
        assert {p.article_id for p in articles} == truth_ids(replica)
        assert all(p.url.endswith(".html") and f"-c{p.article_id}.html" in p.url for p in articles)
        lists = [p for p in pages if p.kind == "list"]
        assert "news.aspx" in lists[0].requested_url and "news.aspx" not in lists[0].url


def test_backfill_with_new_articles_published_mid_crawl(tmp_path, replica_settings):
    with start_replica(tmp_path, articles=200, seed=11) as replica:
        settings = replica_settings(replica)
        # Pages 1-6 (20 a page) at the start: the range must be landed, once each.
        order = sorted(replica.truth(), key=lambda a: a["listed_at"], reverse=True)
        in_range = {str(a["article_id"]) for a in order[:120]}

        class PublishingClient(PortalClient):
            def get(self, url, **kw):
                if url.endswith("Page=4"):
                    replica.control("publish", n=7)  # everything slides down 7 places
                return super().get(url, **kw)

        result = backfill(settings, {}, from_page=1, to_page=6, progress=False,
                          client=PublishingClient(settings))
        counts = landed_article_ids(settings)
        assert result.status == "ok", result.errors
        assert in_range <= set(counts)
        assert set(counts.values()) == {1}


def test_replica_crawl_delay_honoured(tmp_path, replica_settings):
    with start_replica(tmp_path, articles=20, seed=2, crawl_delay=0.5) as replica:
        settings = replica_settings(replica, max_rps=0)
        with PortalClient(settings) as client:
            start = time.monotonic()
            for n in (1, 1, 1):
                client.get(f"/en-us/Pages/news.aspx?Page={n}")
            elapsed = time.monotonic() - start
        assert client.crawl_delay == 0.5 and elapsed >= 1.0


def test_fetched_pages_stored_as_fetched(tmp_path, replica_settings):
    with start_replica(tmp_path, articles=5, seed=2) as replica:
        settings = replica_settings(replica)
        crawl_latest(settings, {})
        page = next(p for p in landed_pages(settings) if p.kind == "article")
        status, headers, body = replica.get(page.url)
        assert page.http_status == 200 and page.headers["Content-Type"].startswith("text/html")
        assert datetime.fromisoformat(page.fetched_at).tzinfo is not None
        assert datetime.fromisoformat(page.fetched_at) <= datetime.now(UTC)
        assert len(page.content_sha256) == 64 and page.body[:15] == body[:15]


def test_backfill_past_the_last_page_ends_cleanly_with_progress(tmp_path, replica_settings, capsys):
    with start_replica(tmp_path, articles=30, seed=4, layout="modern") as replica:
        settings = replica_settings(replica)
        result = backfill(settings, {}, from_page=1, to_page=5, progress=True)
        assert result.status == "ok", result.errors
        assert len(result.new_ids) == 31
        err = capsys.readouterr().err
        assert "backfill" in err and "page" in err and "articles=31" in err

"""The initial load resumed after a crash, quarantined articles fetched again, and
the bounded recheck of known articles no list shows (scripted JSON portal)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from ingest.crawl import backfill, crawl_latest
from ingest.http import PortalClient
from ingest.landing import KnownArticle, Landing


def _landed_ids(settings) -> Counter:
    landing = Landing(settings.landing)
    return Counter(p.article_id for b in landing.pending_batches() for p in b.pages() if p.kind == "article")


def _known(portal, ids, *, days_ago: float = 0.0) -> dict[str, KnownArticle]:
    at = (datetime.now(UTC) - timedelta(days=days_ago)).isoformat()
    by_id = {a.article_id: a for a in portal.articles}
    return {i: KnownArticle(i, by_id[i].title, by_id[i].listed_at, at,
                            url=f"{portal.server.base_url}/a?articleID={i}") for i in ids}


def _load_all(settings) -> set[str]:
    """What the loader does for the crawler's view: pending batches become known."""
    landing = Landing(settings.landing)
    ids = set()
    for batch in landing.pending_batches():
        ids |= {p.article_id for p in batch.pages() if p.kind == "article"}
        landing.mark_loaded(batch)
    return ids


@pytest.fixture
def settings(scripted, make_settings):
    return make_settings(scripted.base_url, list_path="/list?Page=1", landing_batch_size=3)


class CrashingClient(PortalClient):
    """Ctrl-C in the main thread when list page `crash_at` is requested."""

    crash_at = 5

    def get(self, url, **kw):
        if url.endswith(f"Page={self.crash_at}"):
            raise KeyboardInterrupt
        return super().get(url, **kw)


def test_interrupted_initial_load_resumes_although_page_1_is_known(fake_portal, settings):
    portal = fake_portal(40)  # 8 pages of 5
    with pytest.raises(KeyboardInterrupt):
        crawl_latest(settings, {}, client=CrashingClient(settings))
    (cursor_file,) = settings.state_dir.glob("crawl-*.json")
    cursor = json.loads(cursor_file.read_text())
    assert cursor["mode"] == "initial" and 2 <= cursor["next_page"] <= 5
    stored = _load_all(settings)
    assert 0 < len(stored) < 40
    known = _known(portal, stored)
    seen_before = len(portal.server.seen)
    result = crawl_latest(settings, known)
    assert result.status == "ok"
    assert stored | set(result.new_ids) == {a.article_id for a in portal.articles}
    assert set(Counter(portal.fetches()).values()) == {1}  # nothing fetched twice
    lists = [p for p, _ in portal.server.seen[seen_before:] if p.startswith("/list")]
    # page 1 again (new entries), then from one page before the cursor
    assert lists[0] == "/list?Page=1"
    assert lists[1] == f"/list?Page={max(2, cursor['next_page'] - 1)}"
    assert not list(settings.state_dir.glob("crawl-*.json"))  # done: cursor cleared
    # and the next run is an ordinary incremental one
    known.update(_known(portal, _load_all(settings)))
    assert crawl_latest(settings, known).requests == 2


def test_capped_initial_load_is_continued_by_the_next_crawl(fake_portal, settings):
    portal = fake_portal(23)
    crawl_latest(settings, {}, pages=2)
    known = _known(portal, _load_all(settings))
    assert len(known) == 10
    result = crawl_latest(settings, known)
    assert len(known) + len(result.new_ids) == 23
    assert not list(settings.state_dir.glob("crawl-*.json"))


def test_quarantined_known_article_is_fetched_again(fake_portal, settings):
    portal = fake_portal(12)
    known = _known(portal, [a.article_id for a in portal.articles])
    bad = portal.articles[1].article_id
    known[bad] = replace(known[bad], quarantined=True)
    result = crawl_latest(settings, known)
    assert result.rechecked_ids == [bad] and result.pages_read == 1
    _load_all(settings)  # (still quarantined, say the layout is still unknown)
    result = backfill(settings, known, from_page=1, to_page=3, progress=False)
    assert result.rechecked_ids == [bad] and result.new_ids == []


def test_unlisted_known_articles_rechecked_within_budget(fake_portal, settings):
    portal = fake_portal(12)
    known = _known(portal, [a.article_id for a in portal.articles])
    # Withdrawn: answers 410 and left every list; fetched long ago.
    gone = portal.articles[7]
    portal.articles.remove(gone)
    known[gone.article_id] = replace(known[gone.article_id], last_fetched_at="2020-01-01T00:00:00+00:00")
    # Three more due for a recheck, on page 2 (not read: page 1 holds nothing new).
    old = (datetime.now(UTC) - timedelta(days=30)).isoformat()
    stale = [a.article_id for a in portal.articles[6:9]]
    for i in stale:
        known[i] = replace(known[i], last_fetched_at=old)
    result = crawl_latest(settings.with_overrides(recheck_budget=2), known)
    assert result.pages_read == 1
    assert result.gone_ids == [gone.article_id]  # oldest fetch first
    assert len(result.rechecked_ids) == 1 and result.rechecked_ids[0] in stale
    assert result.requests == 2 + 2  # robots.txt, page 1, the budget
    # nothing due: page 1 only
    fresh = _known(portal, [a.article_id for a in portal.articles])
    assert crawl_latest(settings, fresh).requests == 2

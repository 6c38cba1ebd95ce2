"""`ingest.watch.PageWatcher`, the triggerer's asynchronous poll, keeps the crawler's
manners against the real replica: robots.txt obeyed (and its Crawl-delay reported),
ids of the listed articles, nothing off the host."""

from __future__ import annotations

import asyncio

import pytest

import transforms
from ingest.config import Settings
from ingest.watch import PageWatcher, WatchError, linked_article_ids

LIST = "/en-us/Pages/news.aspx?Page=1"


def _poll_twice(settings: Settings, url: str):
    async def run():
        async with PageWatcher(settings, url) as watcher:
            return await watcher.poll(), await watcher.poll(), watcher.min_interval

    return asyncio.run(run())


def test_polls_list_the_articles_and_report_the_crawl_delay(replica_factory):
    replica = replica_factory(articles=30, seed=31, crawl_delay=0.5)
    first, second, delay = _poll_twice(Settings(base_url=replica.base_url), replica.base_url + LIST)
    # The crawler's parser reads the same page: every item it lists is found, and the
    # newest id (what the watermark compares) is the same.
    status, _, body = replica.get(LIST)
    items = [str(i["article_id"]) for i in transforms.parse_listing(body, replica.base_url + LIST)["items"]]
    assert status == 200 and items and set(items) <= set(first.ids)
    assert max(map(int, first.ids)) == max(map(int, items))
    # List pages carry no ETag/Last-Modified (like the real SharePoint): no 304, same ids.
    assert second.ids == first.ids
    assert delay == 0.5  # robots.txt's Crawl-delay spaces the polls out


def test_robots_disallow_is_obeyed(replica_factory):
    replica = replica_factory(articles=5, seed=32)

    async def run():
        async with PageWatcher(Settings(base_url=replica.base_url), replica.base_url + "/__replica__/stats") as w:
            await w.poll()

    with pytest.raises(WatchError, match="robots.txt disallows"):
        asyncio.run(run())


def test_links_off_the_host_are_not_ids():
    body = (b'<a href="/en-us/Pages/Article.aspx?ChannelId=14&amp;articleID=02731">a</a>'
            b'<a href="http://elsewhere.example/Article.aspx?articleID=9999">b</a>'
            b'<a href="Article.aspx?ChannelId=14&articleID=2731">again</a>')
    assert linked_article_ids(body, "http://127.0.0.1:8765/en-us/Pages/news.aspx?Page=1") == ["2731"]

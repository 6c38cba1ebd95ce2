"""Tiny scripted HTTP servers on 127.0.0.1 for the client's behaviours that the
replica cannot easily be made to show (each test scripts its own routes)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from support.scripted import ScriptedServer, serve

from ingest.config import Settings


@pytest.fixture
def scripted() -> Iterator[ScriptedServer]:
    yield from serve(ScriptedServer())


@pytest.fixture
def other_server() -> Iterator[ScriptedServer]:
    yield from serve(ScriptedServer())


@pytest.fixture
def make_settings(tmp_path) -> Callable[..., Settings]:
    """Settings for tests: no rate limit, quick backoff, files under tmp_path."""

    def make(base_url: str, **kw) -> Settings:
        defaults = dict(
            base_url=base_url,
            duckdb_path=tmp_path / "portal.duckdb",
            max_rps=0,
            backoff_s=0.01,
            backoff_max_s=0.05,
            max_retries=3,
            timeout_s=5,
        )
        defaults.update(kw)
        return Settings(**defaults)

    return make


@dataclass
class FakeArticle:
    article_id: str
    title: str
    listed_at: str
    gone: bool = False


class FakePortal:
    """A portal whose list pages are JSON (read by a stand-in for parse_listing),
    so crawl logic can be tested for drift and edits without the replica."""

    def __init__(self, server: ScriptedServer, count: int, page_size: int = 5):
        self.server = server
        self.page_size = page_size
        # Newest first: id count+100 down to 101, one hour apart.
        self.articles = [self.make(i) for i in range(count, 0, -1)]
        self.before_list: Callable[[int], None] | None = None
        self.flaky: dict[str, int] = {}  # article id -> 503s still to answer
        self.huge: set[str] = set()  # article ids answered with 6 MiB
        self.foreign_links: list[str] = []  # extra list entries pointing off the portal
        server.fallback = self.route

    @staticmethod
    def make(i: int) -> FakeArticle:
        day, hour = divmod(i, 24)  # one an hour from 2020-01-01
        return FakeArticle(str(100 + i), f"Letter {i}",
                           f"2020-{1 + day // 28:02d}-{1 + day % 28:02d}T{hour:02d}:00:00+07:00")

    def publish(self, i: int) -> None:
        self.articles.insert(0, self.make(i))

    def route(self, handler):
        from urllib.parse import parse_qs, urlsplit

        parts = urlsplit(handler.path)
        query = parse_qs(parts.query)
        if parts.path == "/list":
            n = int(query["Page"][0])
            if self.before_list:
                self.before_list(n)
            chunk = self.articles[(n - 1) * self.page_size : n * self.page_size]
            has_next = n * self.page_size < len(self.articles)
            body = {
                "items": [
                    {"url": f"/a?articleID={a.article_id}", "article_id": a.article_id,
                     "title": a.title, "listed_at": a.listed_at}
                    for a in chunk
                ] + [{"url": u, "article_id": "999", "title": "x", "listed_at": None}
                     for u in (self.foreign_links if n == 1 else [])],
                "next_page": f"/list?Page={n + 1}" if has_next else None,
            }
            return 200, {"Content-Type": "application/json"}, json.dumps(body).encode()
        if parts.path == "/a":
            art = next((a for a in self.articles if a.article_id == query["articleID"][0]), None)
            if art is None or art.gone:
                return 410, {}, b"gone"
            if self.flaky.get(art.article_id):
                self.flaky[art.article_id] -= 1
                return 503, {}, b"busy"
            if art.article_id in self.huge:
                return 200, {}, b"x" * (6 * 1024 * 1024)
            return 200, {"Content-Type": "text/html; charset=utf-8"}, f"<h1>{art.title}</h1>".encode()
        return 404, {}, b""

    def fetches(self) -> list[str]:
        """Article ids requested so far, in order."""
        return [p.split("=")[-1] for p, _ in self.server.seen if p.startswith("/a?")]


def _json_listing(html: str, url: str) -> dict:
    from urllib.parse import urljoin

    data = json.loads(html)
    for item in data["items"]:
        item["url"] = urljoin(url, item["url"])
    if data["next_page"]:
        data["next_page"] = urljoin(url, data["next_page"])
    return {"kind": "list", "url": url, **data}


@pytest.fixture
def fake_portal(scripted, monkeypatch) -> Callable[..., FakePortal]:
    monkeypatch.setattr("ingest.listing._parse_listing", _json_listing)
    return lambda count, page_size=5: FakePortal(scripted, count, page_size)

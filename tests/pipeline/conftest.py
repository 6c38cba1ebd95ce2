"""A small portal on 127.0.0.1 serving a real example article and UTF-8 list pages
labelled windows-1252 that link articles by zero-padded ids (the portal's quirks
the composed steps must agree on)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from support.scripted import ScriptedServer, serve

from ingest.config import Settings

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
ARTICLE = (EXAMPLES / "articles" / "sample-article-2718.html").read_bytes()


def list_page(ids: list[str]) -> bytes:
    """A UTF-8 list page (Vietnamese titles) linking articles by zero-padded ids."""
    items = "".join(
        f'<div class="news-item"><a class="title" href="/en-us/Pages/Article.aspx?ChannelId=14&amp;articleID={i}">'
        f"Hưng Yên: letter {int(i)} on administrative reform</a>"
        f'<span class="date">(09/10/2020 4:{int(i) % 60:02d} CH)</span></div>'
        for i in ids
    )
    return (
        "<html><head><title>Tin tức - Hưng Yên</title></head><body>"
        f'<div id="main"><div class="news-list">{items}</div></div></body></html>'
    ).encode()


@dataclass
class MiniPortal:
    server: ScriptedServer
    ids: list[str] = field(default_factory=lambda: ["02718", "02731", "02722"])
    # What the server says the list pages are: UTF-8 bytes labelled windows-1252.
    list_charset: str = "windows-1252"

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def seen(self) -> list[str]:
        return [path for path, _ in self.server.seen]

    def clear(self) -> None:
        self.server.seen.clear()

    def articles_fetched(self) -> list[str]:
        return [p for p in self.seen if "Article.aspx" in p]

    def route(self, handler) -> tuple[int, dict[str, str], bytes]:
        if handler.path.startswith("/en-us/Pages/news.aspx"):
            return 200, {"Content-Type": f"text/html; charset={self.list_charset}"}, list_page(self.ids)
        if handler.path.startswith("/en-us/Pages/Article.aspx"):
            return 200, {"Content-Type": "text/html; charset=utf-8"}, ARTICLE
        return 404, {"Content-Type": "text/plain"}, b"not found"


@pytest.fixture
def mini_portal() -> Iterator[MiniPortal]:
    for server in serve(ScriptedServer()):
        portal = MiniPortal(server)
        server.fallback = portal.route
        yield portal


@pytest.fixture
def portal_settings(tmp_path, mini_portal) -> Settings:
    return Settings(base_url=mini_portal.base_url, duckdb_path=tmp_path / "portal.duckdb", max_rps=0,
                    backoff_s=0.01, backoff_max_s=0.05, max_retries=2, timeout_s=5)

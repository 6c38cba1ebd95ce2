"""A small portal on 127.0.0.1 serving real example pages, for the composed steps."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

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
    ids: list[str]
    # What the server says the list pages are: UTF-8 bytes labelled windows-1252.
    list_charset: str = "windows-1252"
    seen: list[str] = field(default_factory=list)
    base_url: str = ""

    def articles_fetched(self) -> list[str]:
        return [p for p in self.seen if "Article.aspx" in p]


@pytest.fixture
def mini_portal() -> Iterator[MiniPortal]:
    portal = MiniPortal(ids=["02718", "02731", "02722"])

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_GET(self):
            portal.seen.append(self.path)
            if self.path.startswith("/en-us/Pages/news.aspx"):
                status, ctype, body = 200, f"text/html; charset={portal.list_charset}", list_page(portal.ids)
            elif self.path.startswith("/en-us/Pages/Article.aspx"):
                status, ctype, body = 200, "text/html; charset=utf-8", ARTICLE
            else:
                status, ctype, body = 404, "text/plain", b"not found"
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    portal.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield portal
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def portal_settings(tmp_path, mini_portal) -> Settings:
    return Settings(base_url=mini_portal.base_url, duckdb_path=tmp_path / "portal.duckdb", max_rps=0,
                    backoff_s=0.01, backoff_max_s=0.05, max_retries=2, timeout_s=5)


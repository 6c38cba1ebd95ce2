"""The bad-input corpus: pages a bad day on a real server serves.

Each entry: name -> (body bytes, response headers). Built from the real 2718
sample so everything around the fault is what the parser knows.
"""

from __future__ import annotations

import random

from .helpers import sample_article

MIB = 1024 * 1024
CP1252_TITLE = "Hung Yen Province\u2019s plan on \u201cclean\u201d rice \u2013 2021"


def _html_headers(charset: str | None = "utf-8") -> dict[str, str]:
    return {"Content-Type": "text/html" + (f"; charset={charset}" if charset else "")}


def empty() -> tuple[bytes, dict]:
    return b"", _html_headers()


def huge(size: int = 6 * MIB) -> tuple[bytes, dict]:
    page = sample_article(9002, "A page of six mebibytes")
    filler = b"<p>" + b"Filler sentence of a very long page. " * 50 + b"</p>\n"
    cut = page.index(b"</div>\n      <div class=\"article-tools\">")
    body = page[:cut] + filler * ((size - len(page)) // len(filler) + 1) + page[cut:]
    return body, _html_headers()


def truncated() -> tuple[bytes, dict]:
    page = sample_article(9003, "A page cut in the middle")
    return page[: len(page) // 2], _html_headers()


def pdf() -> tuple[bytes, dict]:
    rng = random.Random(9004)
    body = (
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Length 4096 /Filter /FlateDecode >>\nstream\n"
        + bytes(rng.randrange(256) for _ in range(4096))
        + b"\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )
    return body, _html_headers()


def _cp1252_page(article_id: int, declare: str | None) -> bytes:
    html = sample_article(article_id, CP1252_TITLE).decode("utf-8")
    if declare is None:
        html = html.replace('  <meta http-equiv="Content-Type" content="text/html; charset=utf-8" />\n', "")
    else:
        html = html.replace("charset=utf-8", f"charset={declare}")
    return html.encode("cp1252", "xmlcharrefreplace")


def wrong_charset() -> tuple[bytes, dict]:
    """windows-1252 bytes that claim to be UTF-8 (meta and header)."""
    return _cp1252_page(9005, "utf-8"), _html_headers("utf-8")


def missing_charset() -> tuple[bytes, dict]:
    """windows-1252 bytes with no charset anywhere."""
    return _cp1252_page(9006, None), _html_headers(None)


def nested(depth: int = 10_000) -> tuple[bytes, dict]:
    page = sample_article(9007, "A page nested ten thousand deep").decode("utf-8")
    start = page.index('<div class="article-detail">')
    body = page[:start] + "<div>" * depth + page[start:]
    end = body.index('<div class="col-right">')
    body = body[:end] + "</div>" * depth + body[end:]
    return body.encode("utf-8"), _html_headers()


CORPUS = {
    "empty": empty,
    "huge": huge,
    "truncated": truncated,
    "pdf": pdf,
    "wrong_charset": wrong_charset,
    "missing_charset": missing_charset,
    "nested": nested,
}
IDS = {"empty": 9001, "huge": 9002, "truncated": 9003, "pdf": 9004, "wrong_charset": 9005,
       "missing_charset": 9006, "nested": 9007}

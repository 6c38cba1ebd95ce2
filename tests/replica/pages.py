"""Reading the replica's pages in tests: links, list items, visible text."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urljoin, urlsplit

from bs4 import BeautifulSoup

LIST_STAMP = re.compile(r"^\((\d\d)/(\d\d)/(\d{4}) (\d{1,2}):(\d\d) (SA|CH)\)$")


def soup(body: bytes) -> BeautifulSoup:
    return BeautifulSoup(body, "html.parser")


def visible_text(body: bytes) -> str:
    """The page text with whitespace collapsed, as a browser would show it."""
    return " ".join(soup(body).get_text(" ").split())


def article_id(url: str) -> int | None:
    parts = urlsplit(url)
    query = {k.lower(): v for k, v in parse_qsl(parts.query)}
    if "articleid" in query:
        return int(query["articleid"])
    match = re.search(r"-c(\d+)\.html$", parts.path)
    return int(match[1]) if match and int(match[1]) >= 1000 else None


def list_items(body: bytes, page_url: str) -> list[tuple[int, str, str]]:
    """(article id, absolute url, timestamp text) of a sharepoint list page."""
    items = []
    for item in soup(body).select("div.news-item"):
        link = item.select_one("a.title")
        stamp = item.select_one("span.date").get_text(strip=True)
        url = urljoin(page_url, link["href"])
        items.append((article_id(url), url, stamp))
    return items


def next_link(body: bytes, page_url: str) -> str | None:
    for link in soup(body).find_all("a"):
        if link.get_text(strip=True).startswith("Next"):
            return urljoin(page_url, link["href"])
    return None

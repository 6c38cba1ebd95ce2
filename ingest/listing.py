"""List pages: fetch one, store it as fetched, and turn it into list entries.

Parsing is `transforms.parse_listing` (CONTRACT.md `parse-list`); this module
only adds the crawler's view: entries keyed by article id, portal links only,
and the rules that say whether an entry needs fetching.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ingest.errors import ParserMissing
from ingest.http import PortalClient
from ingest.landing import FetchedPage, KnownArticle
from ingest.urls import canonicalise, same_host
from transforms.dates import parse_instant as instant
from transforms.urls import article_id


@dataclass(frozen=True)
class ListEntry:
    """One article as a list page shows it."""

    article_id: str
    url: str
    title: str | None
    listed_at: str | None  # ISO 8601 with offset, or None


@dataclass
class ListPage:
    url: str  # where the page was found (after redirects)
    page: int
    entries: list[ListEntry]
    next_page: str | None
    stored: FetchedPage
    kept: bool = False  # already handed to the landing area


def _parse_listing(body: bytes, url: str) -> dict:
    """The loader's parser on the bytes as fetched: one decoder (`transforms.decode`,
    the page's own declaration, UTF-8 sniffed) for the crawler and the warehouse, so
    both see the same titles. The HTTP charset header is not trusted: portals lie."""
    try:
        from transforms import parse_listing
    except ImportError as exc:
        raise ParserMissing(url, "transforms.parse_listing is not available") from exc
    return parse_listing(body, url)


def read_list_page(client: PortalClient, url: str, page: int) -> ListPage:
    """Fetch and parse one list page. Raises the client's typed errors."""
    # Unconditional: a 304 would leave us without the entries to read.
    response = client.get(url, conditional=False)
    stored = response.landed("list", None, page)
    if response.status != 200:
        return ListPage(response.url, page, [], None, stored)
    parsed = _parse_listing(response.body, response.url)
    entries: list[ListEntry] = []
    ids: set[str] = set()
    for item in parsed.get("items") or []:
        item_url = canonicalise(item.get("url") or "", response.url)
        if not same_host(item_url, client.base_url):
            continue  # the parser keeps portal articles only; this is a second lock
        item_id = item.get("article_id") or article_id(item_url)
        if not item_id or item_id in ids:
            continue
        ids.add(item_id)
        entries.append(ListEntry(str(item_id), item_url, item.get("title"), item.get("listed_at")))
    next_url = parsed.get("next_page")
    next_url = canonicalise(next_url, response.url) if next_url else None
    return ListPage(response.url, page, entries, next_url, stored)


# -- what an entry needs -----------------------------------------------------------------
def _same_title(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return True  # nothing to compare: not a sign of change
    return " ".join(a.split()) == " ".join(b.split())


def _same_time(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return True
    ta, tb = instant(a), instant(b)
    if ta is None or tb is None:
        return a.strip() == b.strip()
    return ta == tb


def entry_changed(entry: ListEntry, known: KnownArticle) -> bool:
    """The list shows an edit: another title or another listing time."""
    return not (_same_title(entry.title, known.title) and _same_time(entry.listed_at, known.listed_at))


def due_for_recheck(known: KnownArticle, now: datetime, recheck_days: float) -> bool:
    last = instant(known.last_fetched_at)
    if last is None:
        return True
    return now - last >= timedelta(days=recheck_days)


def listed_on(entry: ListEntry) -> date | None:
    """The day the list shows, in portal time (the stamp's own offset)."""
    when = instant(entry.listed_at)
    return when.date() if when else None


def decide(entry: ListEntry, known: Mapping[str, KnownArticle], now: datetime,
           recheck_days: float) -> str | None:
    """Why to fetch an entry: "new", "changed", "recheck", or None to leave it."""
    k = known.get(entry.article_id)
    if k is None:
        return "new"
    if entry_changed(entry, k):
        return "changed"
    if k.withdrawn or k.quarantined or due_for_recheck(k, now, recheck_days):
        # Withdrawn but listed: see whether it is back (or still gone).
        # Quarantined (its page did not parse, e.g. mid-redesign): try again.
        return "recheck"
    return None

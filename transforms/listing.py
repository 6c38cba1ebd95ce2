"""parse_listing: one list page into its article items and the next page's URL.

Items are found by what they are, not by class names: links to article-shaped
URLs of the same portal outside the page chrome (menus, breadcrumbs, sidebars,
"Latest new" boxes, pagination).
"""

from __future__ import annotations

from lxml import etree

from .decode import decode_html
from .layouts.generic import is_chrome, latest_boxes
from .records import ListRecord
from .related import article_links
from .text import clean
from .tree import absolute, page_base, parse_html, same_site, text_of
from .urls import is_article_url, page_number, same_list

_NEXT_WORDS = {"next", "next >", "next »", "next page", ">", "»", "›", "tiếp", "sau", "trang sau", "next>>", "next ›"}


def parse_listing(html: bytes | str | None, url: str | None) -> ListRecord:
    url = url or ""
    text, _ = decode_html(html)
    # Exactly the contract's keys: list records carry no warnings field.
    record: ListRecord = {"kind": "list", "url": url, "items": [], "next_page": None}
    if not text.strip():
        return record
    root = parse_html(text)
    base = page_base(url, _canonical(root))
    record["next_page"] = next_page(root, base)  # before chrome (pagination) is stripped
    content, menu_urls = _strip_chrome(root, base)
    items = [item for item in article_links(content, base) if item.url not in menu_urls]
    record["items"] = [
        {"url": item.url, "article_id": item.article_id, "title": item.title or None, "listed_at": item.listed_at}
        for item in items
    ]
    return record


def _strip_chrome(root: etree._Element, base: str) -> tuple[etree._Element, set[str]]:
    """<body> without menus, sidebars and the Latest-new box (removed in place), and
    the URLs of the menus: a `-c14.html` channel link has an article's shape, but a
    link the site menu carries is a channel, wherever else it appears."""
    body = root.find("body")
    if body is None:
        body = root
    # A "Latest news" sidebar is not this page's list -- unless it holds most of the
    # page's article links, when it is the list itself (the home page's "Latest news").
    total = _article_link_count(body)
    latest = [box for box in latest_boxes(root) if _article_link_count(box) * 2 < total]
    doomed = [el for el in body.iter() if isinstance(el.tag, str) and (el in latest or (is_chrome(el) and not _is_the_list(el, total)))]
    menu_urls = {
        url
        for el in doomed
        if not any(_inside(box, el) or _inside(el, box) for box in latest)
        for a in el.iter("a")
        if (url := absolute(a.get("href"), base))
    }
    for el in doomed:
        parent = el.getparent()
        if parent is not None and el.getparent() is not None:
            tail = el.tail
            parent.remove(el)
            if tail:  # keep following text (e.g. a stamp) attached
                previous = parent[-1] if len(parent) else None
                if previous is not None:
                    previous.tail = (previous.tail or "") + tail
                else:
                    parent.text = (parent.text or "") + tail
    return body, menu_urls


def _is_the_list(el: etree._Element, total: int) -> bool:
    """A box named like a sidebar ("latest-news") that holds most of the page's article links is the list."""
    if el.tag in ("nav", "header", "footer"):
        return False
    count = _article_link_count(el)
    return count >= 2 and count * 2 > total


def _article_link_count(el: etree._Element) -> int:
    return sum(1 for a in el.iter("a") if is_article_url(a.get("href") or ""))


def _inside(el: etree._Element | None, container: etree._Element) -> bool:
    while el is not None:
        if el is container:
            return True
        el = el.getparent()
    return False


def next_page(root: etree._Element, base: str) -> str | None:
    """The link to the page after this one, or None on the last page."""
    current = page_number(base) or 1
    by_number: str | None = None
    by_word: str | None = None
    for anchor in root.iter("a"):
        url = absolute(anchor.get("href"), base)
        if url is None or not same_site(url, base):
            continue
        label = clean(text_of(anchor) or anchor.get("title") or anchor.get("aria-label") or "").lower()
        rel = (anchor.get("rel") or "").lower()
        number = page_number(url)
        if number is None or (base and not same_list(url, base) and by_word is None and rel != "next"):
            if rel == "next" or label in _NEXT_WORDS:
                by_word = by_word or url
            continue
        if number == current + 1 and by_number is None:
            by_number = url
        if (rel == "next" or label in _NEXT_WORDS) and number > current:
            by_word = by_word or url
    return by_word or by_number


def _canonical(root: etree._Element) -> str:
    for el in root.iter("link"):
        if (el.get("rel") or "").lower() == "canonical" and el.get("href"):
            return el.get("href").strip()
    return ""

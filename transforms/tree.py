"""HTML to an lxml tree, and the small tree helpers every layout uses."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from .text import clean

_PARSER = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
_EMPTY = "<html><head></head><body></body></html>"
# Never page content.
SKIP_TAGS = {"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "select", "option", "button", "input", "textarea", "head", "title", "meta", "link"}
BLOCK_TAGS = {
    "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "table", "tr", "td", "th", "tbody", "thead",
    "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "section", "article", "main", "aside",
    "header", "footer", "nav", "form", "center", "pre", "hr", "address", "figure", "figcaption",
}


def parse_html(text: str) -> etree._Element:
    """Any text to a tree with <html>, <head>, <body>; never raises."""
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8", "replace"), parser=_PARSER)
    except (etree.ParserError, ValueError, etree.XMLSyntaxError):
        root = lxml.html.document_fromstring(_EMPTY)
    if root is None:
        root = lxml.html.document_fromstring(_EMPTY)
    return root


def elements(root: etree._Element) -> Iterator[etree._Element]:
    """Real elements only (lxml also yields comments and entities)."""
    for el in root.iter():
        if isinstance(el.tag, str):
            yield el


def has_class(el: etree._Element, *names: str) -> bool:
    classes = (el.get("class") or "").split()
    return any(name in classes for name in names)


_INDEX = threading.local()
_HAS_CLASS = etree.XPath("descendant-or-self::*[@class]")


def _class_index(root: etree._Element) -> dict[str, etree._Element]:
    """class token -> first element carrying it, built once per tree (one C-level XPath)."""
    cached = getattr(_INDEX, "value", None)
    if cached is not None and cached[0] is root:
        return cached[1]
    index: dict[str, etree._Element] = {}
    for el in _HAS_CLASS(root):
        for token in el.get("class", "").split():
            index.setdefault(token, el)
    _INDEX.value = (root, index)
    return index


def find_by_class(root: etree._Element, *names: str) -> etree._Element | None:
    """The first element (document order) carrying any of the class names."""
    index = _class_index(root)
    found = [index[name] for name in names if name in index]
    if len(found) <= 1:
        return found[0] if found else None
    order = {el: i for i, el in enumerate(root.iter())}
    return min(found, key=lambda el: order.get(el, 0))


def text_of(el: etree._Element | None) -> str:
    """Visible text inside an element (not its tail), whitespace collapsed.

    Iterative (iterwalk), so absurdly deep fuzzed markup cannot hit the recursion limit.
    """
    if el is None or not isinstance(el.tag, str):
        return ""
    parts: list[str] = []
    walker = etree.iterwalk(el, events=("start", "end"))
    for event, node in walker:
        skipped = not isinstance(node.tag, str) or node.tag.lower() in SKIP_TAGS
        if event == "start":
            if skipped:
                walker.skip_subtree()
            elif node.text:
                parts.append(node.text)
        else:
            if node is not el and node.tail:
                parts.append(node.tail)
            if node.tag in ("br", "p", "div", "li") or (isinstance(node.tag, str) and node.tag in BLOCK_TAGS):
                parts.append(" ")
    return clean(" ".join(parts))


def meta(root: etree._Element, *keys: str) -> str | None:
    """content of <meta property|name=key> (first key that has one)."""
    wanted = [k.lower() for k in keys]
    found: dict[str, str] = {}
    for el in root.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        if key in wanted and key not in found and el.get("content"):
            found[key] = el.get("content")
    for key in wanted:
        if found.get(key):
            return clean(found[key])
    return None


@dataclass(frozen=True)
class Link:
    url: str
    text: str
    element: etree._Element


def absolute(href: str | None, base: str) -> str | None:
    """Absolute http(s) URL for href, or None for javascript:, mailto:, anchors, junk."""
    if not href:
        return None
    href = clean(href)
    lowered = href.lower()
    if not href or lowered.startswith(("javascript:", "mailto:", "tel:", "data:", "#", "about:", "ftp:")):
        return None
    try:
        url = urljoin(base, href) if base else href
        parts = urlsplit(url)
    except ValueError:
        return None
    if base and parts.scheme not in ("http", "https", urlsplit(base).scheme):
        return None
    return parts._replace(fragment="").geturl()


def page_base(url: str, own_url: str) -> str:
    """What relative links resolve against: the caller's http(s) URL, else the page's
    own canonical address, else whatever was given (a file: URL from the CLI)."""
    if url.lower().startswith(("http://", "https://")):
        return url
    return own_url if own_url.lower().startswith(("http://", "https://")) else (url or own_url)


def same_site(url: str, base: str) -> bool:
    """Is url on the portal we are reading (base's host, www. ignored)?"""
    try:
        host, base_host = urlsplit(url).hostname, urlsplit(base).hostname
    except ValueError:
        return False
    if not base_host:
        return not host  # no base known: only relative links are surely ours
    strip = lambda h: (h or "").lower().removeprefix("www.")  # noqa: E731
    return strip(host) == strip(base_host)

"""Links of a "Latest new" box or a list page: portal articles with their stamps."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from .dates import iso_datetime, parse_iso_datetime, parse_stamp
from .text import clean
from .tree import absolute, same_site, text_of
from .urls import article_id, is_article_url

_ITEM_TAGS = {"li", "tr", "article", "div", "p", "dd", "dt", "section"}


@dataclass
class LinkItem:
    url: str
    article_id: str | None
    title: str
    listed_at: str | None


def article_links(container: etree._Element | None, base: str, exclude_id: str | None = None) -> list[LinkItem]:
    """Article links in container, absolute, same site, once each (first wins, fuller title kept)."""
    if container is None:
        return []
    found: dict[str, LinkItem] = {}
    for anchor in container.iter("a"):
        url = absolute(anchor.get("href"), base)
        if url is None or not same_site(url, base):
            continue
        ident = article_id(url)
        if ident is None or not is_article_url(url):
            continue
        if ident is not None and ident == exclude_id:
            continue
        key = ident or url
        title = text_of(anchor) or clean(anchor.get("title"))
        attr = clean(anchor.get("title"))
        if attr and len(attr) > len(title) and not attr.endswith("..."):
            title = attr
        stamp = listed_at(anchor, container)
        if key in found:
            item = found[key]
            if len(title) > len(item.title):
                item.title = title
            item.listed_at = item.listed_at or stamp
            continue
        found[key] = LinkItem(url, ident, title, stamp)
    return list(found.values())


def listed_at(anchor: etree._Element, container: etree._Element) -> str | None:
    """The stamp after a link: `(13/10/2020 4:58 CH)` text or a <time datetime>."""
    texts = [anchor.tail or ""]
    for sibling in anchor.itersiblings():
        if sibling.tag == "a" and sibling.get("href"):
            break
        found = _time_in(sibling)
        if found:
            return found
        texts.append(text_of(sibling))
        texts.append(sibling.tail or "")
    stamp = parse_stamp(" ".join(texts))
    if stamp:
        return iso_datetime(stamp)
    # the stamp may sit elsewhere in the item (<div class=item><h3><a/></h3><span>(...)</span></div>)
    item = anchor.getparent()
    while item is not None and item is not container and item.tag not in _ITEM_TAGS:
        item = item.getparent()
    if item is None or item is container:
        return None
    if sum(1 for a in item.iter("a") if a.get("href") and is_article_url(a.get("href"))) > 2:
        return None  # not one item's box
    found = _time_in(item)
    if found:
        return found
    # not the link's own words: a summary may say "from 00:00 on April 23, 2020"
    stamp = parse_stamp(text_of(item).replace(text_of(anchor), " ", 1))
    return iso_datetime(stamp) if stamp else None


def _time_in(el: etree._Element) -> str | None:
    if not isinstance(el.tag, str):
        return None
    for time_el in el.iter("time"):
        _, moment = parse_iso_datetime(time_el.get("datetime"))
        if moment is None:
            moment = parse_stamp(text_of(time_el))
        if moment is not None:
            return iso_datetime(moment)
    return None

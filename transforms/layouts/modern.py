"""The current layout (`/<slug>-c<ID>.html`, `<time datetime>` stamps)."""

from __future__ import annotations

from lxml import etree

from ..dates import parse_date, parse_iso_datetime, parse_stamp
from ..tree import find_by_class, text_of
from .parts import PageParts


def extract(root: etree._Element) -> PageParts | None:
    body = find_by_class(root, "news-detail__body")
    if body is None:
        return None
    parts = PageParts(layout="modern", body=body)
    title = find_by_class(root, "news-detail__title")
    if title is not None and text_of(title):
        parts.title, parts.title_element = text_of(title), title
    meta_box = find_by_class(root, "news-detail__meta")
    if meta_box is not None:
        for stamp in meta_box.iter("time"):
            parts.published_on, parts.published_at = parse_iso_datetime(stamp.get("datetime"))
            if parts.published_on is None:
                parts.published_on, parts.published_at = parse_date(text_of(stamp)), parse_stamp(text_of(stamp))
            parts.date_element = stamp
            break
    parts.related_box = find_by_class(root, "box-latest")
    share = find_by_class(body, "share-box")
    if share is not None:
        parts.chrome.add(share)
    return parts

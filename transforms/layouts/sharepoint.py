"""The 2020-era SharePoint layout (`Article.aspx?ChannelId=C&articleID=ID`)."""

from __future__ import annotations

from lxml import etree

from ..dates import parse_date
from ..tree import find_by_class, text_of
from .parts import PageParts


def extract(root: etree._Element) -> PageParts | None:
    body = find_by_class(root, "article-content")
    if body is None:
        return None
    parts = PageParts(layout="sharepoint", body=body)
    title = find_by_class(root, "article-title")
    if title is not None and text_of(title) and body not in title.iter():  # not an unclosed h1 swallowing the page
        parts.title, parts.title_element = text_of(title), title
    stamp = find_by_class(root, "article-date")
    if stamp is not None:
        parts.published_on, parts.date_element = parse_date(text_of(stamp)), stamp
    parts.related_box = find_by_class(root, "latest-news")
    tools = find_by_class(body, "article-tools")
    if tools is not None:
        parts.chrome.add(tools)
    return parts

"""The portal's URL shapes, in one place: article id, channel id, page N of a list,
a channel's list. The crawler, the loader, the parser and the watcher all ask here
(`ingest/urls.py` keeps only what is about HTTP: canonical form, same host).

The numeric article id survived the last redesign (`articleID=2718` then,
`-c2718.html` now); URLs did not, so the id is what we key on. It is the portal's
number without leading zeros: `articleID=02718` and `articleID=2718` are one article.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

_ARTICLE_PARAM = re.compile(r"(?:^|[?&;])articleid=(\d+)", re.I)
_SLUG_ID = re.compile(r"-c(\d+)\.html?$", re.I)
# Shapes a future redesign may use; tried only after the two known ones.
_OTHER_PARAM = re.compile(r"(?:^|[?&;])(?:newsid|itemid|postid|news_id|item_id|nid|aid|id)=(\d+)(?:&|$)", re.I)
_LAST_SEGMENT_ID = re.compile(r"(?:^|[-_/])(\d{3,})(?:\.(?:html?|aspx|php))?$", re.I)
_ID_THEN_SLUG = re.compile(r"/(\d{3,})/[a-z0-9-]*[a-z][a-z0-9-]*/?$", re.I)
_FILES = re.compile(r"\.(?:pdf|docx?|xlsx?|pptx?|zip|rar|jpe?g|png|gif|svg|css|js|mp4|mp3)$", re.I)
_LIST_PARAMS = {"page", "pageindex", "p", "channelid", "catid", "categoryid", "cat", "category"}
_PAGE_PARAMS = ("page", "pageindex", "p")
# The sharepoint URL of a channel's list; a redesigned portal redirects it.
CHANNEL_LIST_PATH = "/en-us/Pages/news.aspx?ChannelId={channel}&Page=1"


def _number(digits: str) -> str:
    """The portal's number as text, without leading zeros ("02718" -> "2718")."""
    return str(int(digits))


def article_id(url: str | None) -> str | None:
    """`2718` from `...Article.aspx?ChannelId=14&articleID=2718` or `/slug-c2718.html`
    (then, for layouts we have not seen, `?newsid=2718`, `/news/2718/slug`, `/slug-2718.html`)."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    query = "?" + parts.query
    match = _ARTICLE_PARAM.search(query) or _SLUG_ID.search(parts.path)
    if match:
        return _number(match.group(1))
    if _FILES.search(parts.path):
        return None
    match = _OTHER_PARAM.search(query)
    if match:
        return _number(match.group(1))
    if _list_params(parts.query):
        return None
    match = _LAST_SEGMENT_ID.search(parts.path) or _ID_THEN_SLUG.search(parts.path)
    if match and not re.fullmatch(r"(?:19|20)\d\d", match.group(1)):
        return _number(match.group(1))
    return None


def channel_id(url: str | None) -> str | None:
    """`14` from `...?ChannelId=14&articleID=2718` (any case, without leading zeros);
    None when the URL names no channel (modern article URLs do not)."""
    if not url:
        return None
    try:
        params = parse_qsl(urlsplit(url).query, keep_blank_values=True)
    except ValueError:
        return None
    for key, value in params:
        if key.lower() == "channelid" and value.strip().isdigit():
            return _number(value.strip())
    return None


def is_article_url(url: str) -> bool:
    """Article-shaped: an article id in the URL and no list paging."""
    return article_id(url) is not None and page_number(url) is None


def _list_params(query: str) -> bool:
    try:
        return any(key.lower() in _LIST_PARAMS for key, _ in parse_qsl(query, keep_blank_values=True))
    except ValueError:
        return False


def page_number(url: str) -> int | None:
    """The list page number (`Page=3`, `page=3`, any case), or None."""
    try:
        query = parse_qsl(urlsplit(url).query, keep_blank_values=True)
    except ValueError:
        return None
    for key, value in query:
        if key.lower() in _PAGE_PARAMS and value.strip().isdigit():
            return int(value.strip())
    return None


def list_page_url(list_url: str, n: int) -> str:
    """Page `n` of a list: its `Page` (sharepoint) or `page` (modern) parameter set to
    `n`, `Page` added when there is none; other parameters (ChannelId) are kept."""
    if n < 1:
        raise ValueError(f"page numbers start at 1, got {n}")
    parts = urlsplit(list_url)
    params = parse_qsl(parts.query, keep_blank_values=True)
    keys = [k for k, _ in params if k.lower() in _PAGE_PARAMS]
    key = keys[0] if keys else "Page"
    params = [(k, v) for k, v in params if k.lower() not in _PAGE_PARAMS] + [(key, str(n))]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(params), ""))


def channel_list_url(list_url: str, channel: int | str | None = None) -> str:
    """Page 1 of one channel's list, from the configured latest-news list URL: the
    same list with `ChannelId` set (sharepoint), else the sharepoint channel URL on
    the same site (a redesigned portal redirects it). No channel: the list itself."""
    if channel is None:
        return list_url
    parts = urlsplit(list_url)
    if "news.aspx" in parts.path.lower():
        params = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() != "channelid"]
        params.append(("ChannelId", str(channel)))
        return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(params), ""))
    return urljoin(list_url, CHANNEL_LIST_PATH.format(channel=channel))


def same_list(a: str, b: str) -> bool:
    """Do two URLs name the same list (path and non-page parameters, any order)?"""
    def key(url: str) -> tuple[str, tuple[tuple[str, str], ...]]:
        parts = urlsplit(url)
        params = sorted(
            (k.lower(), v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() not in _PAGE_PARAMS
        )
        return parts.path.lower(), tuple(params)

    try:
        return key(a) == key(b)
    except ValueError:
        return False

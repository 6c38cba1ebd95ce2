"""Portal URL shapes: article ids and list page numbers.

The numeric article id survived the last redesign (`articleID=2718` then,
`-c2718.html` now); URLs did not, so the id is what we key on.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit

_ARTICLE_PARAM = re.compile(r"(?:^|[?&;])articleid=(\d+)", re.I)
_SLUG_ID = re.compile(r"-c(\d+)\.html?$", re.I)
# Shapes a future redesign may use; tried only after the two known ones.
_OTHER_PARAM = re.compile(r"(?:^|[?&;])(?:newsid|itemid|postid|news_id|item_id|nid|aid|id)=(\d+)(?:&|$)", re.I)
_LAST_SEGMENT_ID = re.compile(r"(?:^|[-_/])(\d{3,})(?:\.[a-z]{2,5})?$", re.I)  # .html, .aspx, .ldo, .vnp, .vgp
_ID_THEN_SLUG = re.compile(r"/(\d{3,})/[a-z0-9-]*[a-z][a-z0-9-]*/?$", re.I)
_FILES = re.compile(r"\.(?:pdf|docx?|xlsx?|pptx?|zip|rar|jpe?g|png|gif|svg|css|js|mp4|mp3)$", re.I)
_LIST_PARAMS = {"page", "pageindex", "p", "channelid", "catid", "categoryid", "cat", "category"}


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
        return match.group(1)
    if _FILES.search(parts.path):
        return None
    match = _OTHER_PARAM.search(query)
    if match:
        return match.group(1)
    if _list_params(parts.query):
        return None
    match = _LAST_SEGMENT_ID.search(parts.path) or _ID_THEN_SLUG.search(parts.path)
    if match and not re.fullmatch(r"(?:19|20)\d\d", match.group(1)):
        return match.group(1)
    return None


def is_article_url(url: str) -> bool:
    """Article-shaped: an article id in the URL and no list paging -- unless the id is
    an explicit parameter: `ChiTiet.aspx?ID=4137&PageIndex=169` is an article that
    remembers the list page it was linked from."""
    if article_id(url) is None:
        return False
    if page_number(url) is None:
        return True
    try:
        return bool(_ID_PARAM.search("?" + urlsplit(url).query))
    except ValueError:
        return False


_ID_PARAM = re.compile(r"(?:^|[?&;])(?:articleid|newsid|itemid|postid|news_id|item_id|nid|aid|id)=\d+(?:&|$)", re.I)


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
        if key.lower() in ("page", "pageindex", "p") and value.strip().isdigit():
            return int(value.strip())
    return None


def with_page(url: str, number: int) -> str:
    """url with its page parameter set to number (added as `page` if absent)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    for i, (key, _) in enumerate(query):
        if key.lower() in ("page", "pageindex", "p"):
            query[i] = (key, str(number))
            break
    else:
        query.append(("page", str(number)))
    return parts._replace(query=urlencode(query)).geturl()


def same_list(a: str, b: str) -> bool:
    """Do two URLs name the same list (path and non-page parameters, any order)?"""
    def key(url: str) -> tuple[str, tuple[tuple[str, str], ...]]:
        parts = urlsplit(url)
        params = sorted(
            (k.lower(), v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() not in ("page", "pageindex", "p")
        )
        return parts.path.lower(), tuple(params)

    try:
        return key(a) == key(b)
    except ValueError:
        return False

"""Portal URL shapes: article ids and list page numbers.

The numeric article id survived the last redesign (`articleID=2718` then,
`-c2718.html` now); URLs did not, so the id is what we key on.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit

_ARTICLE_PARAM = re.compile(r"(?:^|[?&;])articleid=(\d+)", re.I)
_SLUG_ID = re.compile(r"-c(\d+)\.html?$", re.I)


def article_id(url: str | None) -> str | None:
    """`2718` from `...Article.aspx?ChannelId=14&articleID=2718` or `/slug-c2718.html`."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    match = _ARTICLE_PARAM.search("?" + parts.query)
    if match:
        return match.group(1)
    match = _SLUG_ID.search(parts.path)
    return match.group(1) if match else None


def is_article_url(url: str) -> bool:
    """Article-shaped: an articleID parameter, or a `-c<ID>.html` page without paging."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if _ARTICLE_PARAM.search("?" + parts.query):
        return True
    return bool(_SLUG_ID.search(parts.path)) and page_number(url) is None


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

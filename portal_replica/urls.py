"""URL shapes of the two layouts, and reading them back from a request."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from portal_replica import templates

SP_HOME = "/en-us/Pages/Default.aspx"
SP_NEWS = "/en-us/Pages/news.aspx"
SP_ARTICLE = "/en-us/Pages/Article.aspx"
# Modern pages: /<slug>-c<N>.html where N < 1000 is a channel and N >= 1000 an article.
_MODERN = re.compile(r"^/(?P<slug>[a-z0-9-]*?)-?c(?P<num>\d+)\.html$")
FIRST_ARTICLE_ID = 1000


def slugify(text: str) -> str:
    folded = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    ascii_text = "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    return slug[:90].rstrip("-")


def sp_list(channel: int | None, page: int, channel_first: bool = True) -> str:
    if channel is None:
        return f"{SP_NEWS}?Page={page}"
    if channel_first:
        return f"{SP_NEWS}?ChannelId={channel}&Page={page}"
    return f"{SP_NEWS}?Page={page}&ChannelId={channel}"


def sp_article(article_id: int, channel: int, channel_first: bool = True) -> str:
    if channel_first:
        return f"{SP_ARTICLE}?ChannelId={channel}&articleID={article_id}"
    return f"{SP_ARTICLE}?articleID={article_id}&ChannelId={channel}"


def modern_article(article_id: int, title: str) -> str:
    return f"/{slugify(title)}-c{article_id}.html"


def modern_list(channel: int | None, page: int) -> str:
    if channel is None:
        return "/" if page == 1 else f"/?page={page}"
    slug = templates.CHANNELS[channel][1]
    return f"/{slug}-c{channel}.html" + ("" if page == 1 else f"?page={page}")


@dataclass(frozen=True)
class Route:
    """What a request path asks for, whatever layout's URL it used."""

    kind: str  # "home" | "list" | "article" | "other"
    scheme: str  # "sharepoint" | "modern" | ""
    channel: int | None = None
    page: int = 1
    article_id: int | None = None


def _int(value: str | None, default: int | None) -> int | None:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return None


def parse(target: str) -> Route:
    """Read a request target; query keys are matched without case, in any order."""
    parts = urlsplit(target)
    path = parts.path
    query = {k.lower(): v for k, v in parse_qsl(parts.query)}
    lower = path.lower()
    if lower in ("/en-us/pages/default.aspx", "/en-us/", "/en-us"):
        return Route("home", "sharepoint")
    if lower == SP_NEWS.lower():
        page = _int(query.get("page"), 1)
        channel = _int(query.get("channelid"), None) if "channelid" in query else None
        if page is None or ("channelid" in query and channel is None):
            return Route("other", "sharepoint")
        return Route("list", "sharepoint", channel=channel, page=page)
    if lower == SP_ARTICLE.lower():
        return Route("article", "sharepoint", channel=_int(query.get("channelid"), None),
                     article_id=_int(query.get("articleid"), None))
    if path == "/":
        page = _int(query.get("page"), 1)
        return Route("list", "modern", page=page) if page is not None else Route("other", "modern")
    match = _MODERN.match(path)
    if match:
        number = int(match["num"])
        if number >= FIRST_ARTICLE_ID:
            return Route("article", "modern", article_id=number)
        page = _int(query.get("page"), 1)
        return Route("list", "modern", channel=number, page=page if page is not None else 1)
    return Route("other", "")

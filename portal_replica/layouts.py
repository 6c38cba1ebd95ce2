"""HTML of the portal's layouts: `sharepoint` (2020 era), `modern` (today), `unknown`.

The sharepoint article and list pages follow ../shared/portal/sample-*.html closely;
`unknown` is a shell whose content sits only in a script blob, so that no parser can
read it (reliability tests use it to force quarantine). Volatile bytes (online users,
view state, views) come from the request counter, so every fetch differs.
"""

from __future__ import annotations

import base64
import html
import json
import random
from dataclasses import dataclass
from datetime import datetime

from portal_replica import templates, urls
from portal_replica.articles import Article, Block, RelatedLink, cut_title

LAYOUTS = ("sharepoint", "modern", "unknown")


@dataclass(frozen=True)
class Page:
    """Who is asking: enough to draw absolute links and volatile counters."""

    base_url: str  # "http://127.0.0.1:8765", from the request's Host
    counter: int  # request number, drives the volatile bytes
    seed: int


@dataclass(frozen=True)
class ListItem:
    article_id: int
    channel: int
    title: str
    lead: str
    listed_at: datetime


def text(value: str) -> str:
    return html.escape(value, quote=False)


def attr(value: str) -> str:
    return html.escape(value, quote=True)


def sp_time(moment: datetime) -> str:
    """`13/10/2020 4:58 CH`: 12-hour clock, SA = a.m., CH = p.m. (12:40 SA is 00:40)."""
    hour = moment.hour % 12 or 12
    mark = "SA" if moment.hour < 12 else "CH"
    return f"{moment:%d/%m/%Y} {hour}:{moment:%M} {mark}"


def online_users(page: Page) -> int:
    # 7919 is prime to 900, so consecutive requests never show the same number.
    return 100 + (page.counter * 7919) % 900


def _view_state(page: Page) -> str:
    raw = f"/wEPDwUKLTQ2NzA1NzA2Mg9kFgJmD2Q{page.counter:08x}{page.seed}".encode()
    return base64.b64encode(raw).decode()


def _link_rng(page: Page, key: str) -> random.Random:
    return random.Random(f"{page.seed}:links:{key}")


def sp_article_href(page: Page, rng: random.Random, article_id: int, channel: int) -> str:
    """Relative, absolute-path or absolute links, with query parameters in either order."""
    path = urls.sp_article(article_id, channel, channel_first=rng.random() < 0.7)
    roll = rng.random()
    if roll < 0.3:
        return "../Pages/" + path.rsplit("/", 1)[1]
    if roll < 0.45:
        return page.base_url + path
    return path


# -- sharepoint ------------------------------------------------------------------
_SP_HEAD = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" lang="en">
<head>
  <meta http-equiv="Content-Type" content="text/html; charset={charset}" />
  <title>{title} - Hung Yen Portal</title>
{extra_head}  <link rel="stylesheet" href="/_layouts/portal/styles/core.css" />
  <script type="text/javascript">var _spPageContextInfo = {{webServerRelativeUrl: "/en-us", pageListId: "{{4d2c}}"}};</script>
</head>
<body>
<form method="post" action="{action}" id="aspnetForm">
<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="{viewstate}" />
<div id="header">
  <div class="banner"><a href="/en-us/Pages/Default.aspx"><img src="/en-us/PublishingImages/banner.jpg" alt="Hung Yen Province Portal" /></a></div>
  <ul class="top-menu">
    <li><a href="/en-us/Pages/Default.aspx">Home</a></li>
{menu}    <li><a href="https://hungyen.gov.vn/">Tiếng Việt</a></li>
  </ul>
</div>
<div id="main">
"""
_SP_FOOT = """</div>
<div id="footer">
  <p>Hung Yen Provincial People's Committee - Electronic Information Portal</p>
  <span class="online-users">{users} online users</span>
  <p class="copyright">© Copyright 2010 – Hung Yen Portal</p>
</div>
</form>
</body>
</html>
"""


def _sp_menu() -> str:
    return "".join(
        f'    <li><a href="{urls.SP_NEWS}?ChannelId={cid}">{text(name)}</a></li>\n'
        for cid, (name, _) in templates.CHANNELS.items()
    )


def _sp_head(page: Page, title: str, action: str, charset: str = "utf-8", extra_head: str = "") -> str:
    return _SP_HEAD.format(
        charset=charset, title=text(title), action=attr(action), viewstate=_view_state(page),
        menu=_sp_menu(), extra_head=extra_head,
    )


def _sp_block(block: Block, broken: bool) -> str:
    close = "" if broken else "</p>"
    br = "<br>" if broken else "<br />"
    if block.kind == "header":
        return f'          <p align="center"><b>{text(block.text)}</b>{close}\n'
    if block.kind == "p":
        return f"          <p>{text(block.text)}{close}\n"
    items = block.directives
    if block.style == "ul":
        lis = "".join(f"            <li>{text(d.text)}</li>\n" for d in items)
        return f"          <ul>\n{lis}          </ul>\n"
    if block.style == "br":
        return "          <p>" + br.join(f"- {text(d.text)}" for d in items) + f"{close}\n"
    out = []
    for i, d in enumerate(items, 1):
        marker = f"{i}. " if block.style == "numbered" else "- "
        out.append(f"          <p>{marker}{text(d.text)}{close}\n")
        out.extend(f"          <p>{chr(96 + j)}) {text(s)}{close}\n" for j, s in enumerate(d.subs, 1))
    return "".join(out)


def _attachment_html(article: Article) -> str:
    if not article.attachment:
        return ""
    name = article.attachment.rsplit("/", 1)[1]
    return f'      <div class="attachments">Attached file: <a href="{attr(article.attachment)}">{text(name)}</a></div>\n'


def sharepoint_article(page: Page, article: Article, related: list[RelatedLink]) -> str:
    charset = "windows-1252" if article.legacy_encoding else "utf-8"
    action = "./" + urls.sp_article(article.article_id, article.channel).rsplit("/", 1)[1]
    head = _sp_head(page, article.title, action, charset,
                    f'  <meta property="og:title" content="{attr(article.title)}" />\n')
    channel_name = templates.CHANNELS[article.channel][0]
    body = "".join(_sp_block(b, article.broken_markup) for b in article.blocks)
    if article.broken_markup:
        # Pasted from a word processor: a <font> that is never closed.
        body = f'          <font face="Arial" size="2">\n{body}'
    rng = _link_rng(page, f"article:{article.article_id}")
    box = []
    for link in related:
        if article.fixed_related is not None:
            href = urls.sp_article(link.article_id, link.channel)
        else:
            href = sp_article_href(page, rng, link.article_id, link.channel)
        box.append(
            f'        <li class="item"><a href="{attr(href)}" title="{attr(link.title)}">{attr(link.title)}</a>'
            f' <span class="date">({sp_time(link.listed_at)})</span></li>\n'
        )
    share = "" if article.fixed_related is not None else (
        '      <div class="share"><a href="https://www.facebook.com/sharer/sharer.php?u='
        f'{attr(page.base_url + urls.sp_article(article.article_id, article.channel))}">Facebook</a></div>\n'
    )
    return (
        head
        + '  <div class="col-left">\n'
        + '    <div class="breadcrumb"><a href="/en-us/Pages/Default.aspx">Home</a> &gt; '
        + f'<a href="{urls.SP_NEWS}?ChannelId={article.channel}">{text(channel_name)}</a></div>\n'
        + '    <div class="article-detail">\n'
        + f'      <h1 class="article-title">{text(article.title)}</h1>\n'
        + f'      <div class="article-date">Published on {article.published_at:%d - %m - %Y}</div>\n'
        + '      <div class="article-content">\n'
        + body
        + "      </div>\n"
        + _attachment_html(article)
        + '      <div class="article-tools"><a href="javascript:window.print()">Print</a> | '
        + f'<a href="mailto:?subject={attr(article.title)}">Email</a></div>\n'
        + share
        + "    </div>\n  </div>\n"
        + '  <div class="col-right">\n    <div class="latest-news">\n      <h3>Latest new</h3>\n      <ul>\n'
        + "".join(box)
        + "      </ul>\n    </div>\n"
        + _sp_ads(page)
        + "  </div>\n"
        + _SP_FOOT.format(users=online_users(page))
    )


def _sp_ads(page: Page) -> str:
    links = "".join(
        f'      <a href="{attr(href.format(n=page.seed % 7))}">{text(label)}</a>\n'
        for href, label in templates.OFFSITE_LINKS
    )
    return f'    <div class="links">\n{links}    </div>\n'


def sharepoint_list(page: Page, items: list[ListItem], channel: int | None, number: int, pages: int) -> str:
    title = templates.CHANNELS[channel][0] if channel is not None else "Latest news"
    action = "./" + urls.sp_list(channel, number).rsplit("/", 1)[1]
    rng = _link_rng(page, f"list:{channel}:{number}")
    rows = []
    for item in items:
        href = sp_article_href(page, rng, item.article_id, item.channel)
        rows.append(
            '      <div class="news-item">\n'
            f'        <a class="title" href="{attr(href)}">{text(cut_title(item.title))}</a>\n'
            f'        <span class="date">({sp_time(item.listed_at)})</span>\n'
            f'        <p class="sapo">{text(item.lead)}</p>\n'
            "      </div>\n"
        )
    paging = [f'      <span class="current">{number}</span>\n']
    order = rng.random() < 0.7
    if number > 1:
        paging.insert(0, f'      <a href="{attr(urls.sp_list(channel, number - 1, order))}">&lt; Prev</a>\n')
    for other in range(number + 1, min(pages, number + 2) + 1):
        paging.append(f'      <a href="{attr(urls.sp_list(channel, other, order))}">{other}</a>\n')
    if number < pages:
        paging.append(f'      <a href="{attr(urls.sp_list(channel, number + 1, order))}">Next &gt;</a>\n')
        paging.append(f'      <a href="{attr(urls.sp_list(channel, pages, order))}">Last &gt;&gt;</a>\n')
    return (
        _sp_head(page, title, action)
        + '  <div class="col-left">\n'
        + f'    <h2 class="channel-title">{text(title)}</h2>\n'
        + '    <div class="news-list">\n'
        + "".join(rows)
        + "    </div>\n"
        + '    <div class="paging">\n'
        + "".join(paging)
        + "    </div>\n  </div>\n"
        + '  <div class="col-right">\n'
        + _sp_ads(page)
        + "  </div>\n"
        + _SP_FOOT.format(users=online_users(page))
    )


def sharepoint_home(page: Page, items: list[ListItem]) -> str:
    rng = _link_rng(page, "home")
    rows = "".join(
        f'      <li><a href="{attr(sp_article_href(page, rng, i.article_id, i.channel))}">{text(cut_title(i.title))}</a>'
        f' <span class="date">({sp_time(i.listed_at)})</span></li>\n'
        for i in items
    )
    channels = "".join(
        f'      <li><a href="{urls.SP_NEWS}?ChannelId={cid}&amp;Page=1">{text(name)}</a></li>\n'
        for cid, (name, _) in templates.CHANNELS.items()
    )
    return (
        _sp_head(page, "Home", "./Default.aspx")
        + '  <div class="col-left">\n    <h2>Latest news</h2>\n    <ul class="home-news">\n'
        + rows
        + f'    </ul>\n    <a class="more" href="{urls.sp_list(None, 1)}">More news</a>\n'
        + '    <h2>Channels</h2>\n    <ul class="channels">\n'
        + channels
        + "    </ul>\n  </div>\n"
        + '  <div class="col-right">\n'
        + _sp_ads(page)
        + "  </div>\n"
        + _SP_FOOT.format(users=online_users(page))
    )


# -- modern ----------------------------------------------------------------------
_MODERN_HEAD = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} | Hung Yen Province</title>
{extra_head}<script>window.dataLayer = window.dataLayer || [];</script>
</head>
<body class="{body_class}">
<header class="site-header">
  <nav class="main-nav">
    <a href="/">Home</a>
{menu}    <a href="https://hungyen.gov.vn">Tiếng Việt</a>
  </nav>
</header>
<main class="container">
"""
_MODERN_FOOT = """</main>
<footer class="site-footer">
  <p>Hung Yen Provincial People's Committee</p>
  <p class="counter">Online: {users} | Total visits: {visits:,}</p>
</footer>
</body>
</html>
"""


def _modern_head(title: str, body_class: str, extra_head: str = "") -> str:
    menu = "".join(
        f'    <a href="{urls.modern_list(cid, 1)}">{text(name)}</a>\n' for cid, (name, _) in templates.CHANNELS.items()
    )
    return _MODERN_HEAD.format(title=text(title), body_class=body_class, menu=menu, extra_head=extra_head)


def _modern_foot(page: Page) -> str:
    return _MODERN_FOOT.format(users=online_users(page), visits=3_481_207 + page.counter)


def modern_time(moment: datetime) -> str:
    return f'<time datetime="{moment.isoformat()}">{moment:%d/%m/%Y %H:%M}</time>'


def _modern_block(block: Block) -> str:
    if block.kind == "header":
        return f'        <p class="doc-header">{text(block.text)}</p>\n'
    if block.kind == "p":
        return f"        <p>{text(block.text)}</p>\n"
    if block.style in ("dash", "ul"):
        lis = "".join(f"          <li>{text(d.text)}</li>\n" for d in block.directives)
        return f"        <ul>\n{lis}        </ul>\n"
    if block.style == "br":
        return "        <p>" + "<br>".join(f"- {text(d.text)}" for d in block.directives) + "</p>\n"
    out = []
    for i, d in enumerate(block.directives, 1):
        out.append(f"        <p>{i}. {text(d.text)}</p>\n")
        out.extend(f"        <p>{chr(96 + j)}) {text(s)}</p>\n" for j, s in enumerate(d.subs, 1))
    return "".join(out)


def modern_article(page: Page, article: Article, related: list[tuple[RelatedLink, str]]) -> str:
    """`related` pairs each box entry with its modern URL (which needs the full title)."""
    channel_name = templates.CHANNELS[article.channel][0]
    canonical = "https://en.hungyen.gov.vn" + urls.modern_article(article.article_id, article.title)
    stamp = article.published_at.isoformat()
    head = _modern_head(
        article.title, "page-detail",
        '<meta property="og:type" content="article">\n'
        f'<meta property="og:title" content="{attr(article.title)}">\n'
        f'<meta property="article:published_time" content="{stamp}">\n'
        f'<link rel="canonical" href="{attr(canonical)}">\n',
    )
    box = "".join(
        f'          <li><a href="{attr(href)}">{text(link.title)}</a>{modern_time(link.listed_at)}</li>\n'
        for link, href in related
    )
    views = 1000 + page.counter
    return (
        head
        + '  <div class="row">\n    <article class="col-md-8 news-detail">\n'
        + f'      <ol class="breadcrumb"><li><a href="/">Home</a></li><li><a href="{urls.modern_list(article.channel, 1)}">'
        + f"{text(channel_name)}</a></li></ol>\n"
        + f'      <h1 class="news-detail__title">{text(article.title)}</h1>\n'
        + f'      <div class="news-detail__meta"><i class="icon-clock"></i> {modern_time(article.published_at)}'
        + f' <span class="views">Views: {views:,}</span></div>\n'
        + '      <div class="news-detail__body">\n'
        + "".join(_modern_block(b) for b in article.blocks)
        + "      </div>\n"
        + _attachment_html(article)
        + '      <div class="share-box"><a href="https://www.facebook.com/sharer/sharer.php?u='
        + f'{attr(canonical)}">Share</a></div>\n'
        + "    </article>\n"
        + '    <aside class="col-md-4 sidebar">\n      <section class="box-latest">\n'
        + '        <h2 class="box-title">Latest news</h2>\n        <ul>\n'
        + box
        + "        </ul>\n      </section>\n"
        + '      <section class="box-ads"><a href="http://ads.vnpartner-media.vn/click?banner=hy-modern">'
        + "Advertisement</a> <a href=\"javascript:void(0)\">Back to top</a></section>\n"
        + "    </aside>\n  </div>\n"
        + _modern_foot(page)
    )


def modern_list(page: Page, items: list[tuple[ListItem, str]], channel: int | None, number: int, pages: int) -> str:
    title = templates.CHANNELS[channel][0] if channel is not None else "Latest news"
    rows = "".join(
        '      <article class="item-news">\n'
        f'        <h3 class="title-news"><a href="{attr(href)}">{text(cut_title(item.title))}</a></h3>\n'
        f"        {modern_time(item.listed_at)}\n"
        f'        <p class="description">{text(item.lead)}</p>\n'
        "      </article>\n"
        for item, href in items
    )
    nav = []
    if number > 1:
        nav.append(f'<a class="page-link prev" rel="prev" href="{attr(urls.modern_list(channel, number - 1))}">Previous</a>')
    nav.append(f'<span class="page-link active">{number}</span>')
    if number < pages:
        nav.append(f'<a class="page-link next" rel="next" href="{attr(urls.modern_list(channel, number + 1))}">Next</a>')
    return (
        _modern_head(title, "page-list")
        + f'  <h1 class="page-title">{text(title)}</h1>\n'
        + '  <div class="list-news">\n'
        + rows
        + "  </div>\n"
        + f'  <nav class="pagination">{" ".join(nav)}</nav>\n'
        + _modern_foot(page)
    )


# -- unknown ---------------------------------------------------------------------
def unknown_shell(page: Page, payload: dict) -> str:
    """A client-rendered shell: no title text, no date, content only in a script blob."""
    blob = base64.b64encode(json.dumps(payload, ensure_ascii=True).encode()).decode()
    return (
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Portal</title>"
        '<link rel="preload" href="/static/app.3f9c1e.js" as="script"></head>\n'
        '<body><div id="__app" data-build="3f9c1e"></div>'
        "<noscript>You need to enable JavaScript to run this app.</noscript>\n"
        f'<script>window.__STATE__="{blob}";window.__N={page.counter};</script>\n'
        '<script src="/static/app.3f9c1e.js"></script></body></html>\n'
    )


def not_found(layout: str) -> str:
    if layout == "modern":
        return "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>404 | Hung Yen Province</title></head>" \
               "<body><h1>Page not found</h1><p><a href=\"/\">Home</a></p></body></html>\n"
    return "<html><head><title>Page not found - Hung Yen Portal</title></head>" \
           "<body><h1>The article does not exist or has been removed.</h1>" \
           "<p><a href=\"/en-us/Pages/Default.aspx\">Home</a></p></body></html>\n"

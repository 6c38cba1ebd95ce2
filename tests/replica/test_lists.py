"""List pages: every article reachable, pagination that ends, parseable items, varied links."""

from __future__ import annotations

from urllib.parse import urljoin

from .pages import LIST_STAMP, article_id, list_items, next_link, soup, visible_text

FIRST = "/en-us/Pages/news.aspx?Page=1"


def walk(replica, start: str) -> tuple[list[tuple[int, str, str]], int, bytes]:
    """Follow "Next" from `start`; return the items, the number of pages and the last body."""
    url, items, pages, body = replica.base_url + start, [], 0, b""
    while url:
        status, _, body = replica.get(url)
        assert status == 200, url
        page_items = list_items(body, url)
        assert page_items, f"empty list page {url}"
        items += page_items
        pages += 1
        assert pages < 1000, "pagination never ends"
        url = next_link(body, url)
    return items, pages, body


def test_latest_list_reaches_301_distinct_articles_and_ends(replica):
    items, pages, last = walk(replica, FIRST)
    ids = [i for i, _, _ in items]
    assert len(set(ids)) == 301 == len(ids)
    assert 2718 in ids
    assert pages == 16  # 301 items, 20 a page
    assert "Next" not in visible_text(last)
    for _, _, stamp in items:
        assert LIST_STAMP.match(stamp), stamp


def test_every_listed_article_answers(replica):
    items, _, _ = walk(replica, FIRST)
    for _ident, url, _ in items:
        status, _, body = replica.get(url)
        assert status == 200, url
        assert soup(body).h1.get_text(strip=True)


def test_channel_lists_partition_the_corpus(replica):
    seen: set[int] = set()
    for channel in (12, 14, 15, 16):
        items, _, _ = walk(replica, f"/en-us/Pages/news.aspx?ChannelId={channel}&Page=1")
        ids = {i for i, _, _ in items}
        assert not ids & seen
        seen |= ids
    assert len(seen) == 301


def test_page_parameters_in_either_order(replica):
    a = replica.get("/en-us/Pages/news.aspx?ChannelId=14&Page=2")[2]
    b = replica.get("/en-us/Pages/news.aspx?Page=2&ChannelId=14")[2]
    assert [i for i, _, _ in list_items(a, replica.base_url)] == [i for i, _, _ in list_items(b, replica.base_url)]


def test_past_the_last_page_is_empty_without_next(replica):
    status, _, body = replica.get("/en-us/Pages/news.aspx?Page=99")
    assert status == 200
    assert list_items(body, replica.base_url) == []
    assert next_link(body, replica.base_url) is None


def test_titles_cut_and_links_of_every_kind(replica):
    hrefs, cut = [], 0
    for page in range(1, 6):
        body = replica.get(f"/en-us/Pages/news.aspx?Page={page}")[2]
        cut += sum(a.get_text().endswith("...") for a in soup(body).select("a.title"))
        hrefs += [a["href"] for a in soup(body).find_all("a", href=True)]
    assert cut > 0
    assert any(h.startswith("../Pages/Article.aspx") for h in hrefs)
    assert any(h.startswith("http://127.0.0.1") for h in hrefs)
    assert any(h.startswith("/en-us/Pages/Article.aspx?articleID=") for h in hrefs)  # reversed order
    assert any(h.startswith("javascript:") for h in hrefs)
    assert any("facebook.com" in h for h in hrefs)


def test_home_links_the_channels(replica):
    status, _, body = replica.get("/en-us/Pages/Default.aspx")
    assert status == 200
    hrefs = [urljoin(replica.base_url, a["href"]) for a in soup(body).find_all("a", href=True)]
    for channel in (12, 14, 15, 16):
        assert any(f"ChannelId={channel}" in h for h in hrefs)
    assert replica.get("/")[0] == 302


def test_counter_changes_on_every_fetch(replica):
    first = replica.get("/en-us/Pages/Article.aspx?ChannelId=14&articleID=2718")[2]
    second = replica.get("/en-us/Pages/Article.aspx?ChannelId=14&articleID=2718")[2]
    users = [soup(b).select_one(".online-users").get_text() for b in (first, second)]
    assert users[0] != users[1]
    assert first != second
    list_a = replica.get(FIRST)[2]
    list_b = replica.get(FIRST)[2]
    assert list_a != list_b


def test_dynamic_pages_carry_no_validators(replica):
    _, headers, _ = replica.get(FIRST)
    assert "ETag" not in headers and "Last-Modified" not in headers
    assert article_id(replica.base_url + "/en-us/Pages/Article.aspx?articleID=5&ChannelId=1") == 5

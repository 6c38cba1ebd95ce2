"""Modern layout and its redirects, the unknown layout, live mode and the controls."""

from __future__ import annotations

import time

from .pages import article_id, soup, visible_text


def modern_walk(replica, start: str = "/") -> list[int]:
    url, ids = replica.base_url + start, []
    while url:
        status, _, body = replica.get(url)
        assert status == 200, url
        page = soup(body)
        ids += [article_id(replica.base_url + a["href"]) for a in page.select("h3.title-news a")]
        assert all(t.get("datetime", "").endswith("+07:00") for t in page.select("article.item-news time"))
        nxt = page.select_one("a[rel=next]")
        url = replica.base_url + nxt["href"] if nxt else None
    return ids


def test_modern_layout_lists_every_article(replica_factory):
    modern = replica_factory(articles=300, seed=7, layout="modern")
    ids = modern_walk(modern)
    assert len(ids) == len(set(ids)) == 301
    channel = modern_walk(modern, "/direction-administration-c14.html")
    assert channel and set(channel) < set(ids)


def test_modern_redirects_old_urls(replica_factory):
    modern = replica_factory(articles=60, seed=7, layout="modern")
    cases = {
        "/en-us/Pages/news.aspx?Page=3": "/?page=3",
        "/en-us/Pages/news.aspx?Page=2&ChannelId=14": "/direction-administration-c14.html?page=2",
        "/en-us/Pages/Default.aspx": "/",
    }
    for old, new in cases.items():
        status, headers, _ = modern.get(old)
        assert status == 301 and headers["Location"] == modern.base_url + new
    status, headers, _ = modern.get("/en-us/Pages/Article.aspx?articleID=2721&ChannelId=12")
    assert status == 301 and headers["Location"].endswith("-c2721.html")
    # The slug does not matter, the id does (as on the real site).
    assert modern.get("/anything-c2721.html")[0] == 200


def test_layout_switch_and_unknown_shell(replica_factory):
    replica = replica_factory(articles=60, seed=7)
    url = "/en-us/Pages/Article.aspx?ChannelId=14&articleID=2718"
    assert replica.control("layout", name="unknown") == {"layout": "unknown"}
    status, _, body = replica.get(url)
    assert status == 200
    text = visible_text(body)
    assert "administrative reform" not in text and "2020" not in text
    assert soup(body).h1 is None and soup(body).time is None
    assert replica.control("layout", name="modern") == {"layout": "modern"}
    assert replica.get(url)[0] == 301
    assert replica.control("layout", name="sharepoint") == {"layout": "sharepoint"}
    assert replica.get(url)[0] == 200


def test_controls_publish_edit_withdraw(replica_factory):
    replica = replica_factory(articles=60, seed=7)
    new = replica.control("publish", n=3)["published"]
    assert len(new) == 3
    first_page = replica.get("/en-us/Pages/news.aspx?Page=1")[2]
    top = [article_id(replica.base_url + "/en-us/Pages/" + a["href"].rsplit("/", 1)[-1])
           for a in soup(first_page).select("a.title")][:3]
    assert sorted(top) == sorted(new)

    target = "/en-us/Pages/Article.aspx?ChannelId=14&articleID=2722"
    before = soup(replica.get(target)[2]).select_one(".article-content").get_text()
    assert replica.control("edit", id=2722)["revision"] == 1
    after = soup(replica.get(target)[2]).select_one(".article-content").get_text()
    assert before != after
    record = next(r for r in replica.truth() if r["article_id"] == "2722")
    assert record["revision"] == 1

    replica.control("withdraw", id=2722)
    assert replica.get(target)[0] == 404
    record = next(r for r in replica.truth() if r["article_id"] == "2722")
    assert record["withdrawn"] is True
    stats = replica.stats()
    assert stats["published"] == 3 and stats["edited"] == [2722] and stats["withdrawn"] == [2722]


def test_live_mode_publishes_and_shifts_pages(replica_factory):
    replica = replica_factory(articles=60, seed=7, live=0.3)
    before = soup(replica.get("/en-us/Pages/news.aspx?Page=1")[2]).select("a.title")[0]["href"]
    deadline = time.monotonic() + 10
    while replica.stats()["published"] < 5 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert replica.stats()["published"] >= 5
    after = soup(replica.get("/en-us/Pages/news.aspx?Page=1")[2]).select("a.title")[0]["href"]
    assert before != after
    while not replica.stats()["edited"] and time.monotonic() < deadline + 5:
        time.sleep(0.2)
    assert replica.stats()["edited"]


def test_stats_count_requests_and_reset(replica_factory):
    replica = replica_factory(articles=10, seed=7)
    replica.reset_stats()
    for _ in range(3):
        replica.get("/en-us/Pages/news.aspx?Page=1")
    stats = replica.stats()
    assert stats["total"] == 3 and stats["by_status"] == {"200": 3} and stats["by_route"] == {"list": 3}

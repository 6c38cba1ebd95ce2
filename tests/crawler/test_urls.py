"""URL canonicalisation (ingest/urls.py) and the portal's shapes the crawler uses
(transforms/urls.py: article id, page N of a list, a channel's list)."""

from __future__ import annotations

import pytest

from ingest.urls import canonicalise, is_http, same_host
from transforms.urls import article_id, channel_id, channel_list_url, list_page_url

BASE = "http://127.0.0.1:8765/en-us/Pages/news.aspx?Page=1"


def test_canonicalise_orders_params_drops_fragment_lowercases_host():
    a = canonicalise("HTTP://Portal.HungYen.GOV.vn:80/en-us/Pages/Article.aspx?articleID=2718&ChannelId=14#top")
    b = canonicalise("http://portal.hungyen.gov.vn/en-us/Pages/Article.aspx?ChannelId=14&articleID=2718")
    assert a == b == "http://portal.hungyen.gov.vn/en-us/Pages/Article.aspx?ChannelId=14&articleID=2718"


def test_canonicalise_resolves_relative_links():
    url = canonicalise("../Pages/Article.aspx?ChannelId=14&articleID=2731", BASE)
    assert url == "http://127.0.0.1:8765/en-us/Pages/Article.aspx?ChannelId=14&articleID=2731"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/en-us/Pages/Article.aspx?ChannelId=14&articleID=2718", "2718"),
        ("/en-us/Pages/Article.aspx?ArticleId=2718&ChannelId=14", "2718"),
        ("/en-us/Pages/article.aspx?articleid=02718", "2718"),
        ("/to-step-up-administrative-reform-work-c2718.html", "2718"),
        ("http://h/x-c2718.html?page=2", "2718"),
        ("/en-us/Pages/news.aspx?ChannelId=14&Page=2", None),
        ("/en-us/Pages/Article.aspx?articleID=abc", None),
    ],
)
def test_article_id(url, expected):
    assert article_id(url) == expected


def test_same_host_compares_port_and_scheme():
    assert same_host("http://127.0.0.1:8765/a", BASE)
    assert not same_host("http://127.0.0.1:8766/a", BASE)
    assert not same_host("http://evil.example/a", BASE)
    assert not same_host("file:///etc/passwd", BASE)
    assert same_host("https://portal.gov.vn/a", "http://portal.gov.vn/")


def test_is_http():
    assert is_http("https://x.vn/a")
    assert not is_http("javascript:void(0)")
    assert not is_http("/relative")
    assert not is_http("mailto:a@b.c")


def test_list_page_url_sets_existing_parameter_or_adds_page():
    assert list_page_url(BASE, 3) == "http://127.0.0.1:8765/en-us/Pages/news.aspx?Page=3"
    assert list_page_url("http://h/?page=1", 7) == "http://h/?page=7"
    assert list_page_url("http://h/news?page=2", 3) == "http://h/news?page=3"
    assert list_page_url("http://h/en-us/Pages/news.aspx?ChannelId=14", 2) == (
        "http://h/en-us/Pages/news.aspx?ChannelId=14&Page=2"
    )
    with pytest.raises(ValueError):
        list_page_url(BASE, 0)


def test_channel_shapes():
    assert channel_id("http://h/en-us/Pages/Article.aspx?channelid=014&articleID=2718") == "14"
    assert channel_id("http://h/to-step-up-c2718.html") is None
    assert channel_list_url(BASE, 14) == "http://127.0.0.1:8765/en-us/Pages/news.aspx?Page=1&ChannelId=14"
    assert channel_list_url("http://h/?page=1", 12) == "http://h/en-us/Pages/news.aspx?ChannelId=12&Page=1"
    assert channel_list_url(BASE) == BASE

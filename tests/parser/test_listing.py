from transforms import parse_listing
from transforms.urls import article_id, is_article_url, list_page_url, page_number

SP_LIST = """<html><body><div class="top-menu"><a href="/en-us/Pages/news.aspx?ChannelId=14">Direction</a></div>
<div class="news-list">
<div class="news-item"><a class="title" href="../Pages/Article.aspx?articleID=2731&amp;ChannelId=14">Covid measures</a> <span class="date">(13/10/2020 4:58 CH)</span></div>
<div class="news-item"><a class="title" href="/en-us/Pages/Article.aspx?ChannelId=14&amp;ARTICLEID=2731">Covid measures</a></div>
<div class="news-item"><a class="title" href="https://facebook.com/Article.aspx?articleID=1">Off site</a></div>
</div>
<div class="paging"><span class="current">{page}</span>{next}</div></body></html>"""


def test_sharepoint_list_items_once_absolute():
    html = SP_LIST.format(page=1, next='<a href="/en-us/Pages/news.aspx?ChannelId=14&amp;Page=2">2</a>')
    got = parse_listing(html, "http://h/en-us/Pages/news.aspx?ChannelId=14&Page=1")
    assert got == {
        "kind": "list",
        "url": "http://h/en-us/Pages/news.aspx?ChannelId=14&Page=1",
        "items": [
            {
                "url": "http://h/en-us/Pages/Article.aspx?articleID=2731&ChannelId=14",
                "article_id": "2731",
                "title": "Covid measures",
                "listed_at": "2020-10-13T16:58:00+07:00",
            }
        ],
        "next_page": "http://h/en-us/Pages/news.aspx?ChannelId=14&Page=2",
    }


def test_last_page_has_no_next():
    html = SP_LIST.format(page=3, next='<a href="/en-us/Pages/news.aspx?ChannelId=14&amp;Page=2">&lt; Prev</a>')
    assert parse_listing(html, "http://h/en-us/Pages/news.aspx?ChannelId=14&Page=3")["next_page"] is None


def test_modern_list_and_channel_links_are_not_items():
    html = """<body><nav class="main-nav"><a href="/direction-administration-c14.html">Direction</a></nav>
    <div class="list-news"><article class="item-news"><h3><a href="/to-act-c3101.html">To act</a></h3>
    <time datetime="2021-03-02T12:05:00+07:00">02/03/2021</time><a href="/direction-administration-c14.html">Direction</a></article></div>
    <nav class="pagination"><a rel="next" href="/?page=3">Next</a></nav></body>"""
    got = parse_listing(html, "http://h/?page=2")
    assert [i["article_id"] for i in got["items"]] == ["3101"]
    assert got["items"][0]["listed_at"] == "2021-03-02T12:05:00+07:00"
    assert got["next_page"] == "http://h/?page=3"


def test_never_raises():
    for junk in (b"", b"\xff" * 100, "<a href='javascript:x'>", None, b"<html><body><a href=//[bad>x</a>"):
        got = parse_listing(junk, "http://h/?page=1")
        assert got["items"] == [] and got["kind"] == "list"


def test_urls():
    assert article_id("http://h/en-us/Pages/Article.aspx?articleID=2718&ChannelId=14") == "2718"
    assert article_id("http://h/en-us/Pages/Article.aspx?ChannelId=14&ArticleId=2718") == "2718"
    assert article_id("http://h/to-step-up-c2718.html") == "2718"
    assert article_id("http://h/en-us/Pages/news.aspx?ChannelId=14") is None
    assert is_article_url("/slug-c2718.html") and not is_article_url("/slug-c14.html?page=2")
    assert page_number("http://h/news.aspx?ChannelId=1&Page=3") == 3
    # shapes of a redesign we have not seen yet
    assert article_id("http://h/news/5001/hung-yen-strengthens") == "5001"
    assert article_id("http://h/tin-tuc/slug-12345.html") == "12345"
    assert article_id("http://h/detail.aspx?NewsId=77") == "77"
    assert article_id("http://h/Uploads/2020/10/plan-2718.pdf") is None
    assert article_id("http://h/archive/2020/") is None
    assert article_id("http://h/news.aspx?ChannelId=14&Page=2") is None
    assert list_page_url("http://h/?page=2", 3) == "http://h/?page=3"


def test_a_list_whose_class_looks_like_a_sidebar_is_still_the_list():
    html = """<body><div class="menu"><a href="/a-c1.html">Menu article</a></div>
    <div class="latest-news"><ul><li><a href="/one-c3101.html">One</a> (02/03/2021 9:00 SA)</li>
    <li><a href="/two-c3102.html">Two</a> (01/03/2021 9:00 SA)</li></ul></div></body>"""
    got = parse_listing(html, "http://h/")
    assert [i["article_id"] for i in got["items"]] == ["3101", "3102"]

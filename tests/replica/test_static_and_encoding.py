"""robots.txt, attachments with ETag/Last-Modified and 304, windows-1252 and broken pages."""

from __future__ import annotations

from .pages import soup


def test_robots_without_and_with_crawl_delay(replica, replica_factory):
    status, headers, body = replica.get("/robots.txt")
    assert status == 200 and b"User-agent: *" in body
    assert b"Crawl-delay" not in body
    slow = replica_factory(articles=10, seed=7, crawl_delay=2)
    assert b"Crawl-delay: 2\n" in slow.get("/robots.txt")[2]


def test_attachment_validators_and_304(replica):
    record = next(r for r in replica.truth() if r["attachment"])
    status, headers, body = replica.get(record["url"])
    assert status == 200
    links = [a["href"] for a in soup(body).find_all("a", href=True) if a["href"].endswith(".pdf")]
    assert links == [record["attachment"]]
    status, headers, pdf = replica.get(record["attachment"])
    assert status == 200 and pdf.startswith(b"%PDF")
    assert headers["Content-Type"] == "application/pdf"
    etag, modified = headers["ETag"], headers["Last-Modified"]
    assert replica.get(record["attachment"], {"If-None-Match": etag})[0] == 304
    assert replica.get(record["attachment"], {"If-Modified-Since": modified})[0] == 304
    assert replica.get(record["attachment"], {"If-None-Match": '"other"'})[0] == 200
    assert replica.get(record["attachment"], {"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})[0] == 200
    assert replica.get(record["attachment"][:-4] + "x.pdf")[0] == 404


def test_some_pages_are_windows_1252(replica):
    record = next(r for r in replica.truth() if r["encoding"] == "windows-1252")
    status, headers, body = replica.get(record["url"])
    assert headers["Content-Type"] == "text/html; charset=windows-1252"
    assert b'content="text/html; charset=windows-1252"' in body
    assert b"\xa9 Copyright 2010 \x96 Hung Yen" in body  # real windows-1252 bytes, not UTF-8
    with_utf8 = body.decode("cp1252")
    assert record["title"] in soup(with_utf8.encode("utf-8")).h1.get_text()
    # The Vietnamese link survives as a character reference, not as UTF-8 bytes.
    assert "Tiếng Việt".encode() not in body and b"Ti&#7871;ng Vi&#7879;t" in body


def test_some_pages_have_broken_markup(replica):
    record = next(r for r in replica.truth() if r["broken_markup"])
    body = replica.get(record["url"])[2].decode("cp1252" if record["encoding"] != "utf-8" else "utf-8")
    content = body.split('<div class="article-content">', 1)[1].split("</div>", 1)[0]
    assert "<font" in content and "</font>" not in content
    assert content.count("<p>") > content.count("</p>")


def test_unknown_article_is_404(replica):
    assert replica.get("/en-us/Pages/Article.aspx?ChannelId=14&articleID=999999")[0] == 404
    assert replica.get("/en-us/Pages/Article.aspx?ChannelId=14")[0] == 404
    assert replica.get("/no/such/page")[0] == 404


def test_head_and_post(replica):
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", replica.port, timeout=10)
    try:
        conn.request("HEAD", "/en-us/Pages/news.aspx?Page=1")
        response = conn.getresponse()
        assert response.status == 200 and response.read() == b""
        assert int(response.getheader("Content-Length")) > 1000
        conn.request("POST", "/__replica__/stats", body=b"")
        response = conn.getresponse()
        assert response.status == 200 and b'"total"' in response.read()
        conn.request("POST", "/en-us/Pages/news.aspx?Page=1", body=b"x=1")
        response = conn.getresponse()
        assert response.status == 405
        response.read()
    finally:
        conn.close()

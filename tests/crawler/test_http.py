"""PortalClient behaviours against scripted local servers."""

from __future__ import annotations

import socket
import time
from email.utils import formatdate

import pytest

from ingest.errors import (
    FetchFailed,
    NotHttp,
    OffHost,
    OffHostRedirect,
    ResponseTooLarge,
    RobotsDisallowed,
    RobotsUnavailable,
)
from ingest.http import PortalClient, parse_retry_after

OK = (200, {"Content-Type": "text/html"}, b"<html>ok</html>")


def ok(_handler):
    return OK


def test_user_agent_and_robots_fetched_once_and_counted(scripted, make_settings):
    scripted.routes["/a"] = ok
    scripted.routes["/b"] = ok
    with PortalClient(make_settings(scripted.base_url)) as client:
        assert client.get("/a").body == b"<html>ok</html>"
        client.get(scripted.base_url + "/b")
    assert scripted.hits("/robots.txt") == 1
    assert client.counters.requests == 3  # robots.txt + 2 pages
    assert all("portal-ingest" in h["User-Agent"] for _, h in scripted.seen)


def test_429_waits_at_least_retry_after(scripted, make_settings):
    calls = []

    def limited(_handler):
        calls.append(time.monotonic())
        if len(calls) == 1:
            return 429, {"Retry-After": "1"}, b"slow down"
        return OK

    scripted.routes["/a"] = limited
    with PortalClient(make_settings(scripted.base_url)) as client:
        response = client.get("/a")
    assert response.status == 200
    assert calls[1] - calls[0] >= 1.0
    assert client.counters.retries == 1


def test_retry_after_http_date():
    now = time.time()
    assert parse_retry_after("3") == 3
    assert 4 <= parse_retry_after(formatdate(now + 5, usegmt=True), now=now) <= 5
    assert parse_retry_after(formatdate(now - 50, usegmt=True), now=now) == 0
    assert parse_retry_after("soon") is None


def test_5xx_retried_then_fails_typed(scripted, make_settings):
    scripted.routes["/a"] = lambda h: (503, {}, b"down")
    with PortalClient(make_settings(scripted.base_url, max_retries=2)) as client:
        with pytest.raises(FetchFailed) as err:
            client.get("/a")
    assert err.value.status == 503
    assert scripted.hits("/a") == 3
    assert client.counters.failed == 1 and client.counters.retries == 2


def test_connection_errors_retried(make_settings):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    with PortalClient(make_settings(f"http://127.0.0.1:{port}", max_retries=2)) as client:
        with pytest.raises(RobotsUnavailable, match="connection refused"):
            client.get("/a")
    # robots.txt was retried, then gave up: unreachable means complete disallow
    # (RFC 9309), so the page itself was never requested.
    assert client.counters.retries == 2 and client.counters.requests == 3


@pytest.mark.parametrize("where", ["http://example.invalid/x", "file:///etc/passwd", "other-port"])
def test_redirect_off_the_portal_is_refused(scripted, other_server, make_settings, where):
    other_server.routes["/x"] = ok
    target = other_server.base_url + "/x" if where == "other-port" else where
    scripted.routes["/a"] = lambda h: (302, {"Location": target}, b"")
    with PortalClient(make_settings(scripted.base_url)) as client:
        with pytest.raises(OffHostRedirect):
            client.get("/a")
    assert other_server.hits("/x") == 0
    assert client.counters.failed == 1


def test_redirect_within_portal_followed(scripted, make_settings):
    scripted.routes["/old?Page=1"] = lambda h: (301, {"Location": "/new?page=1"}, b"")
    scripted.routes["/new?page=1"] = ok
    with PortalClient(make_settings(scripted.base_url)) as client:
        response = client.get("/old?Page=1")
    assert response.url == scripted.base_url + "/new?page=1"
    assert response.requested_url == scripted.base_url + "/old?Page=1"


def test_links_off_the_portal_are_refused(scripted, other_server, make_settings):
    with PortalClient(make_settings(scripted.base_url)) as client:
        with pytest.raises(NotHttp):
            client.get("file:///etc/passwd")
        with pytest.raises(NotHttp):
            client.get("javascript:void(0)")
        with pytest.raises(OffHost):
            client.get(other_server.base_url + "/x")
        with pytest.raises(OffHost):
            client.get("https://www.facebook.com/share")
    assert other_server.seen == []


@pytest.mark.parametrize("declared", [True, False])
def test_six_mib_page_cut_and_reported(scripted, make_settings, declared):
    body = b"x" * (6 * 1024 * 1024)

    def huge(handler):
        if declared:
            return 200, {}, body
        # No Content-Length: the client has to count while streaming.
        handler.send_response(200)
        handler.send_header("Connection", "close")
        handler.end_headers()
        try:
            for i in range(0, len(body), 65536):
                handler.wfile.write(body[i : i + 65536])
        except (BrokenPipeError, ConnectionResetError):
            pass
        handler.close_connection = True
        return -1, {}, b""

    scripted.routes["/big"] = huge
    with PortalClient(make_settings(scripted.base_url)) as client:
        with pytest.raises(ResponseTooLarge) as err:
            client.get("/big")
    assert "5242880" in str(err.value)
    assert client.counters.failed == 1


def test_conditional_get_counts_not_modified(scripted, make_settings):
    def tagged(handler):
        if handler.headers.get("If-None-Match") == '"v1"':
            return 304, {"ETag": '"v1"'}, b""
        return 200, {"ETag": '"v1"', "Last-Modified": "Fri, 09 Oct 2020 01:12:00 GMT"}, b"body"

    scripted.routes["/a"] = tagged
    with PortalClient(make_settings(scripted.base_url)) as client:
        assert client.get("/a").status == 200
        assert client.get("/a").not_modified  # validator remembered by the client
    with PortalClient(make_settings(scripted.base_url)) as fresh:
        assert fresh.get("/a", etag='"v1"').status == 304
    assert client.counters.not_modified == 1 and fresh.counters.not_modified == 1
    assert scripted.seen[-1][1].get("If-None-Match") == '"v1"'


def test_robots_disallow_honoured(scripted, make_settings):
    scripted.routes["/robots.txt"] = lambda h: (200, {}, b"User-agent: *\nDisallow: /private\n")
    scripted.routes["/private/a"] = ok
    scripted.routes["/public"] = ok
    with PortalClient(make_settings(scripted.base_url)) as client:
        with pytest.raises(RobotsDisallowed):
            client.get("/private/a")
        assert client.get("/public").status == 200
    assert scripted.hits("/private/a") == 0


def test_robots_disallow_applies_to_redirect_targets(scripted, make_settings):
    scripted.routes["/robots.txt"] = lambda h: (200, {}, b"User-agent: portal-ingest\nDisallow: /private\n")
    scripted.routes["/a"] = lambda h: (302, {"Location": "/private/a"}, b"")
    with PortalClient(make_settings(scripted.base_url)) as client:
        with pytest.raises(RobotsDisallowed):
            client.get("/a")


def test_crawl_delay_honoured_even_without_rate_limit(scripted, make_settings):
    scripted.routes["/robots.txt"] = lambda h: (200, {}, b"User-agent: *\nCrawl-delay: 1\n")
    for p in ("/a", "/b", "/c"):
        scripted.routes[p] = ok
    with PortalClient(make_settings(scripted.base_url, max_rps=0, concurrency=3)) as client:
        start = time.monotonic()
        with client.executor() as pool:
            list(pool.map(client.get, ["/a", "/b", "/c"]))
        elapsed = time.monotonic() - start
    # robots.txt, then three pages one second apart.
    assert elapsed >= 2.0


def test_rate_limit_spaces_requests(scripted, make_settings):
    for p in ("/a", "/b", "/c", "/d"):
        scripted.routes[p] = ok
    with PortalClient(make_settings(scripted.base_url, max_rps=10, concurrency=4)) as client:
        start = time.monotonic()
        with client.executor() as pool:
            list(pool.map(client.get, ["/a", "/b", "/c", "/d"]))
        elapsed = time.monotonic() - start
    assert elapsed >= 0.4  # 5 requests at 10/s


def test_404_is_a_response_not_an_error(scripted, make_settings):
    with PortalClient(make_settings(scripted.base_url)) as client:
        assert client.get("/missing").status == 404
    assert client.counters.failed == 0

"""The replica's HTTP server: routing, faults, static files, control endpoints, live mode.

Standard library only (ThreadingHTTPServer). Request handling is: control URLs and
robots.txt first (never faulted), then the fault plan for this request number, then
the page for the current layout.
"""

from __future__ import annotations

import hashlib
import json
import socket
import struct
import sys
import threading
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from portal_replica import layouts, templates, truth, urls
from portal_replica.catalog import Catalog, Entry
from portal_replica.faults import FaultPlan

CONTROL_PREFIX = "/__replica__/"
HOME_ITEMS = 10
_FAULT_STATUS = {"500": 500, "502": 502, "503": 503, "429": 429}
_SERVER_HEADERS = {
    "sharepoint": ("Microsoft-IIS/8.5", {"X-Powered-By": "ASP.NET", "MicrosoftSharePointTeamServices": "15.0.0.4569"}),
    "modern": ("nginx", {}),
    "unknown": ("cloudflare", {}),
}
_CSS = b"body{font-family:Arial,sans-serif}.article-title{color:#0b4f8a}\n"


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict = field(default_factory=dict)


@dataclass
class ReplicaState:
    """Everything the handlers share. Counters are guarded by `lock`."""

    catalog: Catalog
    faults: FaultPlan
    layout: str = "sharepoint"
    crawl_delay: float = 0.0
    slow_seconds: float = 30.0
    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: int = 0
    faultable: int = 0
    by_status: Counter = field(default_factory=Counter)
    by_route: Counter = field(default_factory=Counter)
    fault_counts: Counter = field(default_factory=Counter)

    def next_request(self, faultable: bool) -> tuple[int, int]:
        with self.lock:
            self.requests += 1
            if faultable:
                self.faultable += 1
            return self.requests, self.faultable

    def count(self, status: int | str, route: str) -> None:
        with self.lock:
            self.by_status[str(status)] += 1
            self.by_route[route] += 1

    def count_fault(self, kind: str) -> None:
        with self.lock:
            self.fault_counts[kind] += 1

    def stats(self) -> dict:
        with self.lock:
            return {
                "total": self.requests,
                "by_status": dict(self.by_status),
                "by_route": dict(self.by_route),
                "faults": dict(self.fault_counts),
                "errors": sum(self.fault_counts[k] for k in ("500", "502", "503", "429", "reset")),
                "layout": self.layout,
                "articles": len(self.catalog),
                "published": self.catalog.published,
                "edited": list(self.catalog.edited),
                "withdrawn": list(self.catalog.withdrawn),
            }

    def reset_stats(self) -> None:
        with self.lock:
            self.requests = 0
            self.by_status.clear()
            self.by_route.clear()
            self.fault_counts.clear()


def pdf_bytes(path: str) -> bytes:
    """A small, valid-looking PDF whose bytes depend only on its path."""
    digest = hashlib.sha256(path.encode()).hexdigest()
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\n"
        + f"% {path} {digest}\n".encode()
        + b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


class Pages:
    """Builds the response for a route in the current layout."""

    def __init__(self, state: ReplicaState):
        self.state = state
        self.catalog = state.catalog

    # -- helpers ----------------------------------------------------------------
    def _html(self, body: str, legacy: bool = False) -> Response:
        if legacy:
            return Response(200, body.encode("cp1252", errors="xmlcharrefreplace"), "text/html; charset=windows-1252")
        return Response(200, body.encode("utf-8"))

    def _not_found(self, layout: str) -> Response:
        return Response(404, layouts.not_found(layout).encode("utf-8"))

    def _items(self, entries: list[Entry]) -> list[layouts.ListItem]:
        items = []
        for entry in entries:
            article = self.catalog.article(entry)
            items.append(layouts.ListItem(entry.article_id, entry.channel, article.title, article.lead(),
                                          entry.listed_at))
        return items

    def modern_url(self, entry: Entry) -> str:
        return urls.modern_article(entry.article_id, self.catalog.article(entry).title)

    def article_path(self, entry: Entry, layout: str) -> str:
        if layout == "modern":
            return self.modern_url(entry)
        return urls.sp_article(entry.article_id, entry.channel)

    # -- routes -----------------------------------------------------------------
    def render(self, route: urls.Route, page: layouts.Page) -> Response:
        layout = self.state.layout
        if layout == "unknown":
            return self._unknown(route, page)
        if layout == "modern" and route.scheme == "sharepoint":
            return self._redirect_to_modern(route, page)
        if layout == "sharepoint" and route.scheme == "modern":
            if route.kind == "list" and route.channel is None and route.page == 1:
                return Response(302, headers={"Location": page.base_url + urls.SP_HOME})
            return self._not_found(layout)
        if route.kind == "home":
            entries, _ = self.catalog.page(None, 1)
            return self._html(layouts.sharepoint_home(page, self._items(entries[:HOME_ITEMS])))
        if route.kind == "list":
            return self._list(route, page, layout)
        if route.kind == "article":
            return self._article(route, page, layout)
        return self._not_found(layout)

    def _list(self, route: urls.Route, page: layouts.Page, layout: str) -> Response:
        if route.page < 1 or (route.channel is not None and route.channel not in templates.CHANNELS):
            return self._not_found(layout)
        entries, pages = self.catalog.page(route.channel, route.page)
        items = self._items(entries)
        if layout == "modern":
            pairs = [(item, self.modern_url(entry)) for item, entry in zip(items, entries, strict=True)]
            return self._html(layouts.modern_list(page, pairs, route.channel, route.page, pages))
        return self._html(layouts.sharepoint_list(page, items, route.channel, route.page, pages))

    def _entry(self, route: urls.Route) -> Entry | None:
        entry = self.catalog.get(route.article_id) if route.article_id is not None else None
        return None if entry is None or entry.withdrawn else entry

    def _article(self, route: urls.Route, page: layouts.Page, layout: str) -> Response:
        entry = self._entry(route)
        if entry is None:
            return self._not_found(layout)
        article = self.catalog.article(entry)
        related = self.catalog.related(entry)
        if layout == "modern":
            pairs = []
            for link in related:
                linked = self.catalog.get(link.article_id)
                href = self.modern_url(linked) if linked else urls.modern_article(link.article_id, link.title)
                pairs.append((link, href))
            return self._html(layouts.modern_article(page, article, pairs))
        return self._html(layouts.sharepoint_article(page, article, related), legacy=article.legacy_encoding)

    def _redirect_to_modern(self, route: urls.Route, page: layouts.Page) -> Response:
        if route.kind == "home":
            target = "/"
        elif route.kind == "list":
            target = urls.modern_list(route.channel, route.page)
        elif route.kind == "article":
            entry = self._entry(route)
            if entry is None:
                return self._not_found("modern")
            target = self.modern_url(entry)
        else:
            return self._not_found("modern")
        return Response(301, headers={"Location": page.base_url + target})

    def _unknown(self, route: urls.Route, page: layouts.Page) -> Response:
        if route.kind == "article":
            entry = self._entry(route)
            if entry is None:
                return self._not_found("unknown")
            article = self.catalog.article(entry)
            payload = {"t": "a", "i": entry.article_id, "b": [b.text for b in article.blocks if b.text]}
        elif route.kind in ("list", "home"):
            entries, _ = self.catalog.page(route.channel, route.page)
            payload = {"t": "l", "i": [e.article_id for e in entries]}
        else:
            return self._not_found("unknown")
        return self._html(layouts.unknown_shell(page, payload))

    def static(self, path: str, headers) -> Response | None:
        """Attachments and the style sheet: the only answers with validators."""
        if path == "/_layouts/portal/styles/core.css":
            body, modified, kind = _CSS, 1_577_836_800.0, "text/css"
        elif path.startswith("/Uploads/") and path.endswith(".pdf"):
            name = path.rsplit("/", 1)[1]
            try:
                entry = self.catalog.get(int(name.split("-", 1)[0]))
            except ValueError:
                entry = None
            if entry is None or self.catalog.article(entry).attachment != path:
                return None
            body, modified, kind = pdf_bytes(path), entry.published_at.timestamp(), "application/pdf"
        else:
            return None
        etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
        validators = {"ETag": etag, "Last-Modified": formatdate(modified, usegmt=True),
                      "Cache-Control": "public, max-age=86400"}
        if _not_modified(headers, etag, modified):
            return Response(304, headers=validators)
        return Response(200, body, kind, validators)

    def robots(self) -> Response:
        lines = ["User-agent: *", "Disallow: /_layouts/", "Disallow: /__replica__/"]
        if self.state.crawl_delay > 0:
            lines.append(f"Crawl-delay: {self.state.crawl_delay:g}")
        return Response(200, ("\n".join(lines) + "\n").encode(), "text/plain; charset=utf-8")


def _not_modified(headers, etag: str, modified: float) -> bool:
    match = headers.get("If-None-Match")
    if match is not None:
        return etag in [m.strip() for m in match.split(",")] or match.strip() == "*"
    since = headers.get("If-Modified-Since")
    if since:
        try:
            return parsedate_to_datetime(since).timestamp() >= int(modified)
        except (TypeError, ValueError):
            return False
    return False


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: ReplicaServer

    def version_string(self) -> str:
        return _SERVER_HEADERS[self.server.state.layout][0]

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        if self.server.verbose:
            sys.stderr.write("replica: " + format % args + "\n")

    def do_GET(self) -> None:
        self._handle(head=False)

    def do_HEAD(self) -> None:
        self._handle(head=True)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        if self.path.startswith(CONTROL_PREFIX):
            self._handle(head=False)
        else:
            self._send(Response(405, b"Method Not Allowed\n", "text/plain"), head=False)

    # -- dispatch ---------------------------------------------------------------
    def _handle(self, head: bool) -> None:
        state = self.server.state
        path = urlsplit(self.path).path
        if path.startswith(CONTROL_PREFIX):
            self._send(self.server.control(path[len(CONTROL_PREFIX):], self.path, self.client_address[0]), head)
            return
        pages = Pages(state)
        if path == "/robots.txt":
            state.next_request(faultable=False)
            response = pages.robots()
            state.count(response.status, "robots")
            self._send(response, head)
            return
        counter, n = state.next_request(faultable=True)
        decision = state.faults.decide(n)
        if decision.slow:
            state.count_fault("slow")
            time.sleep(state.slow_seconds)
        if decision.fault is not None:
            state.count_fault(decision.fault)
            self._fault(decision.fault, decision.retry_after, head)
            return
        try:
            static = pages.static(path, self.headers)
            if static is not None:
                route_name, response = "static", static
            else:
                route = urls.parse(self.path)
                host = self.headers.get("Host") or self.server.base_url.split("//", 1)[1]
                page = layouts.Page(base_url=f"http://{host}", counter=counter, seed=state.catalog.seed)
                route_name, response = route.kind, pages.render(route, page)
        except Exception:  # a bug here must answer, not kill the connection silently
            traceback.print_exc()
            route_name, response = "error", Response(500, b"replica error\n", "text/plain")
        state.count(response.status, route_name)
        self._send(response, head)

    def _fault(self, kind: str, retry_after: int, head: bool) -> None:
        state = self.server.state
        if kind == "reset":
            state.count("reset", "fault")
            # SO_LINGER 0 then close: the peer gets a TCP RST, not a clean EOF.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return
        status = _FAULT_STATUS[kind]
        headers = {"Retry-After": str(retry_after)} if retry_after else {}
        body = f"<html><body><h1>{status} {self.responses[status][0]}</h1></body></html>\n".encode()
        state.count(status, "fault")
        self._send(Response(status, body, headers=headers), head)

    def _send(self, response: Response, head: bool) -> None:
        self.send_response(response.status)
        layout = self.server.state.layout
        for name, value in _SERVER_HEADERS[layout][1].items():
            self.send_header(name, value)
        if response.status != 304:
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
        if "ETag" not in response.headers and response.status == 200:
            # Dynamic pages: no validators, as the real portal sends none.
            self.send_header("Cache-Control", "private, max-age=0")
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if not head and response.status != 304:
            self.wfile.write(response.body)


class ReplicaServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], state: ReplicaState, verbose: bool = False):
        self.state = state
        self.verbose = verbose
        super().__init__(address, Handler)

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def truth_lines(self):
        return truth_lines(self.state, self.base_url)

    # -- control endpoints (tests only, loopback only) --------------------------
    def control(self, action: str, target: str, client: str) -> Response:
        if not (client.startswith("127.") or client == "::1"):
            return Response(403, b"forbidden\n", "text/plain")
        params = dict(parse_qsl(urlsplit(target).query))
        catalog = self.state.catalog
        try:
            if action == "stats":
                if params.get("reset"):
                    self.state.reset_stats()
                return _json(self.state.stats())
            if action == "truth":
                body = "".join(self.truth_lines()).encode("utf-8")
                return Response(200, body, "application/x-ndjson; charset=utf-8")
            if action == "publish":
                return _json({"published": catalog.publish(int(params.get("n", 1)))})
            if action in ("edit", "withdraw"):
                article_id = int(params["id"]) if "id" in params else catalog.pick_old()
                if catalog.get(article_id) is None:
                    return _json({"error": f"no article {article_id}"}, 404)
                entry = catalog.edit(article_id) if action == "edit" else catalog.withdraw(article_id)
                return _json({action: article_id, "revision": entry.revision, "withdrawn": entry.withdrawn})
            if action == "layout":
                name = params.get("name", "")
                if name not in layouts.LAYOUTS:
                    return _json({"error": f"layout must be one of {', '.join(layouts.LAYOUTS)}"}, 400)
                self.state.layout = name
                return _json({"layout": name})
        except (KeyError, ValueError) as exc:
            return _json({"error": f"bad parameters: {exc}"}, 400)
        return _json({"error": f"unknown control {action!r}"}, 404)


def truth_lines(state: ReplicaState, base_url: str):
    """The truth file for the current state, article URLs on `base_url`."""
    pages = Pages(state)
    layout = state.layout
    return truth.json_lines(
        truth.records(state.catalog, lambda entry: base_url + pages.article_path(entry, layout), layout)
    )


def _json(value: dict, status: int = 200) -> Response:
    return Response(status, json.dumps(value).encode(), "application/json")


def run_live(server: ReplicaServer, every: float, stop: threading.Event) -> None:
    """Live mode: publish every `every` seconds; now and then edit one, withdraw one."""
    catalog = server.state.catalog
    tick = 0
    while not stop.wait(every):
        tick += 1
        catalog.publish(1)
        if tick % 5 == 0:
            catalog.edit(catalog.pick_old())
        if tick % 12 == 0:
            catalog.withdraw(catalog.pick_old())

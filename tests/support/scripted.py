"""Tiny scripted HTTP servers on 127.0.0.1 (port 0) for behaviours the replica cannot
easily be made to show: each test scripts its own routes.

    from support.scripted import ScriptedServer, serve   # tests/ is on sys.path under pytest
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# A route answers (status, headers, body) for the request handler it is given.
Route = Callable[[BaseHTTPRequestHandler], tuple[int, dict[str, str], bytes]]


@dataclass
class ScriptedServer:
    routes: dict[str, Route] = field(default_factory=dict)
    # Answers every path without a route of its own (404 when unset).
    fallback: Route | None = None
    seen: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    base_url: str = ""

    def hits(self, path: str) -> int:
        return sum(1 for p, _ in self.seen if p == path)


def serve(script: ScriptedServer) -> Iterator[ScriptedServer]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):  # keep pytest output clean
            pass

        def do_GET(self):
            script.seen.append((self.path, dict(self.headers)))
            route = script.routes.get(self.path) or script.fallback
            if route is None:
                status, headers, body = 404, {}, b"not found"
            else:
                status, headers, body = route(self)
            if status == -1:  # route already wrote the response itself
                return
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            if "Content-Length" not in headers:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    script.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield script
    finally:
        server.shutdown()
        server.server_close()

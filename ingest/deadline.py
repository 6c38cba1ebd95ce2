"""Overall deadlines for requests, and aborting the ones in flight.

A socket read timeout restarts on every byte, so a server that drips one byte a
second holds a request (and the run waiting for it) forever. Here a watchdog
thread of the client cuts the socket of a request once its overall deadline
(`Settings.request_deadline_s`) passes, and every socket at once when the run is
aborted (Ctrl-C, SIGTERM, the run's own deadline): the blocked read returns at
once with an error, in whichever thread it runs.

requests gives no handle on the socket of a request in flight, so the client's
sessions use connection classes that hand theirs to the watch of the calling
thread when they start reading an answer.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

import requests
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

_local = threading.local()  # .watch: the Watch of this thread's request in flight
_TICK_S = 0.1


def _shut(sock: socket.socket | None) -> None:
    if sock is None:
        return
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


class Watch:
    """One request: its deadline and, once it reads an answer, its socket."""

    def __init__(self, deadline_s: float):
        self.expires = time.monotonic() + deadline_s if deadline_s > 0 else None
        self.deadline_s = deadline_s
        self.cut_because: str | None = None
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()

    def attach(self, sock: socket.socket | None) -> None:
        with self._lock:
            self._sock = sock
            if self.cut_because:
                _shut(sock)

    def cut(self, because: str) -> None:
        with self._lock:
            if self.cut_because is None:
                self.cut_because = because
            _shut(self._sock)


class Watchdog:
    """Cuts requests past their deadline; `abort` cuts them all and refuses new ones."""

    def __init__(self) -> None:
        self._watches: set[Watch] = set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._closed = threading.Event()
        self.aborted: str | None = None
        self._abort_event = threading.Event()
        self._run_expires: float | None = None
        self._run_reason = ""

    @contextlib.contextmanager
    def watch(self, deadline_s: float) -> Iterator[Watch]:
        w = Watch(deadline_s)
        with self._lock:
            self._watches.add(w)
            if self.aborted:
                w.cut_because = self.aborted
            self._start()
        _local.watch = w
        try:
            yield w
        finally:
            _local.watch = None
            with self._lock:
                self._watches.discard(w)

    def run_deadline(self, seconds: float) -> None:
        """Abort everything `seconds` from now (0: no run deadline)."""
        with self._lock:
            self._run_expires = time.monotonic() + seconds if seconds > 0 else None
            self._run_reason = f"the run's deadline of {seconds:g}s passed"
            self._start()

    def sleep(self, seconds: float) -> None:
        """time.sleep that ends at once when the run is aborted."""
        if seconds > 0:
            self._abort_event.wait(seconds)

    def abort(self, because: str) -> None:
        with self._lock:
            self.aborted = self.aborted or because
            watches = list(self._watches)
        self._abort_event.set()
        for w in watches:
            w.cut(because)

    def close(self) -> None:
        self._closed.set()

    def _start(self) -> None:  # under self._lock
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="fetch-watchdog", daemon=True)
            self._thread.start()

    def _loop(self) -> None:
        while not self._closed.wait(_TICK_S):
            now = time.monotonic()
            with self._lock:
                run_over = self._run_expires is not None and now >= self._run_expires
                late = [w for w in self._watches if w.expires is not None and now >= w.expires]
            if run_over:
                self.abort(self._run_reason)
            for w in late:
                w.cut(f"no complete answer within {w.deadline_s:g}s")


def _attach_current(sock) -> None:
    watch = getattr(_local, "watch", None)
    if watch is not None:
        watch.attach(sock)


class _WatchedHTTPConnection(HTTPConnection):
    def getresponse(self, *args, **kwargs):
        _attach_current(self.sock)
        return super().getresponse(*args, **kwargs)


class _WatchedHTTPSConnection(HTTPSConnection):
    def getresponse(self, *args, **kwargs):
        _attach_current(self.sock)
        return super().getresponse(*args, **kwargs)


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


def watched_adapter(**kwargs) -> requests.adapters.HTTPAdapter:
    """An HTTPAdapter whose connections report their socket to the current Watch."""
    adapter = requests.adapters.HTTPAdapter(**kwargs)
    adapter.poolmanager.pool_classes_by_scheme = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}
    return adapter

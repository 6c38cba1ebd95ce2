"""The polite HTTP client: the only object in the project that opens sockets.

`PortalClient(settings).get(url)` fetches one page of the configured portal and
either returns a `Response` (2xx, 304, 404, 410 and other final statuses) or raises
a typed error from `ingest.errors`. Everything a small government server should
be able to expect of us lives here: a descriptive User-Agent, robots.txt
(Disallow and Crawl-delay), a per-host request rate, bounded retries with backoff
that respect Retry-After, conditional GETs, a response size cap and redirects
that never leave the portal.
"""

from __future__ import annotations

import email.utils
import errno
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime

import requests

from ingest.config import Settings
from ingest.deadline import Watchdog, watched_adapter
from ingest.errors import (
    DeadlineExceeded,
    FetchFailed,
    IngestError,
    NotHttp,
    OffHost,
    OffHostRedirect,
    ResponseTooLarge,
    RobotsDisallowed,
    RobotsUnavailable,
    RunAborted,
    TooManyRedirects,
)
from ingest.landing import FetchedPage
from ingest.politeness import HostRateLimiter, RobotsRules
from ingest.urls import canonicalise, is_http, origin, same_host

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 10
_CHUNK = 64 * 1024
# Network failures worth another try; anything else is a bug or a refusal.
_TRANSIENT = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)


def describe(exc: BaseException) -> str:
    """A network error in a few words, the cause named when the system gave one
    ("ConnectionError: connection refused"), for one-line run errors."""
    name = type(exc).__name__
    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    while stack:
        e = stack.pop()
        if id(e) in seen:
            continue
        seen.add(id(e))
        code = getattr(e, "errno", None)
        if code in (errno.ECONNREFUSED, errno.ECONNRESET, errno.EHOSTUNREACH, errno.ENETUNREACH,
                    errno.ETIMEDOUT):
            return f"{name}: {_ERRNO_WORDS[code]}"
        stack += [x for x in (e.__cause__, e.__context__, *getattr(e, "args", ()))
                  if isinstance(x, BaseException)]
        reason = getattr(e, "reason", None)
        if isinstance(reason, BaseException):
            stack.append(reason)
    text = str(exc).lower()
    for words in ("connection refused", "connection reset", "timed out", "name or service not known"):
        if words in text:
            return f"{name}: {words}"
    return name


_ERRNO_WORDS = {errno.ECONNREFUSED: "connection refused", errno.ECONNRESET: "connection reset",
                errno.EHOSTUNREACH: "host unreachable", errno.ENETUNREACH: "network unreachable",
                errno.ETIMEDOUT: "timed out"}


def now_iso() -> str:
    """Fetch time as stored in the landing area: ISO 8601, UTC, with its offset."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


@dataclass
class Response:
    url: str  # canonical URL after redirects
    requested_url: str
    status: int
    headers: dict[str, str]
    body: bytes
    fetched_at: str
    # Sent with If-None-Match / If-Modified-Since: only then is a 304 an answer.
    conditional: bool = False

    @property
    def not_modified(self) -> bool:
        return self.status == 304 and self.conditional

    def landed(self, kind: str, article_id: str | None, page: int | None = None) -> FetchedPage:
        """This response as a landing-area page, kept exactly as fetched."""
        return FetchedPage(
            kind=kind,
            url=self.url,
            article_id=article_id,
            fetched_at=self.fetched_at,
            http_status=self.status,
            headers=self.headers,
            body=self.body,
            requested_url=self.requested_url,
            page=page,
        )


@dataclass
class Counters:
    """What a client did; `requests` counts every HTTP request sent (robots.txt,
    redirect hops and retries included), `failed` every URL given up on."""

    requests: int = 0
    not_modified: int = 0
    failed: int = 0
    retries: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, **deltas: int) -> None:
        with self._lock:
            for name, delta in deltas.items():
                setattr(self, name, getattr(self, name) + delta)

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return {k: getattr(self, k) for k in ("requests", "not_modified", "failed", "retries")}


class PortalClient:
    """Thread-safe: each thread gets its own requests.Session (Session is not
    documented as thread-safe); the rate limiter, robots rules and counters are shared."""

    def __init__(self, settings: Settings, *, sleep: Callable[[float], None] = time.sleep):
        if not is_http(settings.base_url):
            raise NotHttp(settings.base_url, "the portal base URL must be http(s)")
        self.settings = settings
        self.base_url = canonicalise(settings.base_url)
        self.counters = Counters()
        # One-line notes the crawl copies into its run record (robots.txt trouble ...).
        self.notes: list[str] = []
        # Cuts requests past their deadline, and all of them on abort(); its sleep
        # ends early on abort (a Retry-After wait must not outlast Ctrl-C).
        self.watchdog = Watchdog()
        if sleep is time.sleep:
            sleep = self.watchdog.sleep
        self._sleep = sleep
        interval = 1.0 / settings.max_rps if settings.max_rps > 0 else 0.0
        self._limiter = HostRateLimiter(interval, sleep=sleep)
        self._robots: RobotsRules | None = None
        self._robots_lock = threading.Lock()
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._sessions_lock = threading.Lock()
        # Validators seen by this client, so a repeated fetch is conditional too.
        self._validators: dict[str, tuple[str | None, str | None]] = {}

    # -- lifecycle -------------------------------------------------------------
    def __enter__(self) -> PortalClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def abort(self, reason: str) -> None:
        """Stop now: cut every request in flight (in any thread) and refuse new ones."""
        self.watchdog.abort(reason)

    def close(self) -> None:
        self.watchdog.close()
        with self._sessions_lock:
            for session in self._sessions:
                session.close()
            self._sessions.clear()

    def executor(self) -> ThreadPoolExecutor:
        """A pool sized to `settings.concurrency`: the number of requests in flight."""
        return ThreadPoolExecutor(max_workers=self.settings.concurrency, thread_name_prefix="fetch")

    @property
    def crawl_delay(self) -> float:
        return self._limiter.interval

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.headers["User-Agent"] = self.settings.user_agent
            session.headers["Accept"] = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"
            adapter = watched_adapter(pool_connections=2, pool_maxsize=2, max_retries=0)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            self._local.session = session
            with self._sessions_lock:
                self._sessions.append(session)
        return session

    # -- public ------------------------------------------------------------------
    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
            conditional: bool = True) -> Response:
        """Fetch one portal page. Conditional when a validator is given or was seen
        earlier by this client (unless `conditional` is False: a caller that needs
        the body, like a list page read twice); a 304 comes back with an empty body."""
        requested = canonicalise(url, self.base_url)
        try:
            self._check_target(requested, redirect=False)
            self._check_robots(requested)
            known_etag, known_lm = self._validators.get(requested, (None, None))
            if not conditional:
                etag = last_modified = known_etag = known_lm = None
            headers = {}
            if etag or known_etag:
                headers["If-None-Match"] = etag or known_etag
            if last_modified or known_lm:
                headers["If-Modified-Since"] = last_modified or known_lm
            response = self._follow(requested, headers, check_robots=True)
            response.conditional = bool(headers)
        except IngestError:
            self.counters.add(failed=1)
            raise
        if response.not_modified:
            self.counters.add(not_modified=1)
        elif 200 <= response.status < 300:
            validators = (response.headers.get("ETag"), response.headers.get("Last-Modified"))
            if any(validators):
                self._validators[requested] = validators
        return response

    # -- internals -----------------------------------------------------------------
    def _check_target(self, url: str, *, redirect: bool) -> None:
        error = OffHostRedirect if redirect else None
        if not is_http(url):
            raise (error or NotHttp)(url, "not an http(s) URL")
        if not same_host(url, self.base_url):
            raise (error or OffHost)(url, f"outside {self.base_url}")

    def _check_robots(self, url: str) -> None:
        rules = self._robots_rules()
        if rules.unavailable:
            raise RobotsUnavailable(url, rules.unavailable)
        if not rules.allows(url):
            raise RobotsDisallowed(url, "robots.txt")

    def _robots_rules(self) -> RobotsRules:
        # Fetched once per client, lazily, under a lock so threads wait for it.
        if self._robots is not None:
            return self._robots
        with self._robots_lock:
            if self._robots is None:
                self._robots = self._load_robots()
                if self._robots.crawl_delay:
                    self._limiter.slow_down_to(self._robots.crawl_delay)
        return self._robots

    def _load_robots(self) -> RobotsRules:
        scheme, host, port = origin(self.base_url)
        url = canonicalise(f"{scheme}://{host}:{port}/robots.txt")
        ua = self.settings.user_agent
        try:
            response = self._follow(url, {}, check_robots=False)
        except (FetchFailed, DeadlineExceeded) as exc:
            # RFC 9309 2.3.1.4: unreachable (server or network error) means assume
            # complete disallow; the next run asks again.
            return RobotsRules("", user_agent=ua, unavailable=f"robots.txt unreachable, assuming disallow: {exc.detail}")
        except IngestError as exc:
            # Unusable (too large, redirect loop or off-host): crawl, but say so.
            self.notes.append(f"robots.txt unreadable, assuming allow-all: {exc}")
            return RobotsRules("", user_agent=ua)
        if response.status >= 500:
            return RobotsRules("", user_agent=ua,
                               unavailable=f"robots.txt answered HTTP {response.status}, assuming disallow (RFC 9309)")
        if response.status != 200:
            return RobotsRules("", user_agent=ua)  # 4xx: no rules published
        return RobotsRules(response.body.decode("utf-8", "replace"), user_agent=ua)

    def _follow(self, url: str, headers: dict[str, str], *, check_robots: bool) -> Response:
        """Redirects are followed by hand so each hop is checked against the host."""
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            status, resp_headers, body = self._send(current, headers)
            if status in REDIRECT_STATUSES and resp_headers.get("Location"):
                target = canonicalise(resp_headers["Location"], current)
                self._check_target(target, redirect=True)
                if check_robots:
                    self._check_robots(target)
                current = target
                continue
            return Response(current, url, status, resp_headers, body, now_iso())
        raise TooManyRedirects(url, f"more than {MAX_REDIRECTS}")

    def _backoff(self, attempt: int) -> float:
        s = self.settings
        return min(s.backoff_max_s, s.backoff_s * (2**attempt)) * random.uniform(0.5, 1.5)

    def _send(self, url: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        """One URL, retried on transient trouble; returns (status, headers, body)."""
        s = self.settings
        host = origin(url)[1]
        attempt = 0
        while True:
            if self.watchdog.aborted:
                raise RunAborted(url, self.watchdog.aborted)
            self._limiter.wait(host)
            self.counters.add(requests=1)
            with self.watchdog.watch(s.request_deadline_s) as watch:
                try:
                    with self._session().get(
                        url,
                        headers=headers,
                        timeout=(s.connect_timeout_s, s.timeout_s),
                        allow_redirects=False,
                        stream=True,
                    ) as r:
                        if r.status_code in RETRY_STATUSES:
                            reason = f"HTTP {r.status_code}"
                            wait = parse_retry_after(r.headers.get("Retry-After"))
                            status: int | None = r.status_code
                        else:
                            body = self._read_capped(r, url, watch)
                            self._raise_if_cut(url, watch)
                            return r.status_code, dict(r.headers), body
                except _TRANSIENT as exc:
                    self._raise_if_cut(url, watch)
                    reason, wait, status = describe(exc), None, None
            if self.watchdog.aborted:
                raise RunAborted(url, self.watchdog.aborted)
            if attempt >= s.max_retries:
                raise FetchFailed(url, f"{reason} after {attempt + 1} attempts", status=status)
            if wait is not None and wait > s.retry_after_max_s:
                raise FetchFailed(url, f"{reason}, Retry-After {wait:.0f}s is too long", status=status)
            delay = max(self._backoff(attempt), wait or 0.0)
            if wait:
                self._limiter.hold(host, wait)
            self.counters.add(retries=1)
            attempt += 1
            self._sleep(delay)

    def _raise_if_cut(self, url: str, watch) -> None:
        """A request the watchdog cut failed for that reason, whatever the socket said."""
        if watch.cut_because is None:
            return
        if self.watchdog.aborted:
            raise RunAborted(url, self.watchdog.aborted)
        raise DeadlineExceeded(url, watch.cut_because)

    def _read_capped(self, r: requests.Response, url: str, watch=None) -> bytes:
        limit = self.settings.max_bytes
        declared = r.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise ResponseTooLarge(url, f"Content-Length {declared} > {limit} bytes")
        chunks: list[bytes] = []
        size = 0
        for chunk in r.iter_content(_CHUNK):
            if watch is not None:
                self._raise_if_cut(url, watch)
            size += len(chunk)
            if size > limit:
                # Leaving the `with` closes the connection: the rest is never read.
                raise ResponseTooLarge(url, f"more than {limit} bytes, download aborted")
            chunks.append(chunk)
        return b"".join(chunks)

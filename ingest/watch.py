"""Asynchronous, polite polling of one portal page, for the triggerer's AssetWatcher.

The triggerer runs every trigger on one event loop and warns when that loop is held
for more than 0.2 s. The crawler's `ingest.http.PortalClient` is thread-based
(requests), and merely importing requests/urllib3 or the HTML parser in a worker
thread holds the interpreter long enough to trip that warning in a fresh triggerer.
So the watcher speaks HTTP with ``httpx.AsyncClient`` (Airflow's own HTTP client,
already loaded in every Airflow process) and reads the article ids of the page's
links with the crawler's own rule (`transforms.urls`: `is_article_url`, `article_id`,
as `transforms.parse_listing` does, without importing the HTML parser), with the crawler's manners: same User-Agent, robots.txt read once and
obeyed (its Crawl-delay stretches the poll interval), conditional GETs, redirects
followed only on the portal's host, a timeout on every request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.config import Settings
from ingest.politeness import RobotsRules
from ingest.urls import canonicalise, is_http, origin, same_host
from transforms.urls import article_id, is_article_url

MAX_REDIRECTS = 5
TIMEOUT_S = 30.0
_HREF = re.compile(rb"""href\s*=\s*["']([^"']+)["']""", re.I)


class WatchError(RuntimeError):
    """A poll could not read the page (HTTP error, robots.txt, off-host redirect)."""


@dataclass
class Poll:
    url: str  # the final URL after same-host redirects
    ids: list[str] | None  # article ids in page order; None when not modified (304)


def linked_article_ids(body: bytes, url: str) -> list[str]:
    """Article ids of every portal article link on a page, once each, in page order."""
    seen: list[str] = []
    for href in _HREF.findall(body):
        link = canonicalise(href.decode("utf-8", "replace").replace("&amp;", "&"), url)
        aid = article_id(link) if same_host(link, url) and is_article_url(link) else None
        if aid and aid not in seen:
            seen.append(aid)
    return seen


class PageWatcher:
    """``async with PageWatcher(settings, url) as w: poll = await w.poll()``."""

    def __init__(self, settings: Settings, url: str):
        self.settings = settings
        self.url = canonicalise(url, settings.base_url)
        self._client = None
        self._robots: RobotsRules | None = None
        self._validators: dict[str, str] = {}

    async def __aenter__(self) -> PageWatcher:
        import asyncio

        self._client = await asyncio.to_thread(self._make_client)
        return self

    def _make_client(self):
        """Built in a worker thread: the SSL context (CA bundle) and the first import of
        httpx's async transport take a few hundred ms on a busy machine."""
        import anyio._backends._asyncio  # noqa: F401 - loaded lazily by the first request otherwise
        import h11  # noqa: F401
        import httpcore._async.connection_pool  # noqa: F401
        import httpx

        # Loading the CA bundle holds the interpreter ~0.2 s: only for an https portal
        # (a plain-http one, like the replica, has no certificate to verify).
        https = self.settings.base_url.lower().startswith("https:")
        return httpx.AsyncClient(
            headers={"User-Agent": self.settings.user_agent,
                     "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"},
            timeout=TIMEOUT_S, follow_redirects=False, verify=https,
        )

    async def __aexit__(self, *exc) -> None:
        if self._client is not None:
            await self._client.aclose()

    @property
    def min_interval(self) -> float:
        """Seconds the portal asks between requests (robots.txt Crawl-delay), 0 if none."""
        return self._robots.crawl_delay if self._robots else 0.0

    async def poll(self) -> Poll:
        """One conditional GET of the page."""
        rules = await self._robots_rules()
        if not rules.allows(self.url):
            raise WatchError(f"robots.txt disallows {self.url}")
        headers = {}
        if etag := self._validators.get("etag"):
            headers["If-None-Match"] = etag
        if modified := self._validators.get("last-modified"):
            headers["If-Modified-Since"] = modified
        final, response = await self._get(self.url, headers, rules)
        if response.status_code == 304:
            return Poll(final, None)
        if response.status_code >= 400:
            raise WatchError(f"HTTP {response.status_code} from {final}")
        for name in ("etag", "last-modified"):
            if value := response.headers.get(name):
                self._validators[name] = value
        return Poll(final, linked_article_ids(response.content, final))

    async def _get(self, url: str, headers: dict[str, str], rules: RobotsRules | None):
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            response = await self._client.get(current, headers=headers)
            location = response.headers.get("location")
            if response.status_code in (301, 302, 303, 307, 308) and location:
                target = canonicalise(location, current)
                if not is_http(target) or not same_host(target, self.settings.base_url):
                    raise WatchError(f"redirect off the portal's host: {current} -> {target}")
                if rules is not None and not rules.allows(target):
                    raise WatchError(f"robots.txt disallows {target}")
                current = target
                continue
            return current, response
        raise WatchError(f"more than {MAX_REDIRECTS} redirects from {url}")

    async def _robots_rules(self) -> RobotsRules:
        if self._robots is None:
            scheme, host, port = origin(self.settings.base_url)
            robots_url = canonicalise(f"{scheme}://{host}:{port}/robots.txt")
            ua = self.settings.user_agent
            try:
                _, response = await self._get(robots_url, {}, None)
                text = response.text if response.status_code == 200 else ""
                if response.status_code >= 500:
                    raise WatchError(f"robots.txt answered HTTP {response.status_code}")
            except WatchError:
                raise
            except Exception as exc:  # noqa: BLE001 - unreachable: the poll itself will say so
                raise WatchError(f"robots.txt unreadable: {exc}") from None
            self._robots = RobotsRules(text, user_agent=ua)
        return self._robots

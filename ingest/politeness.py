"""Being a good citizen of a small government server: per-host request spacing
and robots.txt rules. Both are shared by every thread of one PortalClient."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from urllib.robotparser import RobotFileParser


class HostRateLimiter:
    """Spaces requests to one host at least `interval` seconds apart, across threads.

    Slots are handed out under a lock but slept outside it, so N threads queue up
    one interval apart instead of stampeding when the limit frees.
    """

    def __init__(self, interval_s: float, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self._interval = max(0.0, interval_s)
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()
        self._clock = clock
        self._sleep = sleep

    @property
    def interval(self) -> float:
        return self._interval

    def slow_down_to(self, interval_s: float) -> None:
        """Raise the spacing (robots.txt Crawl-delay); never lowers it."""
        with self._lock:
            self._interval = max(self._interval, interval_s)

    def hold(self, host: str, seconds: float) -> None:
        """No request to `host` for `seconds` (a 429/503 Retry-After concerns every
        thread, not only the one that got it)."""
        with self._lock:
            until = self._clock() + max(0.0, seconds)
            self._next[host] = max(self._next.get(host, until), until)

    def wait(self, host: str) -> None:
        with self._lock:
            now = self._clock()
            slot = max(now, self._next.get(host, now))
            if self._interval > 0 or slot > now:
                self._next[host] = slot + self._interval
        if slot > now:
            self._sleep(slot - now)


class RobotsRules:
    """The parsed robots.txt of the portal (an empty one allows everything)."""

    def __init__(self, text: str = "", *, user_agent: str, unavailable: str | None = None):
        # Why robots.txt could not be read (5xx, network): then nothing is allowed.
        self.unavailable = unavailable
        self._parser = RobotFileParser()
        self._parser.parse(text.splitlines())
        self._user_agent = user_agent
        self._crawl_delay = self._parse_crawl_delay(text, user_agent)

    def allows(self, url: str) -> bool:
        return self._parser.can_fetch(self._user_agent, url)

    @property
    def crawl_delay(self) -> float:
        return self._crawl_delay

    @staticmethod
    def _parse_crawl_delay(text: str, user_agent: str) -> float:
        """Crawl-delay of the group naming us, else of `*`. Read here because
        urllib.robotparser ignores fractional values ("Crawl-delay: 0.5")."""
        token = user_agent.split("/")[0].strip().lower()
        delays: dict[str, float] = {}
        agents: list[str] = []
        in_rules = False
        for raw in text.splitlines():
            line = raw.split("#", 1)[0].strip()
            if ":" not in line:
                continue
            field, value = (part.strip() for part in line.split(":", 1))
            field = field.lower()
            if field == "user-agent":
                if in_rules:  # a new group starts
                    agents, in_rules = [], False
                agents.append(value.lower())
                continue
            in_rules = True
            if field == "crawl-delay":
                try:
                    delay = max(0.0, float(value))
                except ValueError:
                    continue
                for agent in agents:
                    delays.setdefault(agent, delay)
        for agent, delay in delays.items():
            if agent != "*" and agent in token:
                return delay
        return delays.get("*", 0.0)

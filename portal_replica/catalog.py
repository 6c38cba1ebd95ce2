"""The small in-memory index of the replica: ids, channels, times, and live changes.

Only this index lives in memory (a few dozen bytes per article), so 20,000 articles
start in well under a second; the text of an article is generated on demand by
corpus.generate from (seed, id, revision). Live mode and the control endpoints change
the index under a lock: publish, edit (same id, next revision), withdraw.
"""

from __future__ import annotations

import random
import threading
from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime, timedelta

from portal_replica import templates
from portal_replica.articles import PORTAL_TZ, Article, RelatedLink, cut_title
from portal_replica.corpus import generate
from portal_replica.seed import ANCHORS, SEED_CHANNEL, SEED_ID, SEED_PUBLISHED_AT

PAGE_SIZE = 20
RELATED_SIZE = 8
# Below this many articles the seed's eight neighbours are not added: a tiny corpus
# stays exactly as big as asked (plus the seed letter).
ANCHORS_FROM = 50
FIRST_DAY = datetime(2011, 1, 3, tzinfo=PORTAL_TZ)
FOLLOW_SHARE = 0.2
LAST_DAY = datetime(2026, 6, 30, tzinfo=PORTAL_TZ)


@dataclass(slots=True)
class Entry:
    article_id: int
    channel: int
    kind: str  # "doc" | "news" (the seed and its neighbours are "doc")
    published_at: datetime
    # Lists sort on this, not on the shown time: an edited item jumps up (README).
    sort_key: datetime
    revision: int = 0
    withdrawn: bool = False
    # Lists show the last update time: the seed list page shows 2718 with a stamp
    # later than its neighbours'. An edit therefore changes the listed stamp.
    edited_at: datetime | None = None
    # An earlier document this one implements or follows up (cites by number), or None.
    follows: int | None = None

    @property
    def listed_at(self) -> datetime:
        return self.edited_at or self.published_at


def _channel_for(rng: random.Random, kind: str) -> int:
    weights = templates.DOCUMENT_CHANNEL_WEIGHTS if kind == "doc" else templates.NEWS_CHANNEL_WEIGHTS
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _publish_time(rng: random.Random) -> datetime:
    day = FIRST_DAY + timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days + 1))
    roll = rng.random()
    # Office hours mostly; a few evening and after-midnight posts exercise 12-hour
    # edge cases ("12:40 SA" is 00:40, "12:05 CH" is noon).
    hour = rng.randint(7, 17) if roll < 0.92 else rng.randint(18, 22) if roll < 0.97 else rng.randint(0, 6)
    return day.replace(hour=hour, minute=rng.randrange(60))


class Catalog:
    def __init__(self, seed: int, articles: int):
        self.seed = seed
        self._lock = threading.RLock()
        self._entries: dict[int, Entry] = {}
        self._live_rng = random.Random(f"{seed}:live")
        self.published = 0
        self.edited: list[int] = []
        self.withdrawn: list[int] = []
        self._build(articles)
        self._reindex()

    # -- building ---------------------------------------------------------------
    def _build(self, articles: int) -> None:
        rng = random.Random(f"{self.seed}:catalog")
        anchors = ANCHORS if articles >= ANCHORS_FROM else []
        reserved = {SEED_ID} | {a.article_id for a in anchors}
        times = sorted(_publish_time(rng) for _ in range(articles - len(anchors)))
        next_id = 1000
        for published in times:
            next_id += rng.randint(1, 4)
            while next_id in reserved:
                next_id += 1
            kind = "doc" if rng.random() < 0.7 else "news"
            sort_key = published + timedelta(hours=rng.randint(1, 72)) if rng.random() < 0.03 else published
            self._add(Entry(next_id, _channel_for(rng, kind), kind, published, sort_key))
        for anchor in anchors:
            self._add(Entry(anchor.article_id, anchor.channel, "doc", anchor.published_at, anchor.published_at))
        self._add(Entry(SEED_ID, SEED_CHANNEL, "doc", SEED_PUBLISHED_AT, SEED_PUBLISHED_AT))
        self._link_followups(reserved)

    def _link_followups(self, reserved: set[int]) -> None:
        """Some letters implement or follow up an earlier letter of the portal (a plan implementing
        a decision, a telegram following up a letter) published 1 to 90 days before."""
        docs = sorted((e for e in self._entries.values() if e.kind == "doc"), key=lambda e: (e.published_at, e.article_id))
        for i, entry in enumerate(docs):
            rng = random.Random(f"{self.seed}:follows:{entry.article_id}")
            if entry.article_id in reserved or rng.random() >= FOLLOW_SHARE:
                continue
            earlier = [e for e in docs[max(0, i - 12):i] if e.article_id != SEED_ID
                       and timedelta(days=1) <= entry.published_at - e.published_at <= timedelta(days=90)]
            if earlier:
                entry.follows = rng.choice(earlier).article_id

    def _add(self, entry: Entry) -> None:
        self._entries[entry.article_id] = entry

    def _reindex(self) -> None:
        shown = [e for e in self._entries.values() if not e.withdrawn]
        self._latest = sorted(shown, key=lambda e: (e.sort_key, e.article_id), reverse=True)
        self._by_channel = {c: [e for e in self._latest if e.channel == c] for c in templates.CHANNELS}
        self._by_time = sorted(shown, key=lambda e: (e.published_at, e.article_id))
        self._time_keys = [e.published_at for e in self._by_time]

    # -- reading ----------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._entries)

    def get(self, article_id: int) -> Entry | None:
        return self._entries.get(article_id)

    def entries(self) -> list[Entry]:
        with self._lock:
            return sorted(self._entries.values(), key=lambda e: e.article_id)

    def page(self, channel: int | None, page: int) -> tuple[list[Entry], int]:
        """The entries of list page `page` (1-based) and the number of pages."""
        with self._lock:
            items = self._latest if channel is None else self._by_channel.get(channel, [])
            pages = max(1, -(-len(items) // PAGE_SIZE))
            start = (page - 1) * PAGE_SIZE
            return items[start:start + PAGE_SIZE] if page >= 1 else [], pages

    def article(self, entry: Entry) -> Article:
        followed = self._entries.get(entry.follows) if entry.follows else None
        follows = (followed.article_id, followed.channel, followed.published_at) if followed else None
        return generate(self.seed, entry.article_id, entry.channel, entry.kind, entry.published_at, entry.revision,
                        follows)

    def related(self, entry: Entry) -> list[RelatedLink]:
        """The "Latest new" box: what was newest when the article came out.

        A window around the article's own time (not the newest at request time) keeps
        an unchanged article's extracted content stable while new articles appear.
        """
        article = self.article(entry)
        if article.fixed_related is not None:
            return article.fixed_related
        return [
            RelatedLink(other.article_id, other.channel, cut_title(self.article(other).title), other.published_at)
            for other in self._neighbours(entry)
        ]

    def related_ids(self, entry: Entry) -> list[int]:
        """The ids of the box, without generating the neighbours' text."""
        if entry.article_id == SEED_ID:
            return [link.article_id for link in self.article(entry).fixed_related]
        return [other.article_id for other in self._neighbours(entry)]

    def _neighbours(self, entry: Entry) -> list[Entry]:
        with self._lock:
            end = bisect_right(self._time_keys, entry.published_at + timedelta(days=5))
            window = self._by_time[max(0, end - RELATED_SIZE - 1):end]
        return [other for other in reversed(window) if other.article_id != entry.article_id][:RELATED_SIZE]

    # -- live changes -----------------------------------------------------------
    def publish(self, count: int = 1, now: datetime | None = None) -> list[int]:
        with self._lock:
            moment = (now or datetime.now(PORTAL_TZ)).replace(second=0, microsecond=0)
            latest = max(e.published_at for e in self._entries.values())
            next_id = max(self._entries)
            new_ids = []
            for _ in range(count):
                moment = max(moment, latest + timedelta(minutes=1))
                latest = moment
                next_id += self._live_rng.randint(1, 3)
                kind = "doc" if self._live_rng.random() < 0.7 else "news"
                self._add(Entry(next_id, _channel_for(self._live_rng, kind), kind, moment, moment))
                new_ids.append(next_id)
            self.published += count
            self._reindex()
            return new_ids

    def pick_old(self) -> int:
        """An article for live mode to edit or withdraw, chosen reproducibly."""
        with self._lock:
            candidates = [e.article_id for e in self._by_time if e.article_id != SEED_ID]
            return candidates[self._live_rng.randrange(len(candidates))]

    def edit(self, article_id: int, now: datetime | None = None) -> Entry:
        with self._lock:
            entry = self._entries[article_id]
            entry.revision += 1
            stamp = (now or datetime.now(PORTAL_TZ)).replace(second=0, microsecond=0)
            entry.sort_key = max(entry.sort_key, stamp)
            entry.edited_at = max(stamp, entry.published_at + timedelta(minutes=1))
            self.edited.append(article_id)
            self._reindex()
            return entry

    def withdraw(self, article_id: int) -> Entry:
        with self._lock:
            entry = self._entries[article_id]
            entry.withdrawn = True
            self.withdrawn.append(article_id)
            self._reindex()
            return entry

"""The AssetWatcher trigger's run() loop against a real replica: one request per poll,
no event while nothing is new, an event naming the new article soon after it appears,
and a watermark kept in the asset state store across triggerer restarts."""

from __future__ import annotations

import asyncio
import importlib

import pytest

from portal_triggers.new_article import WATERMARK_KEY, NewArticleTrigger


@pytest.fixture(autouse=True)
def _no_rate_limit(monkeypatch):
    monkeypatch.setenv("PORTAL_MAX_RPS", "0")


class MemoryStateStore:
    """Stands in for the triggerer's `AssetStateStoreAccessors` (aget/aset)."""

    def __init__(self):
        self.data: dict = {}

    async def aget(self, key, default=None):
        return self.data.get(key, default)

    async def aset(self, key, value):
        self.data[key] = value


def test_serialize_roundtrip():
    trig = NewArticleTrigger(poll_interval=30, base_url="http://127.0.0.1:1")
    classpath, kwargs = trig.serialize()
    module, _, name = classpath.rpartition(".")
    again = getattr(importlib.import_module(module), name)(**kwargs)
    assert again.serialize() == (classpath, kwargs)


async def _next_event(gen, timeout):
    return await asyncio.wait_for(gen.__anext__(), timeout)


def test_run_loop_fires_on_new_article(replica_factory):
    replica = replica_factory(articles=30, seed=11)
    store = MemoryStateStore()

    async def scenario():
        trig = NewArticleTrigger(poll_interval=0.2, base_url=replica.base_url)
        trig.asset_state_store = store
        gen = trig.run()
        pending = asyncio.ensure_future(_next_event(gen, 30))
        for _ in range(100):  # the first poll records the watermark
            if WATERMARK_KEY in store.data:
                break
            await asyncio.sleep(0.1)
        assert isinstance(store.data.get(WATERMARK_KEY), int)
        await asyncio.sleep(1.0)  # more polls of an unchanged page 1
        assert not pending.done(), "fired with nothing new"
        published = (await asyncio.to_thread(replica.control, "publish", n=1))["published"]
        event = await pending
        await gen.aclose()
        return published, event

    published, event = asyncio.run(scenario())
    assert event.payload["new_article_ids"] == [str(i) for i in published]
    assert store.data[WATERMARK_KEY] == max(published)


def test_watermark_survives_a_restart(replica_factory):
    """A new trigger instance (triggerer restart) with the stored watermark stays quiet."""
    replica = replica_factory(articles=30, seed=12)
    store = MemoryStateStore()

    async def first():
        trig = NewArticleTrigger(poll_interval=0.05, base_url=replica.base_url, max_polls=2)
        trig.asset_state_store = store
        return [e async for e in trig.run()]

    assert asyncio.run(first()) == []
    replica.control("publish", n=2)

    async def second():
        trig = NewArticleTrigger(poll_interval=0.05, base_url=replica.base_url, max_polls=3)
        trig.asset_state_store = store
        return [e async for e in trig.run()]

    events = asyncio.run(second())
    assert len(events) == 1 and len(events[0].payload["new_article_ids"]) == 2
    assert asyncio.run(second()) == []  # already seen: no second event


def test_one_request_per_poll(replica_factory):
    replica = replica_factory(articles=30, seed=13)

    async def run(polls):
        trig = NewArticleTrigger(poll_interval=0.05, base_url=replica.base_url, max_polls=polls)
        return [e async for e in trig.run()]

    replica.reset_stats()
    assert asyncio.run(run(4)) == []
    stats = replica.stats()
    by_route = stats.get("by_route") or {}
    non_robots = sum(v for k, v in by_route.items() if k != "robots")
    assert non_robots == 4, stats


@pytest.mark.parametrize("status_after", ["down"])
def test_portal_down_does_not_kill_the_watcher(status_after):
    async def run():
        trig = NewArticleTrigger(poll_interval=0.05, base_url="http://127.0.0.1:9", max_polls=2)
        return [e async for e in trig.run()]

    assert asyncio.run(run()) == []

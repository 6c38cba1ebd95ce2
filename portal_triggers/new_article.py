"""`NewArticleTrigger`: fire as soon as an unseen article id appears on list page 1.

Used through an `AssetWatcher` on the ``portal_list_page_1`` asset, which is part
of `portal_latest_news`'s schedule: the triggerer polls page 1 of the latest-news
list (one conditional GET per poll, through the polite `ingest.http.PortalClient`)
and yields a `TriggerEvent` when the page lists an article id above the watermark.

Watermark: the highest article id seen on page 1 (article ids only grow). It is kept
in the asset's state store (`self.asset_state_store`, Airflow 3.3) so a triggerer
restart does not fire again for the same article; outside a triggerer (tests)
it lives in memory. The first poll without a stored watermark only records it:
the schedule's own runs cover what was there before the watcher started.

This module lives in an installed package (not ``dags/``) because the triggerer
must import it.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from typing import Any

from airflow.triggers.base import BaseEventTrigger, TriggerEvent

WATERMARK_KEY = "page1_max_article_id"
DEFAULT_POLL_INTERVAL_S = 60.0


def _as_int(article_id: Any) -> int | None:
    try:
        return int(str(article_id).strip())
    except (TypeError, ValueError):
        return None


def listed_article_ids(body: bytes, url: str) -> list[str]:
    """Article ids on a list page, in page order: the crawler's own reading of a list
    page (`transforms.parse_listing` on the bytes, ids by `transforms.urls`), so the
    watcher and the crawler never disagree on what an id is."""
    import transforms

    items = transforms.parse_listing(body, url).get("items") or []
    return [str(it["article_id"]) for it in items if it.get("article_id")]


class NewArticleTrigger(BaseEventTrigger):
    """Poll list page 1 every ``poll_interval`` seconds; fire on a new article id.

    :param poll_interval: seconds between polls.
    :param base_url: the portal; ``None`` = the ``portal`` connection, else ``PORTAL_BASE_URL``
        (resolved when the trigger runs, never at DAG parse time).
    :param list_path: the list to watch; ``None`` = ``Settings.list_path`` (latest news, page 1).
    :param conn_id: the Airflow connection that may name the portal.
    :param max_polls: stop after this many polls (tests); ``None`` = forever.
    """

    def __init__(
        self,
        poll_interval: float = DEFAULT_POLL_INTERVAL_S,
        base_url: str | None = None,
        list_path: str | None = None,
        conn_id: str = "portal",
        max_polls: int | None = None,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.poll_interval = float(poll_interval)
        self.base_url = base_url
        self.list_path = list_path
        self.conn_id = conn_id
        self.max_polls = max_polls
        self._memory_watermark: int | None = None

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return (
            f"{type(self).__module__}.{type(self).__qualname__}",
            {
                "poll_interval": self.poll_interval,
                "base_url": self.base_url,
                "list_path": self.list_path,
                "conn_id": self.conn_id,
                "max_polls": self.max_polls,
            },
        )

    # -- configuration ---------------------------------------------------------
    async def _resolve_base_url(self) -> str | None:
        if self.base_url:
            return self.base_url
        try:
            from airflow.sdk import Connection

            from portal_ingest.airflow_config import base_url_from_connection

            conn = await Connection.async_get(self.conn_id)
            url = base_url_from_connection(conn)
            if url:
                return url
        except Exception as exc:  # noqa: BLE001 - no connection, or no API outside a triggerer
            self.log.debug("connection %s not usable (%s); using the environment", self.conn_id, exc)
        return os.environ.get("PORTAL_BASE_URL") or None

    # -- watermark -------------------------------------------------------------
    async def _get_watermark(self) -> int | None:
        if self.asset_state_store is not None:
            try:
                return _as_int(await self.asset_state_store.aget(WATERMARK_KEY))
            except Exception as exc:  # noqa: BLE001
                self.log.warning("asset state store unreadable (%s); keeping the watermark in memory", exc)
        return self._memory_watermark

    async def _set_watermark(self, value: int) -> None:
        self._memory_watermark = value
        if self.asset_state_store is not None:
            try:
                await self.asset_state_store.aset(WATERMARK_KEY, value)
            except Exception as exc:  # noqa: BLE001
                self.log.warning("asset state store not writable (%s); watermark kept in memory", exc)

    # -- polling ---------------------------------------------------------------
    def _poll_once(self, client, url: str) -> tuple[str, list[str] | None]:
        """One conditional GET of page 1 -> (final url, ids), ids None when not modified."""
        # The client remembers ETag/Last-Modified, so a repeated poll is conditional.
        response = client.get(url)
        if response.not_modified:
            return response.url, None
        if response.status >= 400:
            raise RuntimeError(f"list page answered HTTP {response.status}: {url}")
        return response.url, listed_article_ids(response.body, response.url)

    async def run(self) -> AsyncIterator[TriggerEvent]:
        from ingest.config import Settings
        from ingest.http import PortalClient

        base_url = await self._resolve_base_url()
        settings = Settings.from_env(base_url=base_url, list_path=self.list_path)
        # One request per poll: no retries inside a poll, the next poll is the retry.
        settings = settings.with_overrides(max_retries=0)
        from ingest.crawl import channel_list_url

        url = channel_list_url(settings)  # the list the crawler reads, page 1
        self.log.info("watching %s every %.0f s for new article ids", url, self.poll_interval)
        polls = 0
        with PortalClient(settings) as client:
            while self.max_polls is None or polls < self.max_polls:
                polls += 1
                try:
                    final_url, ids = await asyncio.to_thread(self._poll_once, client, url)
                except Exception as exc:  # noqa: BLE001 - the portal being down must not kill the watcher
                    self.log.warning("poll of %s failed: %s", url, exc)
                    ids = None
                if ids:
                    numeric = sorted({n for n in map(_as_int, ids) if n is not None})
                    top = numeric[-1] if numeric else None
                    watermark = await self._get_watermark()
                    if top is not None and watermark is None:
                        self.log.info("no watermark yet; page 1 tops at article %s", top)
                        await self._set_watermark(top)
                    elif top is not None and top > watermark:
                        new_ids = [str(n) for n in numeric if n > watermark]
                        await self._set_watermark(top)
                        self.log.info("new article ids on page 1: %s (watermark was %s)", new_ids, watermark)
                        yield TriggerEvent(
                            {"new_article_ids": new_ids, "previous_watermark": watermark, "watermark": top, "url": final_url}
                        )
                if self.max_polls is not None and polls >= self.max_polls:
                    break
                await asyncio.sleep(self.poll_interval)

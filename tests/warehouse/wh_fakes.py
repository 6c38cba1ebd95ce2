"""A stand-in parser and page builders: the warehouse tests must not depend on
the parser's progress. Page bodies are JSON records plus a volatile counter,
like the portal's "N online users"."""

from __future__ import annotations

import hashlib
import json
import random
from datetime import datetime, timedelta, timezone

from ingest.landing import FetchedPage, Landing, RunRecord
from transforms.urls import channel_id
from warehouse.parsing import Parser

ICT = timezone(timedelta(hours=7))
BASE = "http://portal.test/en-us/Pages"
T0 = datetime(2026, 11, 1, 8, 0, tzinfo=ICT)


class FakeParser(Parser):
    def __init__(self, version: str = "1.0.0"):
        self._version = version

    @property
    def version(self) -> str:
        return self._version

    def parse_article(self, body: bytes, url: str) -> dict:
        rec = json.loads(body)
        rec.pop("counter", None)
        if rec.get("explode"):
            raise ValueError("cannot find the article body")
        return {"kind": "article", "url": url, "channel_id": channel_id(url), "parser_version": self._version,
                "warnings": [], **rec}

    def parse_listing(self, body: bytes, url: str) -> dict:
        rec = json.loads(body)
        return {"kind": "list", "url": url, "items": rec["items"], "next_page": None}

    def content_hash(self, record: dict) -> str:
        keep = {k: v for k, v in record.items() if k not in ("url", "parser_version", "warnings", "related")}
        return hashlib.sha256(json.dumps(keep, sort_keys=True).encode()).hexdigest()

    def sanity_errors(self, record: dict) -> list[str]:
        return [f"missing {k}" for k in ("title", "published_on") if not record.get(k)]


def article_url(article_id: str, channel: int = 14) -> str:
    return f"{BASE}/Article.aspx?ChannelId={channel}&articleID={article_id}"


def article_record(article_id: str, *, title: str | None = None, edit: int = 0, number: str | None = None,
                   directives: int = 2, refs: tuple[str, ...] = ("22/2020/QD-UBND",),
                   published_on: str = "2020-10-09", addressees=("Department of Health",)) -> dict:
    number = number or f"{article_id}/UBND-NC"
    return {
        "article_id": article_id,
        "title": title or f"To step up work {article_id}" + (f" (edit {edit})" if edit else ""),
        "published_on": published_on,
        "published_at": None,
        "document": {"type": "Official Letter", "number": number, "issuer": "Provincial People's Committee",
                     "issued_on": published_on, "subject": f"subject {article_id}"},
        "addressees": list(addressees),
        "directives": [{"ordinal": i, "text": f"Directive {i} of {article_id} v{edit}"} for i in range(1, directives + 1)],
        "references": [{"number": r, "type": "Decision", "issued_on": "2020-08-12", "issuer": None} for r in refs],
        "related": [{"url": article_url("1"), "title": "x", "listed_at": None}],
        "body_text": f"Body of {article_id} edit {edit}",
    }


def article_page(article_id: str, fetched_at: datetime, *, record: dict | None = None, raw: bytes | None = None,
                 **kw) -> FetchedPage:
    rec = dict(record or article_record(article_id, **kw))
    rec["counter"] = random.randrange(10**9)  # volatile bytes, same content
    body = raw if raw is not None else json.dumps(rec).encode()
    return FetchedPage("article", article_url(article_id), article_id, fetched_at.isoformat(), 200,
                       {"content-type": "text/html"}, body)


def list_page(ids: list[str], fetched_at: datetime, page: int = 1) -> FetchedPage:
    items = [{"url": article_url(i), "article_id": i, "title": f"To step up work {i}",
              "listed_at": (T0 - timedelta(hours=int(i) % 50)).isoformat()} for i in ids]
    return FetchedPage("list", f"{BASE}/news.aspx?Page={page}", None, fetched_at.isoformat(), 200, {},
                       json.dumps({"items": items}).encode(), page=page)


def gone_page(article_id: str, fetched_at: datetime) -> FetchedPage:
    return FetchedPage("gone", article_url(article_id), article_id, fetched_at.isoformat(), 404, {}, b"Not found")


def write_batch(settings, pages: list[FetchedPage], run_id: str = "run-1", started: datetime = T0, **run_kw):
    run = RunRecord(run_id=run_id, kind="crawl", started_at=started.isoformat(), finished_at=started.isoformat(),
                    requests=len(pages), **run_kw)
    return Landing(settings.landing).write_batch(run, pages)

"""Writing parsed pages into the parsed tables, set-based.

Shared by `load` (one landing batch) and `reparse` (replaying stored fetches),
so both build exactly the same rows. Every value written here derives from the
pages (fetched_at, content), never from the clock: that is what makes a
reparse equal a fresh crawl.

Version rule: an article gets a new version when transforms.content_hash of
its extracted content differs from its current one. Fetches no newer than the
article's last_seen_at are already accounted for, so loading a page twice
changes nothing.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

import duckdb

from transforms.dates import parse_instant
from transforms.records import ArticleRecord, DocumentRecord
from warehouse.db import assert_unique, rows, stage, upsert
from warehouse.parsing import Fetch, ParsedArticle, ParsedListing, ParseFailure, Parser, parse_fetch
from warehouse.tasks import assignee_rows, link_citations, sync_agencies, write_assignees

ARTICLE_COLUMNS = [
    ("article_id", "VARCHAR"),
    ("url", "VARCHAR"),
    ("channel_id", "VARCHAR"),
    ("title", "VARCHAR"),
    ("published_on", "DATE"),
    ("published_at", "TIMESTAMPTZ"),
    ("doc_type", "VARCHAR"),
    ("doc_number", "VARCHAR"),
    ("issuer", "VARCHAR"),
    ("issued_on", "DATE"),
    ("subject", "VARCHAR"),
    ("addressees", "VARCHAR[]"),
    ("body_text", "VARCHAR"),
    ("warnings", "VARCHAR[]"),
    ("content_sha256", "VARCHAR"),
    ("version", "INTEGER"),
    ("parser_version", "VARCHAR"),
    ("first_seen_at", "TIMESTAMPTZ"),
    ("last_changed_at", "TIMESTAMPTZ"),
    ("last_seen_at", "TIMESTAMPTZ"),
]
VERSION_COLUMNS = [
    ("article_id", "VARCHAR"),
    ("version", "INTEGER"),
    ("content_sha256", "VARCHAR"),
    ("seen_at", "TIMESTAMPTZ"),
    ("raw_sha256", "VARCHAR"),
    ("parser_version", "VARCHAR"),
    ("record", "VARCHAR"),
]
DIRECTIVE_COLUMNS = [("article_id", "VARCHAR"), ("ordinal", "INTEGER"), ("text", "VARCHAR"),
                     ("due_on", "DATE"), ("due_text", "VARCHAR")]
CITATION_COLUMNS = [
    ("article_id", "VARCHAR"),
    ("ordinal", "INTEGER"),
    ("number", "VARCHAR"),
    ("doc_type", "VARCHAR"),
    ("issued_on", "DATE"),
    ("issuer", "VARCHAR"),
]
LISTING_COLUMNS = [
    ("article_id", "VARCHAR"),
    ("url", "VARCHAR"),
    ("title", "VARCHAR"),
    ("listed_at", "TIMESTAMPTZ"),
    ("list_url", "VARCHAR"),
    ("parser_version", "VARCHAR"),
    ("first_seen_at", "TIMESTAMPTZ"),
    ("last_seen_at", "TIMESTAMPTZ"),
]
QUARANTINE_COLUMNS = [
    ("url", "VARCHAR"),
    ("article_id", "VARCHAR"),
    ("kind", "VARCHAR"),
    ("content_sha256", "VARCHAR"),
    ("error", "VARCHAR"),
    ("parser_version", "VARCHAR"),
    ("seen_at", "TIMESTAMPTZ"),
]


def _names(columns) -> str:
    return ", ".join(name for name, _ in columns)


@dataclass
class ApplyCounts:
    pages: int = 0
    new_articles: int = 0
    changed_articles: int = 0
    unchanged: int = 0
    quarantined: int = 0
    withdrawn: int = 0
    article_ids: set[str] = field(default_factory=set)  # new or changed
    quarantined_ids: set[str] = field(default_factory=set)  # article pages that did not parse (none parsed)

    def add(self, other: ApplyCounts) -> None:
        for name in ("pages", "new_articles", "changed_articles", "unchanged", "quarantined", "withdrawn"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.article_ids |= other.article_ids


@dataclass
class Outcomes:
    """Parse results of a set of fetches, grouped by what they write."""

    articles: list[ParsedArticle] = field(default_factory=list)
    listings: list[ParsedListing] = field(default_factory=list)
    failures: list[ParseFailure] = field(default_factory=list)
    gone: list[Fetch] = field(default_factory=list)
    pages: int = 0


def parse_all(parser: Parser, fetches: list[Fetch]) -> Outcomes:
    out = Outcomes(pages=len(fetches))
    for fetch in fetches:
        result = parse_fetch(parser, fetch)
        if result is None:
            if fetch.kind == "gone" and fetch.article_id:
                out.gone.append(fetch)
        elif isinstance(result, ParsedArticle):
            out.articles.append(result)
        elif isinstance(result, ParsedListing):
            out.listings.append(result)
        else:
            out.failures.append(result)
    return out


def write_outcomes(con: duckdb.DuckDBPyConnection, out: Outcomes, parser_version: str) -> ApplyCounts:
    """All parsed-table writes of one set of fetches (caller holds the transaction)."""
    counts = write_articles(con, out.articles, parser_version)
    counts.pages = out.pages
    write_listings(con, out.listings, parser_version)
    counts.quarantined = write_quarantine(con, out, parser_version)
    parsed = {a.article_id for a in out.articles}
    counts.quarantined_ids = {f.fetch.article_id for f in out.failures
                              if f.fetch.kind == "article" and f.fetch.article_id} - parsed
    counts.withdrawn = mark_withdrawn(con, out.gone)
    link_citations(con)  # after every write: a cited letter may arrive after the citing one
    return counts


# ---- articles -------------------------------------------------------------


def _date(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _stamp(value) -> datetime | None:
    return parse_instant(value) if isinstance(value, str) else None


def _strings(values) -> list[str]:
    return [str(v) for v in values or [] if v is not None]


@dataclass
class _State:
    content_sha256: str
    version: int
    first_seen_at: datetime
    last_seen_at: datetime
    last_changed_at: datetime


def _current_states(con, article_ids: list[str]) -> dict[str, _State]:
    found = rows(
        con,
        "SELECT article_id, content_sha256, version, first_seen_at, last_seen_at, last_changed_at"
        " FROM articles WHERE article_id IN (SELECT unnest(?::VARCHAR[]))",
        [article_ids],
    )
    return {r[0]: _State(*r[1:]) for r in found}


def article_row(parsed: ParsedArticle, state: _State, url: str, parser_version: str) -> tuple:
    rec: ArticleRecord = parsed.record
    doc: DocumentRecord | dict = rec.get("document") or {}
    return (
        parsed.article_id,
        url,
        rec.get("channel_id"),
        rec.get("title"),
        _date(rec.get("published_on")),
        _stamp(rec.get("published_at")),
        doc.get("type"),
        doc.get("number"),
        doc.get("issuer"),
        _date(doc.get("issued_on")),
        doc.get("subject"),
        _strings(rec.get("addressees")),
        rec.get("body_text"),
        _strings(rec.get("warnings")),
        parsed.content_sha256,
        state.version,
        parser_version,
        state.first_seen_at,
        state.last_changed_at,
        state.last_seen_at,
    )


def child_rows(parsed: ParsedArticle) -> tuple[list[tuple], list[tuple]]:
    """Directives and citations; ordinals are positions so keys never collide."""
    rec = parsed.record
    directives = [
        (parsed.article_id, i, str(d.get("text") or ""), _date(d.get("due_on")), d.get("due_text"))
        for i, d in enumerate(rec.get("directives") or [], start=1)
    ]
    refs = [r for r in rec.get("references") or [] if r.get("number")]
    citations = [
        (parsed.article_id, i, r["number"], r.get("type"), _date(r.get("issued_on")), r.get("issuer"))
        for i, r in enumerate(refs, start=1)
    ]
    return directives, citations


def write_articles(con, parsed: list[ParsedArticle], parser_version: str) -> ApplyCounts:
    counts = ApplyCounts()
    by_id: dict[str, list[ParsedArticle]] = defaultdict(list)
    for p in parsed:
        by_id[p.article_id].append(p)
    states = _current_states(con, list(by_id)) if by_id else {}

    article_rows, version_rows, directive_rows, citation_rows, touch_rows = [], [], [], [], []
    assignee_list, unknown_agencies = [], {}
    for article_id, fetches in by_id.items():
        fetches.sort(key=lambda p: (p.fetch.fetched_at, p.fetch.raw_sha256))
        state = states.get(article_id)
        existed = state is not None
        newest_content, newest_fetch = None, None
        for p in fetches:
            seen = p.fetch.fetched_at
            if state is not None and seen <= state.last_seen_at:
                continue  # this fetch (or a later one) is already in the table
            newest_fetch = p
            if state is None or p.content_sha256 != state.content_sha256:
                version = state.version + 1 if state else 1
                first = state.first_seen_at if state else seen
                state = _State(p.content_sha256, version, first, seen, seen)
                newest_content = p
                version_rows.append(
                    (article_id, version, p.content_sha256, seen, p.fetch.raw_sha256, parser_version,
                     json.dumps(p.record, ensure_ascii=False, sort_keys=True, default=str))
                )
            else:
                state.last_seen_at = seen
        if newest_content is not None:
            article_rows.append(article_row(newest_content, state, newest_fetch.fetch.url, parser_version))
            d, c = child_rows(newest_content)
            directive_rows += d
            citation_rows += c
            a, unknown = assignee_rows(article_id, newest_content.record.get("directives") or [])
            assignee_list += a
            unknown_agencies.update(unknown)
            counts.article_ids.add(article_id)
            if existed:
                counts.changed_articles += 1
            else:
                counts.new_articles += 1
        else:
            counts.unchanged += 1
            if newest_fetch is not None:
                touch_rows.append((article_id, newest_fetch.fetch.url, state.last_seen_at))

    if article_rows:
        _upsert_articles(con, article_rows, version_rows, directive_rows, citation_rows)
        write_assignees(con, assignee_list)
        sync_agencies(con, unknown_agencies)
    if touch_rows:
        stage(con, "s_touch", [("article_id", "VARCHAR"), ("url", "VARCHAR"), ("last_seen_at", "TIMESTAMPTZ")], touch_rows)
        assert_unique(con, "s_touch", ["article_id"])
        con.execute(
            "UPDATE articles SET url = s.url,"
            " last_seen_at = greatest(articles.last_seen_at, s.last_seen_at),"
            " withdrawn_at = CASE WHEN articles.withdrawn_at < s.last_seen_at THEN NULL"
            "                     ELSE articles.withdrawn_at END"
            " FROM s_touch s WHERE articles.article_id = s.article_id"
        )
    return counts


def _upsert_articles(con, article_rows, version_rows, directive_rows, citation_rows) -> None:
    stage(con, "s_articles", ARTICLE_COLUMNS, article_rows)
    assert_unique(con, "s_articles", ["article_id"])
    updates = ", ".join(
        f"{name} = excluded.{name}" for name, _ in ARTICLE_COLUMNS if name not in ("article_id", "first_seen_at")
    )
    upsert(
        con, "articles", "s_articles", [n for n, _ in ARTICLE_COLUMNS], ["article_id"],
        f"{updates},"
        " first_seen_at = least(articles.first_seen_at, excluded.first_seen_at),"
        " withdrawn_at = CASE WHEN articles.withdrawn_at < excluded.last_seen_at THEN NULL"
        "                     ELSE articles.withdrawn_at END",
    )
    stage(con, "s_versions", VERSION_COLUMNS, version_rows)
    assert_unique(con, "s_versions", ["article_id", "version"])
    con.execute(f"INSERT INTO article_versions ({_names(VERSION_COLUMNS)}) SELECT * FROM s_versions")
    # Children follow the latest version: replace them wholesale.
    con.execute("DELETE FROM directives WHERE article_id IN (SELECT article_id FROM s_articles)")
    con.execute("DELETE FROM citations WHERE article_id IN (SELECT article_id FROM s_articles)")
    if directive_rows:
        stage(con, "s_directives", DIRECTIVE_COLUMNS, directive_rows)
        con.execute(f"INSERT INTO directives ({_names(DIRECTIVE_COLUMNS)}) SELECT * FROM s_directives")
    if citation_rows:
        stage(con, "s_citations", CITATION_COLUMNS, citation_rows)
        con.execute(f"INSERT INTO citations ({_names(CITATION_COLUMNS)}) SELECT * FROM s_citations")


# ---- listings, quarantine, withdrawals -------------------------------------


def write_listings(con, parsed: list[ParsedListing], parser_version: str) -> int:
    merged: dict[str, list] = {}
    for listing in sorted(parsed, key=lambda p: (p.fetch.fetched_at, p.fetch.url)):
        seen = listing.fetch.fetched_at
        for item in listing.items:
            aid = str(item["article_id"])
            row = merged.get(aid)
            if row is None:
                merged[aid] = [aid, item.get("url") or "", item.get("title"), _stamp(item.get("listed_at")),
                               listing.fetch.url, parser_version, seen, seen]
            elif seen > row[7]:  # a newer list page: take its title/url/listed_at
                row[1:5] = [item.get("url") or row[1], item.get("title"), _stamp(item.get("listed_at")),
                            listing.fetch.url]
                row[7] = seen
    if not merged:
        return 0
    stage(con, "s_listings", LISTING_COLUMNS, [tuple(r) for r in merged.values()])
    assert_unique(con, "s_listings", ["article_id"])
    newer = "excluded.last_seen_at >= listings.last_seen_at"
    upsert(
        con, "listings", "s_listings", [n for n, _ in LISTING_COLUMNS], ["article_id"],
        f"url = CASE WHEN {newer} THEN excluded.url ELSE listings.url END,"
        f" title = CASE WHEN {newer} THEN excluded.title ELSE listings.title END,"
        f" listed_at = CASE WHEN {newer} THEN excluded.listed_at ELSE listings.listed_at END,"
        f" list_url = CASE WHEN {newer} THEN excluded.list_url ELSE listings.list_url END,"
        f" parser_version = CASE WHEN {newer} THEN excluded.parser_version ELSE listings.parser_version END,"
        " first_seen_at = least(listings.first_seen_at, excluded.first_seen_at),"
        " last_seen_at = greatest(listings.last_seen_at, excluded.last_seen_at)",
    )
    return len(merged)


def write_quarantine(con, out: Outcomes, parser_version: str) -> int:
    """Quarantine URLs whose newest fetch here failed; clear those whose newest parsed."""
    latest: dict[str, tuple] = {}  # url -> (fetched_at, failure or None, fetch)
    for ok in (*out.articles, *out.listings):
        f = ok.fetch
        if f.url not in latest or f.fetched_at >= latest[f.url][0]:
            latest[f.url] = (f.fetched_at, None, f, getattr(ok, "article_id", None))
    for bad in out.failures:
        f = bad.fetch
        if f.url not in latest or f.fetched_at >= latest[f.url][0]:
            latest[f.url] = (f.fetched_at, bad, f, f.article_id)
    # A newer success of the same article under another URL (a redesign) also wins.
    parsed_at: dict[str, datetime] = {}
    for ok in out.articles:
        prev = parsed_at.get(ok.article_id)
        parsed_at[ok.article_id] = max(prev, ok.fetch.fetched_at) if prev else ok.fetch.fetched_at
    failed_rows, cleared_rows = [], []
    for url, (seen, bad, f, article_id) in latest.items():
        if bad is None:
            cleared_rows.append((url, article_id, seen))
        elif article_id and article_id in parsed_at and parsed_at[article_id] >= seen:
            continue
        else:
            failed_rows.append((url, article_id, f.kind, f.raw_sha256, bad.error, parser_version, seen))
    if cleared_rows:
        stage(con, "s_cleared", [("url", "VARCHAR"), ("article_id", "VARCHAR"), ("seen_at", "TIMESTAMPTZ")],
              cleared_rows)
        con.execute(
            "DELETE FROM quarantine q USING s_cleared s"
            " WHERE (q.url = s.url OR q.article_id = s.article_id) AND q.seen_at <= s.seen_at"
        )
    if failed_rows:
        stage(con, "s_quarantine", QUARANTINE_COLUMNS, failed_rows)
        assert_unique(con, "s_quarantine", ["url"])
        updates = ", ".join(f"{n} = excluded.{n}" for n, _ in QUARANTINE_COLUMNS if n != "url")
        upsert(con, "quarantine", "s_quarantine", [n for n, _ in QUARANTINE_COLUMNS], ["url"], updates,
               where="excluded.seen_at >= quarantine.seen_at")
    return len(out.failures)


def mark_withdrawn(con, gone: list[Fetch]) -> int:
    """Articles the portal now answers 404/410 for: keep them, stamp withdrawn_at."""
    newest: dict[str, datetime] = {}
    for f in gone:
        if f.article_id and (f.article_id not in newest or f.fetched_at > newest[f.article_id]):
            newest[f.article_id] = f.fetched_at
    if not newest:
        return 0
    stage(con, "s_gone", [("article_id", "VARCHAR"), ("gone_at", "TIMESTAMPTZ")], newest.items())
    # Counted, then updated: a DuckLake UPDATE has no RETURNING (same transaction, same rows).
    match = ("articles.article_id = s.article_id AND articles.withdrawn_at IS NULL"
             " AND articles.last_seen_at < s.gone_at")
    marked = rows(con, f"SELECT count(*) FROM articles, s_gone s WHERE {match}")[0][0]
    if marked:
        con.execute(f"UPDATE articles SET withdrawn_at = s.gone_at FROM s_gone s WHERE {match}")
    return marked

"""Directives as tasks and documents linked: the rows of directive_assignees, agencies and citation links.

- `assignee_rows` turns a parsed record's `directives[].assignees` into rows, by
  agency id: the registry's id for a known body, `other-<slug>-<hash>` for one
  the registry does not know (kept verbatim, kind `other`).
- `sync_agencies` writes the registry and the unknown bodies in use, and drops
  unknown bodies nothing is assigned any more (a grown registry resolves them).
- `link_citations` sets `citations.cited_article_id` for every citation whose
  number an article of the warehouse announces. It runs after every load over
  all citations (a hash join: milliseconds), so order of arrival does not matter.
"""

from __future__ import annotations

import hashlib
import re

from transforms import agencies as registry
from warehouse.db import stage, upsert

ASSIGNEE_COLUMNS = [("article_id", "VARCHAR"), ("ordinal", "INTEGER"), ("agency_id", "VARCHAR"),
                    ("role", "VARCHAR"), ("position", "INTEGER")]
AGENCY_COLUMNS = [("agency_id", "VARCHAR"), ("name", "VARCHAR"), ("kind", "VARCHAR"), ("level", "VARCHAR"),
                  ("aliases", "VARCHAR[]"), ("vi_name", "VARCHAR"), ("in_use_from", "DATE"),
                  ("in_use_until", "DATE"), ("merged_into", "VARCHAR")]
_ID_BY_NAME = {a.name: a.id for a in registry.REGISTRY}


def agency_id(name: str) -> str:
    known = _ID_BY_NAME.get(name)
    if known:
        return known
    slug = re.sub(r"[^a-z0-9]+", "-", registry.fold(name)).strip("-")[:60]
    return f"other-{slug}-{hashlib.sha1(name.encode()).hexdigest()[:6]}"


def assignee_rows(article_id: str, directives: list[dict]) -> tuple[list[tuple], dict[str, str]]:
    """(rows, {agency_id: name} of the unknown bodies met). Ordinals are positions, as for directives."""
    rows, unknown = [], {}
    for ordinal, item in enumerate(directives, start=1):
        seen = set()
        for position, who in enumerate(item.get("assignees") or [], start=1):
            name = str(who.get("agency") or "").strip()
            if not name:
                continue
            ident = agency_id(name)
            if ident in seen:
                continue
            seen.add(ident)
            if name not in _ID_BY_NAME:
                unknown[ident] = name
            rows.append((article_id, ordinal, ident, str(who.get("role") or ""), position))
    return rows, unknown


def _registry_rows() -> list[tuple]:
    return [
        (a.id, a.name, a.kind, a.level, [*a.aliases, *a.abbreviations], a.vi, a.in_use_from, a.in_use_until,
         _ID_BY_NAME.get(a.merged_into) if a.merged_into else None)
        for a in registry.REGISTRY
    ]


def sync_agencies(con, unknown: dict[str, str]) -> None:
    rows = _registry_rows() + [(ident, name, "other", None, [], None, None, None, None) for ident, name in unknown.items()]
    stage(con, "s_agencies", AGENCY_COLUMNS, rows)
    updates = ", ".join(f"{n} = excluded.{n}" for n, _ in AGENCY_COLUMNS if n != "agency_id")
    # ON CONFLICT on a file, MERGE INTO on a lake (no keys there).
    upsert(con, "agencies", "s_agencies", [n for n, _ in AGENCY_COLUMNS], ["agency_id"], updates)
    con.execute("DELETE FROM agencies WHERE kind = 'other'"
                " AND agency_id NOT IN (SELECT agency_id FROM directive_assignees)")


def write_assignees(con, rows: list[tuple]) -> None:
    """Replace the assignees of the articles staged in s_articles (caller holds the transaction)."""
    con.execute("DELETE FROM directive_assignees WHERE article_id IN (SELECT article_id FROM s_articles)")
    if rows:
        stage(con, "s_assignees", ASSIGNEE_COLUMNS, rows)
        names = ", ".join(n for n, _ in ASSIGNEE_COLUMNS)
        con.execute(f"INSERT INTO directive_assignees ({names}) SELECT {names} FROM s_assignees")


# The article announcing a cited number: the one issued on the cited date when the
# citation gives it; else the latest issued no later than the citing document (a
# number like 05/CD-UBND recurs every year); else the earliest after it.
_LINKS = """
WITH cand AS (
    SELECT c.article_id, c.ordinal, t.article_id AS target,
           row_number() OVER (
               PARTITION BY c.article_id, c.ordinal
               ORDER BY (c.issued_on IS NOT NULL AND t.issued_on = c.issued_on) DESC,
                        (coalesce(t.issued_on, t.published_on) <= coalesce(s.issued_on, s.published_on)) DESC NULLS LAST,
                        CASE WHEN coalesce(t.issued_on, t.published_on) <= coalesce(s.issued_on, s.published_on)
                             THEN coalesce(t.issued_on, t.published_on) END DESC NULLS LAST,
                        coalesce(t.issued_on, t.published_on) NULLS LAST,
                        t.article_id
           ) AS rn
    FROM citations c
    JOIN articles s ON s.article_id = c.article_id
    JOIN articles t ON t.doc_number = c.number AND t.article_id <> c.article_id
),
wanted AS (
    SELECT c.article_id, c.ordinal, b.target
    FROM citations c LEFT JOIN cand b ON b.article_id = c.article_id AND b.ordinal = c.ordinal AND b.rn = 1
)
UPDATE citations SET cited_article_id = w.target
FROM wanted w
WHERE citations.article_id = w.article_id AND citations.ordinal = w.ordinal
  AND citations.cited_article_id IS DISTINCT FROM w.target
"""


def link_citations(con) -> None:
    con.execute(_LINKS)

"""Comparable dumps of the warehouse's parsed tables."""

from __future__ import annotations

PARSED_TABLES = {
    "articles": "article_id",
    "article_versions": "article_id, version",
    "directives": "article_id, ordinal",
    "citations": "article_id, ordinal",
    "listings": "article_id",
    "quarantine": "url",
}
ALL_TABLES = {**PARSED_TABLES, "raw_pages": "url, content_sha256", "runs": "run_id",
              "landing_batches": "batch_id"}


def dump(con, tables=PARSED_TABLES) -> dict[str, list[tuple]]:
    return {t: con.execute(f"SELECT * FROM {t} ORDER BY {key}").fetchall() for t, key in tables.items()}


def counts(con, tables=ALL_TABLES) -> dict[str, int]:
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in tables}

"""The outside check of search, in small: crawl the replica with the real crawler and
parser, then find its letters by their subject words (slow)."""

from __future__ import annotations

import pytest
from support.replica import start_replica

from ingest.config import Settings
from warehouse.search import search
from warehouse.sql import open_snapshot

pytestmark = pytest.mark.slow


def test_replica_letters_are_found_by_their_subject_words(tmp_path):
    pipeline = pytest.importorskip("portal_ingest.pipeline")
    with start_replica(tmp_path, articles=80, seed=7) as replica:
        settings = Settings(base_url=replica.base_url, duckdb_path=tmp_path / "portal.duckdb", max_rps=0)
        pipeline.crawl(settings)
    con = open_snapshot(settings)
    try:
        docs = con.execute("SELECT article_id, subject, doc_number FROM articles"
                           " WHERE subject IS NOT NULL AND doc_number IS NOT NULL ORDER BY article_id").fetchall()
        assert len(docs) >= 20
        found = 0
        for article_id, subject, _ in docs:
            names, rows = search(con, subject, limit=10)
            ids = [r[0] for r in rows]
            # several letters may share a subject; the letter must be among the equals at the top
            if article_id in ids:
                found += 1
        assert found / len(docs) >= 0.9, f"only {found} of {len(docs)} letters found by their subject"
        # the seed letter, by what an analyst would type
        names, rows = search(con, "administrative reform", limit=10)
        hit = dict(zip(names, next(r for r in rows if r[0] == "2718"), strict=True))
        assert hit["doc_number"] == "2718/UBND-NC"
        assert "administrative reform" in hit["snippet"].lower() or "par" in hit["snippet"].lower()
        # and by its number
        assert search(con, "2718/UBND-NC", limit=1)[1][0][0] == "2718"
    finally:
        con.close()

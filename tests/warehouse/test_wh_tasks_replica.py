"""The outside check of issue 14, in small: a warehouse loaded from the replica answers
`v_tasks` and `v_document_links` as the replica's truth says (real crawler, parser, loader)."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pytest

from ingest.config import Settings

TESTS = Path(__file__).resolve().parents[1]
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from support.replica import start_replica  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.mark.timeout(600)
def test_tasks_and_links_match_the_replica_truth(tmp_path):
    pipeline = pytest.importorskip("portal_ingest.pipeline")
    with start_replica(articles=200, seed=21) as replica:
        truth = [row for row in replica.truth() if not row.get("withdrawn")]
        settings = Settings(base_url=replica.base_url, duckdb_path=tmp_path / "portal.duckdb", max_rps=0,
                            lock_timeout_s=30)
        pipeline.crawl(settings)
    con = duckdb.connect(str(settings.snapshot_path), read_only=True)
    try:
        loaded = {r[0] for r in con.execute("SELECT article_id FROM articles").fetchall()}
        got_tasks = set(con.execute("SELECT article_id, ordinal, agency, role FROM v_tasks").fetchall())
        got_due = {(a, o): (str(d) if d else None, t) for a, o, d, t in
                   con.execute("SELECT article_id, ordinal, due_on, due_text FROM directives").fetchall()}
        got_links = {(a, n): c for a, n, c in con.execute(
            "SELECT citing_article_id, cited_number, cited_article_id FROM v_document_links").fetchall()}
    finally:
        con.close()
    rows = [row for row in truth if row["article_id"] in loaded]
    assert len(rows) == len(truth) >= 200
    want_tasks, want_due, want_links = set(), {}, {}
    for row in rows:
        for ordinal, task in enumerate(row.get("tasks") or [], start=1):
            want_due[(row["article_id"], ordinal)] = (task["due_on"], task["due_text"])
            want_tasks |= {(row["article_id"], ordinal, a["agency"], a["role"]) for a in task["assignees"]}
        for ref in row["references"]:
            if ref.get("cited_article_id") and ref["cited_article_id"] in loaded:
                want_links[(row["article_id"], ref["number"])] = ref["cited_article_id"]
    assert len(want_links) >= 10 and len(want_tasks) >= 500
    assert got_tasks == want_tasks
    assert got_due == want_due
    assert {k: got_links.get(k) for k in want_links} == want_links

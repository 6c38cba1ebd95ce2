"""The portal moving under the crawler: new articles pushing the pages down
while a backfill is halfway, and a redesign (a layout the parser does not
know) switched on mid-crawl."""

from __future__ import annotations

import re

import pytest

from .helpers import (
    cli_cmd,
    http_get,
    query,
    require,
    run,
    start,
    step_cmd,
    truth_ids,
    wait_for,
)

# Only the quarantine share may fail the check here (the replica's corpus ends months ago).
QC = {"qc_max_days_without_new": 1e6, "qc_max_missing_share": 1.0}


def _list_ids(replica, page: int) -> list[str]:
    import transforms

    url = f"{replica.base_url}/en-us/Pages/news.aspx?Page={page}"
    status, body = http_get(url)
    assert status == 200
    return [item["article_id"] for item in transforms.parse_listing(body, url)["items"]]


def _served(replica) -> int:
    return int(replica.control("stats").get("total", 0))


@pytest.mark.slow
def test_pagination_drift_during_backfill(tmp_path, replica_factory):
    require("portal_ingest.pipeline", "backfill")
    replica = replica_factory("--articles", "200", "--seed", "5")
    in_range = [aid for page in range(1, 6) for aid in _list_ids(replica, page)]
    assert len(in_range) == 100
    before = truth_ids(replica)
    db = tmp_path / "portal.duckdb"
    log = tmp_path / "backfill.log"
    served = _served(replica)
    proc = start(cli_cmd({}, "--base-url", replica.base_url, "--duckdb", str(db), "--max-rps", "15",
                         "backfill", "--from-page", "1", "--to-page", "5", "--no-progress"), log)
    # halfway: list pages 1-2 and their 40 articles read, page 3 not yet
    assert wait_for(lambda: _served(replica) - served >= 48 or proc.poll() is not None, timeout=120)
    assert proc.poll() is None, f"backfill ended before the drift: {log.read_text()[-2000:]}"
    published = [str(i) for i in replica.control("publish", n=50)["published"]]
    assert proc.wait(timeout=240) == 0, log.read_text()[-3000:]
    stored = [r[0] for r in query(db, "SELECT article_id FROM articles")]
    assert len(stored) == len(set(stored))
    missed = [aid for aid in in_range if aid not in stored]
    assert not missed, f"{len(missed)} articles of pages 1-5 missed after 50 were published mid-backfill: {missed[:10]}"
    new_missed = [aid for aid in published if aid not in stored]
    assert not new_missed, f"{len(new_missed)} articles published on top during the backfill not fetched"
    assert set(stored) <= before | set(published)
    # none doubled: each article fetched and versioned once
    doubled = query(db, "SELECT article_id, count(*) FROM raw_pages WHERE kind = 'article' GROUP BY 1 HAVING count(*) > 1")
    assert not doubled, f"articles fetched more than once: {doubled[:10]}"
    assert query(db, "SELECT count(*) FROM article_versions")[0][0] == len(stored)


def _crawl_through_a_redesign(tmp_path, replica_factory):
    """A `crawl` during which the portal switches to a layout the parser does not know."""
    require("warehouse.checks", "run_checks")
    replica = replica_factory("--articles", "100", "--seed", "9")
    db = tmp_path / "portal.duckdb"
    log = tmp_path / "crawl.log"
    served = _served(replica)
    proc = start(cli_cmd({}, "--base-url", replica.base_url, "--duckdb", str(db), "--max-rps", "20", "crawl"), log)
    # mid-crawl: list page 1 and ~25 articles read, then the portal is redesigned
    assert wait_for(lambda: _served(replica) - served >= 28 or proc.poll() is not None, timeout=120)
    assert proc.poll() is None, "crawl ended before the layout switch"
    replica.control("layout", name="unknown")
    proc.wait(timeout=240)
    assert "Traceback" not in log.read_text(), log.read_text()[-3000:]
    quarantined = query(db, "SELECT article_id, kind, error FROM quarantine")
    article_q = [r for r in quarantined if r[1] == "article"]
    assert article_q, f"no article page quarantined after the switch: {quarantined}"
    return replica, db, quarantined, article_q


@pytest.mark.slow
def test_layout_drift_goes_to_quarantine_and_fails_the_check(tmp_path, replica_factory):
    replica, db, quarantined, article_q = _crawl_through_a_redesign(tmp_path, replica_factory)
    truth = {str(r["article_id"]): r for r in replica.truth()}
    assert all(r[2] for r in quarantined), "a quarantine entry without its error"
    articles = query(db, "SELECT article_id, title, published_on FROM articles")
    assert articles, "nothing loaded before the switch"
    stored_ids = {r[0] for r in articles}
    assert not stored_ids & {r[0] for r in article_q}, "a quarantined page also reached articles"
    wrong = [(aid, title, truth[aid]["title"]) for aid, title, day in articles
             if aid not in truth or _norm(title) != _norm(truth[aid]["title"])
             or str(day) != truth[aid]["published_on"]]
    assert not wrong, f"wrong rows reached articles: {wrong[:5]}"
    # no stored article was parsed from a page of the unknown layout
    from_shell = query(db, "SELECT count(*) FROM articles a JOIN article_versions v USING (article_id) "
                           "WHERE v.record LIKE '%enable JavaScript%'")[0][0]
    assert from_shell == 0

    # The data-quality step the load DAG runs fails, naming the share.
    result = run(step_cmd("check_quality", {"duckdb_path": str(db), **QC}), timeout=120)
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode != 0, f"quality check passed with {len(article_q)} pages quarantined"
    line = [ln for ln in err.splitlines() if "DataQualityError" in ln or "quality" in ln.lower()]
    assert line, err[-2000:]
    assert re.search(r"quarantin", line[-1], re.I) and re.search(r"\d+(\.\d+)?%", line[-1]), line[-1]


@pytest.mark.slow
def test_layout_drift_recovery_refetches_the_quarantined(tmp_path, replica_factory):
    """The redesign is reverted (or the parser fixed): the next crawl fetches what was
    quarantined, the quarantine keeps no stale entry, and the check passes again."""
    replica, db, _, article_q = _crawl_through_a_redesign(tmp_path, replica_factory)
    replica.control("layout", name="sharepoint")
    base = ["--base-url", replica.base_url, "--duckdb", str(db), "--max-rps", "0"]
    result = run(cli_cmd({}, *base, "crawl"), timeout=240)
    assert result.returncode == 0, result.stderr[-2000:]
    stored = {r[0] for r in query(db, "SELECT article_id FROM articles")}
    lost = {r[0] for r in article_q} - stored
    assert not lost, f"{len(lost)} quarantined articles never refetched after the layout came back: {sorted(lost)[:10]}"
    assert truth_ids(replica) <= stored
    stale = query(db, "SELECT url FROM quarantine WHERE kind = 'article' AND article_id IN (SELECT article_id FROM articles)")
    assert not stale, f"quarantine still lists articles that are now stored: {stale[:5]}"
    result = run(step_cmd("check_quality", {"duckdb_path": str(db), **QC}), timeout=120)
    assert result.returncode == 0, result.stderr.decode()[-1000:]


def _norm(text: str | None) -> str:
    table = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})
    return re.sub(r"\s+", " ", (text or "").translate(table)).strip()

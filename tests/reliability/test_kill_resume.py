"""A crawl under faults, SIGKILLed at random points (the crawler, the loader,
then a whole `crawl`), and resumed: every article stored exactly once, raw
pages and parsed rows consistent, `runs` telling what happened.

The replica answers 30% of requests with 500/502/503/429/reset and stalls 5%
past the client's read timeout. Size: RELIABILITY_ARTICLES generated articles
(default 150, so 151 with the seed letter, in landing batches of 10: fifteen
batches, as many kill points between batches as 300 in batches of 25 gave, in
half the time; the issue's 1,000 is RELIABILITY_ARTICLES=999 with
RELIABILITY_BATCH=25, about 6 minutes of fetching here because every 429/503
carries a Retry-After of 1-2 s that the crawler rightly honours host-wide).
Kill points come from RELIABILITY_SEED (printed; set it to replay a run).
"""

from __future__ import annotations

import os
import random
import time
import zlib
from pathlib import Path

import pytest

from .helpers import (
    cli_cmd,
    kill,
    last_json,
    query,
    require,
    run,
    start,
    step_cmd,
    truth_ids,
    wait_for,
)

ARTICLES = int(os.environ.get("RELIABILITY_ARTICLES", "150"))
# Short client timeouts so a stalled answer (--slow-seconds 3) is a timeout, then a retry.
# Small landing batches: several batches land before the kills.
CLIENT = {"max_rps": 0, "timeout_s": 1.5, "connect_timeout_s": 1.5, "concurrency": 4,
          "landing_batch_size": int(os.environ.get("RELIABILITY_BATCH", "10"))}


def _settings(replica, db: Path) -> dict:
    return {"base_url": replica.base_url, "duckdb_path": str(db), **CLIENT}


def _served(replica) -> int:
    return int(replica.control("stats").get("total", 0))


@pytest.mark.slow
def test_crawl_killed_twice_then_resumed_stores_every_article_once(tmp_path, replica_factory):
    require("portal_ingest.pipeline", "fetch_latest")
    require("warehouse.load", "load_pending")
    seed = int(os.environ.get("RELIABILITY_SEED") or time.time_ns() % 1_000_000)
    rng = random.Random(seed)
    print(f"RELIABILITY_SEED={seed}")
    replica = replica_factory("--articles", str(ARTICLES), "--seed", "11", "--fail-rate", "0.3",
                              "--slow-rate", "0.05", "--slow-seconds", "3")
    expected = truth_ids(replica)
    assert len(expected) == ARTICLES + 1
    db = tmp_path / "portal.duckdb"
    settings = _settings(replica, db)
    landing = tmp_path / "landing"
    log = tmp_path / "steps.log"

    # 1. The crawler (fetch into landing), SIGKILLed after a random share of the requests.
    crawler = start(step_cmd("fetch_latest", settings), log)
    # after two landed batches (so there is something to lose, and the loader can be
    # killed between batches), at a random request
    assert wait_for(lambda: len(list((landing / "pending").glob("*.jsonl.gz"))) >= 2 or crawler.poll() is not None,
                    timeout=240)
    kill_at = _served(replica) + rng.randint(0, ARTICLES // 4)
    assert wait_for(lambda: _served(replica) >= kill_at or crawler.poll() is not None, timeout=240)
    time.sleep(rng.random() * 0.5)
    assert crawler.poll() is None, f"crawler finished before the kill at {kill_at} requests: {log.read_text()[-2000:]}"
    kill(crawler)
    pending = sorted((landing / "pending").glob("*.jsonl.gz"))
    assert pending, "the killed crawler landed nothing (batch size too large for this test?)"

    # 2. The loader, SIGKILLed mid-load (after a random number of batches, plus a random delay).
    loader = start(step_cmd("load_pending", settings), log)
    # after a random number of committed batches, a random moment into the next one
    # (with one batch pending: long enough for the loader to have started it)
    after = rng.randint(1, len(pending) - 1) if len(pending) > 1 else 0
    wait_for(lambda: len(list((landing / "loaded").glob("*.jsonl.gz"))) >= after or loader.poll() is not None,
             timeout=120, interval=0.01)
    time.sleep(rng.uniform(0, 0.5) if after else rng.uniform(0.8, 2.5))
    loader_finished = loader.poll() is not None
    kill(loader)
    print(f"crawler killed at ~{kill_at} requests; loader killed after {after} batches "
          f"(finished first: {loader_finished})")

    # The warehouse opens cleanly after the kill (all-or-nothing batches).
    if db.exists():
        query(db, "SELECT count(*) FROM articles")

    # 3. A whole `portal-ingest crawl`, SIGKILLed at a random point.
    served = _served(replica)
    whole = start(cli_cmd(CLIENT, "--base-url", replica.base_url, "--duckdb", str(db), "--max-rps", "0", "crawl"), log)
    kill_at = served + rng.randint(20, ARTICLES // 3)
    wait_for(lambda: _served(replica) >= kill_at or whole.poll() is not None, timeout=240)
    kill(whole)

    # 4. Resume: `portal-ingest crawl` until a run finds nothing more (at most 4 runs).
    for attempt in range(4):  # noqa: B007 (reported below)
        result = run(cli_cmd(CLIENT, "--base-url", replica.base_url, "--duckdb", str(db), "--max-rps", "0", "crawl"),
                     timeout=600)
        err = result.stderr.decode("utf-8", "replace")
        assert "Traceback" not in err, err[-3000:]
        assert result.returncode == 0, err[-2000:]
        summary = last_json(result.stdout)
        fetch = summary.get("fetch", {})
        if not fetch.get("failed") and not fetch.get("new_articles"):
            break
    print(f"resumed in {attempt + 1} runs")

    # Every article exactly once.
    stored = [r[0] for r in query(db, "SELECT article_id FROM articles")]
    assert len(stored) == len(set(stored))
    missing = expected - set(stored)
    extra = set(stored) - expected
    assert not missing, f"{len(missing)} articles never stored after resume, e.g. {sorted(missing)[:10]}"
    assert not extra, f"articles the portal does not have: {sorted(extra)[:10]}"
    # No article changed, so one version each; nothing quarantined.
    versions = query(db, "SELECT article_id, count(*), max(version) FROM article_versions GROUP BY 1")
    assert len(versions) == len(stored)
    assert all(n == 1 and v == 1 for _, n, v in versions), [r for r in versions if r[1] != 1][:5]
    assert query(db, "SELECT count(*) FROM quarantine")[0][0] == 0, query(db, "SELECT url, error FROM quarantine LIMIT 5")
    # Nothing left behind in the landing area.
    assert not list((landing / "pending").glob("*.jsonl.gz"))
    _assert_raw_and_parsed_consistent(db, rng)
    _assert_runs_tell_what_happened(db, len(stored))


def _assert_raw_and_parsed_consistent(db: Path, rng: random.Random) -> None:
    # every article has its raw page; every raw article page is an article
    no_raw = query(db, "SELECT count(*) FROM articles a WHERE NOT EXISTS "
                       "(SELECT 1 FROM raw_pages r WHERE r.article_id = a.article_id AND r.kind = 'article')")[0][0]
    assert no_raw == 0, f"{no_raw} articles without a stored raw page"
    orphans = query(db, "SELECT count(DISTINCT article_id) FROM raw_pages r WHERE kind = 'article' AND NOT EXISTS "
                        "(SELECT 1 FROM articles a WHERE a.article_id = r.article_id)")[0][0]
    assert orphans == 0, f"{orphans} raw article pages with no article"
    # directives/citations rows match the stored record of the latest version
    mismatched = query(db, """
        SELECT a.article_id FROM articles a
        JOIN article_versions v ON v.article_id = a.article_id AND v.version = a.version
        WHERE json_array_length(json_extract(v.record, '$.directives'))
              <> (SELECT count(*) FROM directives d WHERE d.article_id = a.article_id)
           OR json_array_length(json_extract(v.record, '$.references'))
              <> (SELECT count(*) FROM citations c WHERE c.article_id = a.article_id)
    """)
    assert not mismatched, f"directive/citation rows differ from the stored record: {mismatched[:5]}"
    # re-parsing a sample of stored raw pages gives the stored content hash
    from warehouse.parsing import Parser

    parser = Parser()
    rows = query(db, """
        SELECT a.article_id, a.content_sha256, r.url, r.body_codec, r.body FROM articles a
        JOIN raw_pages r ON r.article_id = a.article_id AND r.kind = 'article' AND r.http_status = 200
        QUALIFY row_number() OVER (PARTITION BY a.article_id ORDER BY r.fetched_at DESC) = 1
    """)
    for article_id, sha, url, codec, body in rng.sample(rows, min(40, len(rows))):
        raw = zlib.decompress(body) if codec == "zlib" else bytes(body)
        record = parser.parse_article(raw, url)
        assert parser.content_hash(record) == sha, f"article {article_id}: raw page does not give the stored content"


def _assert_runs_tell_what_happened(db: Path, articles: int) -> None:
    runs = query(db, "SELECT run_id, kind, status, requests, new_articles, failed, finished_at FROM runs ORDER BY started_at")
    assert len(runs) >= 2, f"the killed runs left no trace: {runs}"
    # each article counted new exactly once across all runs (a batch loaded twice is not counted twice)
    assert sum(r[4] for r in runs) == articles, [(r[0], r[4]) for r in runs]
    assert all(r[3] > 0 for r in runs if r[1] != "reparse"), "a run without its request count"
    assert runs[-1][2] in ("ok", "partial"), runs[-1]


def test_interrupted_initial_load_is_resumed_by_the_next_crawl(tmp_path, replica_factory):
    """Deterministic version of the attack above, without faults: the first `crawl`
    of an empty warehouse dies after landing two batches (pages 1-2); the loader
    loads them; the next `crawl` must still fetch the other pages of the initial
    load, although page 1 now holds only known articles."""
    require("portal_ingest.pipeline", "fetch_latest")
    replica = replica_factory("--articles", "120", "--seed", "3")
    expected = truth_ids(replica)
    db = tmp_path / "portal.duckdb"
    settings = {"base_url": replica.base_url, "duckdb_path": str(db), "max_rps": 20, "landing_batch_size": 20}
    landing = tmp_path / "landing"
    log = tmp_path / "steps.log"
    crawler = start(step_cmd("fetch_latest", settings), log)
    assert wait_for(lambda: len(list((landing / "pending").glob("*.jsonl.gz"))) >= 2 or crawler.poll() is not None,
                    timeout=120, interval=0.01)
    assert crawler.poll() is None, "the crawl finished before it could be killed"
    kill(crawler)
    loaded = run(step_cmd("load_pending", settings))
    assert loaded.returncode == 0, loaded.stderr[-2000:]
    before = query(db, "SELECT count(*) FROM articles")[0][0]
    assert 0 < before < len(expected)
    result = run(cli_cmd({}, "--base-url", replica.base_url, "--duckdb", str(db), "--max-rps", "0", "crawl"))
    assert result.returncode == 0, result.stderr[-2000:]
    stored = {r[0] for r in query(db, "SELECT article_id FROM articles")}
    missing = expected - stored
    assert not missing, (
        f"the resumed crawl stopped at page 1 ({before} stored before, {len(stored)} after): "
        f"{len(missing)} of {len(expected)} articles of the interrupted initial load never fetched"
    )

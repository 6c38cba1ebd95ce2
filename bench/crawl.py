"""Crawl throughput: our full path (fetch, parse, load, check, publish) against a bare Scrapy
spider that only fetches the same pages, side by side with peak memory.

    .venv/bin/python bench/crawl.py [--articles 10000] [--concurrency 4] [--small 1000] [--backend file|lake|both]

Each side runs in its own subprocess against its own fresh replica (rate limit
off, the same concurrency), so neither warms anything for the other, and reports
its own peak RSS (ru_maxrss). Ours is `portal_ingest.pipeline.backfill` when it
exists (else `ingest.crawl.backfill` then `warehouse.load.load_pending`); the
`--small` run of ours shows whether memory grows with the number of articles: the
whole-run peak at 1,000 and 10,000 articles, per backend (`--backend lake` loads into
a throwaway DuckLake whose catalog is a database in the PostgreSQL at PORTAL_BENCH_PG,
default `host=127.0.0.1 user=postgres`). Goal: ours at least half Scrapy's
fetch-only rate; the peak at 10,000 within 25% of the peak at 1,000. Prints figures;
it is not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import select
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PAGE_SIZE = 20  # the replica's list page size
_SERVING = re.compile(r"replica serving (http://[^/\s]+)/")


# -- the replica ----------------------------------------------------------------------
def start_replica(articles: int, seed: int) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "portal_replica", "--port", "0", "--articles", str(articles),
         "--seed", str(seed)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
    )
    seen = b""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 0.5)
        if ready:
            chunk = os.read(proc.stdout.fileno(), 4096)
            seen += chunk
            match = _SERVING.search(seen.decode("utf-8", "replace"))
            if match:
                return proc, match[1]
            if not chunk:
                break
    proc.kill()
    raise SystemExit(f"bench: replica did not start: {seen[-300:]!r}")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


# -- child: our full path -------------------------------------------------------------
def run_ours(base_url: str, articles: int, concurrency: int, workdir: str, lake: str | None = None) -> dict:
    from ingest.config import Settings

    settings = Settings(base_url=base_url, duckdb_path=Path(lake) if lake else Path(workdir) / "portal.duckdb",
                        lake_data_path=Path(workdir) / "lake" if lake else None,
                        landing_dir=Path(workdir) / "landing", max_rps=0, concurrency=concurrency,
                        memory_limit=os.environ.get("PORTAL_DUCKDB_MEMORY_LIMIT") or Settings.memory_limit)
    to_page = -(-(articles + 1) // PAGE_SIZE)
    started = time.monotonic()
    try:
        from portal_ingest import pipeline
    except ImportError:
        pipeline = None
    if pipeline is not None:
        # The CLI's `backfill` is these steps (fetch, load, check, publish), run one by
        # one here so each phase's peak shows; the whole run's peak includes the publish.
        fetch = pipeline.fetch_backfill(settings, {"pages": list(range(1, to_page + 1))})
        requests, failed = fetch.requests, fetch.failed
        fetch_s, fetch_rss = round(time.monotonic() - started, 2), peak_rss_mb()
        load = pipeline.load_pending(settings).to_dict()
        loaded = load.get("new_articles", 0)
        load_rss = peak_rss_mb()
        print(json.dumps({k: v for k, v in load.items() if not isinstance(v, list)}, default=str),
              file=sys.stderr)
        from warehouse.errors import DataQualityError

        try:
            pipeline.check_quality(settings)
        except DataQualityError as exc:  # the CLI would stop here; the bench publishes anyway
            print(f"checks failed (published anyway): {str(exc).splitlines()[0]}", file=sys.stderr)
        pipeline.publish_snapshot(settings)
        path = "portal_ingest.pipeline: fetch_backfill, load_pending, check_quality, publish_snapshot"
    else:
        from ingest.crawl import backfill
        from warehouse.load import load_pending

        result = backfill(settings, {}, from_page=1, to_page=to_page, progress=False)
        requests, failed = result.requests, result.failed
        fetch_s, fetch_rss = round(time.monotonic() - started, 2), peak_rss_mb()
        loaded = load_pending(settings).new_articles
        load_rss = peak_rss_mb()
        path = "ingest.crawl.backfill + warehouse.load.load_pending"
    elapsed = time.monotonic() - started
    return {"side": "ours", "path": path, "requests": requests, "failed": failed,
            "articles_loaded": loaded, "fetch_s": fetch_s, "elapsed_s": round(elapsed, 2),
            "fetch_rss_mb": round(fetch_rss, 1), "load_rss_mb": round(load_rss, 1),
            "peak_rss_mb": round(peak_rss_mb(), 1)}


# -- child: bare Scrapy ------------------------------------------------------------------
def run_scrapy(base_url: str, articles: int, concurrency: int) -> dict:
    import scrapy
    from scrapy.crawler import CrawlerProcess

    article_link = re.compile(rb'href="([^"]*articleID=\d+[^"]*)"', re.IGNORECASE)
    to_page = -(-(articles + 1) // PAGE_SIZE)

    class FetchOnly(scrapy.Spider):
        """Fetches list pages 1..N and the articles they link to; parses nothing else."""

        name = "fetch_only"
        start_urls = [f"{base_url}/en-us/Pages/news.aspx?Page={n}" for n in range(1, to_page + 1)]

        def parse(self, response):
            # Only the list's own entries: the article page's sidebar is not followed.
            main = response.body.split(b'class="news-list"', 1)[-1].split(b'class="paging', 1)[0]
            for href in article_link.findall(main):
                yield response.follow(href.decode().replace("&amp;", "&"), callback=self.article)

        def article(self, response):
            return None

    process = CrawlerProcess(settings={
        "LOG_LEVEL": "ERROR", "ROBOTSTXT_OBEY": True, "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False, "CONCURRENT_REQUESTS": concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency, "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False, "USER_AGENT": "bench-scrapy",
    })
    crawler = process.create_crawler(FetchOnly)
    started = time.monotonic()
    process.crawl(crawler)
    process.start()
    elapsed = time.monotonic() - started
    stats = crawler.stats.get_stats()
    return {"side": "scrapy", "path": "scrapy fetch-only spider",
            "requests": stats.get("downloader/request_count", 0),
            "failed": stats.get("log_count/ERROR", 0),
            "articles_loaded": None, "fetch_s": round(elapsed, 2), "elapsed_s": round(elapsed, 2),
            "fetch_rss_mb": round(peak_rss_mb(), 1), "load_rss_mb": None, "peak_rss_mb": round(peak_rss_mb(), 1)}


# -- parent -------------------------------------------------------------------------------
PG = os.environ.get("PORTAL_BENCH_PG", "host=127.0.0.1 user=postgres")


def _drop_catalog(dbname: str) -> None:
    import psycopg2

    admin = psycopg2.connect(dbname="postgres", **dict(p.split("=", 1) for p in PG.split()))
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
    admin.close()


def child(side: str, articles: int, concurrency: int, seed: int, backend: str = "file") -> dict:
    from portal_ingest.lake_setup import ensure_catalog_database

    replica, base_url = start_replica(articles, seed)
    lake_args, dbname = [], None
    if backend == "lake":
        dbname = f"portal_lake_bench_{os.getpid()}_{articles}"
        spec = f"ducklake:postgres:dbname={dbname} {PG}"
        _drop_catalog(dbname)
        ensure_catalog_database(spec)
        lake_args = ["--lake", spec]
    try:
        with tempfile.TemporaryDirectory(prefix="bench-crawl-") as workdir:
            proc = subprocess.run(
                [sys.executable, __file__, "--child", side, "--base-url", base_url,
                 "--articles", str(articles), "--concurrency", str(concurrency), "--workdir", workdir,
                 *lake_args],
                cwd=ROOT, capture_output=True, text=True,
            )
    finally:
        stop(replica)
        if dbname:
            _drop_catalog(dbname)
    if proc.returncode != 0:
        raise SystemExit(f"bench: {side} failed:\n{proc.stderr[-3000:]}")
    if proc.stderr.strip():
        print(f"[{side} {articles}] {proc.stderr.strip()[-1500:]}", file=sys.stderr)
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["articles"] = articles
    result["backend"] = backend
    result["pages_per_s"] = round(result["requests"] / result["elapsed_s"], 1)
    result["fetch_pages_per_s"] = round(result["requests"] / result["fetch_s"], 1)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--small", type=int, default=1000,
                        help="also run ours on this many articles to compare memory (default 1000)")
    parser.add_argument("--backend", choices=["file", "lake", "both"], default="both",
                        help="the warehouse ours loads into (default both)")
    parser.add_argument("--no-scrapy", action="store_true", help="skip the Scrapy comparison")
    parser.add_argument("--child", choices=["ours", "scrapy"], help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    parser.add_argument("--lake", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child == "ours":
        print(json.dumps(run_ours(args.base_url, args.articles, args.concurrency, args.workdir, args.lake)))
        return 0
    if args.child == "scrapy":
        print(json.dumps(run_scrapy(args.base_url, args.articles, args.concurrency)))
        return 0

    small = args.small
    backends = ["file", "lake"] if args.backend == "both" else [args.backend]
    rows = [] if args.no_scrapy else [child("scrapy", args.articles, args.concurrency, args.seed)]
    for backend in backends:
        rows.append(child("ours", args.articles, args.concurrency, args.seed, backend))
        rows.append(child("ours", small, args.concurrency, args.seed, backend))
    header = (f"{'run':<11}{'articles':>9}{'requests':>9}{'failed':>7}{'loaded':>8}{'fetch s':>9}"
              f"{'fetch p/s':>10}{'total s':>9}{'pages/s':>9}{'fetch RSS MB':>13}{'load RSS':>9}{'peak RSS MB':>12}  path")
    print(f"crawl bench: concurrency {args.concurrency}, rate limit off, {os.cpu_count()} cores")
    print(header)
    for r in rows:
        loaded = "-" if r["articles_loaded"] is None else r["articles_loaded"]
        name = r["side"] if r["side"] == "scrapy" else f"ours/{r['backend']}"
        print(f"{name:<11}{r['articles']:>9}{r['requests']:>9}{r['failed']:>7}{loaded:>8}"
              f"{r['fetch_s']!s:>9}{r['fetch_pages_per_s']:>10}{r['elapsed_s']:>9}{r['pages_per_s']:>9}"
              f"{r['fetch_rss_mb']:>13}{r['load_rss_mb'] or '-'!s:>9}{r['peak_rss_mb']:>12}  {r['path']}")
    ours = {(r["backend"], r["articles"]): r for r in rows if r["side"] == "ours"}
    if not args.no_scrapy:
        scrapy_rate, ours_rate = rows[0]["pages_per_s"], ours[(backends[0], args.articles)]["pages_per_s"]
        print(f"ours (fetch+parse+load) / scrapy (fetch only) rate: {ours_rate / scrapy_rate:.2f} "
              f"(goal >= 0.5)")
    for backend in backends:
        big, little = ours[(backend, args.articles)], ours[(backend, small)]
        growth = big["peak_rss_mb"] / little["peak_rss_mb"] - 1
        print(f"ours/{backend} whole-run peak RSS: {little['peak_rss_mb']} MB at {small} articles, "
              f"{big['peak_rss_mb']} MB at {args.articles} ({growth:+.0%}; goal within +25%); "
              f"fetch only {little['fetch_rss_mb']} -> {big['fetch_rss_mb']} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

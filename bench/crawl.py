"""Crawl throughput: our full path (fetch, parse, load) against a bare Scrapy
spider that only fetches the same pages, side by side with peak memory.

    .venv/bin/python bench/crawl.py [--articles 10000] [--concurrency 4] [--small 2000]

Each side runs in its own subprocess against its own fresh replica (rate limit
off, the same concurrency), so neither warms anything for the other, and reports
its own peak RSS (ru_maxrss). Ours is `portal_ingest.pipeline.backfill` when it
exists (else `ingest.crawl.backfill` then `warehouse.load.load_pending`); the
`--small` run of ours shows whether memory grows with the number of articles.
Goal: ours at least half Scrapy's fetch-only rate, memory flat. Prints figures;
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
def run_ours(base_url: str, articles: int, concurrency: int, workdir: str) -> dict:
    from ingest.config import Settings

    settings = Settings(base_url=base_url, duckdb_path=Path(workdir) / "portal.duckdb",
                        max_rps=0, concurrency=concurrency)
    to_page = -(-(articles + 1) // PAGE_SIZE)
    started = time.monotonic()
    try:
        from portal_ingest import pipeline
    except ImportError:
        pipeline = None
    if pipeline is not None:
        # The CLI's `backfill` is these steps (fetch, load, check, publish); the first
        # two run apart here so each phase's peak shows.
        fetch = pipeline.fetch_backfill(settings, {"pages": list(range(1, to_page + 1))})
        requests, failed = fetch.requests, fetch.failed
        fetch_s, fetch_rss = round(time.monotonic() - started, 2), peak_rss_mb()
        load = pipeline.load_pending(settings).to_dict()
        loaded = load.get("new_articles", 0)
        print(json.dumps({k: v for k, v in load.items() if not isinstance(v, list)}, default=str),
              file=sys.stderr)
        path = "portal_ingest.pipeline.fetch_backfill, then load_pending"
    else:
        from ingest.crawl import backfill
        from warehouse.load import load_pending

        result = backfill(settings, {}, from_page=1, to_page=to_page, progress=False)
        requests, failed = result.requests, result.failed
        fetch_s, fetch_rss = round(time.monotonic() - started, 2), peak_rss_mb()
        loaded = load_pending(settings).new_articles
        path = "ingest.crawl.backfill + warehouse.load.load_pending"
    elapsed = time.monotonic() - started
    return {"side": "ours", "path": path, "requests": requests, "failed": failed,
            "articles_loaded": loaded, "fetch_s": fetch_s, "elapsed_s": round(elapsed, 2),
            "fetch_rss_mb": round(fetch_rss, 1), "peak_rss_mb": round(peak_rss_mb(), 1)}


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
            "fetch_rss_mb": round(peak_rss_mb(), 1), "peak_rss_mb": round(peak_rss_mb(), 1)}


# -- parent -------------------------------------------------------------------------------
def child(side: str, articles: int, concurrency: int, seed: int) -> dict:
    replica, base_url = start_replica(articles, seed)
    try:
        with tempfile.TemporaryDirectory(prefix="bench-crawl-") as workdir:
            proc = subprocess.run(
                [sys.executable, __file__, "--child", side, "--base-url", base_url,
                 "--articles", str(articles), "--concurrency", str(concurrency), "--workdir", workdir],
                cwd=ROOT, capture_output=True, text=True,
            )
    finally:
        stop(replica)
    if proc.returncode != 0:
        raise SystemExit(f"bench: {side} failed:\n{proc.stderr[-3000:]}")
    if proc.stderr.strip():
        print(f"[{side} {articles}] {proc.stderr.strip()[-1500:]}", file=sys.stderr)
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["articles"] = articles
    result["pages_per_s"] = round(result["requests"] / result["elapsed_s"], 1)
    result["fetch_pages_per_s"] = round(result["requests"] / result["fetch_s"], 1)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--small", type=int, default=None,
                        help="also run ours on this many articles to compare memory (default articles/5)")
    parser.add_argument("--child", choices=["ours", "scrapy"], help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child == "ours":
        print(json.dumps(run_ours(args.base_url, args.articles, args.concurrency, args.workdir)))
        return 0
    if args.child == "scrapy":
        print(json.dumps(run_scrapy(args.base_url, args.articles, args.concurrency)))
        return 0

    small = args.small or max(100, args.articles // 5)
    rows = [
        child("scrapy", args.articles, args.concurrency, args.seed),
        child("ours", args.articles, args.concurrency, args.seed),
        child("ours", small, args.concurrency, args.seed),
    ]
    header = (f"{'run':<8}{'articles':>9}{'requests':>9}{'failed':>7}{'loaded':>8}{'fetch s':>9}"
              f"{'fetch p/s':>10}{'total s':>9}{'pages/s':>9}{'fetch RSS MB':>13}{'peak RSS MB':>12}  path")
    print(f"crawl bench: concurrency {args.concurrency}, rate limit off, {os.cpu_count()} cores")
    print(header)
    for r in rows:
        loaded = "-" if r["articles_loaded"] is None else r["articles_loaded"]
        print(f"{r['side']:<8}{r['articles']:>9}{r['requests']:>9}{r['failed']:>7}{loaded:>8}"
              f"{r['fetch_s']!s:>9}{r['fetch_pages_per_s']:>10}{r['elapsed_s']:>9}{r['pages_per_s']:>9}"
              f"{r['fetch_rss_mb']:>13}{r['peak_rss_mb']:>12}  {r['path']}")
    scrapy_rate, ours_rate = rows[0]["pages_per_s"], rows[1]["pages_per_s"]
    print(f"ours (fetch+parse+load) / scrapy (fetch only) rate: {ours_rate / scrapy_rate:.2f} "
          f"(goal >= 0.5)")
    print(f"ours peak RSS, {small} -> {args.articles} articles: fetch "
          f"{rows[2]['fetch_rss_mb']} -> {rows[1]['fetch_rss_mb']} MB, whole run "
          f"{rows[2]['peak_rss_mb']} -> {rows[1]['peak_rss_mb']} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

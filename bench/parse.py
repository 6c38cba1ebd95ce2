"""Parser speed and memory: transforms.parse_article next to trafilatura, same pages, same run.

    .venv/bin/python bench/parse.py [--pages 2000] [--seed 31]

Prints the median (and p90) milliseconds per page over the example pages
(tests/examples/articles), over the real-text corpus (tests/examples/real: real
pages of many sites, with its field score) and over N replica pages (half sharepoint, half modern,
fetched over HTTP from `python -m portal_replica`), for our parser (every field of
the contract) and for trafilatura's generic `bare_extraction` (main text and
metadata only). Then the parser's peak traced memory (tracemalloc) after 500,
1000, ... pages: it must stay flat, since nothing is kept between pages.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from trafilatura import bare_extraction  # noqa: E402

from transforms import parse_article  # noqa: E402


def example_pages() -> list[tuple[str, bytes]]:
    pages = sorted((ROOT / "tests" / "examples" / "articles").glob("*.html"))
    return [(f"http://portal.test/{p.stem}-c1.html", p.read_bytes()) for p in pages]


def real_pages() -> list[tuple[str, bytes]]:
    from parser.real_corpus import real_pages as load

    return [(p.url, p.body) for p in load("articles")]


def replica_pages(count: int, seed: int) -> list[tuple[str, bytes]]:
    from parser.corpus import replica_pages as fetch

    pages: list[tuple[str, bytes]] = []
    for offset, layout in enumerate(("sharepoint", "modern")):
        want = count // 2 if offset == 0 else count - count // 2
        with fetch(articles=max(want - 1, 1), seed=seed + offset, layout=layout) as fetched:
            pages += [(p.url, p.body) for p in fetched[:want]]
    return pages


def timings(pages: list[tuple[str, bytes]], *fns: Callable[[bytes, str], object]) -> list[list[float]]:
    """Milliseconds per page for each function, interleaved page by page so that both
    see the same machine load (the bench box is shared)."""
    out: list[list[float]] = [[] for _ in fns]
    for url, body in pages:
        for column, fn in zip(out, fns, strict=True):
            start = time.perf_counter()
            fn(body, url)
            column.append((time.perf_counter() - start) * 1000)
    return out


def ours(body: bytes, url: str) -> object:
    return parse_article(body, url)


def trafilatura(body: bytes, url: str) -> object:
    return bare_extraction(body, url=url)


def summary(ms: list[float]) -> str:
    ms = sorted(ms)
    p90 = ms[min(len(ms) - 1, int(len(ms) * 0.9))]
    return f"median {statistics.median(ms):7.2f} ms   p90 {p90:7.2f} ms"


def memory_profile(pages: list[tuple[str, bytes]], checkpoints: list[int]) -> list[tuple[int, float, float]]:
    """(pages parsed, current MiB, peak MiB) at each checkpoint; records are dropped as they come."""
    gc.collect()
    tracemalloc.start()
    rows = []
    done = 0
    for mark in checkpoints:
        while done < mark:
            url, body = pages[done % len(pages)]
            parse_article(body, url)
            done += 1
        current, peak = tracemalloc.get_traced_memory()
        rows.append((done, current / 2**20, peak / 2**20))
    tracemalloc.stop()
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=2000, help="replica pages to time (default 2000)")
    parser.add_argument("--seed", type=int, default=31, help="replica seed (default 31)")
    args = parser.parse_args(argv)

    examples = example_pages()
    real = real_pages()
    print(f"fetching {args.pages} replica pages ...", flush=True)
    corpus = replica_pages(args.pages, args.seed)
    for url, body in corpus[:20]:  # warm both up (imports, regex compilation)
        ours(body, url)
        trafilatura(body, url)

    print(f"\n{'pages':<28} {'transforms.parse_article':<36} trafilatura.bare_extraction")
    for name, pages in ((f"examples ({len(examples)})", examples), (f"real sites ({len(real)})", real),
                        (f"replica ({len(corpus)})", corpus)):
        mine, theirs = timings(pages, ours, trafilatura)
        ratio = statistics.median(theirs) / statistics.median(mine)
        print(f"{name:<28} {summary(mine):<36} {summary(theirs)}   (trafilatura/ours = {ratio:.1f}x)")

    from parser.real_corpus import score_articles

    print(f"\nfield score on the real corpus (tests/examples/real):\n{score_articles(parse_article).report()}")

    checkpoints = [m for m in (500, 1000, 2000, 4000) if m <= max(args.pages, 2000)]
    print("\npeak traced memory of parse_article (records dropped after each page):")
    for done, current, peak in memory_profile(corpus, checkpoints):
        print(f"  after {done:>5} pages: current {current:6.2f} MiB, peak {peak:6.2f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

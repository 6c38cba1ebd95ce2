"""Score the parser field by field on 2,000 pages of the replica's generated corpus.

Two replicas (sharepoint and modern layouts, 1,000 articles each with the seed
letter) serve their pages over HTTP; their `--dump-truth` answers are the
expected values. Every field must be right on at least 99% of pages.
"""

from __future__ import annotations

import pytest

from transforms import parse_article

from .corpus import FIELDS, replica_pages, score

THRESHOLD = 0.99


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_corpus_score(capsys) -> None:
    pairs = []
    for layout, seed in (("sharepoint", 11), ("modern", 12)):
        with replica_pages(articles=999, seed=seed, layout=layout) as pages:
            pairs += [(page, parse_article(page.body, page.url)) for page in pages]
    result = score(pairs)
    with capsys.disabled():
        print("\ncorpus score, 2 layouts:\n" + result.report())
    failing = [f for f in FIELDS if result.share(f) < THRESHOLD]
    details = "\n".join(f"{f} ({result.share(f):.2%}):\n{result.examples(f)}" for f in failing)
    assert not failing, f"fields under {THRESHOLD:.0%}:\n{details}"


@pytest.mark.slow
@pytest.mark.timeout(300)
@pytest.mark.parametrize("layout", ["sharepoint", "modern"])
def test_corpus_lists(layout) -> None:
    """Walking the replica's latest-news list by next_page finds every article once,
    with its stamp and (possibly cut) title; pagination ends."""
    from transforms import parse_listing

    from .corpus import start_replica

    with start_replica(articles=300, seed=13, layout=layout) as replica:
        truth = {row["article_id"]: row for row in replica.truth() if not row.get("withdrawn")}
        url, seen_pages, items = replica.base_url + "/en-us/Pages/news.aspx?Page=1", set(), {}
        while url:
            assert url not in seen_pages, f"pagination loops at {url}"
            seen_pages.add(url)
            status, headers, body = replica.get(url)
            if status in (301, 302):
                url = headers["Location"]
                continue
            assert status == 200, url
            page = parse_listing(body, url)
            for item in page["items"]:
                assert item["article_id"] not in items, f"{item['article_id']} listed twice"
                items[item["article_id"]] = item
            url = page["next_page"]
    assert set(items) == set(truth)
    for ident, item in items.items():
        want = truth[ident]
        assert item["listed_at"] == want["listed_at"], ident
        title = item["title"]
        assert title == want["title"] or (title.endswith("...") and want["title"].startswith(title[:-3].rstrip(",;: "))), ident

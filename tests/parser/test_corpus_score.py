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

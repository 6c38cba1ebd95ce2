"""Determinism for a seed, the truth file, and 20,000 articles served without slowing."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from urllib.parse import urljoin

from support.replica import ROOT, replica_command

from .pages import article_id, soup, visible_text


def test_same_seed_same_site(replica_factory):
    a, b = replica_factory(articles=80, seed=5), replica_factory(articles=80, seed=5)
    strip = lambda rows: [{k: v for k, v in r.items() if k != "url"} for r in rows]  # noqa: E731
    assert strip(a.truth()) == strip(b.truth())
    page = "/en-us/Pages/news.aspx?Page=2"
    assert soup(a.get(page)[2]).select_one(".news-list").get_text() == \
        soup(b.get(page)[2]).select_one(".news-list").get_text()
    c = replica_factory(articles=80, seed=6)
    assert strip(c.truth()) != strip(a.truth())


def test_dump_truth_matches_served_truth(tmp_path, replica_factory):
    out = tmp_path / "truth.jsonl"
    result = subprocess.run(
        [*replica_command(articles=80, seed=5, dump_truth=out)], cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    dumped = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    served = replica_factory(articles=80, seed=5).truth()
    assert len(dumped) == 81
    assert [{**r, "url": None} for r in dumped] == [{**r, "url": None} for r in served]
    assert all(r["url"].startswith("http://127.0.0.1:") for r in dumped)


def test_truth_agrees_with_pages(replica):
    rows = replica.truth()
    assert len(rows) == 301
    documents = [r for r in rows if r["document"]]
    assert len(documents) > 150 and len(rows) - len(documents) > 30
    for row in rows[::15]:
        body = replica.get(row["url"])[2]
        page = soup(body)
        assert page.h1.get_text() == row["title"]
        assert page.select_one(".article-date").get_text() == \
            "Published on " + "{2} - {1} - {0}".format(*row["published_on"].split("-"))
        box = [article_id(urljoin(row["url"], a["href"])) for a in page.select("div.latest-news a")]
        assert [str(i) for i in box] == row["related_ids"]
        text = visible_text(body)
        for directive in row["directives"]:
            assert " ".join(directive.split()) in text
        if row["document"] is None:
            assert row["directive_count"] == 0


def test_truth_numbers_are_canonical(replica):
    for row in replica.truth():
        numbers = [r["number"] for r in row["references"]]
        if row["document"]:
            numbers.append(row["document"]["number"])
        for number in numbers:
            assert " " not in number and number.isascii(), number
        assert len(set(r["number"] for r in row["references"])) == len(row["references"])


def test_twenty_thousand_articles_start_quickly(replica_factory):
    started = time.monotonic()
    replica = replica_factory(articles=20000, seed=3)
    assert time.monotonic() - started < 15
    assert replica.stats()["articles"] == 20001
    for path in ("/en-us/Pages/news.aspx?Page=1", "/en-us/Pages/news.aspx?Page=1001",
                 "/en-us/Pages/news.aspx?ChannelId=14&Page=300"):
        t = time.monotonic()
        status, _, body = replica.get(path)
        assert status == 200 and b"news-item" in body
        assert time.monotonic() - t < 2, path
    last = replica.get("/en-us/Pages/news.aspx?Page=1001")[2]
    assert b"Next &gt;" not in last
    t = time.monotonic()
    assert replica.get("/en-us/Pages/Article.aspx?ChannelId=14&articleID=2718")[0] == 200
    assert time.monotonic() - t < 2


def test_bad_options_give_one_line_errors():
    for args in (["--fail-rate", "2"], ["--layout", "fancy"], ["--articles", "-1"], ["--port", "x"]):
        result = subprocess.run([sys.executable, "-m", "portal_replica", *args], cwd=ROOT,
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 2
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "Traceback" not in result.stderr

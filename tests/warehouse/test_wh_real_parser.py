"""The loader with the real `transforms` parser on the shared sample pages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from wh_fakes import T0, write_batch

from ingest.landing import FetchedPage
from warehouse.db import connect
from warehouse.load import load_pending
from warehouse.parsing import Parser
from warehouse.reparse import reparse

transforms = pytest.importorskip("transforms")
if not hasattr(transforms, "parse_article"):
    pytest.skip("transforms.parse_article not written yet", allow_module_level=True)

# Copies of ../shared/portal/ samples, carried in the repository.
SAMPLES = Path(__file__).resolve().parents[2] / "portal_replica" / "data"
HOST = "http://portal.test"
ARTICLE_URL = f"{HOST}/en-us/Pages/Article.aspx?ChannelId=14&articleID=2718"
LIST_URL = f"{HOST}/en-us/Pages/news.aspx?ChannelId=14&Page=1"


def _page(kind, url, article_id, body, when=T0):
    return FetchedPage(kind, url, article_id, when.isoformat(), 200, {}, body)


@pytest.mark.skipif(not (SAMPLES / "sample-article-2718.html").exists(), reason="shared samples missing")
def test_sample_pages_load_and_reparse_identically(settings):
    article = (SAMPLES / "sample-article-2718.html").read_bytes()
    listing = (SAMPLES / "sample-list-page-1.html").read_bytes()
    write_batch(settings, [_page("article", ARTICLE_URL, "2718", article),
                           _page("list", LIST_URL, None, listing),
                           _page("article", f"{HOST}/en-us/Pages/Article.aspx?articleID=9", "9", b"")])
    summary = load_pending(settings)
    assert (summary.new_articles, summary.quarantined) == (1, 1)
    con = connect(settings)
    row = con.execute("SELECT doc_type, doc_number, issued_on, parser_version FROM articles").fetchall()
    assert row == [("Official Letter", "2718/UBND-NC", date(2020, 10, 9), transforms.PARSER_VERSION)]
    assert con.execute("SELECT count(*) FROM directives").fetchall()[0][0] >= 3
    assert ("22/2020/QD-UBND",) in con.execute("SELECT number FROM citations").fetchall()
    assert con.execute("SELECT count(*) FROM listings").fetchall()[0][0] >= 2
    assert "missing title" in con.execute("SELECT error FROM quarantine").fetchall()[0][0]
    before = {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
              for t in ("articles", "article_versions", "directives", "citations", "listings", "quarantine")}
    con.close()
    reparse(settings, all=True)
    con = connect(settings)
    after = {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in before}
    con.close()
    assert after == before


class _Parser101(Parser):
    """What parser 1.0.1 stored for letter 2694: no document, its own number as a citation."""

    @property
    def version(self) -> str:
        return "1.0.1"

    def parse_article(self, body: bytes, url: str) -> dict:
        record = super().parse_article(body, url)
        own = record["document"]
        record["references"] = [{"number": own["number"], "type": own["type"], "issued_on": own["issued_on"],
                                 "issuer": None}, *record["references"]]
        record["document"], record["directives"], record["addressees"] = None, [], []
        return record


EXAMPLE_2694 = Path(__file__).resolve().parents[1] / "examples" / "articles" / "sp-telegram-passive-storm-2694.html"


def test_reparse_brings_letter_2694_up_to_date(settings):
    """Issue 12: a warehouse loaded by parser 1.0.1 has letter 2694 without its document,
    citing itself, and lists it as a suspect; `reparse` (no network) fixes all three."""
    url = f"{HOST}/en-us/Pages/Article.aspx?ChannelId=15&articleID=2694"
    write_batch(settings, [_page("article", url, "2694", EXAMPLE_2694.read_bytes())])
    load_pending(settings, parser=_Parser101())
    con = connect(settings)
    assert con.execute("SELECT doc_number, parser_version FROM articles").fetchall() == [(None, "1.0.1")]
    assert ("05/CD-UBND",) in con.execute("SELECT number FROM citations").fetchall()
    assert con.execute("SELECT article_id, mentioned_number FROM v_suspect_articles").fetchall() == [("2694", "05 / CĐ-UBND")]
    con.close()

    summary = reparse(settings)  # only rows under an older parser_version
    assert summary.article_ids == ["2694"] and summary.changed_articles == 1
    con = connect(settings)
    assert con.execute("SELECT doc_type, doc_number, issued_on, parser_version FROM articles").fetchall() == [
        ("Official Telegram", "05/CD-UBND", date(2020, 9, 18), transforms.PARSER_VERSION)]
    assert con.execute("SELECT count(*) FROM directives").fetchall()[0][0] == 8
    assert ("05/CD-UBND",) not in con.execute("SELECT number FROM citations").fetchall()
    assert con.execute("SELECT count(*) FROM v_suspect_articles").fetchall()[0][0] == 0
    con.close()

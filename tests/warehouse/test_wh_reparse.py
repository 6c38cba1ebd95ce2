from __future__ import annotations

import shutil
from datetime import timedelta

from wh_dump import dump
from wh_fakes import T0, FakeParser, article_page, article_record, gone_page, list_page, write_batch

from ingest.config import Settings
from ingest.landing import Landing
from warehouse import db
from warehouse.load import load_pending
from warehouse.reparse import reparse

H = timedelta(hours=1)


class FakeParserV2(FakeParser):
    """A newer parser: reads pages v1 choked on, and extracts titles differently."""

    def __init__(self):
        super().__init__("2.0.0")

    def parse_article(self, body, url):
        rec = super().parse_article(body.replace(b'"explode": true', b'"explode": false'), url)
        rec["title"] = rec["title"].upper()
        return rec

    def parse_listing(self, body, url):
        rec = super().parse_listing(body, url)
        for item in rec["items"]:
            item["title"] = item["title"].upper()
        return rec


def _crawl_three_times(settings, parser):
    """Three crawls: article 1 edited between crawl 2 and 3; 7 unparseable by v1; 2 withdrawn."""
    broken = {**article_record("7"), "explode": True}
    write_batch(settings, [article_page("1", T0), article_page("2", T0), article_page("7", T0, record=broken),
                           list_page(["1", "2", "7"], T0)], run_id="c1")
    load_pending(settings, parser=parser)
    write_batch(settings, [article_page("1", T0 + H), article_page("2", T0 + H), list_page(["1", "2"], T0 + H)],
                run_id="c2")
    load_pending(settings, parser=parser)
    write_batch(settings, [article_page("1", T0 + 2 * H, edit=1), gone_page("2", T0 + 2 * H),
                           list_page(["1", "7"], T0 + 2 * H)], run_id="c3")
    load_pending(settings, parser=parser)


def _dump(settings):
    con = db.connect(settings)
    try:
        return dump(con)
    finally:
        con.close()


def test_reparse_with_the_same_parser_changes_nothing(settings, parser):
    _crawl_three_times(settings, parser)
    before = _dump(settings)
    assert [r[:2] for r in before["article_versions"]] == [("1", 1), ("1", 2), ("2", 1)]
    summary = reparse(settings, parser=parser)
    assert summary.articles == 0 and summary.changed_articles == 0
    assert _dump(settings) == before
    summary = reparse(settings, all=True, parser=parser)
    assert summary.articles == 3 and summary.changed_articles == 0 and summary.listings_rebuilt
    assert _dump(settings) == before
    con = db.connect(settings)
    assert con.execute("SELECT kind, count(*) FROM runs GROUP BY 1 ORDER BY 1").fetchall() == [
        ("crawl", 3), ("reparse", 2)]
    con.close()


def test_reparse_with_a_new_parser_equals_a_fresh_crawl(settings, parser, tmp_path):
    _crawl_three_times(settings, parser)
    assert _dump(settings)["quarantine"][0][1] == "7"

    summary = reparse(settings, parser=FakeParserV2())
    assert summary.parser_version == "2.0.0" and summary.articles == 3
    assert summary.cleared_quarantine == 1 and summary.new_articles == 1 and summary.changed_articles == 2
    reparsed = _dump(settings)
    assert reparsed["quarantine"] == []

    # The same stored pages crawled fresh by the new parser.
    fresh = Settings(duckdb_path=tmp_path / "fresh" / "portal.duckdb")
    loaded = sorted(Landing(settings.landing).loaded.glob("*.jsonl.gz"))
    Landing(fresh.landing).pending.mkdir(parents=True)
    for path in loaded:
        shutil.copy(path, Landing(fresh.landing).pending / path.name)
    load_pending(fresh, parser=FakeParserV2())
    assert _dump(fresh) == reparsed
    # A new parser is not a new version of the article.
    assert [r[:2] for r in reparsed["article_versions"]] == [("1", 1), ("1", 2), ("2", 1), ("7", 1)]
    assert reparsed["listings"][0][2] == "TO STEP UP WORK 1"

    again = reparse(settings, parser=FakeParserV2())
    assert again.articles == 0 and _dump(settings) == reparsed

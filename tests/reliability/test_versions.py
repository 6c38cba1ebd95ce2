"""An article edited on the portal gets one new version and keeps the old one;
a withdrawn article is marked, never deleted; an unchanged article refetched
(new counters, new raw bytes) gets no new version."""

from __future__ import annotations

import pytest

from .helpers import cli_cmd, http_get, query, require, run, step_cmd


def _list_ids(replica, page: int) -> list[str]:
    import transforms

    url = f"{replica.base_url}/en-us/Pages/news.aspx?Page={page}"
    status, body = http_get(url)
    assert status == 200
    return [item["article_id"] for item in transforms.parse_listing(body, url)["items"]]


@pytest.fixture
def crawled(tmp_path, replica_factory):
    require("portal_ingest.pipeline", "crawl")
    replica = replica_factory("--articles", "45", "--seed", "4")
    db = tmp_path / "portal.duckdb"
    base = ["--base-url", replica.base_url, "--duckdb", str(db), "--max-rps", "0"]
    result = run(cli_cmd({}, *base, "crawl"))
    assert result.returncode == 0, result.stderr[-2000:]
    before = {r[0]: r[1:] for r in query(db, "SELECT article_id, title, body_text, content_sha256, version FROM articles")}
    assert len(before) == 46
    return replica, db, base, before


def test_edited_article_gets_one_new_version_and_keeps_the_old(crawled):
    replica, db, base, before = crawled
    edited = _list_ids(replica, 2)[5]  # an older article, not on page 1
    replica.control("edit", id=edited)
    # a week later: every known article due for a recheck; twice (the second adds nothing)
    settings = {"base_url": replica.base_url, "duckdb_path": str(db), "max_rps": 0, "recheck_days": 0}
    for _ in range(2):
        result = run(step_cmd("crawl", settings))
        assert result.returncode == 0, result.stderr[-2000:]
    after = {r[0]: r[1:] for r in query(db, "SELECT article_id, title, body_text, content_sha256, version FROM articles")}
    assert set(after) == set(before), "articles appeared or disappeared"
    versions = query(db, "SELECT version, content_sha256 FROM article_versions WHERE article_id = ? ORDER BY version",
                     [edited])
    assert [v for v, _ in versions] == [1, 2], f"edited article {edited}: versions {versions}"
    assert versions[0][1] == before[edited][2], "version 1 no longer holds the original content"
    assert versions[1][1] == after[edited][2] != before[edited][2]
    assert after[edited][3] == 2
    assert (after[edited][0], after[edited][1]) != (before[edited][0], before[edited][1]), "row not updated"
    others = query(db, "SELECT article_id, count(*) FROM article_versions WHERE article_id <> ? GROUP BY 1 "
                       "HAVING count(*) > 1", [edited])
    assert not others, f"unchanged articles got new versions: {others[:5]}"
    assert query(db, "SELECT count(*) FROM articles WHERE article_id = ?", [edited])[0][0] == 1


def test_edited_article_is_noticed_by_the_next_crawl(crawled):
    """The portal shows an edit by moving the article to the top of the list with a
    new stamp: the next regular crawl must refetch it, not wait for the weekly recheck."""
    replica, db, base, before = crawled
    edited = _list_ids(replica, 2)[5]
    replica.control("edit", id=edited)
    assert edited in _list_ids(replica, 1), "the replica did not move the edited article up"
    result = run(cli_cmd({}, *base, "crawl"))
    assert result.returncode == 0, result.stderr[-2000:]
    version = query(db, "SELECT version FROM articles WHERE article_id = ?", [edited])[0][0]
    assert version == 2, (
        f"article {edited} was edited and moved from page 2 to page 1, but the next crawl did not refetch it"
    )


def test_unchanged_articles_refetched_get_no_new_version(crawled):
    """Every article refetched (recheck due): raw bytes differ (online-user counter),
    extracted content does not, so no version, no 'changed' count."""
    replica, db, base, before = crawled
    settings = {"base_url": replica.base_url, "duckdb_path": str(db), "max_rps": 0, "recheck_days": 0}
    result = run(step_cmd("crawl", settings))
    assert result.returncode == 0, result.stderr[-2000:]
    assert query(db, "SELECT count(*) FROM article_versions")[0][0] == len(before)
    assert query(db, "SELECT max(version) FROM articles")[0][0] == 1
    changed = query(db, "SELECT sum(changed_articles) FROM runs")[0][0]
    assert not changed, f"runs report {changed} changed articles, none changed"


def test_withdrawn_article_is_marked_not_deleted(crawled):
    replica, db, base, before = crawled
    gone = _list_ids(replica, 2)[3]
    replica.control("withdraw", id=gone)
    status, _ = http_get(f"{replica.base_url}/en-us/Pages/Article.aspx?articleID={gone}")
    assert status == 404
    # the next scheduled crawl, then one a week later (every known article due for a recheck)
    assert run(cli_cmd({}, *base, "crawl")).returncode == 0
    settings = {"base_url": replica.base_url, "duckdb_path": str(db), "max_rps": 0, "recheck_days": 0}
    result = run(step_cmd("crawl", settings))
    assert result.returncode == 0, result.stderr[-2000:]
    row = query(db, "SELECT article_id, title, withdrawn_at FROM articles WHERE article_id = ?", [gone])
    assert row, f"withdrawn article {gone} was deleted"
    assert row[0][1] == before[gone][0], "withdrawn article's content changed"
    assert query(db, "SELECT count(*) FROM article_versions WHERE article_id = ?", [gone])[0][0] == 1
    assert row[0][2] is not None, (
        f"article {gone} answers 404 and left every list page, but is not marked withdrawn after two crawls "
        "(one with every known article due for a recheck)"
    )
    assert query(db, "SELECT count(*) FROM articles")[0][0] == len(before)

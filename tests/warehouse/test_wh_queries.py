"""Every query of docs/queries.md runs on a snapshot and answers its question."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from support.lake import lake_database, lake_settings
from wh_fakes import T0, FakeParser, article_page, article_record, gone_page, write_batch

from ingest.config import Settings
from warehouse.load import load_pending
from warehouse.snapshot import publish_snapshot
from warehouse.sql import run_sql

QUERIES_MD = Path(__file__).parents[2] / "docs" / "queries.md"


def _queries() -> list[tuple[str, str]]:
    text = QUERIES_MD.read_text()
    found = re.findall(r"^### (\d+\. .+?)\n.*?```sql\n(.*?)```", text, flags=re.S | re.M)
    return [(title, sql) for title, sql in found]


def _doc(aid, kind, number, issued, *, addressees=("Heads of provincial departments",), refs=(), directives=2,
         issuer="Provincial People's Committee"):
    rec = article_record(aid, number=number, published_on=issued, addressees=addressees, directives=directives)
    rec["document"].update({"type": kind, "issuer": issuer, "issued_on": issued})
    rec["references"] = [{"number": n, "type": t, "issued_on": None, "issuer": None} for n, t in refs]
    return rec


@pytest.fixture(scope="module", params=["file", "lake"])
def analyst_settings(request, tmp_path_factory):
    """The same warehouse on both backends (on the lake, the queries read it directly)."""
    if request.param == "file":
        yield _analyst_warehouse(Settings(duckdb_path=tmp_path_factory.mktemp("q") / "portal.duckdb"))
        return
    with lake_database() as dbname:
        yield _analyst_warehouse(lake_settings(dbname, tmp_path_factory.mktemp("q")))


def _analyst_warehouse(settings):
    decree = ("100/2019/ND-CP", "Decree")
    res128 = ("128/NQ-CP", "Resolution")
    ttg = ("16/CT-TTg", "Directive")
    records = [
        _doc("2718", "Official Letter", "2718/UBND-NC", "2020-10-09",
             addressees=("Department of Health", "Heads of provincial departments"), refs=[decree, ttg]),
        _doc("2722", "Plan", "254/KH-UBND", "2020-10-12", refs=[res128, decree], directives=4),
        _doc("2731", "Official Telegram", "05/CD-UBND", "2020-11-02", addressees=("Department of Health",),
             refs=[res128], issuer="Chairman of the Provincial People's Committee"),
        _doc("3001", "Decision", "22/2021/QD-UBND", "2021-03-01", refs=[decree]),
    ]
    pages = [article_page(r["article_id"], T0, record=r) for r in records]
    pages.append(article_page("9", T0, raw=b"{broken"))
    write_batch(settings, pages)
    edited = {**records[0], "title": "To step up administrative reform work (amended)"}
    write_batch(settings, [article_page("2718", T0 + timedelta(days=1), record=edited),
                           gone_page("3001", T0 + timedelta(days=1))], run_id="run-2")
    load_pending(settings, parser=FakeParser())
    publish_snapshot(settings)
    return settings


def test_there_are_ten_questions():
    assert len(_queries()) == 10


@pytest.mark.parametrize("title,sql", _queries(), ids=[t.split(".")[0] for t, _ in _queries()])
def test_query_runs_and_answers(analyst_settings, title, sql):
    rows = json.loads(run_sql(analyst_settings, sql, fmt="json"))
    assert rows, f"no answer to: {title}"


def test_answers_are_right(analyst_settings):
    q = dict(_queries())
    decrees = json.loads(run_sql(analyst_settings, q[next(k for k in q if k.startswith("1."))], fmt="json"))
    assert decrees[0]["number"] == "100/2019/ND-CP" and decrees[0]["citing_articles"] == 3
    health = json.loads(run_sql(analyst_settings, q[next(k for k in q if k.startswith("2."))], fmt="json"))
    assert {r["doc_number"] for r in health} == {"2718/UBND-NC", "05/CD-UBND"}
    edited = json.loads(run_sql(analyst_settings, q[next(k for k in q if k.startswith("7."))], fmt="json"))
    assert [(r["article_id"], r["version"]) for r in edited] == [("2718", 1), ("2718", 2)]
    implementing = json.loads(run_sql(analyst_settings, q[next(k for k in q if k.startswith("5."))], fmt="json"))
    assert [r["doc_number"] for r in implementing] == ["254/KH-UBND", "05/CD-UBND"]

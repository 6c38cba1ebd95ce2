"""Every query of docs/queries.md runs on a snapshot and answers its question."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
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
         issuer="Provincial People's Committee", lead=None, due_on=None):
    rec = article_record(aid, number=number, published_on=issued, addressees=addressees, directives=directives)
    rec["document"].update({"type": kind, "issuer": issuer, "issued_on": issued})
    for item in rec["directives"]:  # as the parser gives them: a named lead, else the addressees
        who = [{"agency": lead, "role": "lead"}] if lead else [{"agency": a, "role": "addressee"} for a in addressees]
        item.update({"assignees": who, "due_on": due_on, "due_text": "before the date" if due_on else None})
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
        _doc("2722", "Plan", "254/KH-UBND", "2020-10-12", refs=[res128, decree], directives=4,
             lead="Department of Finance"),
        _doc("2731", "Official Telegram", "05/CD-UBND", "2020-11-02", addressees=("Department of Health",),
             refs=[res128, ("254/KH-UBND", "Plan")], issuer="Chairman of the Provincial People's Committee"),
        _doc("3001", "Decision", "22/2021/QD-UBND", "2021-03-01", refs=[decree]),
        _doc("3002", "Official Letter", "880/UBND-KGVX", "2021-04-05", lead="Provincial Police",
             due_on=(date.today() + timedelta(days=10)).isoformat()),
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


def test_there_are_fifteen_questions():
    assert len(_queries()) == 15


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


def _answer(settings, number: str) -> list[dict]:
    q = dict(_queries())
    return json.loads(run_sql(settings, q[next(k for k in q if k.startswith(f"{number}."))], fmt="json"))


def test_task_answers_are_right(analyst_settings):
    q4 = _answer(analyst_settings, 11)
    assert {(r["doc_number"], r["role"]) for r in q4} == {("2718/UBND-NC", "addressee"), ("05/CD-UBND", "addressee")}
    due = _answer(analyst_settings, 12)
    assert [(r["agency"], r["doc_number"]) for r in due] == [("Provincial Police", "880/UBND-KGVX")] * 2
    ranked = _answer(analyst_settings, 13)
    assert [(r["month"], r["agency"], r["tasks_led"], r["rank"]) for r in ranked] == [
        ("2020-10-01", "Department of Finance", 4, 1), ("2021-04-01", "Provincial Police", 2, 1)]
    implementing = _answer(analyst_settings, 14)
    assert [r["citing_number"] for r in implementing] == ["2718/UBND-NC"]
    chains = _answer(analyst_settings, 15)
    assert [(r["depth"], r["chain"]) for r in chains] == [
        (1, "128/NQ-CP <- 05/CD-UBND"), (1, "128/NQ-CP <- 254/KH-UBND"), (2, "128/NQ-CP <- 254/KH-UBND <- 05/CD-UBND")]


def test_readme_queries_run_and_central_means_central(analyst_settings):
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    block = re.search(r"```sql\n(.*?v_tasks.*?)```", readme, flags=re.S).group(1)
    statements = [s.strip() for s in block.split(";") if s.strip() and not s.strip().startswith("--") or "SELECT" in s]
    assert len(statements) == 5
    answers = [json.loads(run_sql(analyst_settings, sql, fmt="json")) for sql in statements]
    central = answers[0]
    assert {r["cited_number"] for r in central} == {"128/NQ-CP", "100/2019/ND-CP", "16/CT-TTg"}
    assert {r["doc_number"] for r in answers[1]} == {"2718/UBND-NC", "05/CD-UBND"}
    assert [r["citing_number"] for r in answers[3]] == ["2718/UBND-NC"]

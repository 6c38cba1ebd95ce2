"""Search and the report on a DuckLake: no snapshot file there, so the publish step
builds the search index in a local file beside the lake's data path and writes the
report from the lake's latest commit. Runs on the machine's real PostgreSQL."""

from __future__ import annotations

import json

import pytest
from support.lake import lake_database, lake_settings
from test_wh_search import DOCS
from wh_fakes import T0, FakeParser, article_page, write_batch

from portal_ingest import pipeline
from portal_ingest.cli import main
from warehouse.load import load_pending
from warehouse.report import LAKE_REPORT_NAME
from warehouse.search import LAKE_INDEX_NAME


@pytest.fixture
def lake(tmp_path, monkeypatch):
    with lake_database() as dbname:
        settings = lake_settings(dbname, tmp_path)
        monkeypatch.setenv("PORTAL_DUCKDB", str(settings.duckdb_path))
        monkeypatch.setenv("PORTAL_LAKE_DATA_PATH", str(settings.lake_data_path))
        yield settings


def _search(capsys, *args) -> tuple[int, list[dict]]:
    code = main(["search", *args, "--format", "json"])
    out = capsys.readouterr().out
    return code, json.loads(out) if code == 0 else []


def test_search_before_any_publish_says_where_the_index_comes_from(lake, capsys):
    assert main(["search", "flood"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: WarehouseMissing: no search index at ") and "publish step" in err


def test_publish_step_on_the_lake_builds_search_and_report(lake, capsys):
    write_batch(lake, [article_page(r["article_id"], T0, record=r) for r in DOCS])
    load_pending(lake, parser=FakeParser())
    published = pipeline.publish_snapshot(lake)
    assert published.snapshot is None and published.published is False and "nothing to publish" in published.note
    index = lake.data_dir / LAKE_INDEX_NAME
    report = lake.data_dir / LAKE_REPORT_NAME
    assert published.search_index == str(index) and index.is_file()
    assert published.report == str(report) and "Official Telegram" in report.read_text(encoding="utf-8")

    # the same ranking as on a file's snapshot (tests/warehouse/test_wh_search.py)
    code, hits = _search(capsys, "flooding prevention")
    ids = [h["article_id"] for h in hits]
    assert code == 0 and ids[:2] == ["101", "103"] and "102" in ids and "104" not in ids
    code, hits = _search(capsys, "Van Giang")
    assert [h["article_id"] for h in hits] == ["103"]
    code, hits = _search(capsys, "flood", "--agency", "Department of Health")
    assert {h["article_id"] for h in hits} == {"103"}

    # a document loaded later is found after the next publish step, not before
    extra = dict(DOCS[0], article_id="105", title="Typhoon shelters for fishermen")
    extra["document"] = dict(DOCS[0]["document"], number="105/UBND-KT", subject="typhoon shelters")
    extra["body_text"] = "Typhoon shelters must be ready."
    extra["directives"] = [{"ordinal": 1, "text": "Fishermen shall bring boats to typhoon shelters."}]
    write_batch(lake, [article_page("105", T0, record=extra)])
    load_pending(lake, parser=FakeParser())
    assert _search(capsys, "typhoon")[1] == []
    pipeline.publish_snapshot(lake)
    assert [h["article_id"] for h in _search(capsys, "typhoon")[1]] == ["105"]


def test_report_command_on_the_lake(lake, tmp_path, capsys):
    write_batch(lake, [article_page(r["article_id"], T0, record=r) for r in DOCS])
    load_pending(lake, parser=FakeParser())
    out = tmp_path / "r.html"
    assert main(["report", "--out", str(out)]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    page = out.read_text(encoding="utf-8")
    assert "Decision" in page and "from the DuckLake&#x27;s latest commit" in page

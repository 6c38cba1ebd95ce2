"""The pipeline's pure parts: what a fetch step reports, and backfill plans."""

from __future__ import annotations

import json

import pytest

from ingest.run import CrawlResult
from portal_ingest import pipeline


def test_fetch_report_counts_and_json():
    result = CrawlResult(run_id="r1", requests=7, new_ids=["12", "3"], changed_ids=["5"], rechecked_ids=["9"],
                         batches=["b1", "b2"])
    report = pipeline.FetchReport.from_result(result, kind="crawl", origin="cli", elapsed_s=1.234)
    out = report.to_dict()
    assert out["new_ids"] == ["3", "12"] and out["new_articles"] == 2
    assert out["changed_articles"] == 1 and out["rechecked_articles"] == 1
    assert out["article_ids"] == ["3", "5", "9", "12"]
    assert out["requests"] == 7 and out["status"] == "ok" and out["elapsed_s"] == 1.23 and out["batches"] == ["b1", "b2"]
    json.dumps(out)


def test_plan_backfill_bounded_batches():
    plan = pipeline.plan_backfill(from_page=1, to_page=100, batch_size=5, max_batches=8)
    assert len(plan) <= 8
    assert [p for b in plan for p in b["pages"]] == list(range(1, 101))
    assert len({b["request"] for b in plan}) == 1 and [b["last"] for b in plan][-2:] == [False, True]
    plan = pipeline.plan_backfill(from_page=3, to_page=4, batch_size=1, channel=14)
    assert [b["pages"] for b in plan] == [[3], [4]] and plan[0]["channel"] == 14
    (by_date,) = pipeline.plan_backfill(since="2020-01-01", until="2020-06-30")
    assert by_date["pages"] is None and by_date["since"] == "2020-01-01"
    json.dumps(plan)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({}, "page range"),
        ({"from_page": 3}, "both"),
        ({"from_page": 5, "to_page": 2}, "from_page <= to_page"),
        ({"since": "2021-01-01", "until": "2020-01-01"}, "after"),
        ({"from_page": 1, "to_page": 2, "channel": 0}, "channel"),
    ],
)
def test_plan_backfill_rejects(kwargs, message):
    with pytest.raises(pipeline.BackfillParamsError, match=message):
        pipeline.plan_backfill(**kwargs)

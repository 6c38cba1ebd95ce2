"""The analysts' report: regenerated beside the snapshot at every publish, opened in
Debian's chromium (Playwright, headless), every chart present with the right numbers,
and not one request leaving the machine."""

from __future__ import annotations

import shutil
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import duckdb
import pytest
from wh_fakes import T0, FakeParser, article_page, article_record, write_batch

from ingest.config import Settings
from portal_ingest.cli import main
from warehouse.load import load_pending
from warehouse.report import report_path
from warehouse.snapshot import publish_snapshot

CHROMIUM = "/usr/bin/chromium"
TODAY = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()


def _doc(aid, kind, number, issued, refs, directives=2):
    rec = article_record(aid, number=number, published_on=issued, directives=directives)
    rec["document"].update({"type": kind, "issued_on": issued})
    rec["references"] = [{"number": n, "type": None, "issued_on": None, "issuer": None} for n in refs]
    return rec


DOCS = [
    _doc("1", "Official Letter", "1/UBND-NC", "2020-10-09", ["100/2019/ND-CP", "16/CT-TTg", "22/2020/QD-UBND"]),
    _doc("2", "Official Letter", "2/UBND-KT", "2020-10-20", ["100/2019/ND-CP", "18-NQ/TW", "254/KH-UBND"], 3),
    _doc("3", "Plan", "3/KH-UBND", "2020-11-02", ["100/2019/ND-CP", "12/2020/TT-BYT", "22/2020/QD-UBND"], 1),
    _doc("4", "Decision", "4/QD-UBND", "2020-11-15", ["202/2025/QH15", "22/2020/QD-UBND", "05/HD-SYT", "7/QD-BQL"], 4),
]


def _build(settings: Settings, registry: bool) -> Settings:
    write_batch(settings, [article_page(r["article_id"], T0, record=r) for r in DOCS])
    load_pending(settings, parser=FakeParser())
    if registry:  # assignments and deadlines (tables and columns of migration 0006), set by hand
        con = duckdb.connect(str(settings.duckdb_path))
        con.execute("INSERT INTO agencies (agency_id, name, kind, level, aliases) VALUES"
                    " ('doh-t', 'Department of Health', 'department', 'province', []),"
                    " ('dof-t', 'Department of Finance', 'department', 'province', [])")
        con.execute("INSERT INTO directive_assignees (article_id, ordinal, agency_id, role, position) VALUES"
                    " ('1', 1, 'doh-t', 'lead', 0), ('1', 1, 'dof-t', 'coordinate', 1),"
                    " ('2', 1, 'doh-t', 'lead', 0), ('2', 2, 'doh-t', 'lead', 0), ('3', 1, 'dof-t', 'lead', 0)")
        con.execute("UPDATE directives SET due_on = ? WHERE article_id = '1' AND ordinal = 1",
                    [TODAY + timedelta(days=3)])
        con.execute("UPDATE directives SET due_on = ? WHERE article_id = '2' AND ordinal = 2",
                    [TODAY + timedelta(days=40)])
        con.execute("UPDATE directives SET due_on = ? WHERE article_id = '4' AND ordinal = 1",
                    [TODAY + timedelta(days=90)])  # outside the window
        con.execute("UPDATE directives SET due_on = ? WHERE article_id = '4' AND ordinal = 2",
                    [TODAY - timedelta(days=1)])  # past
        con.close()
    publish_snapshot(settings)
    return settings


@pytest.fixture(scope="module")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=["--no-sandbox", "--disable-background-networking", "--disable-component-update"])
        yield b
        b.close()


def _open(browser, path):
    """Load the page with every request routed: file: and data: pass, anything else fails the test."""
    page = browser.new_page()
    outside: list[str] = []

    def route(r):
        if r.request.url.startswith(("file:", "data:")):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("request", lambda req: None if req.url.startswith(("file:", "data:")) else outside.append(req.url))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, outside


def _marks(page, chart):
    return page.eval_on_selector_all(
        f'svg[data-chart="{chart}"] rect.mark',
        "els => els.map(e => [e.dataset.label, e.dataset.series || null, Number(e.dataset.value),"
        " e.getBoundingClientRect().width > 0 && e.getBoundingClientRect().height > 0])")


def test_report_written_beside_the_snapshot_at_every_publish(tmp_path):
    settings = _build(Settings(duckdb_path=tmp_path / "portal.duckdb"), registry=False)
    path = report_path(settings.snapshot_path)
    assert path == tmp_path / "portal.snapshot.report.html" and path.is_file()
    first = path.stat().st_mtime_ns
    publish_snapshot(settings)
    assert path.stat().st_mtime_ns > first


def test_charts_in_chromium_before_the_registry(tmp_path, browser):
    settings = _build(Settings(duckdb_path=tmp_path / "portal.duckdb"), registry=False)
    page, outside = _open(browser, report_path(settings.snapshot_path))
    monthly = _marks(page, "monthly")
    assert sorted(m[:3] for m in monthly) == [["2020-10", "Official Letter", 2], ["2020-11", "Decision", 1],
                                              ["2020-11", "Plan", 1]]
    assert all(m[3] for m in monthly), "a bar is not drawn"
    assert [m[:3] for m in _marks(page, "cited-central")] == [
        ["100/2019/ND-CP", None, 3], ["12/2020/TT-BYT", None, 1], ["16/CT-TTg", None, 1],
        ["18-NQ/TW", None, 1], ["202/2025/QH15", None, 1]]
    assert [m[:3] for m in _marks(page, "cited-provincial")] == [
        ["22/2020/QD-UBND", None, 3], ["05/HD-SYT", None, 1], ["254/KH-UBND", None, 1],
        ["7/QD-BQL", None, 1]]  # a provincial management board, though its code starts with B
    # no assignees yet: directives per document type
    assert page.inner_text("#directives h2") == "Directives per document type"
    assert [m[:3] for m in _marks(page, "directives")] == [
        ["Official Letter", None, 5], ["Decision", None, 4], ["Plan", None, 1]]
    assert "0 directives due from" in page.inner_text("#deadlines")  # no deadline set by these letters
    checks = page.eval_on_selector_all("#quality tr[data-check]", "els => els.map(e => e.dataset.check)")
    assert checks == ["duplicate_keys", "quarantine_share", "missing_number_or_date", "days_without_new",
                      "suspect_articles", "unknown_agencies"]
    assert "run-1" in page.inner_text('[data-fact="last run"]')
    assert outside == []
    page.close()


def test_charts_in_chromium_with_agencies_and_deadlines(tmp_path, browser):
    settings = _build(Settings(duckdb_path=tmp_path / "portal.duckdb"), registry=True)
    out = tmp_path / "elsewhere" / "analysts.html"
    assert main(["--duckdb", str(settings.duckdb_path), "report", "--out", str(out)]) == 0
    page, outside = _open(browser, out)
    assert page.inner_text("#directives h2") == "Directives per assigned agency"
    assert [m[:3] for m in _marks(page, "directives")] == [
        ["Department of Health", None, 3], ["Department of Finance", None, 2]]
    due = {m[0]: m[2] for m in _marks(page, "deadlines") if m[2]}
    monday = lambda d: d - timedelta(days=d.weekday())  # noqa: E731
    want: dict[str, int] = {}
    for d in (TODAY + timedelta(days=3), TODAY + timedelta(days=40)):
        key = f"week of {monday(d).isoformat()}"
        want[key] = want.get(key, 0) + 1
    assert due == want
    rows = page.eval_on_selector_all("#deadlines table tr td:first-child", "els => els.map(e => e.textContent)")
    assert rows == [str(TODAY + timedelta(days=3)), str(TODAY + timedelta(days=40))]
    assert "Department of Health; Department of Finance" in page.inner_text("#deadlines table") or \
        "Department of Finance; Department of Health" in page.inner_text("#deadlines table")
    assert outside == []
    page.close()


def test_report_page_requests_nothing_even_with_hostile_text(tmp_path, browser):
    settings = Settings(duckdb_path=tmp_path / "portal.duckdb")
    rec = _doc("9", "Plan", "9/KH-UBND", str(date(2020, 1, 1)), ['<img src="http://example.invalid/x.png">'])
    rec["title"] = '<script src="http://example.invalid/x.js"></script>'
    write_batch(settings, [article_page("9", T0, record=rec)])
    load_pending(settings, parser=FakeParser())
    publish_snapshot(settings)
    page, outside = _open(browser, report_path(settings.snapshot_path))
    assert outside == [] and page.eval_on_selector_all("script, img", "els => els.length") == 0
    page.close()


def test_a_failing_report_is_logged_and_does_not_undo_the_publish(tmp_path, monkeypatch, caplog):
    from warehouse import report

    settings = _build(Settings(duckdb_path=tmp_path / "portal.duckdb"), registry=False)
    before = settings.snapshot_path.stat().st_ino

    def broken(*a, **kw):
        raise OSError("disk full")

    monkeypatch.setattr(report, "write_report", broken)
    publish_snapshot(settings)
    assert settings.snapshot_path.stat().st_ino != before  # the new snapshot is in place
    assert "report not regenerated (the snapshot is published): OSError: disk full" in caplog.text

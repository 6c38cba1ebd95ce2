"""Full-text search over the snapshot: ranking on known documents, snippets, filters,
Vietnamese names without diacritics, the SQL macro, and `--agency` with and without
the agency registry."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import duckdb
import pytest
from wh_fakes import T0, FakeParser, article_page, article_record, write_batch

from ingest.config import Settings
from portal_ingest.cli import main
from warehouse.errors import QueryFailed
from warehouse.load import load_pending
from warehouse.search import SearchUnavailable, search
from warehouse.snapshot import publish_snapshot
from warehouse.sql import open_snapshot, run_sql


def _doc(aid, kind, number, issued, title, subject, body, directives, addressees=("Heads of provincial departments",)):
    rec = article_record(aid, number=number, published_on=issued, addressees=addressees)
    rec["title"] = title
    rec["document"].update({"type": kind, "issued_on": issued, "subject": subject})
    rec["body_text"] = body
    rec["directives"] = [{"ordinal": i, "text": t} for i, t in enumerate(directives, 1)]
    return rec


DOCS = [
    _doc("101", "Official Letter", "101/UBND-KT", "2020-06-02", "To proactively prevent floods and storms",
         "flood and storm prevention in the rainy season",
         "On June 2, 2020, the Provincial People's Committee issued Official Letter No. 101/UBND-KT on flood prevention.\n"
         "Heavy rain is forecast for the whole region. Dykes must be inspected every week.",
         ["The Department of Agriculture and Rural Development shall inspect dykes and prepare flood prevention plans.",
          "The Department of Finance shall allocate funds for storm shelters."],
         addressees=("Department of Agriculture and Rural Development", "Department of Finance")),
    _doc("102", "Plan", "55/KH-UBND", "2021-03-10", "Plan on administrative reform in 2021",
         "administrative reform",
         "The plan sets out reform targets. Floods were mentioned once in last year's review.",
         ["Departments shall simplify administrative procedures.", "Districts shall report quarterly."]),
    _doc("103", "Official Telegram", "07/CD-UBND", "2020-10-15", "Responding to flooding in Văn Giang district",
         "urgent response to flooding",
         "Chairman Trần Quốc Văn asked Đức Hợp commune to evacuate households from flooded areas. "
         "Flooding is expected to continue.",
         ["The People's Committee of Văn Giang district shall evacuate households from flooded areas at once.",
          "The Department of Health shall send medical teams to flooded communes."],
         addressees=("People's Committee of Văn Giang district", "Department of Health")),
    _doc("104", "Decision", "22/2020/QD-UBND", "2020-08-12", "Regulation on public employees",
         "responsibilities of heads of agencies", "Decision No. 22/2020/QD-UBND issues the regulation.",
         ["Heads of agencies shall perform the regulation."]),
]


def _publish(settings: Settings, before_publish=None) -> Settings:
    write_batch(settings, [article_page(r["article_id"], T0, record=r) for r in DOCS])
    load_pending(settings, parser=FakeParser())
    if before_publish:
        con = duckdb.connect(str(settings.duckdb_path))
        try:
            before_publish(con)
        finally:
            con.close()
    publish_snapshot(settings)
    return settings


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    return _publish(Settings(duckdb_path=tmp_path_factory.mktemp("search") / "portal.duckdb"))


def _search(settings, query, **kw):
    con = open_snapshot(settings)
    try:
        names, data = search(con, query, **kw)
    finally:
        con.close()
    return [dict(zip(names, row, strict=True)) for row in data]


def test_ranks_the_flood_letters_first_with_stemming(published):
    hits = _search(published, "flooding prevention")
    ids = [h["article_id"] for h in hits]
    # 101 is about flood prevention (title, subject, body, directive); 103 about flooding;
    # 102 mentions floods once; 104 not at all.
    assert ids[:2] == ["101", "103"] and "102" in ids and "104" not in ids
    assert hits[0]["score"] > hits[1]["score"] > hits[-1]["score"]
    assert hits[0]["doc_number"] == "101/UBND-KT" and hits[0]["issued_on"] == date(2020, 6, 2)
    assert hits[0]["url"].endswith("articleID=101")


def test_snippet_is_the_matching_directive_else_sentence(published):
    hits = {h["article_id"]: h for h in _search(published, "dykes")}
    assert hits["101"]["snippet"] == ("The Department of Agriculture and Rural Development shall inspect dykes"
                                      " and prepare flood prevention plans.")
    floods = {h["article_id"]: h for h in _search(published, "floods")}
    # 102 has no directive about floods: the body sentence that says it
    assert floods["102"]["snippet"] == "Floods were mentioned once in last year's review."


def test_names_without_diacritics_find_names_with_them(published):
    assert [h["article_id"] for h in _search(published, "Van Giang")] == ["103"]
    # đ is a letter of its own (not d + a mark): folded on both sides
    assert [h["article_id"] for h in _search(published, "Duc Hop")] == ["103"]
    assert [h["article_id"] for h in _search(published, "Đức Hợp")] == ["103"]
    assert [h["article_id"] for h in _search(published, "Tran Quoc")] == ["103"]


def test_document_numbers_are_searchable(published):
    assert _search(published, "22/2020/QD-UBND")[0]["article_id"] == "104"
    # its own number puts a document first, however the number is spaced (every doc cites 22/2020/QD-UBND)
    assert _search(published, "101 / UBND-KT")[0]["article_id"] == "101"


def test_filters_type_dates_limit(published):
    assert [h["article_id"] for h in _search(published, "flood", doc_type="official telegram")] == ["103"]
    assert [h["article_id"] for h in _search(published, "flood", since=date(2020, 7, 1), until=date(2020, 12, 31))] == ["103"]
    assert len(_search(published, "flood", limit=1)) == 1
    with pytest.raises(QueryFailed, match="unknown document type 'Memo'"):
        _search(published, "flood", doc_type="Memo")


def test_agency_falls_back_to_directive_text_and_addressees(published):
    # no task assignments in this warehouse (directive_assignees empty)
    ids = {h["article_id"] for h in _search(published, "flood", agency="Department of Health")}
    assert ids == {"103"}  # named in a directive and as an addressee of 103 only
    assert {h["article_id"] for h in _search(published, "funds storm", agency="department of finance")} == {"101"}
    assert {h["article_id"] for h in _search(published, "flood", agency="Van Giang")} == {"103"}


def test_agency_uses_the_registry_when_it_exists(tmp_path):
    def registry(con):
        # the tables exist (migration 0006); this warehouse's loads left them empty
        con.execute("DELETE FROM directive_assignees")
        con.execute("INSERT INTO agencies (agency_id, name, kind, level, aliases) VALUES"
                    " ('doh-test', 'Department of Health Test', 'department', 'province', ['DOH', 'Sở Y tế'])")
        # the registry says 102's second directive is the health department's, though its text does not
        con.execute("INSERT INTO directive_assignees (article_id, ordinal, agency_id, role, position)"
                    " VALUES ('102', 2, 'doh-test', 'lead', 0)")

    settings = _publish(Settings(duckdb_path=tmp_path / "portal.duckdb"), before_publish=registry)
    assert {h["article_id"] for h in _search(settings, "floods", agency="Department of Health")} == {"102"}
    assert {h["article_id"] for h in _search(settings, "floods", agency="So Y te")} == {"102"}


def test_sql_macro_is_documented_and_works(published):
    out = json.loads(run_sql(published, "SELECT article_id, doc_number, snippet FROM search_documents('storm shelters')"
                                        " LIMIT 1", fmt="json"))
    assert out == [{"article_id": "101", "doc_number": "101/UBND-KT",
                    "snippet": "The Department of Finance shall allocate funds for storm shelters."}]
    out = json.loads(run_sql(published, "SELECT article_id FROM search_documents('flood', doc_type := 'Plan')",
                             fmt="json"))
    assert out == [{"article_id": "102"}]


def test_the_sql_examples_of_docs_queries_md_run(published):
    text = (Path(__file__).parents[2] / "docs" / "queries.md").read_text()
    section = text[text.index("## Full-text search"):text.index("## The report")]
    examples = re.findall(r"```sql\n(.*?)```", section, flags=re.S)
    assert len(examples) == 2
    flooding = json.loads(run_sql(published, examples[1], fmt="json"))
    assert flooding[0] == {"number": "22/2020/QD-UBND", "citing": 3}  # cited by 101, 102, 103 (not 104)
    json.loads(run_sql(published, examples[0], fmt="json"))


def test_index_is_in_the_snapshot_not_the_live_file(published):
    con = duckdb.connect(str(published.duckdb_path), read_only=True)
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    finally:
        con.close()
    assert "search_corpus" not in tables


def test_cli_json_keys_are_the_contract(published, capsys):
    code = main(["--duckdb", str(published.duckdb_path), "search", "flood prevention", "--format", "json",
                 "--limit", "2"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and len(out) == 2
    assert list(out[0]) == ["article_id", "doc_type", "doc_number", "issued_on", "title", "url", "score", "snippet"]
    assert out[0]["article_id"] == "101" and out[0]["issued_on"] == "2020-06-02"


def test_cli_table_and_errors(published, capsys):
    assert main(["--duckdb", str(published.duckdb_path), "search", "telegram flooding", "--type", "Official Telegram"]) == 0
    out = capsys.readouterr().out
    assert "07/CD-UBND" in out and "(1 row)" in out
    assert main(["--duckdb", str(published.duckdb_path), "search", "   "]) == 1
    assert capsys.readouterr().err.strip() == "error: QueryFailed: empty search query"
    assert main(["--duckdb", str(published.duckdb_path), "search", "x", "--since", "2020-13-01"]) == 2


def test_old_snapshot_without_index_says_so(tmp_path):
    settings = Settings(duckdb_path=tmp_path / "portal.duckdb")
    _publish(settings)
    snap = settings.snapshot_path
    snap.chmod(0o644)
    con = duckdb.connect(str(snap))
    con.execute("DROP MACRO TABLE search_documents")
    con.close()
    con = open_snapshot(settings)
    try:
        with pytest.raises(SearchUnavailable, match="no search index"):
            search(con, "flood")
    finally:
        con.close()

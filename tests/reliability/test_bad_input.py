"""Bad input: each page a bad day brings gives a clear one-line error or a
quarantine entry, and nothing is lost.

Three levels: the parser alone (never raises, never invents), `portal-ingest
parse` on the saved page (JSON or one line on stderr), and a real crawl of a
hostile portal that serves all of them among good articles.
"""

from __future__ import annotations

import html as htmllib
import json
import re
import time
from pathlib import Path

import pytest

from . import badpages
from .helpers import (
    LIST_PATH,
    HostileServer,
    Response,
    article_url,
    clean_env,
    cli_args,
    list_page,
    query,
    require,
    run_cli,
    sample_article,
)

BASE = "http://127.0.0.1:8765"


_TYPOGRAPHY = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u201c": '"',
                             "\u201d": '"', "\u201e": '"', "\u00a0": " ", "\u2013": "-", "\u2014": "-"})


def normalise(text: str) -> str:
    """Curly quotes, dashes and spacing folded, as the parser may fold them."""
    return re.sub(r"\s+", " ", text.translate(_TYPOGRAPHY)).strip()


def page_universe(body: bytes) -> str:
    """Everything a page says (markup included), decoded both ways, entities resolved,
    typography folded: a value the parser returns must come from here."""
    texts = [body.decode("utf-8", "replace"), body.decode("cp1252", "replace")]
    return " ".join(normalise(htmllib.unescape(t)) for t in texts)


def _contains(universe: str, value: str) -> bool:
    return normalise(value) in universe


@pytest.fixture(scope="module")
def transforms():
    require("transforms", "parse_article")
    import transforms

    return transforms


@pytest.mark.parametrize("name", sorted(badpages.CORPUS))
def test_parser_survives_bad_page(transforms, name):
    body, _ = badpages.CORPUS[name]()
    url = BASE + article_url(badpages.IDS[name])
    started = time.monotonic()
    record = transforms.parse_article(body, url)
    elapsed = time.monotonic() - started
    assert record["kind"] == "article"
    assert isinstance(record["warnings"], list)
    assert elapsed < 30, f"{name}: {elapsed:.1f} s to parse"
    universe = page_universe(body)
    if record["title"] is not None:
        assert _contains(universe, record["title"]), f"{name}: invented title {record['title']!r}"
    if record.get("document") and record["document"].get("number"):
        # canonical numbers drop the spaces around / and -
        squeezed = re.sub(r"\s*([/-])\s*", r"\1", universe)
        assert record["document"]["number"] in squeezed
    json.dumps(record)  # JSON-able, as the contract prints it


@pytest.mark.parametrize("name", ["empty", "pdf"])
def test_parser_finds_nothing_in_a_non_page(transforms, name):
    body, _ = badpages.CORPUS[name]()
    record = transforms.parse_article(body, BASE + article_url(badpages.IDS[name]))
    assert record["title"] is None
    assert record["published_on"] is None
    assert record["document"] is None
    assert record["directives"] == []
    assert record["warnings"], "a page with nothing in it must say so in warnings (the loader quarantines it)"


@pytest.mark.parametrize("name", ["wrong_charset", "missing_charset"])
def test_parser_reads_windows_1252(transforms, name):
    body, _ = badpages.CORPUS[name]()
    record = transforms.parse_article(body, BASE + article_url(badpages.IDS[name]))
    assert normalise(record["title"] or "") == normalise(badpages.CP1252_TITLE)
    assert "\ufffd" not in (record["body_text"] or "")
    assert record["published_on"] == "2020-10-09"


def test_parser_keeps_what_is_left_of_a_truncated_page(transforms):
    body, _ = badpages.truncated()
    record = transforms.parse_article(body, BASE + article_url(9003))
    assert record["title"] == "A page cut in the middle"
    assert record["published_on"] == "2020-10-09"


def test_parser_on_deep_nesting_is_honest(transforms):
    body, _ = badpages.nested()
    record = transforms.parse_article(body, BASE + article_url(9007))
    # Either it reads the article through 10,000 divs, or it says it could not.
    if record["title"] is None or record["published_on"] is None:
        assert record["warnings"]
    else:
        assert record["title"] in ("A page nested ten thousand deep",)


def test_parser_title_element_swallowing_the_page(transforms):
    """An unclosed title element wrapping the whole page (found by the fuzzer): the title
    must not become the page's entire text."""
    page = sample_article(9015)
    for body in (page.replace(b"<html", b'<h<h1 class="article-title">tml', 1),
                 b'<h1 class="article-title">' + page.replace(b"<form", b"<0form", 1)):
        record = transforms.parse_article(body, BASE + article_url(9015))
        title = record["title"] or ""
        assert len(title) <= 300, f"a {len(title)}-character title: {title[:100]!r}..."


@pytest.mark.parametrize("name", sorted(badpages.CORPUS))
def test_cli_parse_bad_page(tmp_path, name):
    body, _ = badpages.CORPUS[name]()
    path = tmp_path / f"{name}.html"
    path.write_bytes(body)
    result = run_cli("parse", str(path), "--url", BASE + article_url(badpages.IDS[name]), timeout=120)
    if result.returncode == 0:
        record = json.loads(result.stdout)
        assert record["kind"] == "article"
        assert b"Traceback" not in result.stderr
    else:
        from .helpers import one_line_error

        one_line_error(result)


def test_cli_parse_binary_stdin():
    body, _ = badpages.pdf()
    result = run_cli("parse", "-", "--url", BASE + article_url(9004), input=body, timeout=60)
    assert b"Traceback" not in result.stderr
    if result.returncode == 0:
        assert json.loads(result.stdout)["title"] is None


def test_cli_parse_list_of_garbage():
    result = run_cli("parse-list", "-", "--url", BASE + LIST_PATH, input=b"\x00\xff" * 1000, timeout=60)
    assert b"Traceback" not in result.stderr
    if result.returncode == 0:
        record = json.loads(result.stdout)
        assert record["items"] == []
        assert record["next_page"] is None


# --- a real crawl of a hostile portal ------------------------------------------------

GOOD = [9101, 9102]
LOOP_ID, OFFHOST_REDIRECT_ID, OFFHOST_LINK_ID = 9008, 9009, 9010
INJECTION_ID = 9103
FILE_REDIRECT_ID = 9014
INJECTION_TITLE = "Robert'); DROP TABLE articles; -- \" OR 1=1 {0} %s $1 ?"


def hostile_routes(other_base: str) -> dict:
    items = []
    routes: dict = {"/robots.txt": Response(200, b"User-agent: *\nDisallow:\n", {"Content-Type": "text/plain"})}
    stamp = "09/10/2020 8:12 SA"
    offsite_related = (f'<li class="item"><a href="{other_base}{article_url(9013)}">Off-host related</a>'
                       ' <span class="date">(13/10/2020 4:58 CH)</span></li>').encode()
    for aid in GOOD:
        page = sample_article(aid, f"Good article {aid}")
        # a "Latest new" link to another port: never followed
        page = page.replace(b'<li class="item">', offsite_related + b'<li class="item">', 1)
        routes[article_url(aid)] = Response(200, page)
        items.append((article_url(aid), f"Good article {aid}", stamp))
    # Values that would break SQL built by string formatting.
    routes[article_url(INJECTION_ID)] = Response(200, sample_article(INJECTION_ID, INJECTION_TITLE.replace("&", "&amp;")))
    items.append((article_url(INJECTION_ID), "Quotes", stamp))
    for name, make in badpages.CORPUS.items():
        aid = badpages.IDS[name]
        body, headers = make()
        routes[article_url(aid)] = Response(200, body, headers)
        items.append((article_url(aid), f"Bad page {name}", stamp))
    # A page that is only a redirect loop: A -> B -> A ...
    loop_a, loop_b = article_url(LOOP_ID), article_url(LOOP_ID) + "&x=1"
    routes[loop_a] = Response(302, b"", {"Location": loop_b})
    routes[loop_b] = Response(302, b"", {"Location": loop_a})
    items.append((loop_a, "A redirect loop", stamp))
    # The portal redirecting off-host (another port on the same address).
    routes[article_url(OFFHOST_REDIRECT_ID)] = Response(
        302, b"", {"Location": other_base + article_url(OFFHOST_REDIRECT_ID)}
    )
    items.append((article_url(OFFHOST_REDIRECT_ID), "An off-host redirect", stamp))
    # ... or to a local file.
    routes[article_url(FILE_REDIRECT_ID)] = Response(302, b"", {"Location": "file:///etc/passwd"})
    items.append((article_url(FILE_REDIRECT_ID), "A redirect to file://", stamp))
    # Links that must never be requested.
    items.append((other_base + article_url(OFFHOST_LINK_ID), "A link to another port", stamp))
    items.append(("file:///etc/passwd?articleID=9011", "A file link", stamp))
    items.append(("javascript:alert(1)", "A script link", stamp))
    items.append(("http://169.254.169.254/latest/meta-data/?articleID=9012", "Cloud metadata", stamp))
    routes[LIST_PATH] = Response(200, list_page(items))
    return routes


def _other_routes() -> dict:
    routes = {"/robots.txt": Response(200, b"User-agent: *\nDisallow:\n", {"Content-Type": "text/plain"})}
    for aid in (OFFHOST_REDIRECT_ID, OFFHOST_LINK_ID, 9013):
        routes[article_url(aid)] = Response(200, sample_article(aid, f"Off-host article {aid}"))
    return routes


@pytest.fixture(scope="module")
def hostile_crawl(tmp_path_factory):
    """One real `portal-ingest crawl` of the hostile portal (module-scoped: several tests read it)."""
    require("portal_ingest.pipeline")
    require("ingest.crawl", "crawl_latest")
    require("warehouse.load", "load_pending")
    tmp = tmp_path_factory.mktemp("hostile")
    db = tmp / "portal.duckdb"
    with HostileServer(_other_routes()) as other, HostileServer() as portal:
        portal.routes.update(hostile_routes(other.base_url))
        started = time.monotonic()
        result = run_cli(*cli_args(portal.base_url, db, "crawl")[3:], env=clean_env(), timeout=300)
        elapsed = time.monotonic() - started
        yield {"db": db, "result": result, "portal_hits": list(portal.hits), "other_hits": list(other.hits),
               "elapsed": elapsed}


def test_hostile_crawl_finishes_cleanly(hostile_crawl):
    """The crawl loads everything, then runs the load DAG's checks before publishing
    (one composition): the hostile pages quarantined make the quarantine check fail,
    which the crawl says in one line (exit 1, loaded, not published), no traceback."""
    result = hostile_crawl["result"]
    err = result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, err[-3000:]
    lines = [ln for ln in err.strip().splitlines() if ln.strip() and not ln.startswith(("INFO", "WARNING", "DEBUG"))]
    assert result.returncode == 1, f"crawl exited {result.returncode}: {lines[-3:]}"
    assert lines[-1].startswith("error: crawl failed: data-quality checks failed: quarantine_share"), lines[-3:]
    assert not hostile_crawl["db"].with_name("portal.snapshot.duckdb").exists()
    assert hostile_crawl["elapsed"] < 240


def test_hostile_crawl_never_leaves_the_host(hostile_crawl):
    assert hostile_crawl["other_hits"] == [], f"requests off the configured host: {hostile_crawl['other_hits']}"
    assert not any("etc/passwd" in h or "javascript" in h for h in hostile_crawl["portal_hits"])


def test_hostile_crawl_loses_nothing(hostile_crawl):
    db: Path = hostile_crawl["db"]
    articles = {r[0]: r[1] for r in query(db, "SELECT article_id, title FROM articles")}
    quarantined = {r[0] for r in query(db, "SELECT article_id FROM quarantine")}
    for aid in GOOD:
        assert articles.get(str(aid)) == f"Good article {aid}"
    for name in ("wrong_charset", "missing_charset"):
        aid = str(badpages.IDS[name])
        assert normalise(articles.get(aid) or "") == normalise(badpages.CP1252_TITLE), f"{name}: {articles.get(aid)!r}"
    # Pages with nothing in them are quarantined, never stored as articles.
    for name in ("empty", "pdf"):
        aid = str(badpages.IDS[name])
        assert aid not in articles, f"{name} page reached articles"
        assert aid in quarantined, f"{name} page neither stored nor quarantined"
    # Every page that fetched is somewhere: articles or quarantine.
    for name in ("truncated", "nested"):
        aid = str(badpages.IDS[name])
        assert aid in articles or aid in quarantined, f"{name} page lost"
    # Off-host content never stored.
    assert str(OFFHOST_LINK_ID) not in articles and str(OFFHOST_REDIRECT_ID) not in articles
    assert str(FILE_REDIRECT_ID) not in articles and str(FILE_REDIRECT_ID) not in quarantined


def test_hostile_crawl_reports_what_failed(hostile_crawl):
    db: Path = hostile_crawl["db"]
    # The 6 MiB page is cut, not stored whole; the loop and off-host redirect are failures.
    sizes = query(db, "SELECT article_id, octet_length(body) FROM raw_pages WHERE article_id = ?",
                  [str(badpages.IDS["huge"])])
    assert all(size < 6 * badpages.MIB for _, size in sizes), sizes
    assert str(badpages.IDS["huge"]) not in {r[0] for r in query(db, "SELECT article_id FROM articles")}
    runs = query(db, "SELECT kind, status, requests, failed FROM runs")
    assert runs, "no runs row for the crawl"
    failed = sum(r[3] or 0 for r in runs)
    assert failed >= 3, f"runs do not report the huge page, the redirect loop and the off-host redirect: {runs}"
    assert any(r[1] in ("partial", "failed") for r in runs), f"a run with failures says it was ok: {runs}"
    errors = " ".join(e for (errs,) in query(db, "SELECT errors FROM runs") for e in errs or [])
    for aid, what in ((badpages.IDS["huge"], "TooLarge"), (LOOP_ID, "Redirect"), (OFFHOST_REDIRECT_ID, "OffHost"),
                      (FILE_REDIRECT_ID, "")):
        assert f"{aid}" in errors and what in errors, f"runs.errors does not name article {aid} ({what}): {errors[:500]}"


def test_hostile_values_stored_verbatim(hostile_crawl):
    """Quotes, semicolons and placeholders in page text reach the warehouse as data
    (SQL is built with parameters), and the tables are all still there."""
    db: Path = hostile_crawl["db"]
    title = query(db, "SELECT title FROM articles WHERE article_id = ?", [str(INJECTION_ID)])
    assert title and title[0][0] == INJECTION_TITLE
    tables = {r[0] for r in query(db, "SELECT table_name FROM information_schema.tables")}
    assert {"articles", "raw_pages", "runs", "quarantine"} <= tables


def test_hostile_crawl_loop_is_bounded(hostile_crawl):
    loops = [h for h in hostile_crawl["portal_hits"] if f"articleID={LOOP_ID}" in h]
    # a redirect loop costs a bounded number of requests (redirect limit x retries), not forever
    assert 1 <= len(loops) <= 60, f"{len(loops)} requests spent on a redirect loop"

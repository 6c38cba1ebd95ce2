"""Security: `portal-ingest sql` and the analyst snapshot are strictly
read-only; HTML is parsed, never executed or rendered.

(Requests and redirects only to the configured host: test_bad_input's hostile
crawl: off-host redirect, `file://` link, link to 127.0.0.1:other-port, cloud
metadata address, off-host "Latest new" link.)
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from .helpers import (
    ROOT,
    clean_env,
    cli_cmd,
    one_line_error,
    query,
    require,
    run,
    run_cli,
    start_replica,
)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    """A small real warehouse (and its snapshot) crawled from the replica."""
    require("portal_ingest.pipeline", "crawl")
    require("warehouse.sql", "run_sql")
    tmp = tmp_path_factory.mktemp("secure")
    replica = start_replica(tmp, "--articles", "25", "--seed", "2")
    try:
        db = tmp / "portal.duckdb"
        result = run(cli_cmd({}, "--base-url", replica.base_url, "--duckdb", str(db), "--max-rps", "0", "crawl"))
        assert result.returncode == 0, result.stderr[-2000:]
    finally:
        replica.stop()
    snapshot = tmp / "portal.snapshot.duckdb"
    assert snapshot.exists()
    return tmp, db, snapshot


WRITES = [
    "INSERT INTO articles (article_id, url) VALUES ('x', 'y')",
    "UPDATE articles SET title = 'defaced'",
    "DELETE FROM articles",
    "DROP TABLE articles",
    "CREATE TABLE owned AS SELECT 1",
    "ALTER TABLE articles ADD COLUMN owned INTEGER",
    "TRUNCATE articles",
    "ATTACH '{tmp}/evil.duckdb' AS evil",
    "ATTACH '{db}' AS live",
    "COPY articles TO '{tmp}/out.csv'",
    "COPY (SELECT * FROM articles) TO '{tmp}/out.parquet' (FORMAT parquet)",
    "EXPORT DATABASE '{tmp}/export'",
    "INSTALL httpfs",
    "LOAD httpfs",
    "SET enable_external_access = true",
    "CHECKPOINT",
    "SELECT 1; DROP TABLE articles",
    "SELECT 1; COPY articles TO '{tmp}/out2.csv'",
    "EXPLAIN ANALYZE COPY (SELECT * FROM articles) TO '{tmp}/explained.csv'",
    "EXPLAIN ANALYZE CREATE TABLE owned2 AS SELECT 1",
]


@pytest.mark.parametrize("statement", WRITES)
def test_sql_refuses_writes(warehouse, statement):
    tmp, db, snapshot = warehouse
    query_text = statement.format(tmp=tmp, db=db)
    before = {p.name for p in tmp.iterdir()}
    live_sha, snap_sha = _sha(db), _sha(snapshot)
    result = run_cli("--duckdb", str(db), "sql", query_text, env=clean_env(), timeout=60)
    line = one_line_error(result)
    assert "Traceback" not in line
    created = {p.name for p in tmp.iterdir()} - before
    assert not created, f"`sql {query_text!r}` wrote {created} (exit {result.returncode}: {line})"
    assert _sha(db) == live_sha, "the live warehouse changed"
    assert _sha(snapshot) == snap_sha, "the snapshot changed"
    assert query(snapshot, "SELECT count(*) FROM articles")[0][0] == 26


def test_sql_reads(warehouse):
    tmp, db, _ = warehouse
    result = run_cli("--duckdb", str(db), "sql", "--format", "json", "SELECT count(*) AS n FROM articles",
                     env=clean_env(), timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [{"n": 26}]


def test_sql_shell_refuses_writes(warehouse):
    """The interactive shell applies the same rule to every statement."""
    tmp, db, snapshot = warehouse
    snap_sha = _sha(snapshot)
    result = run_cli("--duckdb", str(db), "sql", env=clean_env(), timeout=60,
                     input=b"DELETE FROM articles;\nDROP TABLE articles;\nSELECT count(*) AS n FROM articles;\n")
    out = result.stdout.decode() + result.stderr.decode()
    assert "Traceback" not in out
    assert "26" in out, out[-2000:]
    assert _sha(snapshot) == snap_sha


def test_snapshot_file_is_read_only_for_analysts(warehouse):
    """A direct read-write open of the snapshot must not be able to change what
    other analysts read: the file is published without write permission."""
    import stat

    _, _, snapshot = warehouse
    mode = stat.S_IMODE(snapshot.stat().st_mode)
    assert mode & 0o222 == 0, f"snapshot published with mode {oct(mode)}: analysts can open it read-write"


def test_sql_never_opens_the_live_file(warehouse):
    """While a writer holds the live file, `sql` still answers (it reads the snapshot)."""
    tmp, db, _ = warehouse
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb,sys,time; c=duckdb.connect(sys.argv[1]); print('ready', flush=True); "
         "time.sleep(60)", str(db)],
        stdout=subprocess.PIPE, cwd=ROOT, start_new_session=True,
    )
    try:
        assert holder.stdout.readline().strip() == b"ready"
        result = run_cli("--duckdb", str(db), "sql", "SELECT count(*) FROM articles", env=clean_env(), timeout=60)
        assert result.returncode == 0, result.stderr
        assert b"26" in result.stdout
    finally:
        holder.kill()
        holder.wait()


# --- HTML is parsed, never executed ------------------------------------------------------

JS_ENGINES = ["js2py", "dukpy", "py_mini_racer", "quickjs", "execjs", "pythonmonkey", "selenium", "playwright",
              "pyppeteer", "requests_html", "PyQt5.QtWebEngineWidgets", "PySide6.QtWebEngineWidgets", "spidermonkey",
              "v8", "webview"]

HOSTILE_HTML = """<!DOCTYPE html>
<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd"><!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<html><head><meta charset="utf-8"><title>Scripted page - Hung Yen Portal</title>
<script>document.title = 'Injected title'; window.location = 'http://evil.example/';</script>
<meta http-equiv="refresh" content="0; url=http://evil.example/">
<base href="http://evil.example/">
</head><body onload="alert('onload')">
<div class="article-detail">
<h1 class="article-title">Scripted page</h1>
<div class="article-date">Published on 09 - 10 - 2020</div>
<div class="article-content">
<p>On October 9, 2020, the Provincial People's Committee issued Official Letter No. 2718 / UBND-NC on nothing.</p>
<script>document.write('<p>- SCRIPTED DIRECTIVE injected by javascript</p>');</script>
<noscript>NOSCRIPT TEXT</noscript>
<style>p::after { content: 'STYLED TEXT'; }</style>
<template><p>TEMPLATE TEXT</p></template>
<p>Entity: &xxe; &lol2;</p>
<img src="x" onerror="alert('img')">
<iframe src="http://evil.example/frame" srcdoc="<p>IFRAME TEXT</p>"></iframe>
<p>- To keep working.</p>
</div></div>
<div class="latest-news"><ul>
<li class="item"><a href="javascript:alert(1)">js link</a> <span class="date">(13/10/2020 4:58 CH)</span></li>
<li class="item"><a href="/en-us/Pages/Article.aspx?ChannelId=14&amp;articleID=2731">Real link</a> <span class="date">(13/10/2020 4:58 CH)</span></li>
</ul></div>
</body></html>
"""


def test_html_is_never_executed():
    """Parsing a page full of scripts, handlers, entities and refreshes: no JS engine is
    imported, no script text reaches the record, no entity is resolved from disk,
    nothing leaves the process (the <base> and refresh are not followed)."""
    require("transforms", "parse_article")
    code = f"""
import json, socket, sys
def no_network(*a, **k):
    raise AssertionError("the parser opened a socket")
socket.socket.connect = no_network
socket.create_connection = no_network
import transforms
url = "http://127.0.0.1:8765/en-us/Pages/Article.aspx?ChannelId=14&articleID=2718"
record = transforms.parse_article({HOSTILE_HTML!r}.encode(), url)
listing = transforms.parse_listing({HOSTILE_HTML!r}.encode(), url)
engines = [m for m in {JS_ENGINES!r} if m in sys.modules]
print(json.dumps({{"record": record, "listing": listing, "engines": engines}}))
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, cwd=ROOT, env=clean_env(), timeout=60)
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    out = json.loads(result.stdout)
    record = out["record"]
    assert out["engines"] == [], f"a JavaScript engine was imported: {out['engines']}"
    text = json.dumps(record)
    for marker in ("Injected title", "SCRIPTED DIRECTIVE", "document.write", "STYLED TEXT", "alert(", "IFRAME TEXT",
                   "root:x:0", "evil.example"):
        assert marker not in text, f"{marker!r} reached the parsed record"
    assert record["title"] == "Scripted page"
    assert all("SCRIPTED" not in d["text"] for d in record["directives"])
    for link in record["related"] + out["listing"]["items"]:
        assert link["url"].startswith("http://127.0.0.1:8765/"), link


def _runtime_packages() -> set[str]:
    """Every package the installed project needs at run time (uv.lock, dev group left out)."""
    import tomllib

    packages = {p["name"]: p for p in tomllib.loads((ROOT / "uv.lock").read_text())["package"]}
    seen, todo = set(), ["portal-ingest"]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo += [d["name"] for d in packages[name].get("dependencies", [])]
        for extra in _extras(packages[name]):
            todo.append(extra)
    return seen


def _extras(package: dict) -> list[str]:
    # dependencies of the extras a dependency asked for ({ name = "x", extra = ["y"] }) are
    # listed under optional-dependencies; take them all, to err on the side of refusing
    return [d["name"] for deps in package.get("optional-dependencies", {}).values() for d in deps]


def test_no_js_engine_in_the_dependencies():
    # A browser may drive the test of our own report page (dev group: playwright, with
    # Debian's chromium), never the pipeline: nothing installed to run it can execute HTML.
    runtime = _runtime_packages()
    assert "apache-airflow" in runtime and "duckdb" in runtime
    for name in ("js2py", "dukpy", "py-mini-racer", "quickjs", "pyexecjs", "pythonmonkey", "selenium", "playwright",
                 "pyppeteer", "requests-html"):
        assert name not in runtime, f"{name} is a run-time dependency: HTML must never be executed"
    for package in ("ingest", "transforms", "warehouse", "portal_ingest", "portal_replica", "portal_triggers", "dags"):
        for path in (ROOT / package).rglob("*.py"):
            assert "playwright" not in path.read_text(), f"{path} uses playwright"

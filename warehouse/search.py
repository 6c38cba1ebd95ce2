"""Full-text search built into the published snapshot (DuckDB `fts`, BM25).

At publish time `build_index` adds to the snapshot copy (never to the live file):

    search_corpus           one row per article: title, subject, body with its directives
    fts_main_search_corpus  its BM25 index (DuckDB fts)
    search_fold(s)          the folding applied to text and queries alike
    search_documents(q, doc_type, since, until, agency, max_results)   the table macro

Documents are ranked by the index; the snippet is the directive or body
sentence of each document holding the most query terms (a directive wins a tie),
chosen at query time among the top documents only (a second index over
passages cost more to build than the whole corpus index and bought nothing).
English stemming (Snowball) and stop words; accents stripped, so "Hung Yen"
finds "Hưng Yên". DuckDB's strip_accents leaves `đ`/`Đ` alone (it is a letter
of its own, not d + a mark): `search_fold` maps it to d first, on both sides.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import duckdb

from ingest.config import Settings
from warehouse import extensions
from warehouse.db import bound_memory, sql_string
from warehouse.errors import QueryFailed, WarehouseError, WarehouseMissing

# The index tokenizer: Snowball English stems, English stop words, digits kept ("2718/UBND-NC" is findable).
_FTS_OPTIONS = ("stemmer='english', stopwords='english', ignore='(\\.|[^a-z0-9])+',"
                " strip_accents=1, lower=1, overwrite=1")
_MARKER = r"^\s*([-–•*+]|\d{1,2}[.)]|[a-zđ][)])\s*"  # list markers, as the parser strips them
RESULT_COLUMNS = ("article_id", "doc_type", "doc_number", "issued_on", "title", "url", "score", "snippet")


class SearchUnavailable(WarehouseError):
    """The snapshot was published before search existed (no index in it)."""


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
        " AND schema_name = 'main'").fetchall()}


def _agency_filter(con: duckdb.DuckDBPyConnection) -> str:
    """SQL (with the macro's `agency` parameter) selecting the articles of an agency.

    With the agency registry (tables `agencies` and `directive_assignees`, once a
    load has filled them) an agency is its name or an alias; without it, its name in a directive's text
    or in the document's addressees. Both compare folded, accent-free text.
    """
    like = "'%' || lower(strip_accents(search_fold(agency))) || '%'"
    if {"agencies", "directive_assignees"} <= _tables(con) and con.execute(
            "SELECT count(*) > 0 FROM directive_assignees").fetchall()[0][0]:
        return (
            "SELECT da.article_id FROM directive_assignees da JOIN agencies ag ON ag.agency_id = da.agency_id"
            f" WHERE lower(strip_accents(search_fold(ag.name))) LIKE {like}"
            f" OR lower(strip_accents(search_fold(CAST(ag.aliases AS VARCHAR)))) LIKE {like}"
        )
    return (
        "SELECT d.article_id FROM directives d"
        f" WHERE lower(strip_accents(search_fold(d.text))) LIKE {like}"
        " UNION SELECT a.article_id FROM articles a"
        f" WHERE lower(strip_accents(search_fold(array_to_string(a.addressees, ' | ')))) LIKE {like}"
    )


def build_index(path: Path, memory_limit: str | None = None) -> dict:
    """Add the search table, its index and the macros to the database file at `path`.

    Called on the snapshot copy before it is renamed into place, so readers
    never see a snapshot without its index. Returns counts for the publish log.
    `memory_limit` (the loader's, `Settings.memory_limit`): the publish step runs in
    the same bounded memory as the load; without it DuckDB takes 80% of the RAM and
    the index build's peak grows with the warehouse.
    """
    con = duckdb.connect(str(path))
    try:
        bound_memory(con, memory_limit)
        extensions.load(con, "fts")
        con.execute("CREATE OR REPLACE MACRO search_fold(s) AS replace(replace(s, 'đ', 'd'), 'Đ', 'D')")
        # The body usually holds the directives already (the page lists them); a
        # directive it does not hold is appended, so every directive is indexed once.
        con.execute("""
            CREATE OR REPLACE TABLE search_corpus AS
            SELECT a.article_id,
                   a.doc_type,
                   a.doc_number,
                   coalesce(a.issued_on, a.published_on)                          AS doc_date,
                   search_fold(coalesce(a.title, ''))                             AS title,
                   search_fold(coalesce(a.subject, ''))                           AS subject,
                   search_fold(coalesce(a.body_text, '') || coalesce(chr(10) || d.texts, '')) AS body
            FROM articles a
            LEFT JOIN (SELECT d.article_id, string_agg(d.text, chr(10) ORDER BY d.ordinal) AS texts
                       FROM directives d JOIN articles b USING (article_id)
                       WHERE strpos(coalesce(b.body_text, ''), d.text) = 0
                       GROUP BY d.article_id) d USING (article_id)
        """)
        con.execute(f"PRAGMA create_fts_index('search_corpus', 'article_id', 'title', 'subject', 'body',"
                    f" {_FTS_OPTIONS})")
        con.execute(_MACRO.replace("{agency_filter}", _agency_filter(con)).replace("{marker}", _MARKER))
        documents = con.execute("SELECT count(*) FROM search_corpus").fetchall()[0][0]
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return {"search_documents": documents}


# On a DuckLake there is no snapshot file to carry the index: the publish step copies
# the tables search reads into a local DuckDB file beside the lake's data path and
# indexes it there (the same macro, the same ranking). It is as fresh as the last
# publish step, where a file's index is as fresh as its snapshot.
LAKE_INDEX_NAME = "lake.search.duckdb"
SEARCH_TABLES = ("articles", "directives", "directive_assignees", "agencies")


def lake_index_path(settings: Settings) -> Path:
    return settings.data_dir / LAKE_INDEX_NAME


def build_lake_index(settings: Settings) -> dict:
    """Copy the lake's searched tables into a local file, index it, rename it into place."""
    from warehouse.snapshot import open_reader  # snapshot imports this module

    target = lake_index_path(settings)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Workers on several hosts share the data path (compose): a PID alone may repeat.
    tmp = target.with_name(f"{target.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    con = open_reader(settings, private=True)
    try:
        bound_memory(con, settings.memory_limit)  # a private instance, not connect()'s
        present = _tables(con)
        con.execute(f"ATTACH {sql_string(tmp)} AS portal_search_tmp")
        try:
            for table in SEARCH_TABLES:
                if table in present:
                    con.execute(f"CREATE TABLE portal_search_tmp.{table} AS SELECT * FROM {table}")
        finally:
            con.execute("DETACH portal_search_tmp")
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        con.close()
    try:
        counts = build_index(tmp, settings.memory_limit)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, target)
    return counts


def open_for_search(settings: Settings) -> duckdb.DuckDBPyConnection:
    """Where `search` runs: the snapshot of a file warehouse, the local index of a lake."""
    from warehouse import sql  # sql imports snapshot, which imports this module

    if not settings.is_lake:
        return sql.open_snapshot(settings)
    path = lake_index_path(settings)
    if not path.exists():
        raise WarehouseMissing(f"no search index at {path}; on a DuckLake it is built by the publish step"
                               " (crawl, backfill, reparse or the load DAG)")
    con = duckdb.connect(str(path), read_only=True)
    extensions.load(con, "fts")
    con.execute("SET enable_external_access = false")
    return con


# Tokens as the index makes them: folded, accents off, lower case, split on
# anything but a-z0-9. The snippet is chosen at query time among the top
# documents' directives and body sentences only: the one holding the most
# distinct query terms (stemmed, stop words out); a directive wins a tie.
_TOKENS = ("string_split_regex(regexp_replace(lower(strip_accents(search_fold({x}))), '[^a-z0-9]+', ' ', 'g'),"
           " '\\s+')")
_MACRO = """
CREATE OR REPLACE MACRO search_documents(q, doc_type := NULL, since := NULL, until := NULL,
                                         agency := NULL, max_results := 20) AS TABLE
WITH ranked AS (
    SELECT c.article_id, fts_main_search_corpus.match_bm25(c.article_id, search_fold(q)) AS score,
           -- a query that is a document's number puts that document first
           coalesce(lower(c.doc_number) = lower(regexp_replace(trim(search_fold(q)), '\\s*([/-])\\s*', '\\1', 'g')),
                    false) AS exact
    FROM search_corpus c
    WHERE (doc_type IS NULL OR lower(c.doc_type) = lower(doc_type))
      AND (since IS NULL OR c.doc_date >= CAST(since AS DATE))
      AND (until IS NULL OR c.doc_date <= CAST(until AS DATE))
      AND (agency IS NULL OR c.article_id IN ({agency_filter}))
),
top AS MATERIALIZED (
    SELECT r.article_id, r.score, r.exact FROM ranked r WHERE r.score IS NOT NULL
    ORDER BY r.exact DESC, r.score DESC, r.article_id LIMIT max_results
),
qterms AS MATERIALIZED (
    SELECT list(DISTINCT stem(w.w, 'english')) AS terms
    FROM (SELECT unnest(""" + _TOKENS.format(x="q") + """) AS w) w
    WHERE w.w <> '' AND w.w NOT IN (SELECT sw FROM fts_main_search_corpus.stopwords)
),
passages AS (
    SELECT d.article_id, 1 AS directive, d.ordinal, d.text
    FROM directives d WHERE d.article_id IN (SELECT t.article_id FROM top t)
    UNION ALL
    SELECT b.article_id, 0, generate_subscripts(b.s, 1), unnest(b.s)
    FROM (SELECT a.article_id,
                 string_split(regexp_replace(coalesce(a.body_text, ''),
                              '([.!?])\\s+(\\p{Lu}|["“])', '\\1' || chr(10) || '\\2', 'g'), chr(10)) AS s
          FROM articles a WHERE a.article_id IN (SELECT t.article_id FROM top t)) b
),
scored AS (
    SELECT p.article_id, p.directive, p.ordinal, trim(regexp_replace(p.text, '{marker}', '')) AS text,
           len(list_intersect(list_distinct(list_transform(""" + _TOKENS.format(x="p.text") + """,
                                                           x -> stem(x, 'english'))),
                              (SELECT terms FROM qterms))) AS hits
    FROM passages p
),
snippets AS (
    SELECT s.article_id, arg_max(s.text, s.hits * 1000000 + s.directive * 100000 - s.ordinal) AS snippet
    FROM scored s WHERE s.hits > 0 AND (s.directive = 1 OR length(s.text) >= 20)
    GROUP BY s.article_id
)
SELECT a.article_id, a.doc_type, a.doc_number, a.issued_on, a.title, a.url,
       round(t.score, 4) AS score,
       coalesce(s.snippet, a.subject, a.title) AS snippet
FROM top t
JOIN articles a ON a.article_id = t.article_id
LEFT JOIN snippets s ON s.article_id = t.article_id
ORDER BY t.exact DESC, t.score DESC, a.article_id
"""


def search(
    con: duckdb.DuckDBPyConnection,
    query: str,
    *,
    doc_type: str | None = None,
    since: date | None = None,
    until: date | None = None,
    agency: str | None = None,
    limit: int = 20,
) -> tuple[list[str], list[tuple]]:
    """Ranked documents for `query` on an open snapshot (fts loaded), best first."""
    if not query or not query.strip():
        raise QueryFailed("empty search query")
    has_macro = con.execute(
        "SELECT count(*) FROM duckdb_functions() WHERE function_name = 'search_documents'"
        " AND database_name = current_database()").fetchall()[0][0]
    if not has_macro:
        raise SearchUnavailable("this snapshot has no search index (published before search existed);"
                                " it is built at the next publish (crawl, load or reparse)")
    if doc_type is not None:
        known = [r[0] for r in con.execute(
            "SELECT DISTINCT doc_type FROM articles WHERE doc_type IS NOT NULL ORDER BY 1").fetchall()]
        if doc_type.lower() not in {k.lower() for k in known}:
            raise QueryFailed(f"unknown document type {doc_type!r}; known: {', '.join(known) or 'none yet'}")
    params: Sequence = [query, doc_type, since, until, agency, limit]
    try:
        result = con.execute(
            "SELECT * FROM search_documents(?, doc_type := ?, since := ?, until := ?, agency := ?,"
            " max_results := ?)", params)
        names = [d[0] for d in result.description]
        return names, result.fetchall()
    except duckdb.Error as exc:
        raise QueryFailed(" ".join(str(exc).split())) from None


def shorten(text: str | None, width: int = 160) -> str | None:
    """One line of at most `width` characters, for the table format."""
    if text is None:
        return None
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"

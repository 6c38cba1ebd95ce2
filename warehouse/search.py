"""Full-text search built into the published snapshot (DuckDB `fts`, BM25).

At publish time `build_index` adds to the snapshot copy (never to the live file):

    search_corpus     one row per article: title, subject, body and its directives
    search_passages   one row per directive and per sentence of the body
    fts_main_search_corpus / fts_main_search_passages   the two BM25 indexes
    search_fold(s)    the folding applied to text and queries alike
    search_documents(q, doc_type, since, until, agency, max_results)   the table macro

Documents are ranked by the corpus index; the snippet is the best-matching
directive (a directive wins over a body sentence) or, failing that, sentence.
English stemming (Snowball) and stop words; accents stripped, so "Hung Yen"
finds "Hưng Yên". DuckDB's strip_accents leaves `đ`/`Đ` alone (it is a letter
of its own, not d + a mark): `search_fold` maps it to d first, on both sides.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import duckdb

from warehouse import extensions
from warehouse.errors import QueryFailed, WarehouseError

# Same tokenizer settings for both indexes; digits kept so "2718/UBND-NC" is findable.
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

    With the agency registry (tables `agencies` and `directive_assignees`) an
    agency is its name or an alias; without it, its name in a directive's text
    or in the document's addressees. Both compare folded, accent-free text.
    """
    like = "'%' || lower(strip_accents(search_fold(agency))) || '%'"
    if {"agencies", "directive_assignees"} <= _tables(con):
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


def build_index(path: Path) -> dict:
    """Add the search tables, indexes and macros to the database file at `path`.

    Called on the snapshot copy before it is renamed into place, so readers
    never see a snapshot without its index. Returns counts for the publish log.
    """
    con = duckdb.connect(str(path))
    try:
        extensions.load(con, "fts")
        con.execute("CREATE OR REPLACE MACRO search_fold(s) AS replace(replace(s, 'đ', 'd'), 'Đ', 'D')")
        con.execute("""
            CREATE OR REPLACE TABLE search_corpus AS
            SELECT a.article_id,
                   a.doc_type,
                   coalesce(a.issued_on, a.published_on)         AS doc_date,
                   search_fold(coalesce(a.title, ''))            AS title,
                   search_fold(coalesce(a.subject, ''))          AS subject,
                   search_fold(coalesce(a.body_text, ''))        AS body,
                   search_fold(coalesce(d.texts, ''))            AS directives
            FROM articles a
            LEFT JOIN (SELECT article_id, string_agg(text, chr(10) ORDER BY ordinal) AS texts
                       FROM directives GROUP BY article_id) d USING (article_id)
        """)
        # Sentences: a break after . ! ? followed by a capital (so "No. 2718" stays
        # whole), and every line break; list markers off, fragments under 20 chars out.
        con.execute(f"""
            CREATE OR REPLACE TABLE search_passages AS
            WITH parts AS (
                SELECT article_id, 'directive' AS kind, ordinal, text FROM directives
                UNION ALL
                SELECT article_id, 'sentence', generate_subscripts(s, 1), unnest(s)
                FROM (SELECT article_id,
                             string_split(regexp_replace(coalesce(body_text, ''),
                                          '([.!?])\\s+(\\p{{Lu}}|["“])', '\\1' || chr(10) || '\\2', 'g'),
                                          chr(10)) AS s
                      FROM articles)
            )
            SELECT row_number() OVER (ORDER BY article_id, kind, ordinal) AS passage_id,
                   article_id, kind, ordinal, text, search_fold(text) AS folded
            FROM (SELECT article_id, kind, ordinal, trim(regexp_replace(text, '{_MARKER}', '')) AS text
                  FROM parts)
            WHERE length(text) >= 20 OR kind = 'directive'
        """)
        con.execute(f"PRAGMA create_fts_index('search_corpus', 'article_id', 'title', 'subject', 'body',"
                    f" 'directives', {_FTS_OPTIONS})")
        con.execute(f"PRAGMA create_fts_index('search_passages', 'passage_id', 'folded', {_FTS_OPTIONS})")
        con.execute(f"""
            CREATE OR REPLACE MACRO search_documents(q, doc_type := NULL, since := NULL, until := NULL,
                                                     agency := NULL, max_results := 20) AS TABLE
            WITH ranked AS (
                SELECT c.article_id, fts_main_search_corpus.match_bm25(c.article_id, search_fold(q)) AS score
                FROM search_corpus c
                WHERE (doc_type IS NULL OR lower(c.doc_type) = lower(doc_type))
                  AND (since IS NULL OR c.doc_date >= CAST(since AS DATE))
                  AND (until IS NULL OR c.doc_date <= CAST(until AS DATE))
                  AND (agency IS NULL OR c.article_id IN ({_agency_filter(con)}))
            ),
            top AS (
                SELECT r.article_id, r.score FROM ranked r WHERE r.score IS NOT NULL
                ORDER BY r.score DESC, r.article_id LIMIT max_results
            ),
            snippets AS (
                SELECT p.article_id,
                       arg_max(p.text, (p.kind = 'directive')::INTEGER * 1000 + p.score) AS snippet
                FROM (SELECT sp.article_id, sp.kind, sp.text,
                             fts_main_search_passages.match_bm25(sp.passage_id, search_fold(q)) AS score
                      FROM search_passages sp
                      WHERE sp.article_id IN (SELECT t.article_id FROM top t)) p
                WHERE p.score IS NOT NULL
                GROUP BY p.article_id
            )
            SELECT a.article_id, a.doc_type, a.doc_number, a.issued_on, a.title, a.url,
                   round(t.score, 4) AS score,
                   coalesce(s.snippet, a.subject, a.title) AS snippet
            FROM top t
            JOIN articles a ON a.article_id = t.article_id
            LEFT JOIN snippets s ON s.article_id = t.article_id
            ORDER BY t.score DESC, a.article_id
        """)
        counts = con.execute("SELECT (SELECT count(*) FROM search_corpus),"
                             " (SELECT count(*) FROM search_passages)").fetchall()[0]
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return {"search_documents": counts[0], "search_passages": counts[1]}


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

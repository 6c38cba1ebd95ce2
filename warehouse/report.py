"""The analysts' report: one self-contained HTML page with inline SVG charts.

Made from the published snapshot (what analysts query) after every publish, and
written beside it as `<snapshot without .duckdb>.report.html`
(data/portal.snapshot.report.html); `portal-ingest report --out FILE` writes
one anywhere. The page loads nothing: no script, no CDN, no web font.

Sections: documents per month by type; the most cited documents, central and
provincial; directives per assigned agency (per document type while the
warehouse has no `directive_assignees`); deadlines due in the next 60 days
(when directives have `due_on`); freshness; the data-quality checks.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from html import escape
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from ingest.config import Settings
from warehouse import charts, checks
from warehouse.db import connect, rows

PORTAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MONTHS_SHOWN = 48
TOP_CITED = 10
TOP_AGENCIES = 15
DEADLINE_DAYS = 60

# Issuer code of a cited number (its last segment: 16/CT-TTg -> TTg, 18-NQ/TW -> TW).
# Central: the Party's Central Committee, National Assembly and its Standing Committee,
# President, Government, Prime Minister, Government Office, the ministries (by their
# codes, listed: provincial boards such as BQL or BCD also start with B), State Bank,
# State Audit, Supreme Court and Procuracy. Everything else is provincial (UBND, HDND,
# TU, provincial departments such as SYT).
CENTRAL_CODES = ("TW", "CTN", "CP", "TTg", "VPCP", "NHNN", "KTNN", "TANDTC", "VKSNDTC",
                 "BYT", "BTC", "BCA", "BQP", "BNG", "BNV", "BTP", "BCT", "BXD", "BGTVT", "BGDDT",
                 "BLDTBXH", "BNNPTNT", "BNNMT", "BTNMT", "BTTTT", "BVHTTDL", "BKHCN", "BKHDT", "BDTTG")
CENTRAL_SQL = ("(issuer_code IN (" + ", ".join(f"'{c}'" for c in CENTRAL_CODES) + ")"
               " OR regexp_matches(issuer_code, '^(QH|UBTVQH)[0-9]*$'))")


def report_path(snapshot: Path) -> Path:
    """data/portal.snapshot.duckdb -> data/portal.snapshot.report.html"""
    name = snapshot.name[: -len(".duckdb")] if snapshot.name.endswith(".duckdb") else snapshot.name
    return snapshot.with_name(name + ".report.html")


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    return {d[0] for d in con.execute(f"SELECT * FROM {table} LIMIT 0").description}


def figures(con: duckdb.DuckDBPyConnection, *, today: date | None = None,
            now: datetime | None = None, settings: Settings | None = None) -> dict:
    """Every number the page shows, read from an open snapshot."""
    today = today or datetime.now(PORTAL_TZ).date()
    now = now or datetime.now(UTC)
    monthly = rows(con, "SELECT strftime(month, '%Y-%m'), doc_type, documents FROM v_monthly ORDER BY 1, 2")
    months = _month_range(sorted({m for m, _, _ in monthly}))[-MONTHS_SHOWN:]  # quiet months too
    shown = [r for r in monthly if r[0] in set(months)]
    types = sorted({t for _, t, _ in shown}, key=lambda t: (-sum(n for _, tt, n in shown if tt == t), t))
    cited = {
        side: rows(con, f"SELECT number, citing_articles FROM v_citation_counts WHERE"
                        f" {'' if side == 'central' else 'NOT '}coalesce({CENTRAL_SQL}, false)"
                        f" ORDER BY citing_articles DESC, number LIMIT {TOP_CITED}")
        for side in ("central", "provincial")
    }
    tables = {r[0] for r in rows(con, "SELECT table_name FROM duckdb_tables() WHERE database_name ="
                                      " current_database() AND schema_name = 'main'")}
    by_agency = {"agencies", "directive_assignees"} <= tables and bool(
        rows(con, "SELECT count(*) FROM directive_assignees")[0][0])
    if by_agency:
        directives = rows(con, "SELECT ag.name, count(DISTINCT (da.article_id, da.ordinal)) AS n"
                               " FROM directive_assignees da JOIN agencies ag USING (agency_id)"
                               f" GROUP BY ag.name ORDER BY n DESC, ag.name LIMIT {TOP_AGENCIES}")
    else:
        directives = rows(con, "SELECT coalesce(a.doc_type, '(none)'), count(*) AS n FROM directives d"
                               " JOIN articles a USING (article_id) GROUP BY 1 ORDER BY n DESC, 1")
    deadlines = None
    if "due_on" in _columns(con, "directives"):
        who = ("(SELECT string_agg(DISTINCT ag.name, '; ') FROM directive_assignees da JOIN agencies ag"
               " USING (agency_id) WHERE da.article_id = d.article_id AND da.ordinal = d.ordinal)"
               if by_agency else "NULL")
        deadlines = rows(con, f"SELECT d.due_on, a.doc_number, d.ordinal, d.text, {who}, a.url"
                              " FROM directives d JOIN articles a USING (article_id)"
                              " WHERE d.due_on BETWEEN ? AND ? ORDER BY d.due_on, a.doc_number, d.ordinal",
                         [today, today + timedelta(days=DEADLINE_DAYS)])
    counts = dict(zip(("articles", "documents", "directives", "citations", "quarantine"), rows(con, """
        SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM articles WHERE doc_number IS NOT NULL),
               (SELECT count(*) FROM directives), (SELECT count(*) FROM citations),
               (SELECT count(*) FROM quarantine)""")[0], strict=True))
    last_run = rows(con, "SELECT run_id, kind, status, finished_at FROM runs WHERE finished_at IS NOT NULL"
                         " ORDER BY finished_at DESC LIMIT 1")
    newest = rows(con, "SELECT max(published_on), max(last_changed_at) FROM articles")[0]
    limits = settings or Settings()  # the thresholds the load's checks use (Settings.qc_*)
    quality = [checks.duplicate_keys(con),
               checks.quarantine_share(con, limits.qc_max_quarantine_share),
               checks.missing_number_or_date(con, limits.qc_max_missing_share),
               checks.days_without_new(con, limits.qc_max_days_without_new, now),
               checks.suspect_articles(con, limits.qc_max_suspect_share),
               checks.unknown_agencies(con, limits.qc_max_unknown_agency_share)]
    return {
        "today": today, "now": now, "months": months, "types": types,
        "monthly": {(m, t): n for m, t, n in shown}, "months_total": len(_month_range(sorted({m for m, _, _ in monthly}))),
        "cited": cited, "directives_by": "agency" if by_agency else "type", "directives": directives,
        "deadlines": deadlines, "counts": counts, "last_run": last_run[0] if last_run else None,
        "newest_published_on": newest[0], "last_changed_at": newest[1], "quality": quality,
    }


def _month_range(present: list[str]) -> list[str]:
    """Every month from the first to the last of `present` ('YYYY-MM'), gaps included."""
    if not present:
        return []
    (y, m), (y_end, m_end) = (map(int, present[0].split("-")), map(int, present[-1].split("-")))
    out = []
    while (y, m) <= (y_end, m_end):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


_STYLE = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:1000px;
color:#222;padding:0 16px}h1{font-size:22px;margin-bottom:2px}h2{font-size:17px;margin-top:30px;
border-bottom:1px solid #ddd;padding-bottom:4px}.sub{color:#666;margin-top:0}svg{display:block;max-width:100%;
height:auto}svg text{font-size:11px;fill:#333}.tick{font-size:10px;fill:#555}.axis{stroke:#999}
.legend span{display:inline-block;margin-right:12px;font-size:12px}.legend i{display:inline-block;width:10px;
height:10px;margin-right:4px}table{border-collapse:collapse;font-size:13px}td,th{border-bottom:1px solid #eee;
padding:3px 8px;text-align:left;vertical-align:top}td.n{text-align:right}.ok{color:#2a7d2a}.bad{color:#b00020;
font-weight:600}.cols{display:flex;gap:24px;flex-wrap:wrap}.cols>div{flex:1;min-width:300px}.empty{color:#777}
"""


def _when(value) -> str:
    if value is None:
        return "never"
    if isinstance(value, datetime):
        return value.astimezone(PORTAL_TZ).strftime("%Y-%m-%d %H:%M %Z")
    return str(value)


def render(fig: dict, *, snapshot: Path | None = None, source: str | None = None) -> str:
    """The HTML page for `figures()`; `source` names where it was read when not a snapshot file."""
    e = escape
    c = fig["counts"]
    months_note = (f" (the last {len(fig['months'])} of {fig['months_total']} months)"
                   if fig["months_total"] > len(fig["months"]) else "")
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline';"
        " img-src data:\">",
        "<title>Hung Yen portal warehouse: report</title>", f"<style>{_STYLE}</style></head><body>",
        "<h1>Hung Yen portal warehouse</h1>",
        f"<p class='sub'>Generated {e(_when(fig['now']))} from {e(str(snapshot) if snapshot else (source or 'the snapshot'))}."
        f" {c['articles']} articles, {c['documents']} documents, {c['directives']} directives,"
        f" {c['citations']} citations.</p>",
        f"<section id='monthly'><h2>Documents per month, by type{e(months_note)}</h2>",
        charts.legend(fig["types"]),
        charts.stacked_columns("monthly", fig["months"], fig["types"], fig["monthly"]),
        "</section>",
        "<section id='cited'><h2>Most cited documents</h2><div class='cols'>",
        "<div><h3>Central (Party, National Assembly, Government, Prime Minister, ministries)</h3>",
        charts.hbars("cited-central", [(n, k) for n, k in fig["cited"]["central"]], color=charts.PALETTE[0],
                     width=460, label_width=150),
        "</div><div><h3>Provincial (People's Committee, Council, departments)</h3>",
        charts.hbars("cited-provincial", [(n, k) for n, k in fig["cited"]["provincial"]],
                     color=charts.PALETTE[1], width=460, label_width=150),
        "</div></div><p class='sub'>Bars: number of articles citing the document.</p></section>",
    ]
    if fig["directives_by"] == "agency":
        title, note = "Directives per assigned agency", f"top {TOP_AGENCIES}, any role (lead, coordinate, ...)"
    else:
        title, note = "Directives per document type", "per assigned agency once directives carry assignees"
    parts += [f"<section id='directives'><h2>{title}</h2><p class='sub'>{e(note)}</p>",
              charts.hbars("directives", [(str(n), k) for n, k in fig["directives"]], color=charts.PALETTE[4]),
              "</section>", _deadlines(fig), _freshness(fig, snapshot), _quality(fig), "</body></html>"]
    return "\n".join(parts)


def _deadlines(fig: dict) -> str:
    head = f"<section id='deadlines'><h2>Deadlines due in the next {DEADLINE_DAYS} days</h2>"
    if fig["deadlines"] is None:
        return head + "<p class='empty'>The warehouse does not record directive deadlines yet.</p></section>"
    weeks: dict[str, int] = {}
    start = fig["today"] - timedelta(days=fig["today"].weekday())
    for i in range(DEADLINE_DAYS // 7 + 2):
        weeks[(start + timedelta(weeks=i)).isoformat()] = 0
    for due, *_ in fig["deadlines"]:
        monday = (due - timedelta(days=due.weekday())).isoformat()
        weeks[monday] = weeks.get(monday, 0) + 1
    items = [(f"week of {w}", n) for w, n in sorted(weeks.items())]
    table = "".join(
        f"<tr><td>{due}</td><td><a href='{escape(url or '', quote=True)}'>{escape(number or '')}</a></td>"
        f"<td class='n'>{ordinal}</td><td>{escape(who or '')}</td><td>{escape(text)}</td></tr>"
        for due, number, ordinal, text, who, url in fig["deadlines"])
    return (head + f"<p class='sub'>{len(fig['deadlines'])} directives due from {fig['today']}"
            f" to {fig['today'] + timedelta(days=DEADLINE_DAYS)}.</p>"
            + charts.hbars("deadlines", items, color=charts.PALETTE[2], label_width=140)
            + ("<table><tr><th>due</th><th>document</th><th>item</th><th>agency</th><th>directive</th></tr>"
               + table + "</table>" if table else "") + "</section>")


def _freshness(fig: dict, snapshot: Path | None) -> str:
    run = fig["last_run"]
    published = (datetime.fromtimestamp(os.stat(snapshot).st_mtime, UTC)
                 if snapshot is not None and snapshot.exists() else None)
    cells = [("snapshot published", _when(published)),
             ("last run", f"{run[0]} ({run[1]}, {run[2]}) finished {_when(run[3])}" if run else "none yet"),
             ("newest article published on", _when(fig["newest_published_on"])),
             ("last article change seen", _when(fig["last_changed_at"])),
             ("pages in quarantine", str(fig["counts"]["quarantine"]))]
    body = "".join(f"<tr><th>{escape(k)}</th><td data-fact='{escape(k, quote=True)}'>{escape(v)}</td></tr>"
                   for k, v in cells)
    return f"<section id='freshness'><h2>Freshness</h2><table>{body}</table></section>"


def _quality(fig: dict) -> str:
    body = "".join(
        f"<tr data-check='{escape(q.name, quote=True)}' data-ok='{str(q.ok).lower()}'>"
        f"<td>{escape(q.name)}</td><td class='{'ok' if q.ok else 'bad'}'>{'passed' if q.ok else 'FAILED'}</td>"
        f"<td class='n'>{'' if q.value is None else escape(str(q.value))}</td>"
        f"<td class='n'>{'' if q.threshold is None else escape(str(q.threshold))}</td>"
        f"<td>{escape(q.detail)}</td></tr>" for q in fig["quality"])
    return ("<section id='quality'><h2>Data-quality checks</h2><table><tr><th>check</th><th>result</th>"
            f"<th>value</th><th>threshold</th><th>detail</th></tr>{body}</table></section>")


LAKE_REPORT_NAME = "lake.report.html"


def default_report_path(settings: Settings) -> Path:
    """Beside the snapshot; on a DuckLake (no snapshot file) beside its data path."""
    if settings.is_lake:
        return settings.data_dir / LAKE_REPORT_NAME
    return report_path(Path(settings.snapshot_path))


def write_report(settings: Settings, out: Path | None = None, **kw) -> Path:
    """Write the report of the published snapshot (on a DuckLake: of its latest commit)
    to `out` (default: `default_report_path`); returns the path."""
    target = Path(out) if out is not None else default_report_path(settings)
    if settings.is_lake:
        from warehouse.snapshot import open_reader  # snapshot imports this module

        snapshot = None
        con = open_reader(settings)
    else:
        snapshot = Path(settings.snapshot_path)
        # Our own queries only, none needs fts: a plain read-only open (no extension to load).
        con = connect(snapshot, read_only=True, lock_timeout_s=settings.lock_timeout_s)
    try:
        page = render(figures(con, settings=settings, **kw), snapshot=snapshot,
                      source="the DuckLake's latest commit" if settings.is_lake else None)
    finally:
        con.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, target)  # a reader (the Airflow page) never sees half a page
    return target

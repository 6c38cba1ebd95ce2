"""HTML of the Portal page: plain server-side HTML, no script, every value escaped.

Links are relative to the page (``/portal/``) so a deployment under a sub-path works;
links into the Airflow UI open in the top window (the page is shown in an iframe).
"""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote

STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:16px 20px;color:#1a202c;font-size:14px}
h1{font-size:20px;margin:0 0 4px} h2{font-size:16px;margin:22px 0 6px;border-bottom:1px solid #e2e8f0;padding-bottom:3px}
table{border-collapse:collapse;width:100%;margin:4px 0} th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #edf2f7;vertical-align:top}
th{background:#f7fafc;font-weight:600} td.n{text-align:right;font-variant-numeric:tabular-nums}
.ok{color:#276749;font-weight:600} .bad{color:#c53030;font-weight:600} .muted{color:#718096}
.facts{display:flex;gap:28px;flex-wrap:wrap;margin:10px 0} .facts div b{display:block;font-size:18px}
code{background:#f7fafc;padding:1px 4px;border-radius:3px} .err{max-width:48em;word-break:break-word}
iframe.report{width:100%;height:900px;border:1px solid #e2e8f0}
"""

STATE_CLASS = {"success": "ok", "ok": "ok", "failed": "bad", "partial": "bad"}


def _e(value: Any) -> str:
    return escape("" if value is None else str(value))


def _when(iso: str | None) -> str:
    """``2026-12-01 15:02 UTC (3 min ago)``."""
    if not iso:
        return ""
    try:
        stamp = datetime.fromisoformat(iso)
    except ValueError:
        return _e(iso)
    stamp = stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
    utc = stamp.astimezone(UTC)
    return f"{utc:%Y-%m-%d %H:%M} UTC <span class=muted>({_ago((datetime.now(UTC) - utc).total_seconds())})</span>"


def _ago(seconds: float) -> str:
    s = max(0, int(seconds))
    if s < 90:
        return f"{s} s ago"
    if s < 90 * 60:
        return f"{s // 60} min ago"
    if s < 48 * 3600:
        return f"{s // 3600} h ago"
    return f"{s // 86400} days ago"


def _state(value: Any) -> str:
    text = _e(value)
    cls = STATE_CLASS.get(str(value or "").lower())
    return f"<span class={cls}>{text}</span>" if cls else text


def _run_link(dag_id: str, run_id: str) -> str:
    href = f"../dags/{quote(dag_id, safe='')}/runs/{quote(run_id, safe='')}"
    return f'<a href="{_e(href)}" target="_top">{_e(run_id)}</a>'


def _airflow_run_index(dag_runs: dict[str, list[dict]]) -> dict[str, tuple[str, str]]:
    """Warehouse run ids are ``<prefix>-<Airflow run id with - for odd characters>``."""
    index = {}
    for runs in dag_runs.values():
        for r in runs:
            clean = "".join(c if c.isalnum() or c in "-_." else "-" for c in r["run_id"])
            index[clean] = (r["dag_id"], r["run_id"])
    return index


def render(data: dict[str, Any]) -> str:
    parts = [f"<!doctype html><html><head><meta charset=utf-8><title>Portal</title><style>{STYLE}</style></head><body>",
             "<h1>Portal ingest</h1>",
             f"<div class=muted>warehouse <code>{_e(data.get('warehouse'))}</code> · analysts read "
             f"<code>{_e(data.get('snapshot'))}</code></div>"]
    ov = data.get("overview")
    if ov is None:
        parts.append(f"<p class=bad>{_e(data.get('overview_error'))}</p>"
                     "<p>Nothing is published yet: trigger <code>portal_latest_news</code> (or wait for its "
                     "schedule); <code>portal_warehouse_load</code> publishes the snapshot after it.</p>")
    else:
        parts.append(_facts(ov))
        parts.append(_checks(ov["checks"]))
    parts.append(_dag_runs(data))
    if ov is not None:
        parts.append(_warehouse_runs(ov["runs"], _airflow_run_index(data.get("dag_runs") or {})))
        parts.append(_quarantine(ov["quarantine"], ov["quarantined"]))
    parts.append(_report(data))
    parts.append("</body></html>")
    return "\n".join(parts)


def _facts(ov: dict[str, Any]) -> str:
    checks = ov["checks"]
    verdict = "<span class=ok>all passed</span>" if checks["ok"] else "<span class=bad>FAILED</span>"
    facts = [
        ("Snapshot published", _when(ov["snapshot_published_at"])),
        ("Last load", _when(ov["last_loaded_at"]) or "never"),
        ("Last fetch", _when(ov["last_fetched_at"]) or "never"),
        ("Articles", _e(ov["articles"])),
        ("Newest article", _e(ov["latest_published_on"] or "none")),
        ("Quarantined pages", _e(ov["quarantined"])),
        ("Quality checks", verdict),
    ]
    cells = "".join(f"<div><span class=muted>{_e(k)}</span><b>{v}</b></div>" for k, v in facts)
    return f"<h2>Freshness</h2><div class=facts id=freshness>{cells}</div>"


def _fmt(name: str, value: Any) -> str:
    """Shares as percentages, days and counts as plain numbers."""
    if value is None:
        return "–"
    if "share" in name or name == "missing_number_or_date":
        return f"{float(value):.1%}"
    if isinstance(value, float):
        return f"{value:,.1f}".removesuffix(".0")
    return _e(value)


def _checks(checks: dict[str, Any]) -> str:
    rows = "".join(
        f"<tr><td>{_e(c['name'])}</td><td>{'<span class=ok>passed</span>' if c['ok'] else '<span class=bad>FAILED</span>'}</td>"
        f"<td class=n>{_fmt(c['name'], c['value'])}</td><td class=n>{_fmt(c['name'], c['threshold'])}</td><td>{_e(c['detail'])}</td></tr>"
        for c in checks["items"]
    )
    return ("<h2>Quality checks</h2><table id=checks><tr><th>check</th><th>result</th><th>value</th>"
            f"<th>threshold</th><th>detail</th></tr>{rows}</table>"
            "<div class=muted>Thresholds: <code>PORTAL_QC_MAX_QUARANTINE_SHARE</code>, "
            "<code>PORTAL_QC_MAX_MISSING_SHARE</code>, <code>PORTAL_QC_MAX_DAYS_WITHOUT_NEW</code>; "
            "checked on the published snapshot.</div>")


def _dag_runs(data: dict[str, Any]) -> str:
    out = ["<h2>DAG runs</h2>"]
    if data.get("dag_runs_error"):
        out.append(f"<p class=bad>Airflow's run list is unavailable: {_e(data['dag_runs_error'])}</p>")
    out.append("<table id=dag-runs><tr><th>DAG</th><th>run</th><th>state</th><th>started</th><th>what it did</th></tr>")
    for dag_id, runs in (data.get("dag_runs") or {}).items():
        if not runs:
            out.append(f"<tr><td>{_e(dag_id)}</td><td colspan=4 class=muted>no run yet</td></tr>")
        for r in runs:
            out.append(f"<tr><td>{_e(dag_id)}</td><td>{_run_link(dag_id, r['run_id'])}</td><td>{_state(r['state'])}</td>"
                       f"<td>{_when(r['start_date'] or r['run_after'])}</td><td>{_e(r['note'] or '')}</td></tr>")
    out.append("</table>")
    return "".join(out)


def _warehouse_runs(runs: list[dict[str, Any]], airflow: dict[str, tuple[str, str]]) -> str:
    head = ("<h2>Warehouse runs</h2><div class=muted>The <code>runs</code> table of the snapshot: the last "
            "runs of each kind (crawl, backfill, reparse) by each origin (the CLI or a DAG) with their counts (new and changed are articles; pages loaded counts every stored "
            "page, list pages included).</div><table id=warehouse-runs><tr><th>kind</th><th>by</th><th>run</th>"
            "<th>status</th><th>started</th><th>requests</th><th>new</th><th>changed</th><th>quarantined</th>"
            "<th>pages loaded</th><th>errors</th></tr>")
    rows = []
    for r in runs:
        link = _e(r["run_id"])
        for clean, (dag_id, run_id) in airflow.items():
            if r["run_id"].endswith("-" + clean):
                link = _run_link(dag_id, run_id) + f"<div class=muted>{_e(r['run_id'])}</div>"
                break
        errors = r.get("errors") or []
        err = f"{len(errors)}: {_e(errors[0])}" if errors else "0"
        rows.append(
            f"<tr data-run-id=\"{_e(r['run_id'])}\"><td>{_e(r['kind'])}</td><td>{_e(r.get('origin') or '')}</td><td>{link}</td><td>{_state(r['status'])}</td>"
            f"<td>{_when(r['started_at'])}</td><td class=n>{_e(r['requests'])}</td><td class=n>{_e(r['new_articles'])}</td>"
            f"<td class=n>{_e(r['changed_articles'])}</td><td class=n>{_e(r['quarantined'])}</td>"
            f"<td class=n>{_e(r['loaded'])}</td><td class=err>{err}</td></tr>"
        )
    if not rows:
        rows.append("<tr><td colspan=11 class=muted>no run loaded yet</td></tr>")
    return head + "".join(rows) + "</table>"


def _quarantine(items: list[dict[str, Any]], total: int) -> str:
    out = [f"<h2>Quarantine ({_e(total)})</h2><div class=muted>Pages that were fetched but did not parse. "
           "Fix the parser, then run <code>portal_reparse</code>.</div>"]
    if not items:
        return out[0] + "<p class=ok>Nothing quarantined.</p>"
    out.append("<table id=quarantine><tr><th>article</th><th>error</th><th>parser</th><th>seen</th><th>stored page</th></tr>")
    for q in items:
        stored = (f'<a href="raw/{_e(q["content_sha256"])}" target=_blank>stored page</a>' if q["stored"]
                  else "<span class=muted>not stored</span>")
        out.append(f"<tr><td><a href=\"{_e(q['url'])}\" target=_blank rel=noopener>{_e(q['article_id'] or q['url'])}</a></td>"
                   f"<td class=err>{_e(q['error'])}</td><td>{_e(q['parser_version'])}</td><td>{_when(q['seen_at'])}</td>"
                   f"<td>{stored}</td></tr>")
    out.append("</table>")
    return "".join(out)


def report_missing_text(path: Path, warehouse: Path) -> str:
    return f"No analysts' report at {path}. Make it with: PORTAL_DUCKDB={warehouse} portal-ingest report"


def _report(data: dict[str, Any]) -> str:
    path = Path(data["report"])
    if data.get("report_exists"):
        return ("<h2>Analysts' report</h2>"
                f"<div class=muted><code>{_e(path)}</code> · <a href=report target=_blank>open on its own</a></div>"
                "<iframe class=report src=report sandbox=allow-scripts title=\"Analysts' report\"></iframe>")
    return ("<h2>Analysts' report</h2><p id=report-missing>No report yet: "
            f"<code>{_e(path)}</code> does not exist. Make it with "
            f"<code>PORTAL_DUCKDB={_e(data['warehouse'])} portal-ingest report</code>; "
            "it is written beside the snapshot and shown here.</p>")

"""Data-quality checks the load DAG runs after each load (before publishing).

Each check yields numbers and a threshold; `run_checks` raises
DataQualityError naming every failed check with its numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from ingest.config import Settings
from warehouse.db import connect, rows
from warehouse.errors import DataQualityError

# Logical keys; the primary keys enforce most of them, the check proves it on the file.
KEYS = {
    "articles": ["article_id"],
    "article_versions": ["article_id", "version"],
    "directives": ["article_id", "ordinal"],
    "citations": ["article_id", "ordinal"],
    "directive_assignees": ["article_id", "ordinal", "agency_id"],
    "agencies": ["agency_id"],
    "listings": ["article_id"],
    "raw_pages": ["url", "content_sha256"],
    "quarantine": ["url"],
    "runs": ["run_id"],
}


@dataclass
class CheckResult:
    name: str
    ok: bool
    value: float | int | None
    threshold: float | int | None
    detail: str


@dataclass
class QualityReport:
    checks: list[CheckResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def failures(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.ok]

    def summary(self) -> str:
        return "; ".join(f"{c.name}: {c.detail}" for c in self.failures) or "all checks passed"


SUSPECTS_NAMED = 20  # articles named in the check's line; the view holds them all


def run_checks(
    settings: Settings,
    *,
    max_quarantine_share: float | None = None,
    max_missing_share: float | None = None,
    max_days_without_new: float | None = None,
    max_suspect_share: float | None = None,
    max_unknown_agency_share: float | None = None,
    now: datetime | None = None,
    raise_on_failure: bool = True,
) -> QualityReport:
    """Check the live warehouse; raise DataQualityError (with the numbers) when one fails.
    Thresholds: the keyword arguments, else `Settings.qc_*` (PORTAL_QC_* in the environment)."""
    given = {"max_quarantine_share": max_quarantine_share, "max_missing_share": max_missing_share,
             "max_days_without_new": max_days_without_new, "max_suspect_share": max_suspect_share,
             "max_unknown_agency_share": max_unknown_agency_share}
    limits = limits_from(settings, **given)
    now = now or datetime.now(UTC)
    con = connect(settings, read_only=True)
    try:
        report = checks_on(con, limits, now)
    finally:
        con.close()
    if raise_on_failure and not report.ok:
        raise DataQualityError(f"data-quality checks failed: {report.summary()}")
    return report


def limits_from(settings: Settings, **given: float | None) -> dict[str, float]:
    """The thresholds: those given (not None), else `Settings.qc_*`."""
    names = ("max_quarantine_share", "max_missing_share", "max_days_without_new", "max_suspect_share",
             "max_unknown_agency_share")
    return {name: float(given[name] if given.get(name) is not None else getattr(settings, f"qc_{name}"))
            for name in names}


def checks_on(con, limits: dict[str, float], now: datetime) -> QualityReport:
    """Every check on an open connection (the live warehouse, or the snapshot the Portal page reads)."""
    return QualityReport([
        duplicate_keys(con),
        quarantine_share(con, limits["max_quarantine_share"]),
        missing_number_or_date(con, limits["max_missing_share"]),
        days_without_new(con, limits["max_days_without_new"], now),
        suspect_articles(con, limits["max_suspect_share"]),
        unknown_agencies(con, limits["max_unknown_agency_share"]),
    ])


def duplicate_keys(con) -> CheckResult:
    found = {}
    for table, key in KEYS.items():
        cols = ", ".join(key)
        n = rows(con, f"SELECT count(*) FROM (SELECT {cols} FROM {table} GROUP BY ALL HAVING count(*) > 1)")[0][0]
        if n:
            found[table] = n
    detail = ", ".join(f"{t} has {n} duplicated keys" for t, n in found.items()) or "no duplicate keys"
    return CheckResult("duplicate_keys", not found, sum(found.values()), 0, detail)


def quarantine_share(con, threshold: float) -> CheckResult:
    """Share of pages quarantined by the most recent load (not reparse)."""
    last = rows(
        con,
        "SELECT run_id, quarantined, pages_loaded FROM runs WHERE kind <> 'reparse' AND pages_loaded > 0"
        " ORDER BY loaded_at DESC NULLS LAST, started_at DESC LIMIT 1",
    )
    if not last:
        return CheckResult("quarantine_share", True, None, threshold, "no load yet")
    run_id, quarantined, pages = last[0]
    share = quarantined / pages
    return CheckResult(
        "quarantine_share", share <= threshold, share, threshold,
        f"{quarantined} of {pages} pages quarantined in run {run_id} ({share:.1%} > {threshold:.0%})"
        if share > threshold else f"{quarantined} of {pages} pages quarantined ({share:.1%})",
    )


def missing_number_or_date(con, threshold: float) -> CheckResult:
    """Share of documents (articles with a document type) lacking their number or date."""
    total, missing = rows(
        con,
        "SELECT count(*), count(*) FILTER (WHERE doc_number IS NULL OR issued_on IS NULL)"
        " FROM articles WHERE doc_type IS NOT NULL",
    )[0]
    if not total:
        return CheckResult("missing_number_or_date", True, None, threshold, "no documents yet")
    share = missing / total
    bad = share > threshold
    return CheckResult(
        "missing_number_or_date", not bad, share, threshold,
        f"{missing} of {total} documents lack a number or date ({share:.1%}"
        + (f" > {threshold:.0%})" if bad else ")"),
    )


def days_without_new(con, threshold_days: float, now: datetime) -> CheckResult:
    """How long our ingestion runs have gone on finding nothing new on the portal.

    Measured between runs, not against the articles' own dates: a quiet portal is
    normal, but weeks of runs that find nothing usually mean the crawler went
    blind (the list moved, a layout changed).
    """
    first_run, last_run, last_found = rows(
        con,
        "SELECT min(started_at), max(started_at), max(started_at) FILTER (WHERE new_articles > 0)"
        " FROM runs WHERE kind <> 'reparse'",
    )[0]
    if last_run is None:
        return CheckResult("days_without_new", True, None, threshold_days, "no ingestion runs yet")
    since = last_found or first_run
    days = (last_run - since).total_seconds() / 86400
    bad = days > threshold_days
    what = "since the last run that found a new article" if last_found else "of runs without any new article"
    return CheckResult(
        "days_without_new", not bad, round(days, 1), threshold_days,
        f"{days:.1f} days {what}" + (f" (> {threshold_days:g} days)" if bad else ""),
    )


def suspect_articles(con, threshold: float) -> CheckResult:
    """Share of live articles in v_suspect_articles, naming those the last load brought.

    The value is the share over the whole warehouse (what the threshold guards);
    the line also counts and names the suspects among the articles fetched by the
    most recent load, so each run's log says which of its pages to look at.
    """
    total = rows(con, "SELECT count(*) FROM articles WHERE withdrawn_at IS NULL")[0][0]
    if not total:
        return CheckResult("suspect_articles", True, None, threshold, "no articles yet")
    by_reason = dict(rows(con, "SELECT reason, count(DISTINCT article_id) FROM v_suspect_articles GROUP BY reason"))
    suspects = rows(con, "SELECT count(DISTINCT article_id) FROM v_suspect_articles")[0][0]
    share = suspects / total
    last = rows(
        con,
        "SELECT run_id FROM runs WHERE kind <> 'reparse' AND pages_loaded > 0"
        " ORDER BY loaded_at DESC NULLS LAST, started_at DESC LIMIT 1",
    )
    in_run: list[tuple[str, str]] = []
    if last:
        in_run = rows(
            con,
            "SELECT DISTINCT s.article_id, s.reason FROM v_suspect_articles s"
            " WHERE s.article_id IN (SELECT article_id FROM raw_pages WHERE run_id = ? AND article_id IS NOT NULL)"
            " ORDER BY 1",
            [last[0][0]],
        )
    bad = share > threshold
    parts = [
        f"{suspects} of {total} articles suspect ({share:.1%}" + (f" > {threshold:.0%})" if bad else ")"),
        f"{by_reason.get('document number in text, no document', 0)} name a document number but got no document",
        f"{by_reason.get('document without issue date', 0)} documents lack an issue date",
    ]
    if last:
        named = ", ".join(f"{ident} ({'no document' if reason.startswith('document number') else 'no date'})"
                          for ident, reason in in_run[:SUSPECTS_NAMED])
        more = f" and {len(in_run) - SUSPECTS_NAMED} more" if len(in_run) > SUSPECTS_NAMED else ""
        parts.append(f"run {last[0][0]}: {len(in_run)} suspect" + (f": {named}{more}" if in_run else ""))
    parts.append("see v_suspect_articles")
    return CheckResult("suspect_articles", not bad, round(share, 4), threshold, "; ".join(parts))


def unknown_agencies(con, threshold: float) -> CheckResult:
    """Bodies assigned tasks that the agency registry does not know (kind 'other'), counted.

    They are kept verbatim, so nothing is lost; the count tells what the registry
    (transforms/data/agencies.json) should learn next.
    """
    have = rows(con, "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'directive_assignees'"
                     " AND database_name = current_database()")[0][0]
    if not have:
        return CheckResult("unknown_agencies", True, None, threshold, "no task tables yet")
    total, unknown, bodies = rows(
        con,
        "SELECT count(*), count(*) FILTER (WHERE g.kind = 'other'),"
        " count(DISTINCT t.agency_id) FILTER (WHERE g.kind = 'other')"
        " FROM directive_assignees t LEFT JOIN agencies g USING (agency_id)",
    )[0]
    if not total:
        return CheckResult("unknown_agencies", True, 0, threshold, "no task assignments yet")
    share = unknown / total
    bad = share > threshold
    examples = [r[0] for r in rows(
        con,
        "SELECT g.name FROM directive_assignees t JOIN agencies g USING (agency_id) WHERE g.kind = 'other'"
        " GROUP BY g.name ORDER BY count(*) DESC, g.name LIMIT 3",
    )]
    return CheckResult(
        "unknown_agencies", not bad, share, threshold,
        f"{unknown} of {total} assignments name {bodies} bodies not in the agency registry ({share:.1%}"
        + (f" > {threshold:.0%}" if bad else "") + ")" + (f", e.g. {', '.join(examples)}" if examples else ""),
    )

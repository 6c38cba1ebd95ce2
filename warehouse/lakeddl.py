"""Migrations on a DuckLake: the one rule that adapts any migration's DDL.

DuckLake has no PRIMARY KEY, UNIQUE, FOREIGN KEY or CHECK constraints, no
indexes, and no DEFAULT for list columns. Every numbered migration is written
once, for the DuckDB file; on a lake `lake_sql` drops exactly those parts and
keeps the rest (NOT NULL, scalar defaults, views, ALTERs). The keys are not
lost: the loader checks them after each upsert (`db.upsert`) and the quality
checks prove them on every table (`checks.KEYS`).

A migration this rule cannot adapt gets a hand-written variant beside it,
`NNNN_name.lake.sql`, used on a lake instead (tests/warehouse runs every
migration on both backends, so a migration that breaks the lake fails there).
"""

from __future__ import annotations

import re
from pathlib import Path

_CREATE_TABLE = re.compile(r"^\s*CREATE\s+(?:OR\s+REPLACE\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?[^\s(]+\s*\(", re.I)
_DROPPED_STATEMENT = re.compile(
    r"^\s*(CREATE\s+(UNIQUE\s+)?INDEX|DROP\s+INDEX"
    r"|ALTER\s+TABLE\s+\S+\s+ADD\s+(CONSTRAINT\s+\S+\s+)?(PRIMARY\s+KEY|UNIQUE|FOREIGN\s+KEY|CHECK))\b",
    re.I,
)
_ADD_COLUMN = re.compile(r"^(\s*ALTER\s+TABLE\s+\S+\s+ADD\s+(?:COLUMN\s+)?(?:IF\s+NOT\s+EXISTS\s+)?)(.*)$", re.I | re.S)
_TABLE_CONSTRAINT = re.compile(r"^\s*(PRIMARY\s+KEY|UNIQUE|FOREIGN\s+KEY|CONSTRAINT|CHECK)\b", re.I)


def variant_path(path: Path) -> Path:
    return path.with_name(path.stem + ".lake.sql")


def migration_sql(path: Path, lake: bool) -> str:
    """The SQL to run for migration file `path` on this backend."""
    if not lake:
        return path.read_text(encoding="utf-8")
    variant = variant_path(path)
    if variant.is_file():
        return variant.read_text(encoding="utf-8")
    return lake_sql(path.read_text(encoding="utf-8"))


def lake_sql(sql: str) -> str:
    """`sql` (a script of statements) with the parts DuckLake cannot hold removed."""
    out = []
    for statement in split_statements(strip_comments(sql)):
        if not statement.strip() or _DROPPED_STATEMENT.match(statement):
            continue
        if _CREATE_TABLE.match(statement):
            statement = _adapt_create_table(statement)
        else:
            added = _ADD_COLUMN.match(statement)
            if added and not re.match(r"\s*(CONSTRAINT|PRIMARY|UNIQUE|FOREIGN|CHECK)\b", added.group(2), re.I):
                statement = added.group(1) + _strip_column(added.group(2))
        out.append(statement.strip() + ";")
    return "\n".join(out)


def strip_comments(sql: str) -> str:
    """Remove `--` comments (not inside quotes): they may hold commas and parentheses."""
    out, i, quote = [], 0, None
    while i < len(sql):
        ch = sql[i]
        if quote:
            out.append(ch)
            if ch == quote:
                quote = None
        elif ch in ("'", '"'):
            quote = ch
            out.append(ch)
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            i = len(sql) if end < 0 else end
            continue
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def split_statements(sql: str) -> list[str]:
    return _split_top_level(sql, ";")


def _split_top_level(text: str, sep: str) -> list[str]:
    parts, depth, quote, start = [], 0, None, 0
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = None
        elif ch in ("'", '"'):
            quote = ch
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def _closing(text: str, open_at: int) -> int:
    depth, quote = 0, None
    for i in range(open_at, len(text)):
        ch = text[i]
        if quote:
            if ch == quote:
                quote = None
        elif ch in ("'", '"'):
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i
    raise ValueError("unbalanced parentheses in CREATE TABLE")


def _adapt_create_table(statement: str) -> str:
    head = _CREATE_TABLE.match(statement)
    open_at = head.end() - 1
    close_at = _closing(statement, open_at)
    items = [item.strip() for item in _split_top_level(statement[open_at + 1:close_at], ",")]
    kept = [_strip_column(item) for item in items if item and not _TABLE_CONSTRAINT.match(item)]
    body = ",\n    ".join(kept)
    return f"{statement[:open_at]}(\n    {body}\n){statement[close_at + 1:]}"


def _strip_column(item: str) -> str:
    """One column definition without key/unique/reference/check parts and list defaults."""
    item = re.sub(r"\bPRIMARY\s+KEY\b", "", item, flags=re.I)
    item = re.sub(r"\bUNIQUE\b", "", item, flags=re.I)
    item = _remove_with_parens(item, r"\bREFERENCES\s+[^\s(]+\s*")
    item = _remove_with_parens(item, r"\bCHECK\s*")
    item = _remove_list_default(item)
    return re.sub(r"\s+", " ", item).strip()


def _remove_with_parens(item: str, prefix: str) -> str:
    match = re.search(prefix + r"\(", item, re.I)
    if not match:
        return item
    end = _closing(item, match.end() - 1)
    return item[:match.start()] + item[end + 1:]


def _remove_list_default(item: str) -> str:
    match = re.search(r"\bDEFAULT\s*\[", item, re.I)
    if not match:
        return item
    depth = 0
    for i in range(match.end() - 1, len(item)):
        if item[i] == "[":
            depth += 1
        elif item[i] == "]":
            depth -= 1
            if depth == 0:
                return item[:match.start()] + item[i + 1:]
    return item

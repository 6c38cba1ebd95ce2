"""The top-level requests of a document, from the body's lines.

The first list marker seen sets the top level (dash lines, `1.` numbers, <li>,
bullets); lines with any other marker (`a)`, `+`, a dash under `1.`) are
sub-items and are appended to their parent's text, markers kept so the parent
still reads as a list.
"""

from __future__ import annotations

import re

from .blocks import Line

_MARKERS = (
    ("dash", re.compile(r"^[-\u2013\u2014\u2212]+\s*(?=\S)")),
    ("bullet", re.compile(r"^[\u2022\u00b7\u25cf\u25aa\u25e6\u25a0\u25ba\u2023\u2043\u2219*\u2713\u2714\u27a2\u27a4]\s*")),
    ("number", re.compile(r"^\(?\d{1,2}\s*[.)]\s*(?=\S)(?!\d)")),
    ("letter", re.compile(r"^\(?[a-zđ]\s*\)\s*")),
    ("plus", re.compile(r"^\+\s*")),
    ("roman", re.compile(r"^(?:I|II|III|IV|V|VI|VII|VIII|IX|X)\s*[.)]\s+")),
)


def marker(text: str) -> tuple[str | None, str]:
    """(marker kind, text without the marker)."""
    for kind, pattern in _MARKERS:
        match = pattern.match(text)
        if match:
            return kind, text[match.end() :].strip()
    return None, text


def directives(lines: list[Line]) -> list[dict]:
    items: list[str] = []
    top: str | None = None
    for line in lines:
        kind, stripped = marker(line.text)
        if line.kind == "li":
            kind = "li"
        if kind is None:
            continue
        if top is None:
            if kind == "roman":  # section headings ("I. OBJECTIVES"), not requests
                continue
            top = kind
        if kind == top:
            if stripped:
                items.append(stripped)
        elif items and kind != "roman":
            items[-1] = f"{items[-1]} {line.text}"
    return [{"ordinal": i, "text": text} for i, text in enumerate(items, start=1)]

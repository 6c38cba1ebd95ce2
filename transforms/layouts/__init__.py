"""Page layouts: where the title, date, body and "Latest new" box are.

One small module per known layout (`sharepoint`, `modern`) maps class names to
parts; `generic` finds whatever is still missing from the content itself, so a
redesign with new class names degrades to heuristics instead of to nothing.
"""

from __future__ import annotations

from lxml import etree

from . import generic, modern, sharepoint
from .parts import PageParts

KNOWN_LAYOUTS = (sharepoint, modern)


def extract_parts(root: etree._Element) -> PageParts:
    parts = None
    for layout in KNOWN_LAYOUTS:
        parts = layout.extract(root)
        if parts is not None:
            break
    if parts is None:
        parts = PageParts(layout="generic")
    generic.complete(root, parts)
    return parts


__all__ = ["PageParts", "extract_parts"]

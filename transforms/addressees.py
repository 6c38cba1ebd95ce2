"""Who a document asks to act: "requests the Heads of provincial departments;
agencies and branches; Chairmen of ... to well perform ..."."""

from __future__ import annotations

import re

_ASKS = re.compile(
    r"\b(?:requests?|requested|requesting|asks?|asked|directs?|directed|assigns?|assigned|instructs?|instructed|"
    r"urges?|urged|calls\s+on|called\s+on|calls\s+upon|called\s+upon|requires?|required|proposes?|proposed|demands?|demanded)\s+"
    r"(?P<who>(?:the\s+)?[A-Za-z][^.:!?\n]{2,400}?)\s+(?:(?:to|shall|must|should)\s+(?=[a-z])|to\s*:)"
)
_NOT_WHO = re.compile(r"^(?:that|to|for|all\s+of|it|this|these|them|us)\b", re.I)


def addressees(text: str) -> list[str]:
    match = _ASKS.search(text)
    if not match:
        return []
    who = match.group("who").strip()
    if _NOT_WHO.match(who):
        return []
    names = []
    for part in re.split(r"\s*;\s*", who):
        part = re.sub(r"^(?:and\s+)?(?:the\s+)?", "", part.strip(" ,"), flags=re.I).strip(" ,")
        if part and part not in names:
            names.append(part)
    return names

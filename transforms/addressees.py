"""Who a document asks to act.

Active: "... requests the Heads of provincial departments; agencies and branches;
Chairmen of ... to well perform ...". Passive: "..., the Heads of ...; Chairmen of
... are requested to:". Addressees are separated by ";" (commas also occur inside
one addressee: "districts, towns and city").
"""

from __future__ import annotations

import re

from . import agencies

_ASKS = re.compile(
    r"\b(?:requests?|requested|requesting|asks?|asked|directs?|directed|assigns?|assigned|instructs?|instructed|"
    r"urges?|urged|calls\s+on|called\s+on|calls\s+upon|called\s+upon|requires?|required|proposes?|proposed|demands?|demanded)\s+"
    r"(?P<who>(?:the\s+)?[A-Za-z](?:[^.:!?\n]|\.{3}){2,400}?)(?:\s+(?:(?:to|shall|must|should)\s+(?=[a-z])|to\s*:|as\s+follows\b)|\s*:)"
)
# A header's "To:" cell, its names on the same line or as dash lines under it
# ("To:\n- Ministries, ministerial-level agencies and Governmental agencies;").
_TO = re.compile(
    r"(?m)^[ \t]*(?:To|Kính\s+gửi|Kinh\s+gui)\s*:[ \t]*(?P<inline>[^\n]*)(?P<lines>(?:\n[ \t]*[-\u2013+\u2022][^\n]*)*)"
)
# Found by its verb first; the clause is then read backwards to the sentence start
# (a lazy "anything before the verb" pattern would be quadratic on long bodies).
_ASKED = re.compile(
    r"\s+(?:are|is|were|was)\s+(?:hereby\s+|also\s+)?"
    r"(?:requested|asked|assigned|directed|required|urged|instructed)\s+to\b"
)
_SENTENCE_BREAK = re.compile(r"[.:!?\n]")
_NOT_WHO = re.compile(r"^(?:that|to|for|all\s+of|it|this|these|them|us|in|on|at|by|under|according|with|from|of)\b", re.I)
_CLAUSE_START = re.compile(r"^|,\s+(?=(?:the\s+|[A-Z]))")
_PURPOSE = re.compile(r"^(?:in\s+order|to\s|in\s|on\s|for\s|accordingly|therefore|thus|moreover|the\s+\w+\s+clearly\s+states)", re.I)


def _first_active(text: str) -> re.Match[str] | None:
    """The first request whose object is a body: "tasks assigned for the year, the PPC requests X to"
    must not stop at "assigned for the year"."""
    pos = 0
    while True:
        match = _ASKS.search(text, pos)
        if match is None:
            return None
        who = match.group("who").strip()
        # "requires strict compliance to ...": the object must name a body
        if not _NOT_WHO.match(who) and _names_someone(who):
            return match
        pos = match.start() + 1


def _names_someone(who: str) -> bool:
    """A body, or a capitalised class of addressees ("Investors"); not "strict compliance"."""
    who = re.sub(r"^(?:the|all)\s+", "", who)
    return who[:1].isupper() or bool(agencies.resolve(who))


def _header_to(text: str) -> tuple[int, list[str]] | None:
    match = _TO.search(text)
    if match is None:
        return None
    names = [match.group("inline")] + re.split(r"\n", match.group("lines"))
    found = []
    for line in names:
        line = re.sub(r"^[ \t]*[-\u2013+\u2022]\s*", "", line).strip(" ;.,")
        found += [n for n in _split(line) if n not in found]
    return (match.start(), found) if found else None


# The first item of the document: addressees are asked before it ("requests X to:"); a request
# inside an item ("3. To request the Chairmen of ...:") names that item's lead, not the letter's addressees.
_FIRST_ITEM = re.compile(r"(?m)^[ \t]*(?:\d{1,2}[.)]|[a-z]\)|[-\u2013+\u2022])[ \t]+\S")


def addressees(text: str) -> list[str]:
    header = _header_to(text)
    after_header = _TO.search(text).end() if header else 0
    first_item = _FIRST_ITEM.search(text, after_header)
    text = text[: first_item.start()] if first_item else text
    active = _first_active(text)
    passive = _ASKED.search(text)
    first_request = min([m.start() for m in (active, passive) if m is not None], default=len(text))
    if header and header[0] < first_request:
        return header[1]
    if passive and (active is None or passive.start() < active.start()):
        breaks = list(_SENTENCE_BREAK.finditer(text, max(0, passive.start() - 500), passive.start()))
        start = breaks[-1].end() if breaks else max(0, passive.start() - 500)
        who = _subject_of(text[start : passive.start()].strip())
        if who and not _names_someone(who):
            who = active.group("who").strip() if active else None
    elif active:
        who = active.group("who").strip()
    else:
        return []
    if not who or _NOT_WHO.match(who):
        return []
    return _split(who)


def _subject_of(clause: str) -> str | None:
    """The grammatical subject at the end of a clause: after its last introductory phrase."""
    for match in _CLAUSE_START.finditer(clause):
        rest = clause[match.end() :].strip()
        if rest and not _PURPOSE.match(rest) and not re.search(r"\b(?:that|in\s+order|so\s+as)\b", rest):
            return rest
    return None


def _split(who: str) -> list[str]:
    names: list[str] = []
    for part in re.split(r"\s*;\s*", who):
        part = re.sub(r"^(?:and\s+)?(?:the\s+)?", "", part.strip(" ,"), flags=re.I).strip(" ,")
        if part and part not in names:
            names.append(part)
    return names

"""Every numbered document an article mentions, with the context around it.

A mention knows its type (the words before it, else its codes), the date the
text gives for it (`dated 12/8/2020`, `of May 16, 2016`), and its role: issued
by this article's news (`... issued Official Letter No. X`, `Decision No. X was
signed`), the header of a full-text document (`No. 26/CT-TTg  Hanoi, ...`), or
only cited (everything else: implementing, according to, under ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .dates import find_dates
from .docnumbers import DocNumber, find_numbers
from .doctypes import TYPE_BEFORE_NUMBER, type_from_word

ISSUED, HEADER, CITED = "issued", "header", "cited"

_ISSUE_VERB = (
    r"(?:issued|issues|issue|signed|signs|promulgated|promulgates|released|releases|adopted|adopts|sent|sends|"
    r"has\s+sent|published|publishes|passed|passes|enacted|enacts|announced|announces)"
)
# The issuing verb must stand right before the type phrase: "issued Official Letter
# No.", "signed and issued the Directive No." -- not "issued together with Decision No.".
_VERB_BEFORE = re.compile(
    rf"\b{_ISSUE_VERB}(?:\s+and\s+{_ISSUE_VERB})?\s+(?:(?:the|a|an|its|their|his|her)\s+)?(?:(?:new|urgent|following)\s+)?$",
    re.I,
)
# "was issued", "has just been signed", "were promulgated", "has been officially adopted".
PASSIVE_ISSUE = (
    r"(?:was|were|is|are|being|(?:has|have|had)\s+(?:just\s+|recently\s+|now\s+)?been)\s+"
    r"(?:just\s+|recently\s+|officially\s+|newly\s+)?(?:issued|signed|promulgated|released|adopted|passed|enacted|announced)\b"
)
# The number's own clause ends in a passive issuing verb, with no new clause
# (", the ...", ", which ...") between them.
_PASSIVE_AFTER = re.compile(
    r"^(?:(?!,\s+(?:the|a|an|this|it|they|he|she|which|who)\b)[^.;\n]){0,250}?\b" + PASSIVE_ISSUE,
    re.I,
)
# After the number, a date the text gives for this document: "dated 12/8/2020",
# "of May 16, 2016", "(dated ...)", "of the Prime Minister dated ...". A comma ends
# the phrase: in "Resolution No. 77/NQ-CP, on March 24, 2011, the PPC issued ..."
# the date belongs to the next clause.
_DATED = re.compile(
    r"^\s*\(?\s*(?:dated|issued\s+on|signed\s+on|promulgated\s+on|on|of)\s+"
    r"|^\s*,\s*dated\s+"
    r"|^\s*,?\s*of\s+(?:the\s+)?[A-Z][^,;.\d]{0,80}?\s+(?:dated|on)\s+",
    re.I,
)
_SENTENCE_END = re.compile(r"(?<!\bNo)(?<!\bNos)(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)(?<!\bSt)[.!?](?=\s+[A-Z\"'(])|[;\n]")


@dataclass
class Mention:
    number: DocNumber
    type: str | None
    type_start: int  # where the type phrase (or the number) starts
    issued_on: date | None
    role: str

    @property
    def canonical(self) -> str:
        return self.number.canonical


def clause_start(text: str, pos: int) -> int:
    """Start of the sentence holding pos."""
    start = 0
    for match in _SENTENCE_END.finditer(text, max(0, pos - 400), pos):
        start = match.end()
    return start


def sentence_end(text: str, pos: int) -> int:
    match = _SENTENCE_END.search(text, pos)
    return match.start() if match else len(text)


def find_mentions(text: str) -> list[Mention]:
    numbers = find_numbers(text)
    mentions: list[Mention] = []
    for index, number in enumerate(numbers):
        before = text[max(0, number.start - 60) : number.start]
        typed = TYPE_BEFORE_NUMBER.search(before)
        word_type = type_from_word(typed.group("word")) if typed else None
        type_start = number.start - (len(before) - typed.start()) if typed else number.start
        next_start = numbers[index + 1].start if index + 1 < len(numbers) else len(text)
        after = text[number.end : min(next_start, number.end + 320)]
        mentions.append(
            Mention(
                number=number,
                type=word_type or number.code_type,
                type_start=type_start,
                issued_on=_date_after(after),
                role=_role(text, number, type_start, after),
            )
        )
    return mentions


def _date_after(after: str) -> date | None:
    match = _DATED.match(after)
    if not match:
        return None
    rest = re.sub(r"^the\s+", "", after[match.end() :], flags=re.I)
    dates = find_dates(rest[:40])
    return dates[0].value if dates and dates[0].start == 0 else None


def _role(text: str, number: DocNumber, type_start: int, after: str) -> str:
    clause = text[clause_start(text, type_start) : type_start]
    if _VERB_BEFORE.search(clause):
        return ISSUED
    if _PASSIVE_AFTER.match(after) and not re.search(r"\b(?:under|according|pursuant|implement\w*|following|accordance|based)\b", clause, re.I):
        return ISSUED
    # A full-text document starts with its own number: "No. 26/CT-TTg  Hanoi, June 6, 2017".
    line_start = text.rfind("\n", 0, type_start) + 1
    lead = text[line_start : number.start].strip()
    if line_start > 0 and re.fullmatch(r"(?:No|Number|S[ốo])\s*\.?\s*:?", lead, re.I):
        return HEADER
    return CITED


@dataclass
class Reference:
    number: str
    type: str | None
    issued_on: date | None
    issuer: str | None = None


def references(mentions: list[Mention], exclude: str | None) -> list[Reference]:
    """Each cited document once, in order of first mention; details from any mention."""
    found: dict[str, Reference] = {}
    for mention in mentions:
        if mention.canonical == exclude:
            continue
        ref = found.get(mention.canonical)
        if ref is None:
            found[mention.canonical] = Reference(mention.canonical, mention.type, mention.issued_on)
        else:
            ref.type = ref.type or mention.type
            ref.issued_on = ref.issued_on or mention.issued_on
    return list(found.values())

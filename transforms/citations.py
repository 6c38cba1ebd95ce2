"""Every numbered document an article mentions, with the context around it.

A mention knows its type (the words before it, else its codes), the date the
text gives for it (`dated 12/8/2020`, `of May 16, 2016`), and its role: issued
by this article's news (`... issued Official Letter No. X`, `Decision No. X was
signed`), the header of a full-text document (`No. 26/CT-TTg  Hanoi, ...`), or
only cited (everything else: implementing, according to, under ...).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import date

from .dates import MonthDay, find_dates, find_month_days
from .docnumbers import DocNumber, find_numbers
from .doctypes import TYPE_BEFORE_NUMBER, TYPE_WORDS, resolve

ISSUED, HEADER, CITED = "issued", "header", "cited"

_ISSUE_VERB = (
    r"(?:issued|issues|issue|signed|signs|promulgated|promulgates|released|releases|adopted|adopts|sent|sends|"
    r"has\s+sent|published|publishes|passed|passes|enacted|enacts|announced|announces|approve\w*)"
)
# What may stand between the verb and the type phrase: "signed off on Decision No.",
# "issued guidance in Official Letter No.", "approved the plan in Decision No.".
VERB_PARTICLES = r"(?:\s+off)?(?:\s+on)?(?:\s+(?:[a-z]+\s+){0,2}?in)?(?:\s+the\s+issuance\s+of)?"
# Between the verb (and its particles) and the type word: a determiner, the issuer's
# possessive ("signed the Prime Minister's Dispatch No."), "new"/"urgent".
OBJECT_LEAD = (
    r"\s+(?:(?:the|a|an|its|their|his|her)\s+)?(?P<owner>(?:[A-Z][\w-]*\s+){0,4}[A-Z][\w-]*['\u2019]s\s+)?"
    r"(?:(?:new|urgent|following)\s+)?$"
)
# The issuing verb must stand right before the type phrase: "issued Official Letter
# No.", "signed and issued the Directive No." -- not "issued together with Decision No.".
_VERB_BEFORE = re.compile(
    rf"\b{_ISSUE_VERB}(?:\s+and\s+{_ISSUE_VERB})?{VERB_PARTICLES}{OBJECT_LEAD}",
    re.I,
)
# No type word, only "No.": "signed the issuance of electricity No. 13/CD-TTg" (a machine
# translation of công điện); the number's code gives the type.
_VERB_BEFORE_UNTYPED = re.compile(
    rf"\b{_ISSUE_VERB}{VERB_PARTICLES}\s+(?:(?:the|a|an)\s+)?(?:[a-z]+\s+){{0,2}}(?:No|Number)\s*\.?\s*:?\s*$", re.I
)
# "This is the notable content mentioned in Official Telegram 240/CD-TTg ...": the page reports it.
_CONTENT_OF = re.compile(
    r"(?:\b(?:is|are|was|were)\s+(?:(?:the|a|an|some)\s+)?(?:[a-z]+\s+){0,2}contents?\s+(?:of|in)"
    r"|\bcontents?\s+(?:mentioned|stated|issued|given|set\s+out|contained|specified)\s+in"
    # "This is a noteworthy item stipulated in Official Dispatch 3966/BYT-VPB1": the page tells one of its points
    r"|\b(?:This|These)\s+(?:is|are)\s+(?:the|a|an|some)\s+(?:[a-z]+\s+){0,2}(?:item|point|provision|requirement|measure|task)s?\s+"
    r"(?:stipulated|set\s+out|specified|outlined|laid\s+out|mentioned|stated|contained|given)\s+in)\s+(?:the\s+)?$",
    re.I,
)
# "The tasks are stipulated at the Government's Resolution 131/NQ-CP": the page reports
# what it holds ("as stipulated in", "which are set out in" only cite).
_STIPULATED_IN = re.compile(
    r"(?<!\bwhich\s)(?<!\bthat\s)\b(?:is|are|was|were)\s+(?:stipulated|set\s+out|specified|outlined|laid\s+out|mentioned)\s+"
    r"(?:in|at)\s+(?:the\s+)?(?:(?:[A-Z][\w-]*\s+){0,4}[A-Z][\w-]*['\u2019]s\s+)?$",
    re.I,
)
# "issued a further dispatch on ... (Dispatch No. 225/CD-TTg)": the sentence announces a
# document by its kind and names its number in brackets at the end.
_NAMED_IN_BRACKETS = re.compile(
    rf"\b{_ISSUE_VERB}\s+(?:(?:the|a|an|its|their|his|her)\s+)?(?:[a-z]+\s+){{0,2}}(?:{TYPE_WORDS})s?\b[^()]{{0,300}}\(\s*$",
    re.I,
)
_CITING = re.compile(r"\b(?:under|according|pursuant|implement\w*|following|accordance|based|line\s+with|compliance)\b", re.I)
# "was issued", "has just been signed", "were promulgated", "has been officially adopted".
PASSIVE_ISSUE = (
    r"(?:was|were|is|are|being|(?:has|have|had)\s+(?:just\s+|recently\s+|now\s+)?been)\s+"
    r"(?:just\s+|recently\s+|officially\s+|newly\s+)?(?:issued|signed|promulgated|released|adopted|passed|enacted|announced)\b"
)
# The number's own clause ends in a passive issuing verb, with no new clause
# (", the ...", ", which ...") between them.
# "No." inside the clause ("... to respond to storm No. 5 has just been issued") is
# not a sentence end.
_PASSIVE_AFTER = re.compile(
    r"^(?:(?!,\s+(?:the|a|an|this|it|they|he|she|which|who)\b)(?:\b(?:No|Nos)\.|[^.;\n])){0,250}?\b" + PASSIVE_ISSUE,
    re.I,
)
# After the number, a date the text gives for this document: "dated 12/8/2020",
# "of May 16, 2016", "(dated ...)", "of the Prime Minister dated ...". A comma ends
# the phrase: in "Resolution No. 77/NQ-CP, on March 24, 2011, the PPC issued ..."
# the date belongs to the next clause.
_DATED = re.compile(
    # "04/CD-BCH PCLB&TKCN of the province, dated September 15, 2014": "dated" is the number's
    r"^\s*,?\s*of\s+(?:the\s+)?[\w' ]{1,60}?,\s*dated\s+|"
    r"^\s*\(?\s*(?:at\s+\d{1,2}[:h]\d{2}\s+)?(?:dated|issued\s+on|signed\s+on|promulgated\s+on|on|of)\s+"
    r"|^\s*,\s*(?:dated|(?:issued|signed|promulgated)\s+on)\s+"
    r"|^\s*,?\s*of\s+(?:the\s+)?[A-Z][^,;.\d]{0,80}?\s+(?:dated|on)\s+",
    re.I,
)
# After the number (and its own details): ", signed by ...", " issued on ...".
_PARTICIPLE_AFTER = re.compile(
    r"^\s*(?:\([^)]{0,80}\))?(?:\s*,?\s*(?:dated\s+[^,;.]{4,30}?|of\s+(?:the\s+)?[A-Z][^,;.\d]{2,80}?))?"
    r"\s*,?\s*(?:signed|issued|promulgated|released)\s+(?:by|on)\s",
    re.I,
)
# What may open a sentence whose subject is the number itself.
_SUBJECT_LEAD = (
    r"(?:(?:\([^)]{1,30}\)\s*)?[-\u2013\u2014]\s*)?(?:the|a|according\s+to(?:\s+the)?)?"
    # the issuer's possessive: "The Government's Official Dispatch No 217/QD-TTg issued on Sunday states ..."
    r"(?:\s*(?:[A-Z][\w-]*\s+){0,4}[A-Z][\w-]*['\u2019]s)?"
)
_SENTENCE_END = re.compile(r"(?<!\bNo)(?<!\bNos)(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)(?<!\bSt)[.!?](?=\s+[A-Z\"'(])|;(?![A-Za-z])|\n")


@dataclass
class Mention:
    number: DocNumber
    type: str | None
    type_start: int  # where the type phrase (or the number) starts
    issued_on: date | None
    role: str
    month_day: MonthDay | None = None  # "dated April 16": the date without its year
    history: bool = False  # announced inside a full text, hence only cited ("On March 31, the PM promulgated ...")

    @property
    def canonical(self) -> str:
        return self.number.canonical


# The same sentence bounds are asked for again and again while one page is read; one
# page's answers are kept (never more: memory stays flat over a run).
# (per thread: pages parsed side by side never share it)
_BOUNDS = threading.local()


def _bounds(text: str) -> dict:
    cache = getattr(_BOUNDS, "cache", None)
    if cache is None or cache["text"] is not text:
        cache = _BOUNDS.cache = {"text": text, "start": {}, "end": {}}
    return cache


def clause_start(text: str, pos: int) -> int:
    """Start of the sentence holding pos."""
    cache = _bounds(text)["start"]
    if pos not in cache:
        start = 0
        for match in _SENTENCE_END.finditer(text, max(0, pos - 400), pos):
            start = match.end()
        cache[pos] = start
    return cache[pos]


def sentence_end(text: str, pos: int) -> int:
    cache = _bounds(text)["end"]
    if pos not in cache:
        match = _SENTENCE_END.search(text, pos)
        cache[pos] = match.start() if match else len(text)
    return cache[pos]


# "Resolutions No. 12/NQ-CP, No. 13/NQ-CP and No. 14/NQ-CP": the later numbers
# of an enumeration stand under the first one's type word.
_ENUMERATED = re.compile(r"(?:[,;]|\band|\bor)\s*(?:No|Nos|Number)\s*\.?\s*:?\s*$", re.I)
# "Steering Committee 138/CP": a body's name, not a document
_BODY_NAME = re.compile(r"\b(?:Committee|Board|Council|Group|Team)\s+$")


_DATE_BEFORE_NUMBER = re.compile(r"\s+dated\s+(?P<date>\d{1,2}[./-]\d{1,2}[./-](?:19|20)\d{2})\s+$", re.I)


# "the Government's Decree 104/2016 of the on vaccination": a legal type word, then a number
# and a year with no code -- a number only after such a word (else "12/2016" is a month).
_CODELESS = re.compile(
    r"\b(?:Decree|Decision|Circular|Resolution|Directive|Law)s?\s+(?:No\.?\s*)?(?P<number>\d{1,4}/(?:19|20)\d{2})(?![\w/-])"
)


def _codeless_numbers(text: str, numbers: list[DocNumber]) -> list[DocNumber]:
    taken = [(n.start, n.end) for n in numbers]
    found = []
    for match in _CODELESS.finditer(text):
        start, end = match.span("number")
        if not any(a <= start < b for a, b in taken):
            found.append(DocNumber(match.group("number"), start, end, match.group("number"), None, None))
    return found


def find_mentions(text: str) -> list[Mention]:
    numbers = find_numbers(text)
    if "/" in text:
        numbers = sorted(numbers + _codeless_numbers(text, numbers), key=lambda n: n.start)
    mentions: list[Mention] = []
    for index, number in enumerate(numbers):
        before = text[max(0, number.start - 60) : number.start]
        typed = TYPE_BEFORE_NUMBER.search(before)
        dated_first = None
        if typed is None:
            # "replace Decision dated 10.09.1999 3308/QD.CT.UBT": the date before the number
            dated_first = _DATE_BEFORE_NUMBER.search(before)
            if dated_first:
                typed = TYPE_BEFORE_NUMBER.search(before[: dated_first.start()])
        word = typed.group("word") if typed else None
        type_start = number.start - (len(before) - typed.start()) if typed else number.start
        next_start = numbers[index + 1].start if index + 1 < len(numbers) else len(text)
        after = text[number.end : min(next_start, number.end + 320)]
        if typed is None and _BODY_NAME.search(before):
            continue
        kind = resolve(word, number.code_type)
        if typed is None and mentions and _ENUMERATED.search(before) and number.start - mentions[-1].number.end < 120:
            kind = mentions[-1].type or kind
        issued_on, month_day = _date_after(after)
        if dated_first and typed and issued_on is None:
            found = find_dates(dated_first.group("date"))
            issued_on = found[0].value if found else None
        mentions.append(
            Mention(
                number=number,
                type=kind,
                type_start=type_start,
                issued_on=issued_on,
                role=_role(text, number, type_start, after),
                month_day=month_day,
            )
        )
    _dated_later(text, mentions)
    return _header_first(mentions)


# "... the Prime Minister's Resolution No. 11/NQ-CP. This Resolution dated January 30,
# 2022, on ...": the next sentence gives the date of the number it has just cited.
_THIS_DATED = re.compile(rf"\b(?:This|The\s+said|The\s+above)\s+(?P<word>{TYPE_WORDS})\s+(?:dated|of|issued\s+on|signed\s+on)\s+", re.I)


def _dated_later(text: str, mentions: list[Mention]) -> None:
    for found in _THIS_DATED.finditer(text):
        before = [m for m in mentions if m.number.end <= found.start() and found.start() - m.number.end < 300]
        if not before or before[-1].issued_on or before[-1].type != resolve(found.group("word"), None):
            continue
        dates = find_dates(text[found.end() : found.end() + 40])
        if dates and dates[0].start == 0:
            before[-1].issued_on = dates[0].value


def _header_first(mentions: list[Mention]) -> list[Mention]:
    """A full-text document's own header outranks what its text says was issued
    later ("... the Government adopted Resolution No. 35/NQ-CP" inside Directive
    No. 26/CT-TTg): an announcement after the header is history, cited."""
    header = next((m for m in mentions if m.role == HEADER), None)
    if header is None:
        return mentions
    for m in mentions:
        if m.role == ISSUED and m.number.start > header.number.start:
            m.role, m.history = CITED, True
    return mentions


def _date_after(after: str) -> tuple[date | None, MonthDay | None]:
    match = _DATED.match(after)
    if not match:
        return None, None
    rest = after[match.end() :]
    lead = re.match(r"the\s+", rest, flags=re.I)
    rest = rest[lead.end() :] if lead else rest
    dates = find_dates(rest[:40])
    if dates and dates[0].start == 0:
        return dates[0].value, None
    month_days = find_month_days(rest[:30])
    if month_days and month_days[0].start == 0:
        return None, month_days[0]
    return None, None


_OWN_LETTER_VERB = re.compile(
    r"^\s*(?:dated\s+[^,;.]{4,30}?)?\s*,\s*(?:has\s+|have\s+)?(?:announced|requested|asked|directed|assigned|urged|"
    r"instructed|required|decided|approved|informed|proposed)\b",
    re.I,
)


def _role(text: str, number: DocNumber, type_start: int, after: str) -> str:
    clause = text[clause_start(text, type_start) : type_start]
    if _quoted(text, type_start):
        return CITED  # a quotation reports an earlier act: 'The reason ...: "... issued Notice No. X ..."'
    if _VERB_BEFORE.search(clause) or (type_start == number.start and _VERB_BEFORE_UNTYPED.search(clause)):
        return ISSUED
    if _STIPULATED_IN.search(clause):
        return ISSUED
    if _NAMED_IN_BRACKETS.search(clause) and not _CITING.search(clause):
        return ISSUED
    if _CONTENT_OF.search(clause) and not _CITING.search(clause) and not re.search(r"\b(?:amend|supplement|replac)", clause, re.I):
        return ISSUED
    # "the Chairman ... in his letter no. 326/CV-UBT, announced the work program": the
    # subject's own letter (a possessive) and the sentence's verb after the number
    if re.search(r"\bin\s+(?:his|her|its|their)\s+$", clause) and _OWN_LETTER_VERB.match(after):
        return ISSUED
    if _PASSIVE_AFTER.match(after) and not re.search(r"\b(?:under|according|pursuant|implement\w*|following|accordance|based)\b", clause, re.I):
        return ISSUED
    # The number is what the sentence is about, told with a participle: "Decision No. X,
    # signed by Vice Chairman ... on May 5, approves ...", "According to Official Dispatch
    # No. X signed by ...". Not after "under", "implementing", "pursuant to": those cite.
    if _PARTICIPLE_AFTER.match(after) and re.fullmatch(_SUBJECT_LEAD, clause.strip(), re.I):
        return ISSUED
    # A full-text document starts with its own number: "No. 26/CT-TTg  Hanoi, June 6, 2017".
    line_start = text.rfind("\n", 0, type_start) + 1
    lead = text[line_start : number.start].strip(" |\t")  # (a table's cells flattened: "| No. 45/2024/TT-BTC |")
    if line_start > 0 and re.fullmatch(r"(?:No|Number|S[ốo])\s*\.?\s*:?", lead, re.I):
        return HEADER
    # "No." alone on its line, the number on the next (a header cell wrapped)
    previous = text[text.rfind("\n", 0, max(0, line_start - 1)) + 1 : max(0, line_start - 1)].strip(" |\t")
    if line_start > 0 and not lead and re.fullmatch(r"(?:No|Number|S[ốo])\s*\.?\s*:?", previous, re.I):
        return HEADER
    # A flattened header cell: "THE PRIME MINISTER ---------------------- No. 19/CT-TTg",
    # "HANOI PEOPLE'S COMMITTEE No. 243/KH-UBND".
    if line_start > 0 and re.fullmatch(r"[A-Z\u0110'\u2019 ]{4,80}(?:\s*[-_]{3,})?\s*(?:No|Number)\s*\.?\s*:?", lead):
        return HEADER
    return CITED


def _quoted(text: str, pos: int) -> bool:
    """Is pos inside a quotation opened earlier on its line?"""
    line = text[text.rfind("\n", 0, pos) + 1 : pos]
    return line.count('"') % 2 == 1 or line.count("\u201c") > line.count("\u201d")


@dataclass
class Reference:
    number: str
    type: str | None
    issued_on: date | None
    issuer: str | None = None
    month_day: MonthDay | None = None


def references(mentions: list[Mention], exclude: str | None) -> list[Reference]:
    """Each cited document once, in order of first mention; details from any mention."""
    found: list[Reference] = []
    for mention in mentions:
        # "No.852-TTg" in a subtitle under the header's "No. 852/TTg": the same document
        if mention.canonical == exclude or (exclude and re.sub(r"[-/]", "", mention.canonical) == re.sub(r"[-/]", "", exclude)):
            continue
        # one number with two different dates is two documents ("Directive No. 08/CT-UBND
        # dated July 20, 2020, ... and Directive No. 08/CT-UBND dated October 3, 2023")
        ref = next((r for r in found if r.number == mention.canonical and (
            r.issued_on is None or mention.issued_on is None or r.issued_on == mention.issued_on)), None)
        if ref is None:
            found.append(Reference(mention.canonical, mention.type, mention.issued_on, month_day=mention.month_day))
        else:
            ref.type = ref.type or mention.type
            ref.issued_on = ref.issued_on or mention.issued_on
            ref.month_day = ref.month_day or mention.month_day
    return found

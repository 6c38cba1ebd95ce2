"""By when a directive must be done: `due_on` (a date, when the text fixes one) and `due_text`.

Forms (CONTRACT section 1):
- absolute: "before October 30, 2020", "by 15/10/2020", "no later than 30/9" and
  "before December 15" (no year: the document's year), "by the end of June 2021";
- relative: "within 10 days from the date of signing" counts from the document's
  `issued_on` (calendar days; "working days" depend on holidays, so no date);
- "within 14 days (since 12/7/2020)" looks back (who came within that time): no deadline;
- a period ("from 00:00, 16/4/2020 until new direction of the Provincial People's
  Committee", "from 1/4/2020 to 15/4/2020", "after July 31, 2021 until the social distancing
  period is over"): the whole phrase; `due_on` its end date, if any;
- a window ("in the first quarter of 2018"): words only;
- recurring or open ("quarterly", "before the 20th of every month", "regularly",
  "within 24 hours", "by 2021"): words only, `due_on` stays null.
`due_text` is every time phrase of the item, verbatim, joined by "; " in order;
`due_on` the first fixed date. Seasons and events ("before the rainy season",
"before Tet") are not deadlines here: they fix no date and are left out.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from .dates import find_dates

_MONTH_NAMES = {
    name: i
    for i, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
         ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
         ("december", "dec")],
        start=1,
    )
    for name in names
}
_MONTH = r"(?:" + "|".join(sorted(_MONTH_NAMES, key=len, reverse=True)) + r")\.?"
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
            "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty-five": 45,
            "sixty": 60, "ninety": 90}
_COUNT = r"(?P<count>\d{1,3}|" + "|".join(sorted(_NUMBERS, key=len, reverse=True)) + r")"
_CUE = r"(?:no\s+later\s+than|not\s+later\s+than|at\s+the\s+latest\s+by|on\s+or\s+before|prior\s+to|before|by|until|till)"
_DATE = (
    r"(?P<date>\d{4}-\d{2}-\d{2}"
    r"|\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*(?:19|20)\d{2}"
    r"|" + _MONTH + r"\s+\d{1,2}(?:st|nd|rd|th)?(?:\s*,?\s*(?:19|20)\d{2})?"
    r"|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r"(?:\s*,?\s*(?:19|20)\d{2})?"
    r"|\d{1,2}/\d{1,2}(?![/\d]))"
)
# "before 4:00 p.m. on October 5, 2020": a time of day may stand between the cue and the date.
_CLOCK = r"(?:\d{1,2}\s*[:h.]\s*\d{2}\s*(?:a\.?\s?m\.?|p\.?\s?m\.?|hrs?|hours)?|\d{1,2}\s*(?:a\.?\s?m\.?|p\.?\s?m\.?))\s*,?\s+(?:on\s+)?"
_ABSOLUTE = re.compile(
    r"\b" + _CUE + r"\s+(?:" + _CLOCK + r")?(?:the\s+)?(?:date\s+of\s+)?" + _DATE + r"(?![\w/])(?:\s*,?\s+at\s+the\s+latest\b)?", re.I
)
# "the execution time: from 00:00, 16/4/2020 until new direction of the Provincial People's
# Committee": a period of application; it ends on its end date, or on a new order (no date).
_PERIOD = re.compile(
    r"\b(?:from|after)\s+(?:" + _CLOCK + r")?(?:the\s+)?" + _DATE.replace("?P<date>", "?P<start>") + r"\s*,?\s+(?:until|till|to)\s+(?:"
    r"(?:" + _CLOCK + r")?(?:the\s+)?" + _DATE.replace("?P<date>", "?P<end>") + r"(?![\w/])"
    r"|(?:a\s+|the\s+)?(?:new|further|other)\s+(?:directions?|notices?|instructions?|decisions?)(?:\s+(?:of|from)\s+the\s+[A-Z][^.;,\n]*)?"
    # "after July 31, 2021 until the social distancing period is over"
    r"|the\s+[a-z][^.;,()\n]{0,60}?\s+(?:is|are|has\s+been|have\s+been)\s+(?:over|lifted|ended|finished))",
    re.I,
)
_END_OF = re.compile(
    r"\b(?:from\s+now\s+(?:to|until|till)|by|before|until|no\s+later\s+than)\s+the\s+end\s+of\s+(?P<what>(?:" + _MONTH + r"(?:\s*,?\s*(?:19|20)\d{2})?)"
    r"|(?:19|20)\d{2}|the\s+year|this\s+year)\b",
    re.I,
)
# "by October 2020": a month, not a day: words only.
_MONTH_YEAR = re.compile(r"\b(?:by|before|until|no\s+later\s+than|within)\s+" + _MONTH + r"\s*,?\s*(?:19|20)\d{2}\b", re.I)
# "in the first quarter of 2018": a time window, no fixed day.
_QUARTER = re.compile(
    r"\b(?:in|during|by|before|within|until)\s+the\s+(?:first|second|third|fourth|last)\s+(?:quarter|half|six\s+months)\s+of\s+(?:19|20)\d{2}\b",
    re.I,
)
_YEAR_ONLY = re.compile(r"\b(?:by|until|before)\s+(?:the\s+year\s+)?(?P<year>(?:19|20)\d{2})\b(?![/\d-])", re.I)
_WITHIN = re.compile(
    r"\bwithin\s+(?:the\s+)?(?:next\s+)?" + _COUNT + r"\s+(?P<working>working\s+)?(?P<unit>days?|months?|hours?|weeks?)\b"
    # "people coming back from Da Nang within 14 days (since 12/7/2020)": a look back, no deadline
    r"(?!\s*\(?\s*(?:since|before\s+(?:arriving|entering|returning)|prior\s+to\s+(?:arriving|entering|returning))\b)"
    r"(?P<anchor>\s+(?:from|after|since|of)\s+(?:the\s+)?(?:date\s+of\s+)?(?:the\s+)?"
    r"(?P<what>signing|signature|issuance|issue|promulgation|receipt|receiving|date\s+of\s+signing)(?:\s+date)?"
    r"(?:\s+(?:of\s+)?(?:this|the)\s+(?:(?:official\s+)?(?:letter|telegram|dispatch)|decision|directive|plan|document|notice|"
    r"resolution|regulation|report))?)?",
    re.I,
)
_RECURRING = re.compile(
    r"\b(?:before|by|on|no\s+later\s+than)\s+the\s+\d{1,2}(?:st|nd|rd|th)?\s+(?:day\s+)?(?:of\s+)?(?:every|each|the\s+following|the\s+next)\s+(?:month|quarter|year)"
    # "on a monthly basis before the 25th": a day of the month, no month named
    r"|\b(?:before|by|no\s+later\s+than)\s+the\s+\d{1,2}(?:st|nd|rd|th)\b(?!\s+(?:day\s+)?(?:of\s+)?[A-Za-z])"
    r"|\b(?:every|each)\s+(?:\d+\s+|two\s+|three\s+|six\s+)?(?:days?|weeks?|months?|quarters?|years?)\b"
    r"|\b(?:every|each)\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
    r"|\bon\s+an?\s+(?:daily|weekly|monthly|quarterly|annual|yearly|regular|periodic)\s+basis\b"
    r"|\b(?:at\s+least\s+)?(?:once|twice)\s+(?:a|per|every)\s+(?:day|week|month|quarter|year)\b"
    r"|(?<![\w-])(?:(?:6|six)-monthly|daily|weekly|monthly|quarterly|annually|yearly|semi-annually|biannually|half-yearly|periodically|regularly)\b"
    # "daily life", "monthly allowance": an adjective of a thing, not a time
    r"(?!\s+(?:life|lives|living|needs|activities|routines?|allowances?|salar(?:y|ies)|incomes?|wages?|meals?|consumption))",
    re.I,
)
# "Completion time: Quarter II/2021", "Deadline: 30/6/2021": a task table's time column, its value verbatim
# (a date in it still gives due_on through the date forms inside).
_LABEL = re.compile(
    r"\b(?:completion\s+time|time\s+(?:limit|for\s+completion)|deadline|implementation\s+time|time\s+of\s+completion)\s*:\s*"
    r"(?P<value>[^.;\n]{2,60}?)(?=\s*(?:[.;\n]|$))",
    re.I,
)
# "As from the 1st of January, 1995, the Ministry ... shall assume ...": an open-ended start,
# words only (no end, so no day the task is due).
_START = re.compile(
    r"\b(?:as|starting|effective|with\s+effect)\s+from\s+(?:the\s+)?" + _DATE + r"(?![\w/])(?!\s*,?\s+(?:until|till|to)\s)", re.I
)
_FORMS = (("label", _LABEL), ("start", _START), ("period", _PERIOD), ("recurring", _RECURRING), ("end_of", _END_OF), ("absolute", _ABSOLUTE), ("within", _WITHIN), ("month", _MONTH_YEAR), ("quarter", _QUARTER), ("year", _YEAR_ONLY))


@dataclass(frozen=True)
class Deadline:
    start: int
    end: int
    text: str
    due_on: date | None


def deadlines(text: str, issued_on: date | None, year: int | None) -> list[Deadline]:
    """Every time phrase of `text`, in order (overlaps: the earliest, then the longest)."""
    found: list[Deadline] = []
    for kind, pattern in _FORMS:
        for match in pattern.finditer(text):
            span = match.span("value") if kind == "label" else match.span()  # a label's value, without the label
            found.append(Deadline(span[0], span[1], text[span[0] : span[1]], _due(kind, match, issued_on, year)))
    found.sort(key=lambda d: (d.start, -(d.end - d.start)))
    kept: list[Deadline] = []
    for item in found:
        if not kept or item.start >= kept[-1].end:
            kept.append(item)
    return kept


def due(text: str, issued_on: date | None, year: int | None) -> tuple[date | None, str | None]:
    """(due_on, due_text) of one directive."""
    found = deadlines(text, issued_on, year)
    if not found:
        return None, None
    # Phrases side by side ("periodically every 6 months") are one phrase, verbatim; a date
    # beside a recurring word ("before December 10 annually") recurs: no fixed day.
    spans: list[list[int]] = []
    groups: list[list[Deadline]] = []
    for item in found:
        if spans and not text[spans[-1][1] : item.start].strip():
            spans[-1][1] = item.end
            groups[-1].append(item)
        else:
            spans.append([item.start, item.end])
            groups.append([item])
    fixed = [d.due_on for group in groups if not any(_RECURRING.fullmatch(g.text) for g in group) for d in group if d.due_on]
    return (fixed[0] if fixed else None), "; ".join(text[start:end] for start, end in spans)


def _due(kind: str, match: re.Match[str], issued_on: date | None, year: int | None) -> date | None:
    if kind == "absolute":
        return _date(match.group("date"), year)
    if kind == "label":
        value = match.group("value")
        inner = [d for d in deadlines(value, issued_on, year) if d.due_on]
        if not inner and re.match(r"\d|[A-Z][a-z]+\s+\d", value):  # "30/6/2021" alone is "by 30/6/2021"
            inner = [d for d in deadlines("by " + value, issued_on, year) if d.due_on]
        return inner[0].due_on if inner else None
    if kind == "period":
        return _date(match.group("end"), year) if match.group("end") else None
    if kind == "end_of":
        return _end_of(match.group("what"), year)
    if kind == "within":
        return _within(match, issued_on)
    return None


def _date(text: str, year: int | None) -> date | None:
    full = find_dates(text)
    if full:
        return full[0].value
    if year is None:
        return None
    numeric = re.fullmatch(r"(\d{1,2})/(\d{1,2})", text.strip())
    if numeric:
        day, month = int(numeric.group(1)), int(numeric.group(2))
    else:
        words = re.findall(r"[A-Za-z]+|\d+", text)
        month = next((_MONTH_NAMES[w.lower()] for w in words if w.lower() in _MONTH_NAMES), None)
        digits = [int(w) for w in words if w.isdigit()]
        if month is None or not digits:
            return None
        day = digits[0]
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _end_of(what: str, year: int | None) -> date | None:
    words = what.lower()
    if re.fullmatch(r"(?:19|20)\d{2}", words):
        return date(int(words), 12, 31)
    if words in ("the year", "this year"):
        return date(year, 12, 31) if year else None
    years = re.findall(r"(?:19|20)\d{2}", words)
    the_year = int(years[0]) if years else year
    month = _MONTH_NAMES.get(re.match(r"[a-z]+", words).group(0))
    if the_year is None or month is None:
        return None
    return date(the_year, month, calendar.monthrange(the_year, month)[1])


def _within(match: re.Match[str], issued_on: date | None) -> date | None:
    what = (match.group("what") or "").lower()
    if issued_on is None or match.group("working") or not what or what.startswith("receip") or what == "receiving":
        return None  # counted from an event we do not know, or in working days (holidays)
    raw = match.group("count").lower()
    count = int(raw) if raw.isdigit() else _NUMBERS[raw]
    unit = match.group("unit").lower()
    if unit.startswith("day"):
        return issued_on + timedelta(days=count)
    if unit.startswith("week"):
        return issued_on + timedelta(weeks=count)
    if unit.startswith("month"):
        month = issued_on.month - 1 + count
        y, m = issued_on.year + month // 12, month % 12 + 1
        return date(y, m, min(issued_on.day, calendar.monthrange(y, m)[1]))
    return None  # hours from signing: a date would be a guess about the clock

"""Dates and times as the portal writes them, to ISO values in Asia/Ho_Chi_Minh.

- `Published on 09 - 10 - 2020`, `dated 12/8/2020`: numerals are day first.
- `(13/10/2020 4:58 CH)`: SA (sáng) is a.m., CH (chiều) is p.m.; `12:05 CH` is
  noon, `12:40 SA` is 00:40.
- `October 9, 2020`, `9 October 2020`, `Oct. 9, 2020`.
- `<time datetime="2020-10-09T08:12:00+07:00">`: converted to +07:00.
The portal's zone has no daylight saving, so a fixed +07:00 offset is exact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone

PORTAL_TZ = timezone(timedelta(hours=7))

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"

_NUMERIC = re.compile(r"(?<![\d/.-])(?P<day>\d{1,2})\s*(?P<sep>[/.-])\s*(?P<month>\d{1,2})\s*(?P=sep)\s*" + _YEAR + r"(?!\d)")
_ISO = re.compile(r"(?<!\d)" + _YEAR + r"-(?P<month>\d{2})-(?P<day>\d{2})(?!\d)")
# (also "October 29 of 2018", a translation's "ngày 29 tháng 10 năm 2018")
_MONTH_FIRST = re.compile(r"\b" + _MONTH + r"\s+" + _DAY + r"\s*(?:,|\s+of)?\s*" + _YEAR + r"\b", re.I)
_DAY_FIRST = re.compile(r"\b" + _DAY + r"\s+(?:of\s+)?" + _MONTH + r"\s*,?\s*" + _YEAR + r"\b", re.I)
# "day 05 month 02 year 2008": the Vietnamese "ngày 05 tháng 02 năm 2008" translated word for word.
_DAY_MONTH_YEAR_WORDS = re.compile(r"\bday\s+(?P<day>\d{1,2})\s+month\s+(?P<month>\d{1,2})\s+year\s+" + _YEAR + r"\b", re.I)
_PATTERNS = (_ISO, _NUMERIC, _MONTH_FIRST, _DAY_FIRST, _DAY_MONTH_YEAR_WORDS)
# "5/27/2019": a numeric date that cannot be day first (27 is no month) is month first.
_NUMERIC_MONTH_FIRST = re.compile(
    r"(?<![\d/.-])(?P<month>\d{1,2})\s*(?P<sep>[/.-])\s*(?P<day>\d{1,2})\s*(?P=sep)\s*" + _YEAR + r"(?!\d)"
)
# "dated April 16", "On July 27,": the year left out (the article's own year is meant).
_YEARLESS = re.compile(
    r"(?:\b" + _MONTH + r"\s+" + _DAY + r"|\b" + _DAY.replace("day", "day2") + r"\s+(?:of\s+)?"
    + _MONTH.replace("month", "month2") + r")\b(?!\s*(?:,|\s+of)?\s*(?:19|20)\d{2})(?!\s*[:h]\d)",
    re.I,
)

_TIME = re.compile(
    r"(?<!\d)(?P<hour>\d{1,2})\s*[:h]\s*(?P<minute>\d{2})(?::(?P<second>\d{2}))?"
    r"(?:\s*(?P<mark>SA|CH|AM|PM|a\.\s?m\.?|p\.\s?m\.?))?(?![\w])",
    re.I,
)
_ISO_DATETIME = re.compile(
    r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?\s*$",
    re.I,
)


@dataclass(frozen=True)
class FoundDate:
    start: int
    end: int
    value: date


def find_dates(text: str) -> list[FoundDate]:
    """Every valid calendar date in text, in order of position."""
    found: list[FoundDate] = []
    taken: list[tuple[int, int]] = []
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            value = _make_date(match)
            if value is not None:
                found.append(FoundDate(match.start(), match.end(), value))
                taken.append((match.start(), match.end()))
    for match in _NUMERIC_MONTH_FIRST.finditer(text):
        if any(match.start() < end and start < match.end() for start, end in taken):
            continue
        if int(match.group("day")) > 12 >= int(match.group("month")):
            value = _make_date(match)
            if value is not None:
                found.append(FoundDate(match.start(), match.end(), value))
                taken.append((match.start(), match.end()))
    found.sort(key=lambda item: item.start)
    return found


@dataclass(frozen=True)
class MonthDay:
    """A date written without its year ("April 16")."""

    start: int
    end: int
    month: int
    day: int

    def in_year_of(self, reference: date) -> date | None:
        """The date on or before reference (the article's publication) with this month and day."""
        for year in (reference.year, reference.year - 1):
            try:
                value = date(year, self.month, self.day)
            except ValueError:
                return None
            if value <= reference:
                return value
        return None


def find_month_days(text: str) -> list[MonthDay]:
    """Dates written without a year, not part of a full date."""
    full = find_dates(text)
    out = []
    for match in _YEARLESS.finditer(text):
        if any(match.start() < f.end and f.start < match.end() for f in full):
            continue
        month_text = match.group("month") or match.group("month2")
        month = _MONTHS.get(month_text.lower().rstrip("."))
        day = int(match.group("day") or match.group("day2"))
        if month and 1 <= day <= 31:
            out.append(MonthDay(match.start(), match.end(), month, day))
    return out


def parse_date(text: str | None) -> date | None:
    """The first date in text, or None."""
    if not text:
        return None
    dates = find_dates(text)
    return dates[0].value if dates else None


def parse_stamp(text: str | None) -> datetime | None:
    """A date followed by a time (`13/10/2020 4:58 CH`) as an aware +07:00 datetime."""
    if not text:
        return None
    dates = find_dates(text)
    if not dates:
        return None
    first = dates[0]
    match = _TIME.search(text, first.end)
    if match is not None and match.start() - first.end <= 12:
        return _combine(first.value, match)
    # "08:12 09/10/2020": the time may come first
    before = [m for m in _TIME.finditer(text, max(0, first.start - 24), first.start) if first.start - m.end() <= 12]
    return _combine(first.value, before[-1]) if before else None


def parse_time_on(day: date, text: str) -> datetime | None:
    match = _TIME.search(text)
    return _combine(day, match) if match else None


def parse_iso_datetime(value: str | None) -> tuple[date | None, datetime | None]:
    """`2020-10-09T08:12:00+07:00` (or Z, or naive portal time) -> (date, datetime in +07:00).

    A bare date gives (date, None): the page did not say the time.
    """
    if not value:
        return None, None
    match = _ISO_DATETIME.match(value)
    if not match:
        return None, None
    year, month, day, hour, minute, second, zone = match.groups()
    try:
        day_value = date(int(year), int(month), int(day))
        if hour is None:
            return day_value, None
        moment = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0))
    except ValueError:
        return None, None
    if zone:
        if zone.upper() == "Z":
            offset = UTC
        else:
            sign = -1 if zone[0] == "-" else 1
            digits = zone[1:].replace(":", "")
            try:
                offset = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
            except ValueError:
                return day_value, None
        moment = moment.replace(tzinfo=offset).astimezone(PORTAL_TZ)
    else:
        moment = moment.replace(tzinfo=PORTAL_TZ)
    return moment.date(), moment


def parse_instant(value: str | datetime | None) -> datetime | None:
    """A stored stamp (landing area, warehouse, list entry) as an aware datetime, or None.

    The one reader of ISO 8601 stamps in the project: a stamp without an offset is
    portal time (+07:00), as the portal means it, never UTC."""
    if value is None:
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value).strip())
        except ValueError:
            return None
    return moment if moment.tzinfo else moment.replace(tzinfo=PORTAL_TZ)


def iso_date(value: date | None) -> str | None:
    return value.isoformat() if value else None


def iso_datetime(value: datetime | None) -> str | None:
    return value.astimezone(PORTAL_TZ).isoformat() if value else None


def _make_date(match: re.Match[str]) -> date | None:
    month_text = match.group("month")
    month = int(month_text) if month_text.isdigit() else _MONTHS.get(month_text.lower().rstrip("."))
    try:
        return date(int(match.group("year")), month or 0, int(match.group("day")))
    except ValueError:
        return None


def _combine(day: date, match: re.Match[str]) -> datetime | None:
    hour, minute = int(match.group("hour")), int(match.group("minute"))
    mark = (match.group("mark") or "").lower().replace(" ", "").replace(".", "")
    if mark in ("ch", "pm") and hour < 12:
        hour += 12
    elif mark in ("sa", "am") and hour == 12:
        hour = 0
    try:
        return datetime(day.year, day.month, day.day, hour, minute, int(match.group("second") or 0), tzinfo=PORTAL_TZ)
    except ValueError:
        return None

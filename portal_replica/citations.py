"""Document numbers and dates as the portal types them, and their canonical forms.

The portal types numbers with stray spaces and Vietnamese letters (`22/2020 / QD-UBND`,
`05 / CĐ-UBND`); the truth file carries the canonical form CONTRACT.md defines, so
both are produced here from the same parts.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from portal_replica import templates

_SPACED_SEPARATOR = re.compile(r"\s*([/-])\s*")


def canonical_number(raw: str) -> str:
    """CONTRACT rule: spaces around / and - removed, Vietnamese letters folded, case kept."""
    text = _SPACED_SEPARATOR.sub(r"\1", raw.strip())
    text = text.replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def long_date(day: date) -> str:
    return f"{templates.MONTHS[day.month - 1]} {day.day}, {day.year}"


def numeric_date(day: date, rng: random.Random) -> str:
    """Day-first numerals, zero-padded or not, as the portal mixes both."""
    if rng.random() < 0.5:
        return f"{day.day}/{day.month}/{day.year}"
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def _slash(rng: random.Random) -> str:
    return rng.choice([" / ", " / ", "/", "/ ", " /"])


def _dash(rng: random.Random) -> str:
    return "-" if rng.random() < 0.93 else " - "


def _legislature(year: int) -> int:
    # The 13th National Assembly sat 2011-2016, the 14th 2016-2021, the 15th from 2021.
    return 13 if year <= 2015 else 14 if year <= 2020 else 15


def _serial(rng: random.Random, top: int) -> str:
    serial = str(rng.randint(1, top))
    # A few numbers carry a letter suffix, like Resolution 30c/NQ-CP.
    return serial + rng.choice("abc") if rng.random() < 0.04 else serial


def raw_number(rng: random.Random, shape: str, code: str, issuer: str, year: int) -> str:
    """A number in one of the portal README's shapes, typed with the portal's spacing."""
    if shape == "letter":
        unit = rng.choice(templates.LETTER_UNITS)
        return f"{rng.randint(100, 3600)}{_slash(rng)}{issuer}{_dash(rng)}{unit}"
    if shape == "plain":
        return f"{_serial(rng, 400)}{_slash(rng)}{code}{_dash(rng)}{issuer}"
    if shape == "normative":
        return f"{rng.randint(1, 160)}/{year}{_slash(rng)}{code}{_dash(rng)}{issuer}"
    if shape == "party":
        return f"{rng.randint(1, 60)}{_dash(rng)}{code}{_slash(rng)}{issuer}"
    if shape == "law":
        return f"{rng.randint(1, 210)}/{year}/QH{_legislature(year)}"
    raise ValueError(f"unknown number shape {shape!r}")


@dataclass(frozen=True)
class Reference:
    """A cited document: how the text mentions it, and what the truth says of it."""

    doc_type: str
    mention: str
    number: str
    issued_on: date | None

    def truth(self) -> dict:
        return {
            "number": self.number,
            "type": self.doc_type,
            "issued_on": self.issued_on.isoformat() if self.issued_on else None,
        }


def make_reference(rng: random.Random, before: date) -> Reference:
    """A citation of an older document, with or without its date."""
    doc_type, shape, code, issuer, issuer_phrase = rng.choice(templates.REFERENCE_KINDS)
    issued = before - timedelta(days=rng.randint(20, 2400))
    if shape == "law":
        issued = min(issued, date(issued.year, 6, 30))
    number = raw_number(rng, shape, code, issuer, issued.year)
    word = rng.choice(templates.TYPE_WORDS[doc_type])
    with_date = rng.random() < 0.55
    if with_date:
        dated = rng.choice(
            [
                f" dated {numeric_date(issued, rng)}",
                f" dated {long_date(issued)}",
                f" of {long_date(issued)}",
            ]
        )
    else:
        dated = ""
    # "Resolution 128 / NQ-CP" without "No." is how titles and hurried texts cite.
    no = "No. " if rng.random() < 0.85 else ""
    tail = f" {issuer_phrase}" if rng.random() < 0.6 else ""
    mention = f"{word} {no}{number}{dated}{tail}"
    return Reference(doc_type, mention, canonical_number(number), issued if with_date else None)

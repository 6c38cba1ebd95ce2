"""Document types from the English words the portal's translators use."""

from __future__ import annotations

import re

# Longest phrases first so "Official Telegram" wins over "Telegram".
_WORDS = {
    "official telegram": "Official Telegram",
    "official telegraph": "Official Telegram",
    "urgent telegram": "Official Telegram",
    "telegram": "Official Telegram",
    "telegraph": "Official Telegram",
    "express dispatch": "Official Letter",
    "urgent dispatch": "Official Letter",
    "official dispatch": "Official Letter",
    "official letter": "Official Letter",
    "official document": "Official Letter",
    "dispatch": "Official Letter",
    "letter": "Official Letter",
    "document": None,  # says nothing about the type: the number's code decides
    "decision": "Decision",
    "directive": "Directive",
    "plan": "Plan",
    "joint resolution": "Resolution",
    "resolution": "Resolution",
    "decree": "Decree",
    "joint circular": "Circular",
    "circular": "Circular",
    "notice": "Notice",
    "notification": "Notice",
    "announcement": "Notice",
    "report": "Report",
    "conclusion": "Conclusion",
    "law": "Law",
    "regulation": "Regulation",
    "regulations": "Regulation",
}
TYPES = frozenset(v for v in _WORDS.values() if v)
TYPE_WORDS = "|".join(sorted((re.escape(w).replace(r"\ ", r"\s+") for w in _WORDS), key=len, reverse=True))
# A type phrase right before a number: "Official Letter No. ", "the Government's Resolution ",
# "a Plan (No. ".
TYPE_BEFORE_NUMBER = re.compile(
    rf"\b(?P<word>{TYPE_WORDS})s?\s*(?:\(\s*(?=No|Number))?(?:(?:No|Nos|Number|Num|N°|Nº|numbered|coded)\s*\.?\s*:?\s*)?$",
    re.I,
)
NO_BEFORE_NUMBER = re.compile(r"\b(?:No|Number|Nos|N°|Nº|S[ốo])\s*\.?\s*:?\s*$", re.I)


# Words translators use loosely: "Official Dispatch No. 88/CD-TTg" is a công điện
# (telegram), "Document No. 3506/UBND-NC" a công văn. When the number carries a
# type code, the code says what the document is; these words only say "a document".
_LOOSE = {"official dispatch", "dispatch", "express dispatch", "urgent dispatch", "document", "official document"}


def resolve(word: str | None, code_type: str | None) -> str | None:
    """The type of a mention: its word, unless the word is a loose one and the number's code says more."""
    word_type = type_from_word(word)
    if word and re.sub(r"\s+", " ", word.strip().lower()) in _LOOSE and code_type:
        return code_type
    return word_type or code_type


def type_from_word(word: str | None) -> str | None:
    if not word:
        return None
    return _WORDS.get(re.sub(r"\s+", " ", word.strip().lower()))

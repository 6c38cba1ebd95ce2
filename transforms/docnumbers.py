"""Vietnamese official document numbers: find, canonicalise, and read their codes.

Shapes (portal README), typed with stray spaces and Vietnamese letters:
  N/ISSUER-UNIT        2718 / UBND-NC         official letter (công văn: no type code)
  N/TYPE-ISSUER        05 / CĐ-UBND, 30c/NQ-CP
  N/YYYY/TYPE-ISSUER   22/2020 / QD-UBND      normative documents
  N-TYPE/ISSUER        18-NQ / TW             Party documents
  N/YYYY/QHnn          202/2025/QH15          National Assembly
Canonical form: no spaces around / and -, Vietnamese letters folded to ASCII,
case kept (TTg stays TTg).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import fold_ascii

# Upper-case letters a code may contain: ASCII plus every Latin-extended capital
# (Đ, Ơ, Ư, and accented ones a typist may leave in).
_UPPER = "A-Z" + "".join(c for c in map(chr, range(0xC0, 0x1F00)) if c.isupper() and c.isalpha())
_LOWER_TAIL = "a-zđ"
# A code segment: a capital then capitals/digits, optionally one trailing lower
# case letter (TTg). The second character must not be lower case so that ordinary
# words ("No. 12/UBND - To strengthen") never extend a number.
_CODE = (
    rf"[{_UPPER}][{_UPPER}0-9]+[{_LOWER_TAIL}]?(?![\w])|[{_UPPER}](?![\w])"
    # A legal database's attribute box glues the next label on: "70/NQ-CPSigner:",
    # "1059/QD-TTgSigner:". A code followed by a capitalised word is still a code.
    rf"|[{_UPPER}][{_UPPER}0-9]*?[{_LOWER_TAIL}]?(?=[A-Z][a-z]{{3,}})"
)
_NUM = r"\d{1,5}[a-zđ]?"
_SLASH = r"[ \t\u00a0]{0,3}/[ \t\u00a0]{0,3}"
_DASH = r"[ \t\u00a0]{0,3}[-\u2010-\u2013][ \t\u00a0]{0,3}"
_YEAR = r"(?:19|20)\d{2}"

# "No.1234/UBND-KT": real text often leaves out the space after "No.", so a dot is
# allowed right before the digits when it ends "No."/"Nos."; any other dot is part
# of something else ("2.1/..." or a URL).
_BEFORE = r"(?<![\w/\-])(?:(?<!\.)|(?<=No\.)|(?<=no\.)|(?<=NO\.)|(?<=Nos\.))"
# Issuer codes of the numbering before 1997, written after one dash with no slash.
_OLD_ISSUERS = r"(?:TTg|TTG|CP|HĐBT|HDBT)"
# Codes are joined by dashes, or by a dot in some newspapers' typing ("10/CD.UBND").
_JOIN = rf"(?:{_DASH}|\.(?=[{_UPPER}]))"

NUMBER_RE = re.compile(
    rf"{_BEFORE}(?:"
    # N-TYPE/ISSUER (Party)
    rf"(?P<party>{_NUM}{_DASH}(?:{_CODE})(?:{_SLASH}(?:{_CODE}))+(?:{_DASH}(?:{_CODE}))*)"
    # N/YYYY/TYPE-ISSUER; the year may follow a dash ("19-2016/NQ-CP") and codes a
    # slash ("29/2014/TT/BTNMT")
    rf"|(?P<state>{_NUM}(?:(?:{_SLASH}|{_DASH}){_YEAR})?{_SLASH}(?:{_CODE})(?:(?:{_JOIN}|/(?=[{_UPPER}]{{2}}))(?:{_CODE}))*"
    # a body's abbreviation joined with "&" after a space: "04/CD-BCH PCLB&TKCN"
    rf"(?:[ \u00a0][{_UPPER}]{{2,}}&[{_UPPER}]{{2,}}(?![\w&]))?)"
    # N-ISSUER, the numbering before 1997 ("654-TTg", "15-CP", "137-HĐBT"): only the
    # issuer codes of that era, so "COVID-19"-like words and "2020-2025" stay text
    rf"|(?P<old>{_NUM}{_DASH}{_OLD_ISSUERS}(?![\w/\-]))"
    rf")"
)

# Type codes as they appear in numbers (after folding).
TYPE_CODES = {
    "QD": "Decision",
    "CT": "Directive",
    "KH": "Plan",
    "NQ": "Resolution",
    "CD": "Official Telegram",
    "TB": "Notice",
    "BC": "Report",
    "ND": "Decree",
    "TT": "Circular",
    "TTLT": "Circular",
    "KL": "Conclusion",
    "QC": "Regulation",
    "QDI": "Regulation",  # Party regulations: 08-QĐi/TW
    "L": "Law",
    "CV": "Official Letter",
    "TTR": "Report",  # tờ trình, a ministry's report asking for a decision: 669/TTr-BKHDT
}
# Issuer codes the contract lets us read when the text names no issuer.
ISSUER_CODES = {
    "TTg": "Prime Minister",
    "TTG": "Prime Minister",  # the same code typed in capitals ("260/TTG")
    "HDBT": "Council of Ministers",
    "CP": "Government",
    "UBND": "People's Committee",
    "HDND": "People's Council",
    "TW": "Party Central Committee",
    "QH": "National Assembly",
    "VPCP": "Government Office",
}


@dataclass(frozen=True)
class DocNumber:
    raw: str
    start: int
    end: int
    canonical: str
    code_type: str | None  # document type the number's codes imply
    code_issuer: str | None  # issuer the number's codes imply


def canonical(raw: str) -> str:
    text = fold_ascii(raw)
    text = re.sub(r"[\u2010-\u2013]", "-", text)
    text = re.sub(r"\s+(?=[A-Z]{2,}&)", "\x00", text)  # "CD-BCH PCLB&TKCN": the space between bodies stays
    return re.sub(r"\s+", "", text).replace("\x00", " ")


def find_numbers(text: str) -> list[DocNumber]:
    return [_make(match) for match in NUMBER_RE.finditer(text)]


def parse_number(raw: str) -> DocNumber | None:
    """Parse one number on its own (`05 / CĐ-UBND`)."""
    match = NUMBER_RE.search(raw)
    return _make(match) if match else None


def _make(match: re.Match[str]) -> DocNumber:
    raw = match.group(0)
    number = canonical(raw)
    code_type, code_issuer = read_codes(number)
    return DocNumber(raw, match.start(), match.end(), number, code_type, code_issuer)


def read_codes(number: str) -> tuple[str | None, str | None]:
    """(type, issuer) implied by a canonical number's codes."""
    old = re.fullmatch(r"\d+[a-z]?-(TTg|TTG|CP|HDBT)", number)
    if old:  # N-ISSUER (before 1997): the code names the issuer only
        return None, _issuer(old.group(1))
    if re.match(r"^\d+[a-z]?-", number):  # N-TYPE/ISSUER
        head, _, rest = number.partition("/")
        type_code = head.split("-", 1)[1]
        issuer_code = rest.split("-")[0]
        return TYPE_CODES.get(type_code.upper()), _issuer(issuer_code)
    parts = [p for p in number.split("/")[1:] if not re.fullmatch(_YEAR, p)]
    if not parts:
        return None, None
    codes = re.split(r"[-.]", parts[-1])
    first = codes[0]
    if re.fullmatch(r"QH\d*", first):
        return "Law", "National Assembly"
    if first.upper() in TYPE_CODES:
        return TYPE_CODES[first.upper()], _issuer(codes[1]) if len(codes) > 1 else None
    # N/ISSUER-UNIT: an official letter carries no type code at all.
    if len(codes) >= 2 and len(parts) == 1:
        return "Official Letter", _issuer(first)
    return None, _issuer(first)


def _issuer(code: str) -> str | None:
    if code in ISSUER_CODES:
        return ISSUER_CODES[code]
    if re.fullmatch(r"QH\d*", code):
        return "National Assembly"
    return None

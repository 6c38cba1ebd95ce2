"""Bytes of any charset into text lxml accepts.

The portal's older pages are windows-1252 (declared or not), newer ones UTF-8;
fuzzed or truncated input may be neither. Decoding never fails: the worst case is
replacement characters and a warning.
"""

from __future__ import annotations

import codecs
import re

_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]{1,40})""", re.I)
# lxml refuses NUL and most C0 controls; lone surrogates cannot be encoded.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
# WHATWG: browsers decode latin-1/ascii declarations as windows-1252.
_AS_CP1252 = {"latin_1", "iso8859-1", "ascii", "cp1252", "iso8859_1"}


def declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    if not match:
        return None
    try:
        return codecs.lookup(match.group(1).decode("ascii", "replace")).name
    except LookupError:
        return match.group(1).decode("ascii", "replace")


def decode_html(data: bytes | bytearray | memoryview | str | None) -> tuple[str, list[str]]:
    """Return (text, warnings)."""
    warnings: list[str] = []
    if data is None:
        return "", ["empty page"]
    if isinstance(data, str):
        text = data
    else:
        raw = bytes(data)
        text = _decode_bytes(raw, warnings)
    return _ILLEGAL.sub("", text), warnings


def _decode_bytes(raw: bytes, warnings: list[str]) -> str:
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if raw.startswith(bom):
            return raw[len(bom):].decode(codec, "replace")
    declared = declared_charset(raw)
    as_utf8 = _mostly_utf8(raw)
    if declared in (None, "utf-8") and as_utf8 is not None:
        return as_utf8
    if declared not in (None, "utf-8"):
        # Valid multi-byte UTF-8 almost never happens by accident in a legacy
        # charset, so a page that says windows-1252 but is UTF-8 was mislabelled.
        if as_utf8 is not None and not raw.isascii():
            warnings.append(f"page declares {_label(declared)} but is UTF-8; decoded as UTF-8")
            return as_utf8
        codec = "cp1252" if declared in _AS_CP1252 else declared
        try:
            return raw.decode(codec, "replace")
        except (LookupError, ValueError):
            warnings.append(f"unknown charset {declared!r}; decoded as windows-1252")
            return raw.decode("cp1252", "replace")
    warnings.append("page is not valid UTF-8; decoded as windows-1252")
    return raw.decode("cp1252", "replace")


def _label(codec: str) -> str:
    return {"cp1252": "windows-1252", "latin_1": "iso-8859-1"}.get(codec, codec)


def _mostly_utf8(raw: bytes) -> str | None:
    """The UTF-8 reading of raw, if it is UTF-8 apart from a few damaged bytes.

    A truncated or byte-flipped UTF-8 page has a handful of bad sequences among
    many good multi-byte ones; a windows-1252 page has (almost) no good ones.
    """
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = raw.decode("utf-8", "replace")
    bad = text.count("\ufffd")
    good = sum(1 for c in text if c > "\x7f") - bad
    return text if good > bad else None

"""Text clean-up shared by every module: one place decides what "the same text" means."""

from __future__ import annotations

import re
import unicodedata

# Typographic variants the portal's editors paste from Word; folding them keeps
# "People’s Committee" and "People's Committee" one value in the warehouse.
_TRANSLATE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00a0": " ",
        "\u2007": " ",
        "\u202f": " ",
        "\u2009": " ",
        "\u200a": " ",
        "\u3000": " ",
        "\u00ad": None,  # soft hyphen
        "\u200b": None,  # zero-width space / joiners
        "\u200c": None,
        "\u200d": None,
        "\ufeff": None,
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
    }
)
_SPACES = re.compile(r"\s+")
# kept only where it stands for a lost apostrophe: "People\ufffds", "don\ufffdt"
_LOOSE_FFFD = re.compile(r"(?<![A-Za-z])\ufffd|\ufffd(?!(?:s|t|d|m|ll|re|ve)\b)")


def clean(text: str | None) -> str:
    """NFC, straight quotes, no nbsp/zero-width characters, single spaces, stripped."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text).translate(_TRANSLATE)
    if "\ufffd" in text:
        # undecodable bytes: a lost apostrophe kept as the site sends it ("People\ufffds"), a
        # space elsewhere -- never let them glue two words or a number together
        text = _LOOSE_FFFD.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def fold_ascii(text: str) -> str:
    """Vietnamese letters to ASCII (Đ→D, Ơ→O, ...), everything else unchanged."""
    text = text.replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))

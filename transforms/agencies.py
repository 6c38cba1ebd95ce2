"""The agency registry (transforms/data/agencies.json) and name resolution against it.

Reading the registry is the one file read in transforms/: it is package data,
loaded once at import through importlib.resources, the same for every caller,
so parsing stays a pure function of the page.

`resolve(phrase)` finds every registry body a phrase names, in order (longest
alias first at each place: "Chairman of the Provincial People's Committee"
beats "Provincial People's Committee"); what is left that still looks like a
body ("the Provincial Steering Committee") is kept verbatim, as kind `other`.
Matching folds case and Vietnamese letters; abbreviations ("DOH") match with
their case, as whole words.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class Agency:
    id: str
    name: str
    kind: str
    level: str | None
    vi: str | None = None
    aliases: tuple[str, ...] = ()
    abbreviations: tuple[str, ...] = ()
    in_use_from: str | None = None
    in_use_until: str | None = None
    merged_into: str | None = None


def _fold_char(ch: str) -> str:
    if ch in "Đđ":
        return "d"
    if ch in "\u2018\u2019\u02bc\ufffd":  # U+FFFD: an apostrophe the site could not encode ("People\ufffds")
        return "'"
    base = unicodedata.normalize("NFD", ch)[0]
    return base.lower() if len(base.lower()) == 1 else ch


# One character for one, so positions in the folded text are positions in the original.
_FOLD = {code: _fold_char(chr(code)) for code in (*range(0x2100), 0xFFFD) if _fold_char(chr(code)) != chr(code)}


def fold(text: str) -> str:
    """Lower case, Vietnamese letters to ASCII, curly quotes straight: one character for one."""
    return text.translate(_FOLD)


# Words that name the same thing in the registry's longer names, so one alias covers
# "Chairmen/Chairpersons/Presidents of the People's Committees"; the first word of each
# class stands for it in keys. Number is kept: "Chairman of the Provincial People's
# Committee" is one body, "Chairpersons of provincial People's Committees" a group.
_WORD_CLASSES = (
    ("chairman", "chairperson", "chairwoman", "president"),
    ("chairmen", "chairpersons", "chairwomen", "presidents"),
    ("head", "leader"),
    ("heads", "leaders"),
    ("town", "township"),
    ("towns", "townships"),
    ("organization", "organisation"),
    ("organizations", "organisations"),
)
_CLASS_OF = {word: words[0] for words in _WORD_CLASSES for word in words}
_CLASS_PATTERN = {words[0]: "(?:" + "|".join(sorted(words, key=len, reverse=True)) + ")" for words in _WORD_CLASSES}
# Between the parts of an enumeration: "A, B and C", "A, B, C", "A - B - C", "A/B" are one list.
_LIST_SEP = r"(?:\s*[,;]\s*(?:and\s+)?|\s+and\s+|\s+[\u2013\u2014-]\s+|\s*/\s*)(?:the\s+)?"


@lru_cache(maxsize=8192)
def _key(text: str) -> str:
    """The form two spellings of one name share: folded, apostrophes and "of the" dropped,
    list separators one ", ", hyphens spaces, class words their class ("Chairwomen" -> "chairman")."""
    key = re.sub(r"\s+", " ", fold(unicodedata.normalize("NFC", text))).strip()
    key = key.replace("rsquo;", "'")  # "Peoplersquo;s": an entity that lost its "&"
    key = re.sub(r"(?<=\w) s\b", "s", key.replace("'", ""))  # "People s Committees": the apostrophe lost
    key = re.sub(r"\b(centrally|ministerial|provincial|district|commune|government)\s*[\u2013\u2014-]\s*", r"\1 ", key)  # "centrally – run"
    key = re.sub(_LIST_SEP, ", ", key)
    key = re.sub(r"(?<=\w)-(?=\w)", " ", key)
    key = re.sub(r"\bof (?:the )?(?:(?:affected|concerned|respective) )?", "of ", key)
    key = re.sub(r"\s+", " ", key).strip()
    key = re.sub(r"^the ", "", key)  # "the Government Office" starts at "Government", not at "the Government"
    if len(key.split()) >= 3:  # classes only inside longer names: "Ministers" alone stays itself
        key = re.sub(r"[a-z]+", lambda m: _CLASS_OF.get(m.group(0), m.group(0)), key)
    return key


def _alias_pattern(alias: str) -> str:
    """A regex (on folded text) matching every spelling whose _key is the alias's key."""
    key = _key(alias)
    classes = len(key.split()) >= 3
    out = []
    for token in re.findall(r", |of |\s|[a-z0-9]+|.", key):
        if token == ", ":
            out.append(_LIST_SEP)
        elif token == "of ":
            out.append(r"of\s+(?:the\s+)?(?:(?:affected|concerned|respective)\s+)?")
        elif token == " ":
            out.append(r"(?:\s+|\s*[-\u2013\u2014]\s*)")
        elif re.fullmatch(r"[a-z0-9]+", token):
            word = _CLASS_PATTERN.get(token, re.escape(token)) if classes else re.escape(token)
            if word.endswith("s") and len(word) > 2 and word.isalpha():  # "people's", "people s"
                word = word[:-1] + r"(?:'|\s|rsquo;)?s"
            out.append(word + "'?")
        else:
            out.append(re.escape(token))
    return "".join(out)


def _head_aliases(name: str) -> tuple[str, ...]:
    """A ministry is named by its minister and as "X Ministry" too ("the Minister of Health",
    "the Justice Ministry"),
    as a department by its director (that one needs no alias: the department's name is inside)."""
    unit = re.fullmatch(r"(?P<unit>.+?) of the (?P<body>Provincial .+)", name)
    if unit:  # "the Provincial Party Committee's Propaganda Board"
        return (f"{unit.group('body')}'s {unit.group('unit')}",)
    if name == "State Bank of Vietnam":  # headed by a Governor, as a ministry by its Minister
        return ("Governor of the State Bank of Vietnam", "Governor of the State Bank")
    if not name.startswith("Ministry of "):
        return ()
    field = name.removeprefix("Ministry of ")
    return ("Minister of " + field, field + " Ministry")  # "the Justice Ministry"


def _raw() -> dict:
    return json.loads(resources.files("transforms").joinpath("data/agencies.json").read_text(encoding="utf-8"))


def _load() -> list[Agency]:
    raw = _raw()
    return [
        Agency(
            id=a["id"], name=a["name"], kind=a["kind"], level=a.get("level"), vi=a.get("vi"),
            aliases=tuple(a.get("aliases") or ()) + tuple(g for n in (a["name"], *(a.get("aliases") or ())) for g in _head_aliases(n)),
            abbreviations=tuple(a.get("abbreviations") or ()),
            in_use_from=a.get("in_use_from"), in_use_until=a.get("in_use_until"), merged_into=a.get("merged_into"),
        )
        for a in raw["agencies"]
    ]


REGISTRY: tuple[Agency, ...] = tuple(_load())
BY_NAME: dict[str, Agency] = {a.name: a for a in REGISTRY}
_BY_KEY: dict[str, Agency] = {}
for _agency in REGISTRY:
    for _alias in (_agency.name, *(_agency.aliases), *((_agency.vi,) if _agency.vi else ())):
        _BY_KEY.setdefault(_key(_alias), _agency)
_BY_ABBREVIATION: dict[str, Agency] = {ab: a for a in REGISTRY for ab in a.abbreviations}


def _alternation(keys) -> str:
    return "|".join(re.escape(k).replace(r"\ ", r"\s+") for k in sorted(keys, key=len, reverse=True))


# "government-attached": a name glued to a hyphenated word is not that name
_NAMES = re.compile(r"(?<![\w-])(?:" + "|".join(_alias_pattern(k) for k in sorted(_BY_KEY, key=len, reverse=True)) + r")(?![\w]|-\w)")
_ABBREVIATIONS = re.compile(r"(?<![\w-])(?:" + _alternation(_BY_ABBREVIATION) + r")(?![\w-])")

# A leftover that still names a body: a capitalised phrase holding one of these nouns.
_BODY_NOUN = re.compile(
    r"\b(?:Committees?|Departments?|Sub-Departments?|Council|Board|Office|Ministry|Ministries|Agency|Agencies|Cent(?:er|re)s?|"
    r"Police|Command|Union|Association|Confederation|Federation|Bank|Inspectorate|Station|Company|Corporation|Fund|Authority|Branch|Front|"
    r"Party|Commission|Heads?|Directors?|Chairm[ae]n|Chairpersons?|Units?|Steering|Administration|Institutes?|Bureau|Division|"
    r"Academy|Court|Procuracy|Hospital|Newspaper|Television|Radio)\b"
)
_HEAD_WORDS = re.compile(r"\b(?:Heads?|Directors?|Chairm[ae]n|Chairpersons?|Leaders?|Leadership|of|the)\b|[\s,;]", re.I)
# A leftover is cut at ";" and where a named body or a new head starts ("Binh Thuan Online,
# Binh Thuan Radio", "..., directors of hospitals"); a lower-case enumeration of classes sharing one qualifier stays one group
# ("departments, committees and bodies of Ho Chi Minh City", "related organizations and individuals").
# An ellipsis ends an enumeration ("people's markets ... and the entire People").
_LEFTOVER_SPLIT = re.compile(
    r"(\s*;\s*|\s*(?:\.{3}|\u2026)\s*|\s*(?:,\s*(?:and\s+|or\s+)?|\band\b|\bor\b|\bas\s+well\s+as\b)\s*"
    r"(?=(?:the\s+)?[A-Z\u00C0-\u1EF9]|(?:directors|heads|chairm[ae]n|chairpersons|chiefs|leaders|managers)\b))"
)
# Lower-case classes of bodies ("the central agencies branched in the province").
_CLASS_NOUN = re.compile(r"\b(?:agencies|bodies|authorities|organi[sz]ations|departments|committees|units|branches|sectors|ministries)\b", re.I)

# Another province named with a provincial body makes it that province's, not the registry's.
_PLACE = "(?:" + "|".join(re.escape(fold(p)).replace(r"\ ", r"\s+") for p in sorted(_raw()["other_provinces"], key=len, reverse=True)) + ")"
_PLACE_BEFORE = re.compile(r"(?<![\w])" + _PLACE + r"(?:\s+(?:province|city)(?:'s)?)?(?:\s+provincial)?\s+$")
_BRANCH_OF_PLACE = re.compile(r"^\s*,?\s+" + _PLACE + r"(?:\s+provincial)?\s+branch\b")
_PLACE_AFTER = re.compile(r"^\s+(?:of|in)\s+(?:the\s+)?" + _PLACE + r"(?:\s+(?:province|city))?(?![\w])")
# "agencies affiliated to the Ministry of Health": the ministry qualifies, it is not told to act.
_QUALIFIER_BEFORE = re.compile(r"\b(?:affiliated|attached|belonging|subordinate)\s+to\s+(?:the\s+)?$|\b(?:directly\s+)?under\s+(?:the\s+)?$")
# "the Office of the Ministry of Health", "Inspectorate of the Department of Health": a unit of that
# body, verbatim (a person's title before it -- "Director of the Department" -- names the body itself).
_UNIT_OF = re.compile(
    r"\b(?:office|inspectorate|board|division|bureau|institute|cent(?:er|re)|unit|department|agency|administration)\s+of\s+(?:the\s+)?$"
)
_OWNED = re.compile(
    r"['\u2019]s\s+(?:[A-Z][\w-]*\s+){0,4}(?:Department|Board|Office|Commission|Committee|Division|Unit|Center|Centre|Inspectorate)\b"
)
# A lower-case list goes on after a group's name: "heads of agencies, units, businesses" is not "agencies and units".
_LIST_GOES_ON = re.compile(r"^(?:\s*,\s*(?:and\s+)?|\s+and\s+)(?!(?:the|all|other|its|their)\b)(?=[a-z])")
# "directors of hospitals and facilities ...": the heads of a class of bodies.
_HEADS_OF = re.compile(r"(?:directors|heads|chairm[ae]n|chairpersons|chiefs|leaders|managers)\s+of\s+\w", re.I)
_ARTICLE = re.compile(r"^(?:the|all|other|each|its|their|and|of)\s+", re.I)


@dataclass(frozen=True)
class Found:
    start: int
    end: int
    name: str  # canonical name, or the verbatim phrase of an unknown body


def find(phrase: str) -> list[Found]:
    """Registry bodies named in `phrase`, in order; overlapping matches keep the earliest, longest."""
    return list(_find(phrase))


@lru_cache(maxsize=4096)
def _find(phrase: str) -> tuple[Found, ...]:
    folded = fold(phrase)
    hits = []
    starts = {m.start() for m in _NAMES.finditer(folded)}
    for m in _NAMES.finditer(folded):
        agency = _BY_KEY[_key(m.group(0))]
        before, after = folded[: m.start()], folded[m.end() :]
        if _QUALIFIER_BEFORE.search(before) or _UNIT_OF.search(before):
            continue
        text = phrase[m.start() : m.end()]
        if agency.kind == "group" and text == text.lower():
            if re.search(r"\b(?:of|in|from|under|for|with)\s+$", before):
                continue  # "heads of medical sector of ministries": inside another body's name
            goes_on = _LIST_GOES_ON.match(after)
            # "the concerned ministries and branches": a list of classes under one qualifier is one group
            shared = re.search(r",|\band\b", text) or re.search(r"\b(?:concerned|relevant|related)\s+$", before)
            if goes_on and shared and m.end() + goes_on.end() not in starts:
                continue
        branch = _BRANCH_OF_PLACE.match(after)
        if branch:  # "State Bank of Vietnam, Nghe An Branch": another province's branch, verbatim
            hits.append(Found(m.start(), m.end() + branch.end(), phrase[m.start() : m.end() + branch.end()]))
            continue
        if agency.level == "province" and agency.kind in ("department", "sector"):
            place_before, place_after = _PLACE_BEFORE.search(before), _PLACE_AFTER.match(after)
            if place_before or place_after:
                start = place_before.start() if place_before else m.start()
                end = m.end() + (place_after.end() if place_after else 0)
                hits.append(Found(start, end, phrase[start:end]))
                continue
        owned = _OWNED.match(phrase, m.end())
        if owned:  # "the Provincial Party Committee's Propaganda Department": a unit the registry does not know
            hits.append(Found(m.start(), owned.end(), phrase[m.start() : owned.end()]))
            continue
        hits.append(Found(m.start(), m.end(), agency.name))
    for m in _ABBREVIATIONS.finditer(phrase):
        if not any(h.start < m.end() and m.start() < h.end for h in hits):
            hits.append(Found(m.start(), m.end(), _BY_ABBREVIATION[m.group(0)].name))
    hits.sort(key=lambda h: h.start)
    return tuple(hits)


_PLURAL = re.compile(
    r"\b(?:the\s+)?(?P<head>(?:Directors\s+of\s+(?:the\s+)?)?Departments|(?:Ministers\s+of\s+(?:the\s+)?)?Ministries|Ministers)"
    r"\s+of\s*:?\s+(?P<list>[^;.:()]+)"
)


def _plural(phrase: str) -> tuple[str, list[tuple[int, str]]]:
    """ "the Departments of Finance and of Natural Resources and Environment": one body per name.

    Returns the phrase with those spans blanked (same length) and the bodies found there.
    """
    pieces: list[tuple[int, str]] = []
    for match in list(_PLURAL.finditer(phrase)):
        head = "Department of " if match.group("head").endswith("Departments") else "Ministry of "
        names, end = [], match.start()
        pos = match.start("list")
        for part in re.split(r"(,\s*(?:and\s+)?(?:of\s+)?|\s+and\s+of\s+)", match.group("list")):
            if re.fullmatch(r",\s*(?:and\s+)?(?:of\s+)?|\s+and\s+of\s+", part):
                pos += len(part)
                continue
            agency = lookup(head + part.strip())
            found = [agency] if agency else [lookup(head + p.strip()) for p in re.split(r"\s+and\s+", part)]
            if not found or None in found:
                break
            names += [a.name for a in found]
            pos += len(part)
            end = pos
        if names:
            pieces += [(match.start(), n) for n in names]
            phrase = phrase[: match.start()] + " " * (end - match.start()) + phrase[end:]
    return phrase, pieces


def resolve(phrase: str, told: bool = False) -> list[str]:
    """Canonical names of the bodies a phrase names, each once, in order; unknown bodies verbatim.

    `told`: the phrase is the object of "assign/request X to", so a capitalised name is a
    body even without a body word ("Assigning Binh Thuan Online, ... to place").
    """
    return list(_resolve(phrase, told))


# "Chuong My, Ba Vi and My Duc districts": one body per name, "Chuong My district", ...
_NAME = r"[A-Z\u00C0-\u1EF9][\w\u00C0-\u1EF9'-]*(?:\s+[A-Z\u00C0-\u1EF9][\w\u00C0-\u1EF9'-]*){0,3}"
_PLACES = re.compile(
    r"\b(?P<list>(?:" + _NAME + r"\s*,\s*)*" + _NAME + r"\s*,?\s+and\s+" + _NAME + r")\s+(?P<kind>districts|towns|cities|provinces|communes|wards)\b"
)
_SINGULAR = {"districts": "district", "towns": "town", "cities": "city", "provinces": "province", "communes": "commune", "wards": "ward"}


def _places(phrase: str) -> tuple[str, list[tuple[int, str]]]:
    """Named places sharing one plural class word, one body each (a registry name when it has one)."""
    pieces: list[tuple[int, str]] = []
    for match in list(_PLACES.finditer(phrase)):
        kind = _SINGULAR[match.group("kind")]
        for name in re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+", match.group("list")):
            body = f"{name.strip()} {kind}"
            agency = lookup(body)
            pieces.append((match.start(), agency.name if agency else body))
        phrase = phrase[: match.start()] + " " * (match.end() - match.start()) + phrase[match.end() :]
    return phrase, pieces


# "the People's Committees of the provincial and district levels": one registry group per level,
# the one named "provincial People's Committees", "district People's Committees", ...
_LEVELS = re.compile(
    r"\b(?P<body>[A-Z][\w'\u2019\ufffd]*(?:\s+[A-Z][\w'\u2019\ufffd]*){0,3})\s+(?:of|at)\s+(?:the\s+)?"
    r"(?P<levels>(?:provincial|district|commune)(?:(?:\s*,\s*|\s*,?\s+and\s+)(?:provincial|district|commune))+)\s+levels?\b"
)


def _levels(phrase: str) -> tuple[str, list[tuple[int, str]]]:
    """Bodies named once for several levels, one registry group each (all levels known, else left as is)."""
    pieces: list[tuple[int, str]] = []
    for match in list(_LEVELS.finditer(phrase)):
        groups = [lookup(f"{level} {match.group('body')}") for level in re.findall(r"provincial|district|commune", match.group("levels"))]
        if not groups or None in groups:
            continue
        pieces += [(match.start(), g.name) for g in groups]
        phrase = phrase[: match.start()] + " " * (match.end() - match.start()) + phrase[match.end() :]
    return phrase, pieces


@lru_cache(maxsize=4096)  # addressees are resolved once per directive: the same phrases again and again
def _resolve(phrase: str, told: bool = False) -> tuple[str, ...]:
    phrase, pieces = _plural(phrase)
    phrase, places = _places(phrase)
    pieces += places
    phrase, levels = _levels(phrase)
    pieces += levels
    found = list(find(phrase))
    found += _next_level(phrase, found)
    found.sort(key=lambda f: f.start)
    pieces += [(f.start, f.name) for f in found]
    cursor = 0
    for f in [*found, Found(len(phrase), len(phrase), "")]:
        gap = phrase[cursor:f.start]
        offset = cursor
        if cursor and re.match(r" [A-Z\u00C0-\u1EF9]", gap):
            # "Deputy Prime Minister Vu Duc Dam", "Chairman of the PPC Nguyen Van A": a person's name
            name = re.match(r" (?:[A-Z\u00C0-\u1EF9][\w\u00C0-\u1EF9]*\s*){1,4}", gap)
            offset += name.end()
            gap = gap[name.end() :]
        for piece in _leftover_pieces(gap, told):
            name = unknown_body(piece, told)
            if name:
                pieces.append((offset + gap.find(piece), name))
        cursor = f.end
    pieces.sort(key=lambda p: p[0])
    names: list[str] = []
    for _, name in pieces:
        if name not in names:
            names.append(name)
    return tuple(names)


_LEVEL_WORD = re.compile(r"(?:districts|communes|wards|towns|provinces)$", re.I)
_AND_LEVEL = re.compile(r"\s*,?\s+and\s+(?:the\s+|of\s+)?(?P<level>districts|communes|wards|provinces)\b", re.I)


def _next_level(phrase: str, found: list[Found]) -> list[Found]:
    """ "Chairmen of the People's Committees of districts and communes": the communes' group too."""
    extra = []
    for hit in found:
        said = phrase[hit.start : hit.end]
        more = _AND_LEVEL.match(phrase, hit.end)
        if not _LEVEL_WORD.search(said) or not more:
            continue
        prefix = _LEVEL_WORD.sub("", said)
        bare = re.sub(r"^.*?(?=People's\s+Committees?\s+of\s)", "", prefix, flags=re.I)
        agency = lookup(prefix + more.group("level")) or lookup(bare + more.group("level"))
        if agency is not None:
            extra.append(Found(more.start("level"), more.end(), agency.name))
    return extra


_HEADS_OF_PREFIX = re.compile(r"^\s*(?:the\s+)?(?:directors|heads|chairm[ae]n|chairpersons|chiefs|leaders|managers)\s+of\s+", re.I)


def _own_qualifiers(part: str) -> list[str]:
    """ "Authorities at all levels, branches, and": an element before the last with a qualifier
    of its own makes the list several bodies; with the qualifier at the end only ("departments,
    committees and bodies of Ho Chi Minh City") it is one group. Returns pieces and separators."""
    elements = re.split(r"(\s*,\s*)", part)
    heads = elements[0:-1:2]
    own = [_HEADS_OF_PREFIX.sub("", e) for e in heads]  # "heads of agencies, units, ...": "heads of" spans the list
    if len(heads) < 1 or not any(re.search(r"\s(?:at|of|in|for|under)\s", e) for e in own):
        return [part]
    return elements


_LEVEL_ADJECTIVE_END = re.compile(r"\b(?:Provincial|Municipal|District|Commune|City|Central|Local|provincial|municipal|district|commune)\s*$")


def _leftover_pieces(gap: str, told: bool = False) -> list[str]:
    """The gap between registry names cut into candidate bodies; a part after "and" that is no
    body alone stays with the one before ("Department of Medical Examination and Treatment")."""
    parts = _LEFTOVER_SPLIT.split(gap)
    parts = [q for i, p in enumerate(parts) for q in (_own_qualifiers(p) if i % 2 == 0 else [p])]
    pieces: list[str] = []
    for i in range(0, len(parts), 2):
        sep = parts[i - 1] if i else ""
        glue = re.fullmatch(r"\s*(?:and|or)\s*", sep) or (re.fullmatch(r"\s*,\s*", sep) and len(parts[i].split()) == 1)
        if pieces and re.fullmatch(r"\s*(?:and|or)\s*", sep) and _LEVEL_ADJECTIVE_END.search(pieces[-1]):
            pieces[-1] += sep + parts[i]  # "Secretaries of Provincial and Municipal Party Committees": one noun for both
            continue
        if pieces and glue and not unknown_body(parts[i], told) and unknown_body(pieces[-1], told):
            pieces[-1] += sep + parts[i]
        else:
            pieces.append(parts[i])
    return pieces


def unknown_body(piece: str, told: bool = False) -> str | None:
    """A phrase the registry does not know that still names a body, cleaned; else None."""
    text = piece.strip(" .,:;()\"'\u2026")
    text = re.sub(r"(?:[\s,;]+(?:of|to|for|with|in|on|at|by|and|or|the))+$", "", text).strip(" .,:;()\"'\u2026")
    while True:
        stripped = _ARTICLE.sub("", text)
        if stripped == text:
            break
        text = stripped
    words = text.split()
    if not (1 <= len(words) <= 16):
        return None
    titled = re.fullmatch(r"(?:Deputy|Vice|Permanent|Standing|Acting|Mr\.?|Mrs\.?|Ms\.?|Comrade|Comrades)", text)
    named = text[:1].isupper() and (_BODY_NOUN.search(text) or (told and len(words) <= 6 and not titled))
    # a lower-case phrase names a class of bodies when its head noun does (before "of", "in", ...):
    # "central agencies branched in the province", not "implementation of ... agencies"
    head = re.split(r"\s+(?:of|in|on|for|to|with|at|under|from|by|about)\s+", text, maxsplit=1)[0]
    if not named and not _CLASS_NOUN.search(head) and not _HEADS_OF.match(text):
        return None
    if not _HEAD_WORDS.sub("", text).strip():  # "Directors of" before a body found elsewhere
        return None
    return text


def lookup(name: str) -> Agency | None:
    """The registry entry of a canonical name or any alias (None for an unknown body)."""
    return BY_NAME.get(name) or _BY_KEY.get(_key(name))

"""The top-level requests of a document, from the body's lines.

Lines with list markers form runs (dash lines, `1.` numbers, <li>, bullets,
`Article 1.`). The runs that are directives are the ones introduced by a
request ("requests ... to:", "assigns:", "the following tasks:"); when no run
is, every run counts. Inside the chosen runs the first marker kind is the top
level; lines with any other marker (`a)`, `+`, a dash under `1.`) are sub-items
appended to their parent's text, markers kept so the parent still reads as a list.
"""

from __future__ import annotations

import re

from .blocks import Line

_MARKERS = (
    # a dash then words: "-------" (a header rule) and "- Freedom - Happiness" (the motto) are not items
    ("dash", re.compile(r"^[-\u2013\u2014\u2212]+\s*(?=[^\s\-\u2013\u2014\u2212=_])(?!Freedom\b|Independence\b)")),
    ("bullet", re.compile(r"^[\u2022\u00b7\u25cf\u25aa\u25e6\u25a0\u25ba\u2023\u2043\u2219*\u2713\u2714\u27a2\u27a4]\s*")),
    ("subnumber", re.compile(r"^\d{1,2}\.\d{1,2}\.?\s+(?=\S)")),  # "1.1. ..." under "1. ..."
    ("number", re.compile(r"^\(?\d{1,2}\s*[.)]\s*(?=\S)(?!\d)")),
    ("letter", re.compile(r"^\(?[a-zđ]\s*\)\s*|^[a-zđ]\.\s+(?=\S)")),
    ("plus", re.compile(r"^\+\s*")),
    # "Article 1.- To approve"; "Article 3" alone on its line, its text on the next
    ("article", re.compile(r"^Article\s+\d{1,2}(?:\s*[.:]\s*(?:[-\u2013]\s*)?|\s*$)", re.I)),
    ("roman", re.compile(r"^(?:I|II|III|IV|V|VI|VII|VIII|IX|X)\s*[.)]\s+")),
)
# What introduces the document's requests.
_ASK_CUE = re.compile(
    r"\b(?:requests?|requested|requesting|assigns?|assigned|directs?|directed|urges?|urged|asks?|asked|instructs?|"
    r"instructed|required?s?|tasks?|following\s+(?:contents|measures|solutions|tasks|requirements|contents))\b",
    re.I,
)


def marker(text: str) -> tuple[str | None, str]:
    """(marker kind, text without the marker)."""
    for kind, pattern in _MARKERS:
        match = pattern.match(text)
        if match:
            return kind, text[match.end() :].strip()
    return None, text


# Where a document's requests end: the recipients list, the signature block.
_END_OF_REQUESTS = re.compile(
    r"^(?:Receivers|Recipients|Addressees|Nơi\s+nhận|To|(?:File\s+)?[Aa]ttach\w*|Downloads?)\s*:|^(?:On\s+behalf\s+of|For\s+the|FOR\s+THE|ON\s+BEHALF\s+OF|TM\.)\b"
    # a legal database's paywall under a cut text: "Please log in to a subscriber account to see the full text."
    r"|^Please\s+(?:log\s*in|sign\s*in|register|subscribe)\b[^.]{0,80}\b(?:full\s+text|read|view|see)\b"
)


# Dash items run together on one line: "- Strictly prohibit ...;- Officials are ...;- ...".
_GLUED_DASH = re.compile(r"(?<=;)\s*(?=[-\u2013]\s*(?:[A-Z]|\.{3}|\u2026))|(?<=\.)(?=[-\u2013]\s*\()")
_ELLIPSIS_LINE = re.compile(r"^\s*(?:\.{3,}|\u2026)\s*$")
_ANNEX = re.compile(r"\(\s*(?:Promulgated|Issued|Attached|Enclosed)\s+(?:together\s+)?(?:with|to)\b", re.I)


# Articles run into one block (a database's text in one paragraph): "... DECIDES: Article
# 1.- As from ... Government.Article 2.- The Governor ...". Split only when the block holds
# "Article 1" and "Article 2" in that order, in the legal "N.-" form or after "DECIDES:".
_GLUED_ARTICLE = re.compile(r"(?:(?<=[.:;])|(?<=[.:;]\s))(?=Article\s+\d{1,2}\s*\.\s*[-\u2013])")


def _glued_articles(text: str) -> list[str] | None:
    numbers = [int(n) for n in re.findall(r"(?:(?<=[.:;])|(?<=[.:;]\s))Article\s+(\d{1,2})\s*\.\s*[-\u2013]", text)]
    if len(numbers) < 2 or numbers[:2] != [1, 2]:
        return None
    return [part.strip() for part in _GLUED_ARTICLE.split(text) if part.strip()]


def _unglued(lines: list[Line]) -> list[Line]:
    out: list[Line] = []
    for line in lines:
        articles = _glued_articles(line.text) if line.kind == "p" and marker(line.text)[0] is None else None
        if articles:
            out.extend(Line(part, line.kind) for part in articles)
        elif line.kind == "p" and marker(line.text)[0] == "dash" and _GLUED_DASH.search(line.text):
            out.extend(Line(part.strip(), line.kind) for part in _GLUED_DASH.split(line.text) if part.strip())
        else:
            out.append(line)
    return out


# a full text's operative word or its type heading: under it, "I. ..." opens its content
_OPERATIVE = re.compile(r"^(?:RESOLVES?|DECIDES?|DECISION|RESOLUTION|PLAN|DIRECTIVE|NOTICE|CONCLUSION|REPORT)\s*:?$")


def directives(lines: list[Line]) -> list[dict]:
    marked = [(line, *_kind(line)) for line in _unglued(lines)]
    articles = _article_sections(marked)
    if articles is not None:
        return [{"ordinal": i, "text": text} for i, text in enumerate(articles, start=1)]
    chosen = _directive_lines(marked)
    items: list[str] = []
    top: str | None = None
    # section headings ("I. OBJECTIVES") are not requests -- unless they are the only items
    # and stand under a full text's operative word or type heading ("RESOLVES: I. Regarding
    # the ...", "PLAN ... I. OBJECTIVES AND REQUIREMENTS")
    only_roman = (
        any(kind == "roman" for _, kind, _ in chosen)
        and all(kind in (None, "roman") for _, kind, _ in chosen)
        and any(_OPERATIVE.match(line.text) for line in lines)
    )
    for line, kind, stripped in chosen:
        if top is None:
            if kind == "roman" and not only_roman:
                continue
            top = kind
        if kind == top:
            # "- ..." stands for items left out; "- (Summary)" is a database's marker
            if stripped and not _ELLIPSIS_LINE.match(stripped) and not re.fullmatch(r"\([^()]{1,30}\)", stripped):
                items.append(stripped)
        elif items and kind != "roman":
            items[-1] = f"{items[-1]} {line.text}"
    return [{"ordinal": i, "text": text} for i, text in enumerate(items, start=1)]


def _article_sections(marked: list[tuple[Line, str | None, str]]) -> list[str] | None:
    """A full text whose items are "Article 1.", "Article 2.", ...: each article is one
    request with everything up to the next article (its sub-items, a second paragraph),
    until the recipients or the signature."""
    starts = [i for i, (_, kind, _) in enumerate(marked) if kind == "article"]
    # two or more articles, or one bare "Article 1." heading whose text follows it
    if len(starts) < 2 and not (starts and not marked[starts[0]][2] and starts[0] + 1 < len(marked)):
        return None
    # an annex attached to the document ("(Promulgated together with Decision No. X ...)",
    # "(Attached to Resolution No. X ...)") and its title line above end the articles
    end = len(marked)
    for i in range(starts[0], len(marked)):
        if _ANNEX.search(marked[i][0].text) and i > starts[0]:
            end = i - 1 if i - 1 > starts[-1] else i
            break
    items: list[str] = []
    elided = False
    for i in range(starts[0], end):
        line, kind, stripped = marked[i]
        if kind == "article":
            items.append(stripped)
            elided = False
            if line.text.rstrip().endswith("/."):
                break  # "./." closes a Vietnamese document's text
            continue
        if not items[-1] and not stripped:
            continue
        if _END_OF_REQUESTS.match(line.text) or (line.text.isupper() and len(line.text.split()) <= 6):
            break
        if _ELLIPSIS_LINE.match(line.text):
            elided = True  # "..." stands for text left out: what follows it is not this article's
        if not elided:
            items[-1] = f"{items[-1]} {line.text}".strip()
        if line.text.rstrip().endswith("/."):
            break  # "./." closes a Vietnamese document's text
    return [text for text in items if text]


def _kind(line: Line) -> tuple[str | None, str]:
    kind, stripped = marker(line.text)
    if line.kind == "li":
        return "li", stripped
    return kind, stripped


# An addressee list ("Telegram to: - Provincial Military Command; - Directors of
# Departments, ...;") is marked like a list of requests but names bodies, not acts.
_AGENCY_ITEM = re.compile(
    r"^(?:the\s+)?(?:Chairm[ae]n|Chairpersons?|Chairwom[ae]n|Heads?|Directors?|Ministers?|Secretar\w+|Provincial|Municipal|"
    r"District|City|People['\u2019]s|Departments?|Boards?|Committees?|Commands?|Steering|Members?|General|Deputy|Vice)\b[^:]{0,180}[;.,]?$"
    # or any short line naming a body ("Special working group of the Government in charge of ...")
    r"|^[A-Z][^:;]{0,120}\b(?:Committees?|Councils?|Ministr(?:y|ies)|Departments?|Agenc(?:y|ies)|[Gg]roups?|Boards?|Commands?|"
    r"Offices?|Government)\b[^:;]{0,100}[;.,]?$"
)
_ACT_WORDS = re.compile(r"\b(?:shall|must|should|are\s+requested|is\s+requested|to\s+(?!the\b)[a-z]+)\b")


def _addressee_run(intro: str, run: list[tuple[Line, str | None, str]]) -> bool:
    if _END_OF_REQUESTS.match(intro):
        return True
    return (
        intro.rstrip().endswith(":")
        and not _ASK_CUE.search(intro)
        and all(_AGENCY_ITEM.match(stripped) and not _ACT_WORDS.search(stripped) for _, _, stripped in run)
    )


def _directive_lines(marked: list[tuple[Line, str | None, str]]) -> list[tuple[Line, str | None, str]]:
    """The marked lines of the runs that are requests."""
    runs: list[tuple[str, list]] = []  # (intro line text, run)
    intro, current = "", []
    last_seen = None  # the last "n." number met anywhere
    for entry in marked:
        if entry[1] is None:
            if current:
                runs.append((intro, current))
                current = []
            intro = entry[0].text
            continue
        number = _number(entry)
        # (or starts past 1: its "1." stood above the document's lines)
        if number is not None and current and current[0][1] != "number" and (
            (last_seen is not None and number == last_seen + 1) or (last_seen is None and number > 1)
        ):
            # "1. Releasing Directive ...", its dash items, then "2. Authorizing ...": the
            # numbered sequence is the article's sections, not a sub-item of the dashes.
            runs.append((intro, current))
            current, intro = [], ""
        if number is not None:
            last_seen = number
        current.append(entry)
    if current:
        runs.append((intro, current))
    runs = [(text, run) for text, run in runs if not _addressee_run(text, run)]
    if len(runs) <= 1:
        return [entry for _, run in runs for entry in run]
    asked = [i for i, (text, _) in enumerate(runs) if _ASK_CUE.search(text)]
    colon = [i for i, (text, _) in enumerate(runs) if text.rstrip().endswith(":")]
    chosen = set(asked or colon or range(len(runs)))
    # A numbered list interrupted by a plain paragraph goes on: "2." after "1." belongs too.
    last_number = None
    out = []
    for i, (_, run) in enumerate(runs):
        first = _number(run[0])
        if i in chosen or (first is not None and last_number is not None and first == last_number + 1):
            out.extend(run)
            numbers = [n for n in map(_number, run) if n is not None]
            last_number = numbers[-1] if numbers else None
        else:
            last_number = None
    return out


def _number(entry: tuple[Line, str | None, str]) -> int | None:
    if entry[1] != "number":
        return None
    match = re.match(r"^\(?(\d{1,2})", entry[0].text)
    return int(match.group(1)) if match else None

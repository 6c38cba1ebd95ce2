"""The one document an article announces, and the words around it.

The document is the first mention the text says was issued/signed/promulgated,
else the numbered header of a full-text document. Nothing else: a number that
opens a title without the text saying it was issued is only cited (CONTRACT).
Its issuer comes from the words (`the Chairman of the Provincial People's
Committee issued ...`, `... was signed by ...`), else from the number's codes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .citations import (
    CITED,
    HEADER,
    ISSUED,
    OBJECT_LEAD,
    PASSIVE_ISSUE,
    VERB_PARTICLES,
    Mention,
    clause_start,
    sentence_end,
)
from .dates import MonthDay, find_dates, find_month_days
from .docnumbers import find_numbers
from .doctypes import TYPE_WORDS, type_from_word

_ORG_NOUNS = re.compile(
    r"\b(?:Committee|Council|Chairman|Chairwoman|Chair|Chairperson|Government|Minister|Ministry|Department|"
    r"Office|Board|Assembly|Secretariat|Politburo|Bureau|Agency|Commission|Inspectorate|Court|Procuracy|"
    r"Police|Command|Union|Front|Secretary|Governor|Director|Division|Authority|Party|President|Standing|committee|council|"
    r"Bank|Treasury|Administration|Directorate|Customs|Federation|Association|Academy|Institute|Corporation|Chamber|Fund)\b"
)
# A personal name after the office ("... Committee Dang Ngoc Quynh"; "Mr." before one).
_PERSON_AFTER_OFFICE = re.compile(
    r"^(?P<office>.*\b(?:Committee|Council|Government|Ministry|Department|Office|Board|Assembly|[Pp]rovince|City|Town))"
    r"(?:\s+(?:Mr\.?|Mrs\.?|Ms\.?|Madam|comrade))?(?:\s+[A-Z][a-z\u00c0-\u1ef9]+){2,4}$"
)
_NAME_INSIDE_OFFICE = re.compile(
    r"^(?P<title>(?:Permanent\s+|Standing\s+)?(?:Vice\s+|Deputy\s+)?(?:Chairman|Chairwoman|Chairperson|Chair|Director|"
    r"Secretary|Minister|Prime Minister|President|Governor|Head))\s+(?:Mr\.?\s+|Mrs\.?\s+|Ms\.?\s+)?"
    r"(?:[A-Z][a-z\u00c0-\u1ef9]+(?:\s+|$)){2,4}(?P<of>of\s+.+)?$"
)
# A signer's rank and name, a dash, then the office: "Major General Pham Hai Chau - Deputy Director of ...".
_PERSON_BEFORE_OFFICE = re.compile(
    r"^(?:Mr\.?\s+|Mrs\.?\s+|Ms\.?\s+)?(?:[A-Z][a-z\u00c0-\u1ef9]+\s+){2,7}[-\u2013\u2014]\s+"
    r"(?=(?:Permanent\s+|Standing\s+)?(?:Vice\s+|Deputy\s+)?(?:Chairman|Chairwoman|Chairperson|Director|Head|"
    r"Commander|Minister|Secretary|Governor|President)\b)"
)
_ABBREVIATIONS = {
    "PPC": "Provincial People's Committee",
    "Provincial PC": "Provincial People's Committee",
    "PPC Chairman": "Chairman of the Provincial People's Committee",
    "PPC's Chairman": "Chairman of the Provincial People's Committee",
}
_ISSUE_VERB_AT_END = re.compile(
    r"\s+(?:has\s+|have\s+|had\s+)?(?:just\s+|recently\s+|officially\s+)?(?:signed\s+and\s+)?"
    r"(?:issued|issues|issue|signed|signs|promulgated|promulgates|released|releases|adopted|adopts|sent|sends|published|"
    r"publishes|passed|passes|enacted|enacts|announced|announces|approve\w*)"
    r"(?:\s+and\s+\w+)?" + VERB_PARTICLES + OBJECT_LEAD,
    re.I,
)
_BY = re.compile(r"\bby\s+(?:the\s+)?(?P<who>[A-Z][^,;.()]*?)(?=\s+(?:on|dated|in|at|to|with|for)\b|[,;.()]|$)")
_SUBJECT = re.compile(
    r"\s*(?:,\s*)?(?:(?P<lead>on|about|regarding|concerning|related\s+to|re:|in\s+respect\s+of"
    # "issued Resolution No. 162/NQ-CP at the regular Government meeting in May 2025"
    r"|at(?=\s+the\s+[^,.;]{0,60}?\b(?:meeting|session|conference)\b))\s+|"
    # a machine translation's bare verb: "Decision No. 2111/QD-TTg of November 28, 2011, approve the master plan"
    r"(?P<bare>(?:approve|promulgate|establish|amend|supplement|adjust|use|regulate|allocate|ratify|dissolve)\s+(?:the\s+|a\s+)?[a-z])|"
    # "to implement ...", or any gerund: "approving ...", "regulating ...", "requesting ..."
    # (not the prepositions that end in -ing: "during", "including", "following", ...)
    r"(?P<verb>to\s+\w+|(?!(?:during|including|according|following|pending|notwithstanding|excluding)\b)[a-z]+ing)\b)",
    re.I,
)
_PASSIVE_TAIL = re.compile(r"\s+" + PASSIVE_ISSUE, re.I)
# "Official Letter No. X dated ... of the Provincial People's Committee (PPC) on ... has just been issued"
_OF_ISSUER = re.compile(
    r"^[^.;]{0,60}?\b(?:of|by)\s+(?:the\s+)?(?P<who>[A-Z][\w'-]*(?:\s+(?:[A-Z][\w'-]*|committee|council|of|the|and|for))*)"
)
# Right after the number and its date: "No. X dated November 20, 2025 of the Prime Minister on ..."
_OWN_ISSUER = re.compile(
    r"^\s*,?\s*dated\s+[^;.()]{4,30}?\s+of\s+(?:the\s+)?(?P<who>[A-Z][\w'-]*(?:\s+(?:[A-Z][\w'-]*|committee|council|of|the|and|for))*)"
)
_DATE_LEAD = re.compile(r"(?:at\s+\d{1,2}[:h]\d{2}\s+)?(?:dated|issued\s+on|signed\s+on|promulgated\s+on|on|of)\s+", re.I)
_OF_ORG = re.compile(
    r"(?:(?:issued|signed|promulgated|released)\s+)?(?:of|by)\s+(?:the\s+)?(?:[A-Z][\w'-]*|committee|council|of|the|and|for|in|\s)+?(?:\s*\([^)]{1,20}\))?"
    r"(?=\s+(?:on|about|regarding|concerning|to|dated|(?!during|including|according|following)[a-z]+ing)\b|[,;.)]|$)"
)
# "sent Official Letter No. X to departments, branches and localities on ...": the
# recipients, not the subject. "to" + a name or a plural noun, up to "on"/"about".
_TO_RECIPIENTS = re.compile(
    r"to\s+(?:the\s+|all\s+|relevant\s+|provincial\s+|district\s+|local\s+|concerned\s+)*"
    r"(?:[A-Z][\w'-]*|departments|agencies|branches|sectors|units|localities|organizations|enterprises|communes|"
    r"chairmen|heads|directors|leaders|people's|ministries|provinces|cities|districts|wards|schools|hospitals|businesses|"
    r"companies|members|officials|investors|ministers|chairpersons|secretaries)\b[^.;:]{0,150}?"
    r"(?=\s+(?:on|about|regarding|concerning)\s|\s+(?!during|including|according|following)[a-z]+ing\s)"
)


@dataclass
class Document:
    type: str | None
    number: str
    issuer: str | None
    issued_on: date | None
    subject: str | None
    mention: Mention
    month_day: MonthDay | None = None  # issued "On July 27": the year comes from the publication date

    def as_dict(self) -> dict:
        return {
            "type": self.type,
            "number": self.number,
            "issuer": self.issuer,
            "issued_on": self.issued_on.isoformat() if self.issued_on else None,
            "subject": self.subject,
        }


def choose(text: str, mentions: list[Mention], title_end: int) -> tuple[Document | None, list[str]]:
    """(document, warnings). text is title + "\\n" + body; title_end is len(title)."""
    warnings: list[str] = []
    pick = next((m for m in mentions if m.role == ISSUED), None)
    told = _content_told(text, [m for m in mentions if pick is None or m.number.start < pick.number.start])
    if told is not None and pick is not None:
        # "According to Directive 16, the PM requested ... . To implement it, the PPC issued Plan 12":
        # the earlier report is background to an announcement that answers it.
        # Only a round-up of one issuer's documents ("in Official Dispatch No. 80/CD-TTg, the
        # PM requested ... . On June 3, the PM signed ... No. 81/CD-TTg") starts with the report.
        sentence = text[clause_start(text, pick.type_start) : sentence_end(text, pick.number.end)]
        told_issuer, pick_issuer = _told_by(text, told) or "", _issuer_words(text, pick) or ""
        same = told_issuer and told_issuer.casefold().removeprefix("the ") == pick_issuer.casefold().removeprefix("the ")
        if not same or _CITING_CLAUSE.search(sentence) or told.canonical in sentence:
            told.role, told = CITED, None
    if told is not None and not any(m.role == HEADER for m in mentions):
        pick = told  # "in Official Dispatch No. 80/CD-TTg ..., the PM requested ...", told before another is announced
    if pick is not None and pick.role == ISSUED and not any(m.role == HEADER for m in mentions):
        # A page named after a document (its title, "this Decision") whose text tells an
        # older announcement ("On October 22, 2010, the Political Bureau issued Directive
        # No. 48 ...") holds the named one: the older act is history.
        saved = {id(m): m.role for m in mentions}
        named = _title_named(text, mentions, title_end)
        older = named is not None and named.canonical != pick.canonical and named.issued_on and (_issued_on(text, pick) or date.max) < named.issued_on
        for m in mentions:
            m.role = saved[id(m)]
        if older:
            named.role, pick.role, pick.history = HEADER, CITED, True
            pick = named
    if pick is None:
        pick = next((m for m in mentions if m.role == HEADER), None)
    if pick is None:
        pick = _title_named(text, mentions, title_end)
    if pick is None:
        pick = _reported_on(text, mentions)
    if pick is None:
        return None, warnings
    kind = pick.type
    if pick.role == HEADER and pick.type_start == pick.number.start and pick.number.code_type in (None, "Official Letter"):
        kind = _header_type(text, pick) or kind  # "No:1389 /PTM – VP" / "Report on the performance ..."
    issuer = _issuer_words(text, pick)
    if issuer is None:
        issuer = pick.number.code_issuer
        if issuer:
            warnings.append("document issuer read from its number")
    issued_on = _issued_on(text, pick) or next(
        (m.issued_on for m in mentions if m.canonical == pick.canonical and m.issued_on), None
    )
    return (
        Document(
            type=kind,
            number=pick.canonical,
            issuer=issuer,
            issued_on=issued_on,
            subject=_subject(text, pick, title_end),
            mention=pick,
            month_day=None if issued_on else _issued_month_day(text, pick),
        ),
        warnings,
    )


def announcement_date(text: str, mention: Mention) -> date | None:
    """The date of an announcement the text makes about any mention (for a reference
    that was announced inside a full text: "On March 31, 2020, the PM promulgated ...")."""
    if mention.issued_on:
        return mention.issued_on
    saved, mention.role = mention.role, ISSUED
    try:
        return _issued_on(text, mention)
    finally:
        mention.role = saved


def _title_named(text: str, mentions: list[Mention], title_end: int) -> Mention | None:
    """A page that holds one document under its name: the title opens with it
    ("Decision No. 900/QD-TTg of June 20, 2017") and the text speaks of "this
    Decision". Nothing else on the page was issued, so that is the document."""
    # the title, or else a line at the head of the text that opens with the document
    # (a subtitle; in a newsletter the item's own line under its heading), before the
    # first paragraph of running text
    spans = [(0, title_end)]
    pos = title_end + 1
    for _ in range(4):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        spans.append((pos, end))
        line = text[pos:end]
        if len(line.split()) > 40 or end >= len(text):
            break
        pos = end + 1
    for start, end in spans:
        # a news dateline before the line's own words: "(Baonghean.vn) - Official dispatch No. ..."
        tag = _SOURCE_TAG.match(text, start, end)
        start = tag.end() if tag else start
        first = next((m for m in mentions if start <= m.number.start < end), None)
        # the line opens with the document, maybe in brackets ("(Official Dispatch No. X dated ...)")
        opens = first is not None and (first.type_start == start or (text[start : start + 1] == "(" and first.type_start == start + 1))
        if first is None or first.type is None or not opens:
            continue
        if _is_document_name(text[first.number.end : end]):
            # the same name repeated on a later head line with more of its details
            again = [m for m in mentions if m.canonical == first.canonical and m.number.start >= end and m.type is not None
                     and any(m.type_start in (a, a + 1) for a, b in spans)]
            first = again[-1] if again else first
            first.role = HEADER
            return first
        word = first.type.split()[-1]
        words = "letter|dispatch|document" if first.type == "Official Letter" else re.escape(word) + "|document"
        # "this Decision", "According to this Official letter", "The document is to reply ..."
        if re.search(rf"\b[Tt]his\b[^.]{{0,30}}?\b(?:{words})\b|(?:^|\n)The\s+(?:\w+\s+)?(?:{words})\b", text[end:], re.I):
            first.role = HEADER
            return first
    return None


# A news item's source tag opening its first line: "(MPI) - ", "(Baonghean) - ".
_SOURCE_TAG = re.compile(r"\([^()\n]{1,30}\)\s*[-\u2013\u2014]\s*")


def _is_document_name(rest: str) -> bool:
    """Is a line that opens with a typed number only that document's name: its date
    or issuer ("dated July 26,2020", "by Quang Tri Department of ...", "of the Government"),
    then at most its subject -- no verb of a sentence that would only cite it?"""
    pos = _skip_details(rest)
    if pos == 0:
        return False
    remainder = rest[pos:].strip(" .)")
    return not remainder or bool(re.match(r"(?:on|about|regarding|concerning)\s", remainder, re.I))


# "Official Letter No. 1234/UBND-KT on ... . According to the letter, departments
# must ...": the text reports on the document without an issuing verb.
_ACCORDING_TO_IT = re.compile(
    r"\b(?:According\s+to|Under|In)\s+the\s+(?:official\s+|urgent\s+)?(?P<word>letter|dispatch|telegram|document|decision|"
    r"directive|plan|resolution|notice|announcement|decree|circular|conclusion|regulation)\s*,",
    re.I,
)
_CITING_CLAUSE = re.compile(r"\b(?:under|according|pursuant|implement\w*|following|accordance|based)\b", re.I)


def _reported_on(text: str, mentions: list[Mention]) -> Mention | None:
    """The last typed number before "According to the letter, ..." whose type that
    word fits, unless its own clause only cites it."""
    for found in _ACCORDING_TO_IT.finditer(text):
        word = found.group("word").lower()
        for mention in reversed([m for m in mentions if m.number.end <= found.start()]):
            kind = (mention.type or "").lower()
            fits = word in kind or (word in ("letter", "dispatch", "document") and kind == "official letter") or (
                word in ("telegram", "dispatch") and kind == "official telegram") or (word == "announcement" and kind == "notice")
            if not fits:
                continue
            clause = text[clause_start(text, mention.type_start) : mention.type_start]
            if _CITING_CLAUSE.search(clause):
                break
            mention.role = ISSUED  # announced, by report
            return mention
    return None


# "In Official Letter No. 789/UBND-KT dated May 5, 2021, the provincial People's
# Committee requested departments to ...": the sentence tells what the document asks.
# (after a fronted phrase: "Regarding the floodgates, in Official Dispatch No. X, ...")
_TOLD_LEAD = re.compile(
    r"(?:\([^()\n]{1,30}\)\s*[-\u2013\u2014]\s*)?"  # a news item's source tag: "(MPI) - In Directive No. ..."
    r"(?:[A-Z][a-z]+,\s*|(?:Regarding|Concerning|As\s+for|For|On)\b[^,;]{0,150},\s*)?"
    r"(?:In|According\s+to|Through|With)(?:\s+(?:its|the|a|an))?\s*$",
    re.I,
)
_TOLD_VERB = re.compile(
    r"\s+(?:has\s+|have\s+|also\s+)?(?:requested|requests|asked|asks|directed|directs|assigned|assigns|urged|urges|"
    r"instructed|instructs|required|requires|ordered|orders|proposed|proposes|decided|decides|approved|approves|"
    # "..., the Department has issued instructions to adjust ...": what the document asks
    r"(?:issued|issues|gave|gives)\s+(?:instructions|guidance|directions))\b"
)
# "..., ministers, heads of ... are tasked with ...": the request in the passive; who asks is not said.
_TOLD_PASSIVE = re.compile(
    r"\s+(?:are|is|were|was)\s+(?:also\s+)?(?:tasked|requested|asked|assigned|directed|urged|instructed|required)\s+(?:with|to)\b"
)


def _content_told(text: str, mentions: list[Mention]) -> Mention | None:
    """Nothing announced: a sentence that opens with a typed number ("In Official
    Letter No. X, ...") and goes on with an authority asking or deciding something
    reports that document's content: the page is about it."""
    for mention in mentions:
        if mention.type is not None and _told_by(text, mention) is not None:
            mention.role = ISSUED  # announced, by report
            return mention
    return None


def _told_by(text: str, mention: Mention) -> str | None:
    """The authority of "In <number> ..., <authority> requested ...", if the sentence is so built."""
    start = clause_start(text, mention.type_start)
    if not _TOLD_LEAD.fullmatch(text[start : mention.type_start].strip()):
        return None
    rest = text[mention.number.end : sentence_end(text, mention.number.end)]
    comma = rest.find(", ", max(0, _skip_details(rest) - 2))
    if comma < 0:
        return None
    verb = _TOLD_VERB.search(rest, comma)
    if verb is not None and len(rest[comma : verb.start()]) <= 120:
        # the number's own "of the Hanoi Department of Home Affairs" before the comma names
        # its issuer; else the one asking, after any fronted phrase (", after consulting ..., the Department")
        own = _OF_ISSUER.match(rest[:comma])
        return _org(own.group("who")) if own and _org(own.group("who")) else (
            _org(rest[comma + 2 : verb.start()].rsplit(", ", 1)[-1]) or "")
    passive = _TOLD_PASSIVE.search(rest, comma)
    if passive is not None and len(rest[comma : passive.start()]) <= 250:
        return ""  # told, by no one named: the issuer comes from the number
    return None


def _issuer_words(text: str, mention: Mention) -> str | None:
    if mention.role == HEADER:
        found = _header_issuer(text, mention)
        if found is None:
            # a line naming the document: "Official Letter No. X dated D of <issuer> on ..."
            line_end = text.find("\n", mention.number.end)
            rest = text[mention.number.end : line_end if line_end >= 0 else len(text)]
            match = _OF_ISSUER.match(rest)
            found = _org(match.group("who")) if match else None
        if found is None:
            # no issuer line: the body that the text's first sentence says reports or notifies
            # ("The Chamber of Commerce and Industry of Vietnam (VCCI) would like to report ...")
            for line in _header_lines_after(text, mention)[1:8]:
                said = _SELF_REPORT.match(line)
                if said:
                    found = _org(said.group("who"))
                    break
        return found
    start = clause_start(text, mention.type_start)
    clause = text[start : mention.type_start]
    verb = _ISSUE_VERB_AT_END.search(clause)
    told = _told_by(text, mention) if mention.role == ISSUED and not verb else None
    if told:
        return told
    own = _OWN_ISSUER.match(text[mention.number.end : sentence_end(text, mention.number.end)]) if verb else None
    if own and mention.role == ISSUED and _org(own.group("who")):
        # "Deputy Prime Minister X has just signed Official Dispatch No. 223/CD-TTg dated ... of the
        # Prime Minister on ...": the document's own "of" names its issuer, not its signer
        return _org(own.group("who"))
    if verb and mention.role == ISSUED and verb.group("owner") and _org(verb.group("owner").strip()[:-2]):
        return _org(verb.group("owner").strip()[:-2])  # "signed the Prime Minister's Dispatch No. ...": the owner issued it
    if verb and mention.role == ISSUED:
        who = clause[: verb.start()]
        # "the Government Office announced that Prime Minister Pham Minh Chinh had just signed ...":
        # the one who signed, not the one who tells it
        who = re.split(r"\b(?:announced|said|reported|informed|stated|noted)\s+that\s+(?!it\b|they\b)", who)[-1]
        # "On October 9, 2020, the Provincial People's Committee" / "Mr. X, Chairman of ..., signed"
        pieces = [p.strip() for p in re.split(r",\s*", who) if p.strip()]
        for piece in reversed(pieces):
            candidate = _org(piece)
            if candidate:
                return candidate
        return None
    end = sentence_end(text, mention.number.end)
    if mention.role != ISSUED:
        return None
    if _IN_OWN.search(clause):
        # "On 17/01/2005, the Chairman of ... in his letter no. X, announced ...": the
        # sentence's subject wrote it
        pieces = [p.strip() for p in re.split(r",\s*", _IN_OWN.sub("", clause)) if p.strip()]
        return _org(pieces[-1]) if pieces else None
    later = find_numbers(text[mention.number.end : end])
    if later:  # "... regarding Directive 16/CT-TTg by the Prime Minister": that one's issuer
        end = mention.number.end + later[0].start
    match = _BY.search(text, mention.number.end, end)
    if match:
        return _org(match.group("who"))
    match = _OF_ISSUER.match(text[mention.number.end : end])
    return _org(match.group("who")) if match else None


# "... in his letter no. X, announced ...": the number is the sentence subject's own.
_IN_OWN = re.compile(r"\s+in\s+(?:his|her|its|their)\s*$")
# its verb of telling, whose object is the subject: ", announced the work program ... with the following"
_OWN_ANNOUNCED = re.compile(r"^\s*,\s*(?:has\s+)?(?:announced|informed\s+of|notified)\s+(?P<subject>.+?)(?:\s+with\s+the\s+following\b.*)?$")


_SELF_REPORT = re.compile(
    r"^(?P<who>(?:The\s+)?[A-Z][^,.;:]{3,120}?)\s+(?:\([A-Z]{2,10}\)\s+)?(?:would\s+like\s+to|hereby|respectfully)\s+"
    r"(?:reports?|informs?|notif(?:y|ies)|proposes?|requests?|submits?)\b"
)


def _header_issuer(text: str, mention: Mention) -> str | None:
    """A full-text document names its issuer in capitals above the number:
    "PROVINCIAL PEOPLE'S COMMITTEE" / "No. 211/KH-UBND  Hung Yen, September 24, 2012"."""
    line_start = text.rfind("\n", 0, mention.type_start)
    above = [ln for ln in text[:line_start].split("\n") if ln.strip()][-8:] if line_start > 0 else []
    same_line = re.sub(r"(?:No|Number)\s*\.?\s*:?\s*$", "", text[line_start + 1 : mention.number.start]).strip(" |\t")
    if same_line:
        above.append(same_line)
    # table cells flattened onto one line ("| MINISTRY OF FINANCE | SOCIALIST REPUBLIC ... |"),
    # and a "No." left alone on its line, are not lines of the name
    above = [cell.strip() for line in above for cell in line.split("|") if cell.strip()]
    above = [line for line in above if not re.fullmatch(r"(?:No|Number|S[ốo])\s*\.?\s*:?", line, re.I)]
    # The issuer's name may be broken over lines ("MINISTRY OF" / "HEALTH OF VIETNAM"), as
    # may the motto's ("SOCIALIST" / "REPUBLIC OF VIETNAM"): the capital lines nearest
    # above the number, the motto's lines and rules left out, joined.
    run: list[str] = []
    for line in reversed(above):
        line = re.sub(r"\s*[-_=\u2012-\u2015]{3,}\s*", " ", line).strip(" .")  # rules, also of em dashes ("———-")
        beside = _BESIDE_MOTTO.match(line)
        if beside and not run and _org(_title_case(beside.group("issuer"))):
            # the two header cells on one line: "Government   Socialist Republic of Vietnam"
            return _org(_title_case(beside.group("issuer")))
        if not line or _MOTTO_WORDS.search(line):
            if run and line:
                break
            continue
        letters = [c for c in line if c.isalpha()]
        if not letters or sum(c.isupper() for c in letters) / len(letters) <= 0.8:
            break
        if run and not re.search(r"\b(?:OF|AND|FOR|THE)$", line) and not re.match(r"(?:OF|AND|FOR)\b", run[0]):
            break
        run.insert(0, line)
    if run:
        return _org(_title_case(" ".join(run)))
    return None


_BESIDE_MOTTO = re.compile(r"^(?P<issuer>[^|]{3,80}?)\s+(?:the\s+)?Socialist\s+Republic\s+of\s+Viet\s*nam\b", re.I)
_MOTTO_WORDS = re.compile(r"^SOCIALIST$|REPUBLIC|INDEPENDENCE|Independence|Freedom|HAPPINESS|Happiness")


_SMALL_WORDS = {"of", "the", "and", "for", "in", "on"}


def _title_case(line: str) -> str:
    words = line.lower().split()
    return " ".join(w if i and w in _SMALL_WORDS else w[:1].upper() + w[1:] for i, w in enumerate(words))


# A newspaper's dateline before the first sentence: "(Baonghean.vn) - ", "Hanoi (VNA) – ", "PORTAL - ".
_DATELINE = re.compile(r"^(?:[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?\s*)?(?:\([^)]{1,30}\)\s*)?[-\u2013\u2014]\s+(?=[A-Z])|^[A-Z]{2,}\s*[-\u2013\u2014]\s+(?=[A-Z])")
# "... announced that it had just issued": the subject is the one before "announced".
_REPORTED = re.compile(r"\s+(?:announced|said|reported|informed|stated)\s+that\s+(?:it|they)$", re.I)


def _org(phrase: str) -> str | None:
    phrase = phrase.strip()
    short = re.match(r"^(\w{2,8})\s*[-\u2013\u2014]\s+(?=[A-Z])", phrase)
    if short and short.group(1).isupper():
        phrase = phrase[short.end() :]  # "PORTAL - ", "ĐBP - ", "HNP - "
    elif "(" in phrase[:40]:
        phrase = _DATELINE.sub("", phrase)
    person = _PERSON_BEFORE_OFFICE.match(phrase)
    if person and not _ORG_NOUNS.search(person.group(0)):
        phrase = phrase[person.end() :]  # "Major General Pham Hai Chau - Deputy Director of ...": the office issues
    dateline = re.match(r"^((?:The\s+)?[A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,2})\s+[-\u2013\u2014]\s+(?=[A-Z])", phrase)
    if dateline and not _ORG_NOUNS.search(dateline.group(1)):
        phrase = phrase[dateline.end() :]  # "The Hanoitimes - Hanoi People's Committee"
    phrase = _REPORTED.sub("", phrase)
    phrase = re.sub(r"\s*[-_=]{3,}\s*$", "", phrase)
    phrase = re.sub(r"^(?:on\s+\S+(?:\s+\S+)?\s+|recently\s+|today\s+|accordingly\s+)", "", phrase.strip(), flags=re.I)
    phrase = re.sub(r"^(?:the|a|an)\s+", "", phrase.strip(), flags=re.I).strip(" .")
    phrase = re.sub(r"\s*\([^)]*\)", "", phrase).strip()  # "(PPC)": an abbreviation, not part of the name
    # auxiliaries the verb match left behind: "... Committee has just", "... Committee signed and"
    phrase = re.sub(r"(?:\s+(?:has|have|had|just|recently|officially|also|signed|decided|and|to))+$", "", phrase)
    # a time between the subject and its verb: "Prime Minister Pham Minh Chinh on Monday", "... yesterday"
    phrase = re.sub(
        r"(?:,?\s+(?:on\s+(?:\w+day|[A-Z][a-z]+\s+\d{1,2}(?:st|nd|rd|th)?|\d{1,2}/\d{1,2}(?:/\d{4})?)|yesterday|today|"
        r"last\s+week|this\s+week|earlier\s+this\s+\w+|in\s+[A-Z][a-z]+|in\s+\d{4}))+,?$",
        "",
        phrase,
    )
    if phrase in _ABBREVIATIONS:
        return _ABBREVIATIONS[phrase]
    # (a double office runs long: "Chairman of the Provincial People's Committee - Head of the
    # Provincial Steering Committee for Natural Disaster Prevention and Search and Rescue")
    if not phrase or len(phrase) > 160 or not _ORG_NOUNS.search(phrase) or find_dates(phrase):
        return None
    person = _PERSON_AFTER_OFFICE.match(phrase)
    if person:
        phrase = person.group("office")
    # "Vice Chairman Nguyen Hung Nam of the Provincial People's Committee", "Chairman Tran Quoc Van"
    phrase = _NAME_INSIDE_OFFICE.sub(lambda m: f"{m['title']} {m['of'] or ''}".strip(), phrase)
    phrase = _ABBREVIATIONS.get(phrase, phrase)
    # a header's two-part name translated word for word ("THE PRIME MINISTER OF GOVERNMENT",
    # "Thủ tướng Chính phủ"): the Government's own offices are named alone
    phrase = re.sub(r"^((?:(?:Permanent|Standing)\s+)?(?:Deputy\s+|Vice\s+)?Prime Minister)\s+of\s+(?:the\s+)?Government$", r"\1", phrase, flags=re.I)
    phrase = re.sub(r"\bthe PPC\b|\bPPC\b", "the Provincial People's Committee", phrase).removeprefix("the ")
    return phrase[0].upper() + phrase[1:]


def _issued_on(text: str, mention: Mention) -> date | None:
    if mention.issued_on:
        return mention.issued_on
    start = clause_start(text, mention.type_start)
    if mention.role == ISSUED:
        # "On October 9, 2020, the Provincial People's Committee issued ...": a date
        # introduced by "on" (or opening the sentence), not one belonging to a number
        # cited earlier in the sentence ("Implementing Decree 12/2008/ND-CP of March 7, 2008, ...").
        clause = text[start : mention.type_start]
        for found in reversed(find_dates(clause)):
            lead = clause[: found.start]
            if re.search(r"(?:^|\bon|\bOn)\s*$", lead) and not re.search(r"\d\s*$", lead) and not _belongs_to_number(lead):
                return found.value
        # "... was signed on October 9, 2020"
        end = sentence_end(text, mention.number.end)
        after = text[mention.number.end : end]
        later = find_numbers(after)
        if later:  # "... replacing Plan No. 146/KH-UBND issued on May 25, 2022": that one's date
            after = after[: later[0].start]
        match = re.search(
            r"\b(?:issued|signed|promulgated|released|adopted|passed)(?:\s+by\s+[^,;.]{1,120}?)?\s+on\s+(?=\S)", after, re.I
        )
        if match:
            dates = find_dates(after[match.end() :])
            if dates and dates[0].start == 0:
                return dates[0].value
        # "The Government issues the Resolution No. 88/NQ-CP on ... on August 12, 2021."
        found, _ = _trailing_date(after.rstrip())
        if found:
            return found
    if mention.role == HEADER:
        # "No. 26/CT-TTg  Hanoi, June 6, 2017" -- or the place and date on one of the
        # next lines (a table cell, or after the motto "Independence - Freedom - Happiness").
        lines = [ln for ln in _header_lines_after(text, mention) if ln][:4]
        for index, line in enumerate(lines):
            if _HEADER_STOP.match(line):
                break
            dates = find_dates(line)
            if dates and len(line) < 60:
                return dates[0].value
            if index + 1 < len(lines) and len(line) < 30 and len(lines[index + 1]) < 30:
                joined = find_dates(f"{line} {lines[index + 1]}")  # "Hanoi, April" / "29th 2011"
                if joined:
                    return joined[0].value
            if dates and len(line) < 200 and dates[-1].end >= len(line.rstrip(" |")) - 1 and _MOTTO.search(line):
                return dates[-1].value  # "... Independence - Freedom - Happiness ---- Hanoi, April 24, 2020"
    return None


# Lines of a full-text header that end the search for its date and subject.
# A legal-basis line in a machine translation names a law and "base" ("Government Law Base
# June 19, 2015;", "The Labor Code base on June 18, 2012;") instead of opening with "Pursuant".
_HEADER_STOP = re.compile(
    r"^(?:Pursuant|Based|In accordance|At the (?:proposal|request)|Article\s+\d|Chapter\b"
    r"|(?:[\w-]+\s+){0,6}(?:Law|Code|Constitution)\s+(?:[\w-]+\s+){0,2}(?:base|basis)\b)",
    re.I,
)
# (and a line opening with a decorative rule, "-*-  htmlhtml---": a broken rule, no subject)
_MOTTO = re.compile(r"REPUBLIC|Independence|Freedom|Happiness|^[-_=\u2012-\u2015\s|]*$|^[-_=*~\u2012-\u2015]{3,}(?:\s|$)", re.I)


def _header_lines_after(text: str, mention: Mention) -> list[str]:
    """The rest of the number's own line (maybe empty), then the following non-empty lines."""
    rest = text[mention.number.end :].split("\n")
    return [rest[0].strip()] + [line.strip() for line in rest[1:10] if line.strip()]


def _issued_month_day(text: str, mention: Mention) -> MonthDay | None:
    """ "On July 27, Chairman ... signed Document No. X" / "Directive X dated April 16 on ...": month and day only."""
    if mention.month_day:
        return mention.month_day
    if mention.role != ISSUED:
        return None
    start = clause_start(text, mention.type_start)
    clause = text[start : mention.type_start]
    for found in reversed(find_month_days(clause)):
        lead = clause[: found.start]
        # "On July 27", "On the evening of November 20"
        if re.search(r"(?:^|\bon|\bOn|\btoday\s*\()(?:\s+the\s+(?:morning|afternoon|evening|night)\s+of)?\s*$", lead) and not _belongs_to_number(lead):
            return found
    return None


# Same grammar as citations._DATED: after a comma only "dated" still belongs to the number.
_NUMBER_DATE_LEAD = re.compile(r"^\s*(?:,\s*dated|\(?\s*(?:dated|(?:issued|signed|promulgated)\s+on|of|on))\s*$", re.I)


def _belongs_to_number(lead: str) -> bool:
    """Is a date right after "Decree No. 76/2012/ND-CP issued on"? Then it is that number's date."""
    numbers = find_numbers(lead[-120:])
    return bool(numbers) and bool(_NUMBER_DATE_LEAD.match(lead[-120:][numbers[-1].end :]))


# Where a subject ends inside its sentence: a new clause reporting what the document does.
_SUBJECT_END = re.compile(
    r",\s+(?:approved|approving|replacing|replaced|which|stating|saying|accordingly|in\s+which|"
    r"assigning|requesting|asking|urging|instructing|requiring|(?:after|before|upon)\s+[a-z]+ing|"
    # ", and sent a number of ministries ...": the issuer's next act, not the subject
    r"and\s+(?:has\s+|have\s+|also\s+)?(?:sent|issued|signed|asked|requested|directed|assigned|urged))\b",
    re.I,
)
_FOOTNOTE = re.compile(r"\s*\[\d{1,2}\]\s*$")


def _subject(text: str, mention: Mention, title_end: int = 0) -> str | None:
    if mention.role == HEADER:
        line_start = text.rfind("\n", 0, mention.type_start) + 1
        named = mention.type is not None and mention.type_start == line_start  # a line naming it, not a "No." header
        found = _subject_after(text, mention.number.end) if named else None  # "Official Letter No. X dated D of ... on S"
        if found is None and named:
            found = _caps_named_subject(text, mention.number.end)
        if found is None:
            found = _header_subject(text, mention)
        if found is None and not named:
            found = _subject_after(text, mention.number.end)
        if found is None and title_end:
            # No subject line under the header: the page title names the same document
            # ("Decree No. 46/2019/ND-CP dated May 27, 2019 of the Government on penalties ...").
            title = text[:title_end]
            for m in re.finditer(re.escape(mention.number.raw), title):
                found = _subject_after(title, m.end())
                if found:
                    break
        return found
    named = _BRACKETED_AFTER_KIND.search(text[clause_start(text, mention.type_start) : mention.type_start])
    if named:
        return _clean_subject(named.group("subject"))  # "issued a further dispatch on S (Dispatch No. X)"
    if _IN_OWN.search(text[clause_start(text, mention.type_start) : mention.type_start]):
        told = _OWN_ANNOUNCED.match(text[mention.number.end : sentence_end(text, mention.number.end)])
        return _clean_subject(told.group("subject")) if told else None
    found = _subject_after(text, mention.number.end)
    if found and _told_by(text, mention) is not None:
        # "In Directive No. X dated D on S, the Prime Minister assigned ...": S ends at the
        # comma before the one who asks
        verb = _TOLD_VERB.search(found) or _TOLD_PASSIVE.search(found)
        comma = found.rfind(", ", 0, verb.start()) if verb else -1
        if comma > 0:
            found = found[:comma].rstrip(" ,") or None
    return found


# The sentence names the document by its kind and its subject, the number in brackets after.
_BRACKETED_AFTER_KIND = re.compile(
    rf"\b(?:{TYPE_WORDS})s?\s+(?:on|about|regarding|concerning)\s+(?P<subject>[^()]{{8,300}}?)\s*\(\s*$", re.I
)


def _subject_after(text: str, number_end: int) -> str | None:
    rest = text[number_end : sentence_end(text, number_end)]
    if rest[:1].isupper() and number_end and text[number_end - 1].isalpha():
        # "Resolution No. 97/NQ-CPRegular Government meeting in June 2023 ...": its name glued on
        return _clean_subject(rest)
    pos = _skip_details(rest)
    if re.match(r"to\s+(?:the\s+)?[A-Z]", rest[pos:]) and rest.endswith(";") is False:
        # "issued Telegram No. X to the Steering Committee ...; Provincial Border Guard
        # Command; ... on urgent implementation of ...": the recipients run on over
        # semicolons; the subject follows the last "on".
        full = re.split(r"(?<=[.!?])\s+(?=[A-Z])|\n", text[number_end:], maxsplit=1)[0]
        if ";" in full:
            last = list(re.finditer(r"\s(?:on|about|regarding)\s", full))
            if last:
                return _clean_subject(full[last[-1].end() :])
    match = _SUBJECT.match(rest, pos)
    if not match:
        return None
    if match.group("lead"):
        subject = rest[match.end() :]
    else:
        subject = rest[match.start("bare") :] if match.group("bare") else rest[match.start("verb") :]
    return _clean_subject(subject)


# A type line in capitals run into the text (a database's one block): "DECISION No. 654-TTg
# OF THE 8TH OF NOVEMBER, 1994 ON THE ALLOCATION ... THE PRIME MINISTER Pursuant to ...":
# the subject is the capitals after "ON", up to the enacting authority or the first
# word in lower case.
_CAPS_NAMED = re.compile(
    r"^[^a-z;\n]{0,80}?\sON\s+(?P<subject>[A-Z0-9][^a-z;\n]*?)"
    r"(?=\s+(?:THE\s+)?(?:PRIME\s+MINISTER|GOVERNMENT|MINISTER|CHAIRMAN|PEOPLE'S\s+COMMITTEE)(?:\s+OF\s+[^a-z]+?)?\s+[A-Z][a-z]"
    r"|\s+[A-Z][a-z]|\s*$)"
)


def _caps_named_subject(text: str, number_end: int) -> str | None:
    found = _CAPS_NAMED.match(text[number_end : sentence_end(text, number_end)])
    return found.group("subject").rstrip(" .,") if found and len(found.group("subject")) >= 8 else None


def _trailing_date(subject: str):
    """ "... in July and 7 months of 2021 on August 12, 2021": a date closing the sentence."""
    match = re.search(r"\s+on\s+(?P<d>[^;]{6,40}?)\s*[.]?$", subject)
    if not match:
        return None, subject
    dates = find_dates(match.group("d"))
    if dates and dates[0].start == 0 and dates[0].end >= len(match.group("d").rstrip(" .")):
        return dates[0].value, subject[: match.start()]
    return None, subject


def _clean_subject(subject: str) -> str | None:
    # "... on Roads was adopted by the National Assembly on ...": the subject ends at the verb.
    subject = _PASSIVE_TAIL.split(subject, maxsplit=1)[0]
    # "... regarding S issued by the Ministry of Health.": the issuer after the subject
    subject = re.sub(r"\s+(?:issued|signed|promulgated)\s+by\s+(?:the\s+)?[A-Z][^,;]{2,100}$", "", subject.rstrip(" ."))
    _, subject = _trailing_date(subject)
    subject = _SUBJECT_END.split(subject, maxsplit=1)[0]
    subject = _FOOTNOTE.sub("", subject)
    subject = re.sub(r"^to\s+", "", subject.strip(" ,:;"), flags=re.I).rstrip(" ,:;.")
    return subject or None


def _skip_details(rest: str) -> int:
    """Skip "(...)", "dated 12/8/2020", "of the Provincial People's Committee" after a number."""
    pos = 0
    for _ in range(6):
        while pos < len(rest) and (rest[pos] in " ,\t" or (rest[pos] == ")" and pos < 2)):  # ")" closing "(No. X)"
            pos += 1
        if rest.startswith("(", pos):
            close = rest.find(")", pos)
            if close < 0:
                break
            pos = close + 1
            continue
        year = re.compile(r"in\s+(?:19|20)\d{2}\b(?!\s*[/-])").match(rest, pos)
        if year:  # "Official Dispatch 3966/BYT-VPB1 in 2020 regarding ...": the year it was issued
            pos = year.end()
            continue
        lead = _DATE_LEAD.match(rest, pos)
        if lead:
            dates = find_dates(rest[lead.end() : lead.end() + 40]) or find_month_days(rest[lead.end() : lead.end() + 30])
            if dates and dates[0].start == 0:
                pos = lead.end() + dates[0].end
                continue
        org = _OF_ORG.match(rest, pos) or _TO_RECIPIENTS.match(rest, pos)
        if org and org.end() > pos + 3:
            pos = org.end()
            continue
        break
    return pos


_TYPE_LINE = re.compile(
    r"^(?:A\s+)?(?:DECISION|DIRECTIVE|RESOLUTION|DECREE|CIRCULAR|JOINT CIRCULAR|PLAN|NOTICE|REPORT|CONCLUSION|LAW|"
    r"REGULATION|OFFICIAL LETTER|OFFICIAL TELEGRAM|NOTIFICATION|ANNOUNCEMENT)\.?$",
    re.I,
)
# (not a preamble's "Considering the request of ...": the text has begun)
_GERUND_LINE = re.compile(r"^(?!According|Including|Following|Regarding|Concerning|Notwithstanding|Considering)[A-Z][a-z]+ing\b")


_TYPE_TITLE = re.compile(
    rf"^(?:A\s+)?(?P<word>{TYPE_WORDS})\b(?:\s*(?:No\.?)?\s*$|\s+(?:on|about|regarding"
    # "DECISION Of THE PRIME MINISTER ESTABLISHMENT Of ...": the enacting authority, then the subject
    rf"|of\s+the\s+(?:prime\s+minister|government)(?:\s+on)?(?=\s+[A-Z]{{2}}))\s+(?P<subject>.+))", re.I
)


# A title line naming the document again, its date and issuer, then "ON" its subject.
_NAMED_TITLE = re.compile(rf"^(?:{TYPE_WORDS})\s+No\b[^;]{{0,120}}?\s(?:on)\s+(?P<subject>.+)$", re.I)


def _header_type(text: str, mention: Mention) -> str | None:
    """A header whose number carries no type code: the type word heading its title line."""
    for line in _header_lines_after(text, mention)[1:6]:
        if _HEADER_STOP.match(line):
            break
        found = _TYPE_TITLE.match(line)
        if found and type_from_word(found.group("word")):
            return type_from_word(found.group("word"))
    return None


def _header_subject(text: str, mention: Mention) -> str | None:
    """The line under the type name: "DIRECTIVE" then "On strengthening ..." (the
    "On" dropped), or "Approving the Master Plan ..." (an initial gerund lower-cased,
    as the announcement would say it), or a title in capitals as written."""
    lines = _header_lines_after(text, mention)[1:8]
    # The place and date may be broken over lines ("Hanoi, February" / "27, 2022"): when a
    # type name stands a few lines below, the header runs to it.
    for index, line in enumerate(lines[:5]):
        if _HEADER_STOP.match(line):
            break
        if _TYPE_LINE.match(line):
            lines = lines[index:]
            break
    typed = False
    for line in lines:
        if _HEADER_STOP.match(line):
            return None
        if _TYPE_LINE.match(line):
            typed = True
            continue
        if _MOTTO.search(line) or (len(line) < 60 and find_dates(line) and not typed):
            continue
        if re.fullmatch(r"THE(?:\s+[A-Z'\u2019]+){1,3}", line) and typed:
            continue  # "THE GOVERNMENT" repeated under the subject
        if find_dates(line[:40]) and re.match(r"^On\s", line) or (len(line) > 300 and not typed) or len(line) > 1000:
            return None  # "On April 15, 2020, the Prime Minister chaired ...": the text has begun
        titled = _TYPE_TITLE.match(line)
        if titled and titled.group("subject"):  # "Report on the performance of ..."
            return _FOOTNOTE.sub("", titled.group("subject")).rstrip(" .")
        if titled:
            typed = True  # "DECISION No" alone: a type heading
            continue
        named = _NAMED_TITLE.match(line) if typed else None
        if named:  # "DECISION No.852-TTg OF DECEMBER 28, 1995 OF THE PRIME MINISTER ON THE ESTABLISHMENT ..."
            return _FOOTNOTE.sub("", named.group("subject")).rstrip(" .")
        match = re.match(r"^(?:on|about|regarding)\s+(.+)$", line, re.I)
        if match:
            return _FOOTNOTE.sub("", match.group(1)).rstrip(" .")
        if _GERUND_LINE.match(line) or typed:
            following = lines[lines.index(line) + 1] if lines.index(line) + 1 < len(lines) else ""
            authority = len(following.split()) <= 6 and re.search(
                r"GOVERNMENT|MINISTER|COMMITTEE|COUNCIL|CHAIRM|PRESIDENT|ASSEMBLY|DIRECTOR", following
            )  # the enacting authority under the title ("THE GOVERNMENT", "MINISTER OF HEALTH")
            if line.isupper() and following.isupper() and not authority and not _TYPE_LINE.match(following) and not _MOTTO.search(following):
                line = f"{line} {following}"  # a title in capitals broken over two lines
            line = _FOOTNOTE.sub("", line).rstrip(" .")
            if _GERUND_LINE.match(line) and not line.isupper():
                line = line[0].lower() + line[1:]
            return line
        return None
    return None

"""Who a directive tells to act, from the item's own words.

Roles (CONTRACT section 1):
- lead: "X shall ...", "X is assigned to / is responsible for / presides over",
  "X to: a) ..." (the item opens with the body), "assign / request / direct X to";
- coordinate: "coordinate(s) with Y", "in coordination / collaboration with Y";
- report_to: "report (...) to Y", "submit (...) to Y", "(via Y)" after a report.
A body named with no such cue ("under the guidance of the Ministry of Health")
is not an assignee. An item with no lead applies to the document's addressees,
each with role `addressee`, before its other bodies. Each body once, the
first role it gets kept (lead before coordinate before report_to).
Names are canonical through the registry (agencies.py); unknown bodies verbatim.
"""

from __future__ import annotations

import re

from . import agencies

LEAD, COORDINATE, REPORT_TO, ADDRESSEE = "lead", "coordinate", "report_to", "addressee"
_RANK = {LEAD: 0, COORDINATE: 1, REPORT_TO: 2, ADDRESSEE: 0}

# Where a subject may start: the item start, a sentence start, after ";" or ":".
_CLAUSE = re.compile(r"(?:^|(?<=[.;:!?])\s+|\n)")
_SUBJECT_VERB = re.compile(
    r":(?=\s*[-+\u2022\u2013]\s)|"  # "Chairman of People's Committee of districts: - Continue to ...": a heading naming the body
    r"\s+(?:shall(?!\s+be\s+held)(?:\s+(?:take\s+the\s+lead|preside|be\s+responsible|be\s+the\s+focal\s+point))?|"
    r"(?:is|are)\s+(?:hereby\s+)?(?:assigned|tasked|responsible|requested|directed|asked|in\s+charge|required|obliged)\b|"
    r"(?:presides?|preside)\s+over|takes?\s+the\s+lead|(?:to|shall|will|must)\s+preside|"
    # "The Provincial Police directs the forces to ...": a body doing in the present tense
    r"(?:directs?|instructs?|urges|guides|organizes|organises|coordinates\s+with|continues\s+to)\b|"
    # "X (strictly) implement(s) ...": a body doing, in the present tense, one of the usual tasks
    r"(?:[a-z]+ly\s+)?(?:implements?|reviews?|inspects?|monitors?|ensures?|strengthens?|promotes?|focus(?:es)?\s+on|"
    r"takes?\s+charge|prepares?|propagates?|performs?|carr(?:y|ies)\s+out|completes?|advises?|urges?)\b|"
    r"(?:should|must|will)\s+(?=[a-z])|to\s+(?!(?:the|a|an|all|each|every|their|its|this|that|these|those)\b)(?=[a-z])|to\s*:|:)"
)
_ASK_VERB = re.compile(
    r"\b(?i:assigns?|assigning|assigned|requests?|requesting|requested|directs?|directing|directed|asks?|asked|tasks?)\s+"
    r"(?!(?:to|by|in|for|at|on|with|that)\b)(?P<who>(?:the\s+|all\s+)?[A-Za-z\u00C0-\u1EF9][^.:!?\n]{2,300}?)(?:\s+(?:to\s+(?=[a-z])|to\s*:|with\s+(?:the\s+)?(?:task|responsibility))|\s*:)"
)
_ASK_THAT = re.compile(
    r"\b(?i:propos(?:e|es|ing)|request(?:s|ing)?|requir(?:e|es|ing)|recommend(?:s|ing)?|direct(?:s|ing)?)\s+that\s+"
    r"(?P<who>(?:the\s+|all\s+)?[A-Za-z\u00C0-\u1EF9][^.;:!?\n]{2,300})"
)
_COORDINATE = re.compile(
    r"\b(?i:coordinat(?:e|es|ing)|in\s+(?:close\s+)?(?:coordination|collaboration|cooperation)|cooperat(?:e|es|ing)|collaborat(?:e|es|ing))"
    r"(?:\s+(?:closely|well|effectively))?\s+with\s+(?P<who>[^.;:!?\n()]{3,300})"
)
_REPORT = re.compile(
    r"\b(?i:report(?:s|ing|ed)?|submit(?:s|ting|ted)?|send(?:s|ing)?\s+(?:a\s+)?reports?|propos(?:e|es|ing))\b"
    r"(?P<what>[^.;:!?\n]{0,100}?)(?<!according)(?<!pursuant)(?<!due)(?<!addition)(?<!related)(?<!regard)(?<!thanks)"
    r"\s+to\s+(?!(?:the\s+)?(?:Official|Decision|Directive|Plan|Resolution|Decree|Circular|Law|Notice|Report|Conclusion|Dispatch)\b)"
    r"(?P<who>(?:the\s+)?[A-Z\u00C0-\u1EF9][^.;:!?\n]{2,300})"
)
# A report named in a relative clause describes a document, it sets no reporting line.
_DESCRIBES = re.compile(r"\b(?:which|that)\s+(?:(?:will|would|shall|is\s+to|are\s+to|must)\s+)?(?:be|been|are|is|were|was)\s+$|\bto\s+be\s+$")
_VIA = re.compile(r"\(\s*(?:via|through)\s+(?P<who>[^)]{3,200})\)")
# Where a governed phrase ends: a verb, a purpose, a time, a citation.
_PHRASE_END = re.compile(
    r"\s+(?:to|in\s+order|for|on|under|according|in\s+accordance|in\s+the|in|at(?!\s+all\s+levels)|before|by|within|no\s+later|not\s+later|"
    r"until|prior|via|through|when|if|so\s+that|which|who|as|with\s+the|about|not|of\s+(?:the\s+)?(?:results|implementation|progress|situation)|"
    r"(?:shall|should|must|will|is|are|was|were)\b|(?:quarterly|monthly|weekly|annually|regularly|periodically|daily)\b|"
    # a verb before its object, not a class of bodies in a list ("the concerned ministries and branches")
    r"(?!and\b|or\b|of\b|(?:agencies|bodies|authorities|organi[sz]ations|departments|committees|units|branches|sectors|ministries|localities)\b)"
    r"[a-z]+(?:s|ed|ing)?\s+(?:the|a|an|and)\b)"
    r"|\s*\(|,\s+(?=(?:to|in|for|ensuring|contributing|so|which|and\s+(?:to|report|propose|submit)))"
)


# A clause that opens with these is not "X shall": an imperative, a preposition, a purpose.
_NOT_SUBJECT = re.compile(
    r"(?:(?:Assign|Request|Direct|Ask|Task|Report|Submit|Send|Propos|Advis|Continu|Urg)(?:e|es|s|ed|ing)?|Coordinate|"
    r"In|With|Under|According|Based|For|On|At|After|Before|During|Pursuant|Implementing|To|If|When|This|That|These|It|"
    r"[A-Z][a-z]+ing)\b"  # a gerund opens an act ("Authorizing People's Committee Chairman of Soc Son district to approve ..."), not a subject
)


def _phrase(text: str) -> str:
    """The body phrase at the head of text (up to its first verb, purpose or time); registry names are never cut."""
    bare = text
    for hit in agencies.find(text):
        bare = bare[: hit.start] + "X" * (hit.end - hit.start) + bare[hit.end :]
    match = _PHRASE_END.search(bare)
    return text[: match.start()] if match else text


# Bodies whose "directs X to" is the document itself speaking: X acts, not they.
_SPEAKERS = {"Provincial People's Committee", "Chairman of the Provincial People's Committee", "Government", "Prime Minister"}
# A body that directs or instructs (its own units) leads; what it directs is no further assignee.
_DIRECTS = re.compile(r"\s*(?:to\s+|shall\s+)?(?:[a-z]+ly\s+)?(?i:direct|directs|instruct|instructs|guide|guides)\b")
# "..., according to their functions and tasks, shall": an aside before the verb.
_ASIDE = re.compile(
    r",\s*(?:according\s+to|within|in\s+line\s+with|based\s+on|in\s+accordance\s+with|depending\s+on|in\s+the\s+scope\s+of|"
    r"with\s+the\s+(?:objective|aim|goal|purpose|motto)\s+of)\b.*,?\s*$"
)
# Words that start a new body in a list of subjects: "Ministers, heads of ..., chairpersons of ...".
_HEAD = (r"(?:heads?|directors?|chairm[ae]n|chairpersons?|chiefs?|leaders?|related|relevant|agencies|bodies|authorities|"
         r"organi[sz]ations|departments|committees|units|branches|sectors|localities|ministries)\b")


# An opening phrase before the subject: "Based on the situation, ...", "For those who ..., ...".
_OPENER = re.compile(
    r"(?:In|With|Under|According|Based|For|On|At|After|Before|During|Pursuant|Implementing|If|When|Regarding|As|Due|Given|"
    r"Following|Depending)\b"
)


def _clause_subject(rest: str) -> tuple[int, list[str], int] | None:
    """(where the subject starts, its bodies, where its verb starts) in a clause, or None.

    "Based on the situation, the Department of Health shall" and "For those who have left ...
    to other provinces, the relevant provinces must": after an opening phrase, the subject
    follows one of its commas.
    """
    starts = [0]
    if _OPENER.match(rest):
        starts = [m.end() for m in re.finditer(r",\s+(?=the\s|all\s|[A-Z\u00C0-\u1EF9])", rest[:400])]
    for offset in starts:
        candidate = rest[offset:]
        verb = _SUBJECT_VERB.search(candidate)
        if verb is None:
            continue
        subject = _ASIDE.sub("", candidate[: verb.start()])
        subject = re.sub(r",\s*$", "", subject)  # "The State Bank of Vietnam, Nghe An Branch, directs"
        bare = subject
        for hit in agencies.find(subject):  # "districts, towns and city" is one name, not a clause break
            bare = bare[: hit.start] + "X" * (hit.end - hit.start) + bare[hit.end :]
        if (re.search(r"[,;]\s*$|,\s+(?!the\b|and\b|" + _HEAD + r")[a-z]|\b(?:shall|should|must|will|is|are|was|were|be|been|if|"
                      r"would|could|may|might|assign(?:s|ed)?|request(?:s|ed)?|direct(?:s|ed)?|ask(?:s|ed)?|task(?:s|ed)?|urge[sd]?|"
                      r"instruct(?:s|ed)?)\b", bare)
                or len(subject.split()) > 60 or _NOT_SUBJECT.match(subject)
                or re.search(r"[.!?]\s+[A-Z]|\.{3}|\u2026|\s[-\u2013+]\s", bare)):
            continue
        if verb.group(0) == ":" and re.sub(r"\b(?:the|and|all)\b|[X\s,;]", "", bare):
            continue  # a heading before a dash names bodies only ("An Official Letter ... of Deputy Prime Minister X as follows:" does not)
        names = agencies.resolve(subject)
        if names:
            return offset, names, offset + verb.start()
    return None


# A plan's task table flattened into the item: "Presiding agency: Department of Health;
# Coordinating agencies: ...".
_LABEL_LEAD = re.compile(
    r"\b(?i:presiding|lead(?:ing)?|in\s+charge|responsible|implementing|charge)\s+(?i:agenc(?:y|ies)|units?|bod(?:y|ies)|organi[sz]ations?)\s*:\s*"
    r"(?P<who>[^.;:\n]{3,300})"
)
_LABEL_COORDINATE = re.compile(
    r"\b(?i:coordinating|coordination|cooperating|collaborating|supporting)\s+(?i:agenc(?:y|ies)|units?|bod(?:y|ies)|organi[sz]ations?)\s*:\s*"
    r"(?P<who>[^.;:\n]{3,300})"
)


def _lead_subjects(text: str) -> list[tuple[int, str]]:
    found = []
    for match in _LABEL_LEAD.finditer(text):
        found += [(match.start("who"), n) for n in agencies.resolve(match.group("who"), told=True)]
    passing_down: list[tuple[int, int]] = []
    for clause in _CLAUSE.finditer(text):
        # "The Government requested: - Ministers and Heads ...": a marked line after a colon (not a dash inside a sentence run)
        opened = re.search(r"(?:^|[:\n])\s*$", text[max(0, clause.end() - 3) : clause.end()])
        marker = re.match(r"[-+\u2022\u2013]\s+", text[clause.end() : clause.end() + 4]) if opened else None
        begin = clause.end() + (marker.end() if marker else 0)
        rest = text[begin : begin + 640]
        if not rest or not (rest[0].isupper() or rest.startswith(("the ", "all "))) or re.match(r"To\b", rest):
            continue
        found_here = _clause_subject(rest)
        if found_here is None:
            continue
        offset, names, verb_at = found_here
        start, verb_at = begin + offset, begin + verb_at
        if _DIRECTS.match(text, verb_at):
            if set(names) <= _SPEAKERS:
                continue  # "The Provincial People's Committee directs X to": the document speaks, X acts
            passing_down.append((verb_at, verb_at + 12))
        found += [(start, n) for n in names]
    for match in _ASK_VERB.finditer(text):
        if _DIRECTS.match(text, match.start()) and any(a <= match.start() <= b for a, b in passing_down):
            continue  # "The Provincial Police direct professional departments and local police to": its own units
        found += [(match.start("who"), n) for n in agencies.resolve(match.group("who"), told=True)]
    for match in _ASK_THAT.finditer(text):  # "Proposing that bodies and authorities at all levels not be ..."
        found += [(match.start("who"), n) for n in agencies.resolve(_phrase(match.group("who")))]
    return found


# "- The People's Committee of Hai Phong City organized a review ...; summarized ... and submit
# them to the Hai Phong People's Council": a report of what a body did, up to the sentence end,
# tells no one to act.
_NARRATION = re.compile(
    r"(?:^(?:[-+\u2022]\s+)?|(?<=[.:;!?])\s+|\n(?:[-+\u2022]\s+)?|\s-\s)(?P<subject>(?:The\s+)?[A-Z\u00C0-\u1EF9][^.;:!?\n]{2,150}?)"
    r"\s+(?:has\s+|have\s+|had\s+)?(?P<verb>[a-z]+ed)\s+(?=(?:a|an|the|its|their|this|these|those|all)\s)"
)
_NOT_NARRATING = {"assigned", "tasked", "requested", "directed", "asked", "required", "authorized", "authorised", "concerned",
                  "related", "attached", "affiliated", "based", "located", "placed", "listed", "named", "specialized"}


def _narrated(text: str) -> list[tuple[int, int]]:
    """Spans (a body's past-tense sentence) where no role is read."""
    spans = []
    for match in _NARRATION.finditer(text):
        if match.group("verb") in _NOT_NARRATING or not agencies.resolve(match.group("subject")):
            continue
        if re.search(r"\b(?:shall|must|should|will|is|are|to|be|been|not|that)\b", match.group("subject")) or _NOT_SUBJECT.match(match.group("subject")):
            continue
        end = re.compile(r"\.(?:\s|$)|\n|\s-\s").search(text, match.end())
        spans.append((match.start("subject"), end.start() if end else len(text)))
    return spans


_CUT_END = re.compile(r"(?:[,;]\s*)?[^,;]*?(?:\.{3}|\u2026)\s*$")
_VERBISH = re.compile(r"\b(?:shall|should|must|will|is|are|was|were|to|have|has|be)\b")


def _only_bodies(text: str) -> list[str]:
    """An item that is only a list of bodies ("Heads of Office of the Ministry of Health, General
    Department of ..., Institutes ...", the closing article cut before its verb): each leads.
    A last name cut by an ellipsis is left out."""
    listed = _CUT_END.sub("", text).strip(" .;,")
    pieces = [p.strip() for p in re.split(r"[,;]", listed) if p.strip()]
    if len(pieces) < 2 or _VERBISH.search(listed) or not all(p[:1].isupper() for p in pieces):
        return []
    names = agencies.resolve(listed)
    return names if len(names) >= 2 else []


# "To approve the Scheme ...", "Establishing the provincial Service ...": the issuer's own act, addressed to no one.
_OWN_ACT = re.compile(r"\s*(?:To\s+)?(?i:approv(?:e|es|ed|ing)|promulgat(?:e|es|ed|ing)|ratif(?:y|ies|ied|ying)|establish(?:es|ed|ing)?)\b")


def assignees(text: str, addressees: list[str]) -> list[dict]:
    """[{"agency", "role"}] of one directive; `addressees` are the document's (as the record gives them)."""
    roles: list[tuple[int, str, str]] = [(pos, name, LEAD) for pos, name in _lead_subjects(text)]
    match = _COORDINATE.search(text)
    while match:  # "coordinate with the Government and direct ... to coordinate with the People's Committees": each one
        roles += [(match.start("who"), n, COORDINATE) for n in agencies.resolve(_phrase(match.group("who")))]
        match = _COORDINATE.search(text, match.start("who"))
    for match in _LABEL_COORDINATE.finditer(text):
        roles += [(match.start("who"), n, COORDINATE) for n in agencies.resolve(match.group("who"), told=True)]
    for match in _REPORT.finditer(text):
        if _DESCRIBES.search(text, max(0, match.start() - 40), match.start()) or re.search(r"\b(?:which|that)\b", match.group("what")):
            continue  # "draft laws which will be submitted to the National Assembly": what the drafts are for
        roles += [(match.start("who"), n, REPORT_TO) for n in agencies.resolve(_phrase(match.group("who")))]
        after = match.start("who") + len(_phrase(match.group("who")))
        via = re.compile(r"\s*" + _VIA.pattern).match(text, after)
        if via:
            roles += [(match.start("who") + 1, n, REPORT_TO) for n in agencies.resolve(_phrase(via.group("who")))]
    told = _narrated(text)
    roles = [r for r in roles if not any(a <= r[0] < b for a, b in told)]
    roles.sort(key=lambda r: r[0])
    best: dict[str, str] = {}
    order: list[str] = []
    for _, name, role in roles:
        if name not in best:
            order.append(name)
            best[name] = role
        elif _RANK[role] < _RANK[best[name]]:
            best[name] = role
    result = [{"agency": n, "role": best[n]} for n in order]
    if not any(r["role"] == LEAD for r in result):
        listed = _only_bodies(text)
        if listed:
            return [{"agency": n, "role": LEAD} for n in listed] + [r for r in result if r["agency"] not in listed]
    if not any(r["role"] == LEAD for r in result) and not _OWN_ACT.match(text):
        named = {r["agency"] for r in result}
        actors = []
        for phrase in addressees:
            for name in agencies.resolve(phrase) or [phrase]:
                if name not in named and name not in [a["agency"] for a in actors]:
                    actors.append({"agency": name, "role": ADDRESSEE})
        result = actors + result
    return result

"""parse_article: one saved article page into an `ArticleRecord` (transforms/records.py).

The pipeline, juriscraper style: decode -> tree -> layout parts -> body lines ->
document analysis -> record. Every stage degrades to None/[] plus a warning;
nothing here raises on bad input.
"""

from __future__ import annotations

import re

from . import addressees as addressees_mod
from . import citations, tasks
from . import directives as directives_mod
from . import document as document_mod
from .blocks import Line, body_lines
from .dates import iso_date, iso_datetime
from .decode import decode_html
from .layouts import extract_parts
from .records import ArticleRecord
from .related import article_links
from .tree import page_base, parse_html
from .urls import article_id, channel_id
from .version import PARSER_VERSION

_DATE_LINE = re.compile(r"^(?:published|posted|updated|date)\b", re.I)
# The start of the warning of a list page given to parse_article.
NOT_AN_ARTICLE = "not an article page"


def _list_page_items(html, url: str, body_lines: list[str]) -> int:
    """How many teasers, when the page is a list page: the list parser finds items
    and the "body" found is their titles (or nothing, on a page that links more).
    Only asked for pages of no known article layout. 0: an article."""
    from .listing import parse_listing

    items = parse_listing(html, url)
    titles = [_fold(i.get("title") or "")[:25] for i in items["items"]]
    titles = [t for t in titles if len(t) >= 8]
    folded = [_fold(line) for line in body_lines if line.strip()]
    teaser_lines = sum(1 for line in folded if any(line.startswith(t) or t.startswith(line[:25]) for t in titles))
    if teaser_lines or (not folded and (len(items["items"]) >= 2 or items["next_page"])):
        return len(items["items"])
    return 0


# Icon font names a page renders as text ("fa-check-circle Official letter No. ...",
# "15/2018/ND-CPfa-exclamation-circle"): not words of the article.
_ICON = re.compile(r"(?:^|(?<=[\sA-Z0-9]))fa-[a-z]+(?:-[a-z]+)*\b")


def lead_lines(parts, skip: set) -> list[Line]:
    """The lead paragraph beside the body (generic layout), unless the body already holds its words."""
    if parts.lead is None or parts.body is None or parts.lead in skip:
        return []
    lines = body_lines(parts.lead, skip)
    body_text = " ".join(parts.body.itertext())
    return [line for line in lines if line.text and line.text[:80] not in body_text]


def _without_icons(line: Line) -> Line:
    if "fa-" not in line.text:
        return line
    return Line(re.sub(r"\s{2,}", " ", _ICON.sub(" ", line.text)).strip(), line.kind)


def _fold(text: str) -> str:
    return " ".join(text.split()).lower()


def parse_article(html: bytes | str | None, url: str | None) -> ArticleRecord:
    url = url or ""
    text, warnings = decode_html(html)
    record = empty_record(url, warnings)
    if not text.strip():
        warnings.append("empty page")
        warn_missing(record)
        return record
    if _looks_truncated(text):
        warnings.append("page looks truncated (no closing </html>)")
    root = parse_html(text)
    base = page_base(url, _self_url(root))
    parts = extract_parts(root)
    warnings.extend(parts.warnings)
    if parts.layout == "generic":
        warnings.append("unknown layout: title, date and body found from the content")
    record["article_id"] = article_id(url) or article_id(_self_url(root, with_form=True))
    record["channel_id"] = channel_id(url) or channel_id(_self_url(root, with_form=True))
    record["title"] = parts.title or None
    record["published_on"] = iso_date(parts.published_on)
    record["published_at"] = iso_datetime(parts.published_at)

    skip = set(parts.chrome)
    for el in (parts.title_element, parts.date_element, parts.related_box):
        if el is not None:
            skip.add(el)
    # The headline repeated at the top of the body goes; the same words further down
    # are text (a full-text document's own subject line under its type name).
    lines = [
        _without_icons(line)
        for index, line in enumerate([*lead_lines(parts, skip), *body_lines(parts.body, skip)])
        if not (index < 3 and line.text == parts.title) and not (_DATE_LINE.match(line.text) and len(line.text) < 60)
    ]
    # (and lines that are only a broken entity's name, "nbsp;")
    lines = [line for line in lines if line.text and not re.fullmatch(r"&?[a-z]{2,8};", line.text)]
    record["body_text"] = "\n".join(line.text for line in lines)
    # A list page's body holds its teasers' links; a text with fewer than two links is an
    # article without asking the list parser (the costliest step on an unknown site).
    linked = parts.body is not None and sum(1 for a in parts.body.iter("a") if a.get("href")) >= 2
    if parts.layout == "generic" and (linked or not lines):
        teasers = _list_page_items(html, url, [line.text for line in lines])
        if teasers:
            # A list page read as an article would give a "document" taken from its
            # first teaser and the other teasers' letters as references: say what it
            # is instead (the loader quarantines it; `parse` refuses it).
            listing = empty_record(url, [*record["warnings"], f"{NOT_AN_ARTICLE}: a list page of {teasers} "
                                         "articles (use parse-list)"])
            warn_missing(listing)
            return listing
    if parts.body is None or not lines:
        warnings.append("no article body found")

    title = record["title"] or ""
    analysed = title + "\n" + record["body_text"]
    mentions = citations.find_mentions(analysed)
    doc, doc_warnings = document_mod.choose(analysed, mentions, len(title))
    warnings.extend(doc_warnings)
    published = parts.published_on
    if doc is not None:
        if doc.issued_on is None and doc.month_day is not None and published is not None:
            # "On July 27, ... signed Document No. X": the year is the article's own.
            doc.issued_on = doc.month_day.in_year_of(published)
        record["document"] = doc.as_dict()
        if doc.type is None:
            warnings.append("document type not recognised")
        body_after = analysed[doc.mention.number.end :]
        # The request follows the announcement; the title is never searched.
        record["addressees"] = addressees_mod.addressees(body_after)
        record["directives"] = tasks.with_tasks(
            directives_mod.directives(_lines_from(lines, _first_naming(mentions, doc.number) - len(title) - 1)),
            record["addressees"],
            record["document"]["issued_on"],
            record["published_on"],
        )
    for mention in mentions:
        if mention.history and mention.issued_on is None:
            mention.issued_on = document_mod.announcement_date(analysed, mention)
        if doc is not None and mention is not doc.mention and mention.issued_on is None and mention.month_day is None \
                and doc.issued_on and _SAME_DAY.match(analysed[citations.clause_start(analysed, mention.type_start) :]):
            mention.issued_on = doc.issued_on  # "The same day, the Deputy PM signed Decision No. X": the document's day
    record["references"] = [
        {"number": r.number, "type": r.type, "issued_on": iso_date(_ref_date(r, published)), "issuer": r.issuer}
        for r in citations.references(mentions, doc.number if doc else None)
    ]
    record["related"] = [
        {"url": item.url, "title": item.title, "listed_at": item.listed_at}
        for item in article_links(parts.related_box, base, exclude_id=record["article_id"])
    ]
    warn_missing(record)
    return record


_SAME_DAY = re.compile(r"(?:On\s+)?[Tt]he\s+same\s+day\s*,")


def _first_naming(mentions: list, number: str) -> int:
    """Where the text first names the document (the title counts: then all lines are its)."""
    return min(m.number.start for m in mentions if m.canonical == number)


def _lines_from(lines: list[Line], offset: int) -> list[Line]:
    """The lines from the one holding body offset `offset` on: a document's requests
    follow its number (a legal database's status list above the header is not one)."""
    position = 0
    for index, line in enumerate(lines):
        if position + len(line.text) >= offset:
            return lines[index:]
        position += len(line.text) + 1
    return lines if offset <= 0 else []


def _ref_date(ref: citations.Reference, published) -> object:
    if ref.issued_on is None and ref.month_day is not None and published is not None:
        return ref.month_day.in_year_of(published)
    return ref.issued_on


def _looks_truncated(text: str) -> bool:
    tail = text[-2048:].lower()
    return "<html" in text[:4096].lower() and "</html" not in tail and "</body" not in tail


def empty_record(url: str, warnings: list[str]) -> ArticleRecord:
    return {
        "kind": "article",
        "url": url,
        "article_id": article_id(url),
        "channel_id": channel_id(url),
        "title": None,
        "published_on": None,
        "published_at": None,
        "document": None,
        "addressees": [],
        "directives": [],
        "references": [],
        "related": [],
        "body_text": "",
        "parser_version": PARSER_VERSION,
        "warnings": warnings,
    }


def warn_missing(record: ArticleRecord) -> None:
    if not record["title"]:
        record["warnings"].append("no title found")
    if not record["published_on"]:
        record["warnings"].append("no publication date found")


def _self_url(root, with_form: bool = False) -> str:
    """The page's own address when the caller gave none: canonical link, og:url (form action for the id only)."""
    for el in root.iter("link"):
        if (el.get("rel") or "").lower() == "canonical" and el.get("href"):
            return el.get("href").strip()
    for el in root.iter("meta"):
        if (el.get("property") or "").lower() == "og:url" and el.get("content"):
            return el.get("content").strip()
    for el in root.iter("form") if with_form else ():
        if el.get("action") and article_id(el.get("action")):
            return el.get("action").strip()
    return ""

"""Content-based fallback for layouts we have never seen.

Class names change with every redesign; these do not: the page <title> and og
tags name the article, a "Published on"/"Posted on" line or a <time> sits near
the title, the body is the densest block of non-link text, and the sidebar box
is headed "Latest new(s)".
"""

from __future__ import annotations

import json
import re

from lxml import etree

from ..dates import find_dates, parse_date, parse_iso_datetime, parse_stamp
from ..text import clean
from ..tree import BLOCK_TAGS, SKIP_TAGS, elements, meta, text_of
from ..urls import is_article_url
from .parts import PageParts

_CHROME_TOKENS = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|menu|breadcrumbs?|sidebar|banner|share|social|"
    r"comments?|related|latest|paging|pagination|pager|counter|online|toolbar|tools|ads?|advert|footer|copyright)(?:$|[\s_-])",
    re.I,
)
_CHROME_TAGS = {"nav", "header", "footer", "aside"}
_LATEST_HEADING = re.compile(r"^\s*(?:latest|newest|recent|most recent)\s+(?:news?|articles?|posts?|items?)\b|^\s*tin\s+m[ớo]i", re.I)
# A redesign may rename the box; these are second choices, used when no "Latest" box exists.
_OTHER_HEADING = re.compile(r"^\s*(?:other|related|more|further)\s+(?:news|articles|posts|stories)\b|^\s*tin\s+(?:kh[áa]c|li[êe]n\s+quan)", re.I)
_DOC_DATE_LABEL = re.compile(r"\b(?:issu(?:ing|ed|e)|effective|expiry|signing|signed)\s+date\b|\bdate\s+of\s+(?:issue|signing)\b", re.I)
_DATE_LABEL = re.compile(r"\b(?:published|posted|updated|date|ng[àa]y\s+đăng)\b\s*(?:on|at|:)?", re.I)
# "Báo X" is "X newspaper"; "CSDL"/"cơ sở dữ liệu" a database: a site's name, not a headline.
_SITE_STRONG = re.compile(
    r"portal|cổng|gov\.vn|\.com\b|\.vn\b|website|trang\s+th[ôo]ng\s+tin|^\s*báo\s|\bcsdl\b|cơ\s+sở\s+dữ\s+liệu", re.I
)
_SITE_WEAK = re.compile(r"province|provincial|hung\s*yen|h[ưu]ng\s*y[êe]n", re.I)
_BREADCRUMB = re.compile(r"^\s*[»›>/|]|[»›>/|]\s*[»›>/|]")
_TITLE_SPLIT = re.compile(r"\s+[-|–—:»]+\s+")


def complete(root: etree._Element, parts: PageParts) -> None:
    """Fill whatever the known layout (if any) did not find."""
    if parts.related_box is None:
        parts.related_box = find_latest_box(root)
    stats = _link_stats(root)
    parts.teaser_boxes = teaser_boxes(root, stats)
    if parts.body is None:
        parts.body = densest_block(root, avoid=parts.related_box)
        if parts.body is not None:
            for el in elements(parts.body):
                if el is not parts.body and (is_chrome(el) or el is parts.related_box):
                    parts.chrome.add(el)
            # On a site of unknown class names, a "Same category"/"Hot news" box or
            # the readers' comments inside the chosen block are not the article.
            parts.chrome.update(el for el in teaser_boxes(parts.body, stats) if el is not parts.body)
            parts.chrome.update(comment_blocks(parts.body))
            parts.chrome.update(_link_rows(parts.body, stats))
            parts.lead = lead_before(parts.body)
    if parts.title is None:
        _find_title(root, parts)
        if parts.body is not None and parts.title_element is not None and _inside(parts.title_element, parts.body):
            # The article starts at its headline: a promo block or a banner above it
            # in the same container ("Decision No. 12/QD-UBND on the one-stop shop") is not its text
            # -- a short block; never most of the text.
            before = _before_within(parts.title_element, parts.body)
            if _text_before(parts.title_element, parts.body) < 0.3 * len(clean(parts.body.text_content())):
                parts.chrome.update(before)
    if parts.published_on is None:
        _find_date(root, parts)


def is_chrome(el: etree._Element) -> bool:
    if not isinstance(el.tag, str):
        return False
    if el.tag.lower() in _CHROME_TAGS:
        # HTML5 <article><header><h1>: a header inside the article is content.
        return el.tag.lower() in ("nav", "aside") or not any(a.tag in ("article", "main") for a in el.iterancestors())
    names = f"{el.get('class') or ''} {el.get('id') or ''}"
    return bool(names.strip()) and bool(_CHROME_TOKENS.search(names))


def _in_chrome(el: etree._Element, stop: etree._Element | None = None) -> bool:
    node = el
    while node is not None and node is not stop:
        if is_chrome(node):
            return True
        node = node.getparent()
    return False


# ---------------------------------------------------------------- title


def page_title(root: etree._Element) -> str | None:
    """<title> without the site name (`To step up ... - Hung Yen Portal`)."""
    el = root.find(".//title")
    text = clean(el.text_content()) if el is not None else ""
    if not text or len(text) > 400:  # an unclosed <title> swallows the page: not a title
        return None
    brands = brand_names(root)
    # Cut whole " - Site" / "Site | " pieces off the ends; never rebuild the text.
    separators = list(_TITLE_SPLIT.finditer(text))
    start, end = 0, len(text)
    while separators and _site_like(text[separators[-1].end() : end], brands):
        end = separators.pop().start()
    while (
        separators
        and _site_like(text[start : separators[0].start()], brands)
        and not _site_like(text[separators[0].end() : end], brands)
    ):
        start = separators.pop(0).end()
    title = text[start:end].strip()
    if _site_like(title, brands) and (start, end) == (0, len(text)) or _is_brand(title, brands):
        return None  # only the site's name ("Portal", "Hung Yen Province", a print page's "VGP News")
    return title or None


def _site_like(piece: str, brands: tuple[str, ...] = ()) -> bool:
    """The site's name ("Hung Yen Portal", "Hung Yen Province", or what the page's
    logo and home link say), not an article title."""
    words = len(piece.split())
    if _is_brand(piece, brands):
        return True
    return bool((words <= 8 and _SITE_STRONG.search(piece)) or (words <= 3 and _SITE_WEAK.search(piece)))


def _is_brand(piece: str, brands: tuple[str, ...]) -> bool:
    folded = piece.casefold().strip(" .")
    if not folded or len(folded.split()) > 8:
        return False
    if any(folded == b or (len(b) >= 4 and (b in folded or folded in b)) for b in brands):
        return True
    # "Báo Lao Động" beside the logo's "Lao Động English": the same name in other words
    words = set(folded.split()) - {"báo", "the", "newspaper", "online", "english", "-"}
    return len(words) >= 2 and any(words <= set(b.split()) for b in brands)


_BRAND_CLASS = re.compile(r"(?:^|[\s_-])(?:logo|brand|site-?name|banner)(?:$|[\s_-])", re.I)


def brand_names(root: etree._Element) -> tuple[str, ...]:
    """What the page calls its site: og:site_name, the logo (its text or alt), the
    home link. A print page's <title> is often only this."""
    names: list[str] = []
    site = meta(root, "og:site_name", "application-name")
    if site:
        names.append(site)
    for img in root.iter("img"):
        if "logo" in (img.get("src") or "").lower() and img.get("alt"):
            names.append(img.get("alt"))
    for el in root.iter("a", "div", "span", "img"):
        if not isinstance(el.tag, str):
            continue
        href = (el.get("href") or "").strip()
        is_home = el.tag == "a" and re.fullmatch(r"(?:https?://[^/]+)?/?(?:en|eng|english|vi|en-us)?/?", href or "x") is not None
        named = _BRAND_CLASS.search(f"{el.get('class') or ''} {el.get('id') or ''}")
        if not (is_home or named):
            continue
        texts = [text_of(el)] + [img.get("alt") or "" for img in el.iter("img")]
        if el.tag == "img":
            texts = [el.get("alt") or ""]
        names += [clean(t) for t in texts if t and len(clean(t)) <= 80]
    return tuple(dict.fromkeys(n.casefold().strip(" .") for n in names if n and n.lower() not in ("home", "trang chủ")))


def _same(a: str, b: str) -> bool:
    a, b = a.casefold().rstrip(". "), b.casefold().rstrip(". ")
    return a == b or (len(b) > 20 and a.startswith(b.rstrip("…."))) or (len(a) > 20 and b.startswith(a))


def _find_title(root: etree._Element, parts: PageParts) -> None:
    og = meta(root, "og:title", "twitter:title", "title", "dc.title") or _json_ld(root, "headline")
    from_title = page_title(root)
    headings = [h for h in elements(root) if h.tag in ("h1", "h2", "h3") and not _in_chrome(h) and not _box_heading(h, parts)]
    for wanted in (og, from_title):
        if not wanted:
            continue
        for heading in headings:
            text = text_of(heading)
            if text and _same(text, wanted):
                parts.title, parts.title_element = text, heading
                return
    if og:
        parts.title = og
        return
    # No og tag and no heading matches <title> (which may name the section, not the
    # article): the page's own <h1>, unless it is the site's logo.
    for heading in headings:
        text = text_of(heading)
        if text and heading.tag == "h1" and not _site_like(text) and len(text) <= 300:
            parts.title, parts.title_element = text, heading
            return
    if from_title:
        parts.title = from_title
        return
    emphasised = _emphasised_line_before(root, parts.body, parts.teaser_boxes)
    if emphasised is not None:
        parts.title, parts.title_element = text_of(emphasised), emphasised
        return
    # last: the first heading, unless it is a subhead inside the text (text before it)
    headings = [h for h in headings if parts.body is None or not _inside(h, parts.body) or not _text_before(h, parts.body)]
    if headings:
        parts.title, parts.title_element = text_of(headings[0]) or None, headings[0]


def _box_heading(heading: etree._Element, parts: PageParts) -> bool:
    """A heading of a box of links ("Hot news", "Trending", "Văn bản liên quan", a
    teaser's own title): inside such a box or the "Latest news" box, or right above one."""
    boxes = [*parts.teaser_boxes, *([parts.related_box] if parts.related_box is not None else [])]
    if any(_inside(heading, box) for box in boxes):
        return True
    following = heading.getnext()
    while following is not None and not isinstance(following.tag, str):
        following = following.getnext()
    if following is None:
        return False
    if any(following is box or _inside(following, box) for box in boxes):
        return True
    # right above a list of links, however short ("Hot news" over two teasers)
    text = len(clean(following.text_content()))
    linked = sum(len(clean(a.text_content())) for a in following.iter("a") if a.get("href"))
    return following.tag in ("ul", "ol", "div", "table") and text > 0 and linked >= 0.6 * text


_TITLE_CLASS = re.compile(r"title|headline|tieu-?de|heading", re.I)


def _emphasised(el: etree._Element) -> bool:
    if el.tag in ("b", "strong"):
        return True
    if el.tag == "font" and (el.get("size") or "").strip().lstrip("+").isdigit():
        return int((el.get("size") or "0").strip().lstrip("+")) >= 4
    style = (el.get("style") or "").lower()
    return "bold" in style or bool(_TITLE_CLASS.search(f"{el.get('class') or ''} {el.get('id') or ''}"))


_LEAD_CLASS = re.compile(r"(?:^|[\s_-])(?:sapo|lead|summary|desc|description|intro|excerpt|teaser)(?:$|[\s_-])", re.I)


def _is_lead(el: etree._Element) -> bool:
    """A bold lead paragraph ("<div class=sapo><strong>...") is the text's, not a headline."""
    node = el
    for _ in range(3):
        if node is None:
            return False
        if _LEAD_CLASS.search(f"{node.get('class') or ''} {node.get('id') or ''}"):
            return True
        node = node.getparent()
    return False


# a lead, or a subtitle under the headline ("(Dispatch No. 11/CD-UBND, dated ... of the Chairman ...)")
_LEAD_BESIDE = re.compile(r"(?:^|[\s_-])(?:sapo|lead|summary|intro|excerpt|sub-?title|subhead)(?:$|[\s_-])", re.I)


def lead_before(body: etree._Element) -> etree._Element | None:
    """A lead paragraph ("<p class=sapo>") just before the body in the same container.

    News sites print the announcing sentence ("On August 15, the Chairman issued Official
    Dispatch No. X ...") as a lead above the text block: it is the text's first line.
    """
    node = body
    for _ in range(2):  # the body's own earlier siblings, then its parent's
        sibling = node.getprevious()
        seen = 0
        while sibling is not None and seen < 4:
            if isinstance(sibling.tag, str):
                seen += 1
                text = clean(sibling.text_content())
                if (
                    _LEAD_BESIDE.search(f"{sibling.get('class') or ''} {sibling.get('id') or ''}")
                    and len(text.split()) >= 8
                    and sibling.find(".//a") is None
                ):
                    return sibling
            sibling = sibling.getprevious()
        node = node.getparent()
        if node is None or node.tag == "body":
            return None
    return None


def _emphasised_line_before(
    root: etree._Element, body: etree._Element | None, boxes: list[etree._Element]
) -> etree._Element | None:
    """A page of no heading tags and a site-only <title> (old table layouts): the
    article's title is the emphasised line standing alone nearest above its text
    ("<font size=4><b>...</b></font>"), not inside a link, a menu or a teaser box."""
    if body is None:
        return None
    best = None
    for el in _preceding(root, body):
        if not _emphasised(el) or el.tag == "a" or any(a.tag == "a" for a in el.iterancestors()):
            continue
        text = text_of(el)
        if not text or len(text) > 300 or len(text.split()) < 2 or el.find(".//a") is not None or _is_lead(el):
            continue
        block = el
        while block.getparent() is not None and block.tag not in BLOCK_TAGS:
            block = block.getparent()
        if clean(block.text_content()) != text or _in_chrome(el) or any(_inside(el, box) for box in boxes):
            continue
        best = el
    if best is not None:
        while best.getparent() is not None and best.getparent().tag in ("b", "strong", "font", "span") and text_of(best.getparent()) == text_of(best):
            best = best.getparent()
    return best


def _text_before(el: etree._Element, box: etree._Element) -> int:
    """How much text stands before el inside box."""
    return sum(len(clean(b.text_content())) for b in _before_within(el, box) if isinstance(b.tag, str))


def _before_within(el: etree._Element, box: etree._Element) -> list[etree._Element]:
    """The elements before el inside box: its preceding siblings, then its ancestors'."""
    found: list[etree._Element] = []
    node = el
    while node is not None and node is not box:
        found.extend(s for s in node.itersiblings(preceding=True) if isinstance(s.tag, str))
        node = node.getparent()
    return found


# ---------------------------------------------------------------- date


def _find_date(root: etree._Element, parts: PageParts) -> None:
    start = parts.title_element
    if start is not None:
        # The date sits just after the title in reading order.
        # Not the sidebar's stamps, nor a date line inside the text ("Hanoi, June 6, 2017");
        # when the title sits inside the body block, only the few elements right after it.
        body = None if _inside(start, parts.body) else parts.body
        limit = 6 if body is None else 40
        # A teaser box's stamps are other articles' (its links say so).
        boxes = parts.teaser_boxes
        passed_body = False
        for count, el in enumerate(_following(root, start)):
            if count > limit:
                break
            if _inside(el, start):
                continue  # "... from April 1, 2020" in the title is not the stamp
            if body is not None and _inside(el, body):
                passed_body = True
                continue
            if _inside(el, parts.related_box) or _in_chrome(el) or any(_inside(el, box) for box in boxes):
                continue
            if body is None and _text_begins(el):
                passed_body = True  # the headline sits in the text's block: its first sentence or number ends the stamp's place
            # after the text only a labelled stamp ("Posted on ...") is the page's
            if _take_date(el, parts, near_title=True, labelled_only=passed_body):
                return
        # ... or just before it ("<span class=x>09/10/2020</span><h1>...").
        # (within the headline's own container: a site clock in the top bar is not it)
        near = start.getparent()
        near = near.getparent() if near is not None and near.getparent() is not None else near
        preceding = [el for el in _preceding(root, start) if _inside(el, near)][-15:]
        for el in reversed(preceding):
            if _inside(el, parts.related_box) or _inside(el, body) or _in_chrome(el) or any(_inside(el, box) for box in boxes):
                continue
            if _take_date(el, parts, near_title=True):
                return
    meta_value = meta(
        root, "article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate", "dc.date", "date"
    ) or _json_ld(root, "datePublished")
    if meta_value:
        day, moment = parse_iso_datetime(meta_value)
        if day is None:
            day, moment = parse_date(meta_value), parse_stamp(meta_value)
        if day is not None:
            parts.published_on, parts.published_at = day, moment
            return
    for el in _content_elements(root, parts.related_box):
        if _take_date(el, parts, near_title=False):
            return


_NUMBER_MARK = re.compile(r"\b(?:No|Number|S[ốo])\s*\.?\s*:?\s*\d{1,5}\s*/", re.I)


def _text_begins(el: etree._Element) -> bool:
    """Is el the article's text rather than its stamp: a running sentence, or a
    document's number (its header's date line follows)?"""
    own = clean((el.text or "") + " ".join((c.tail or "") for c in el))
    return len(own) > 150 or bool(_NUMBER_MARK.search(own))


def _content_elements(root: etree._Element, avoid: etree._Element | None):
    """Elements in document order outside chrome and `avoid`, whole subtrees skipped
    (one walk, instead of climbing the ancestors of every element)."""
    walker = etree.iterwalk(root, events=("start",))
    for _, el in walker:
        if not isinstance(el.tag, str):
            continue
        if el.tag in SKIP_TAGS or el is avoid or is_chrome(el):
            walker.skip_subtree()
            continue
        yield el


def _preceding(root: etree._Element, start: etree._Element):
    for el in elements(root):
        if el is start:
            return
        if el.tag not in SKIP_TAGS and el.tag not in ("html", "body"):
            yield el


def _json_ld(root: etree._Element, key: str) -> str | None:
    """A string field of the page's JSON-LD (schema.org NewsArticle), if any."""
    for script in root.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict) and isinstance(item.get("@graph"), list):
                item = next((g for g in item["@graph"] if isinstance(g, dict) and key in g), item)
            if isinstance(item, dict) and isinstance(item.get(key), str) and item[key].strip():
                return clean(item[key])
    return None


def _following(root: etree._Element, start: etree._Element):
    seen = False
    for el in elements(root):
        if el is start:
            seen = True
            continue
        if seen:
            yield el


def _take_date(el: etree._Element, parts: PageParts, near_title: bool, labelled_only: bool = False) -> bool:
    if el.tag == "time":
        day, moment = parse_iso_datetime(el.get("datetime"))
        if day is None:
            day, moment = parse_date(text_of(el)), parse_stamp(text_of(el))
        if day is not None and not _inside(el, parts.related_box):
            parts.published_on, parts.published_at, parts.date_element = day, moment, el
            return True
        return False
    own = clean((el.text or "") + " ".join((c.tail or "") for c in el))
    text = own if own else ""
    if not text or len(text) > 120:
        return False
    if _breadcrumb(el) or _breadcrumb(el.getparent()):
        return False  # "Home » News » Updated 15/02/2024": the site's navigation, not the article's stamp
    if _DOC_DATE_LABEL.search(text):
        return False  # a legal database's "Issuing date:14/09/2023" is the document's, not the page's
    label = el.getprevious()
    if label is not None and isinstance(label.tag, str) and len(text_of(label)) < 40 and _DOC_DATE_LABEL.search(text_of(label)):
        return False  # ... or its "Issuing date:" | "25/05/2024" in two cells
    labelled = _DATE_LABEL.search(text)
    if not (labelled or near_title) or (labelled_only and not labelled):
        return False
    rest = text[labelled.end():] if labelled else text
    day = parse_date(rest)
    if day is None:
        return False
    if not labelled and len(text) > 40:
        # "Báo Sài Gòn Giải phóng10/09/2024": a short stamp line ending in its date
        found = find_dates(rest)
        if len(text) > 90 or not found or found[-1].end < len(rest) - 12:
            return False
        day = found[-1].value
    parts.published_on, parts.published_at, parts.date_element = day, parse_stamp(rest), el
    return True


def _breadcrumb(el: etree._Element | None) -> bool:
    """A row of links joined by "»", ">", "/" or "|" (the site's path to the page)."""
    if el is None or sum(1 for c in el if c.tag == "a") < 2 or re.search(r"\d", el.text or ""):
        return False  # (a stamp written before the links is the page's: "Tue, 12 Dec 2017 | Print | Email")
    return bool(_BREADCRUMB.search(clean(" ".join((c.tail or "") for c in el if c.tag == "a"))))


def _inside(el: etree._Element, box: etree._Element | None) -> bool:
    if box is None:
        return False
    node = el
    while node is not None:
        if node is box:
            return True
        node = node.getparent()
    return False


# ---------------------------------------------------------------- latest box


def find_latest_box(root: etree._Element) -> etree._Element | None:
    """The container of the "Latest new" links, found by its heading."""
    boxes = latest_boxes(root)
    return boxes[0] if boxes else None


def latest_boxes(root: etree._Element) -> list[etree._Element]:
    """Containers headed "Latest new(s)" that hold article links, in page order
    (else ones headed "Other news"/"Related news").

    An <h1> is the page's own heading (a "Latest news" list page), never a sidebar box's.
    """
    latest, other = _boxes(root, (_LATEST_HEADING, _OTHER_HEADING))
    return latest or other or _named_boxes(root)


_BOX_NAME = re.compile(r"(?:^|[\s_-])(?:latest|newest|recent|other|related)(?:$|[\s_-])", re.I)


def _named_boxes(root: etree._Element) -> list[etree._Element]:
    """No heading says it: a box named "latest-news"/"related" in its class or id."""
    return [
        el
        for el in elements(root)
        if el.tag not in ("html", "body", "a")
        and _BOX_NAME.search(f"{el.get('class') or ''} {el.get('id') or ''}")
        and any(is_article_url(a.get("href") or "") for a in el.iter("a"))
    ][:1]


def _boxes(root: etree._Element, headings: tuple[re.Pattern[str], ...]) -> list[list[etree._Element]]:
    """For each heading pattern, the boxes it heads (one walk over the page)."""
    found: list[list[etree._Element]] = [[] for _ in headings]
    for el in elements(root):
        if el.tag in SKIP_TAGS or el.tag in ("a", "h1", "html", "body") or not el.text or len(el.text) > 400:
            continue
        raw = el.text.strip()
        if not raw or len(raw) > 60:
            continue
        which = next((i for i, heading in enumerate(headings) if heading.match(raw)), None)
        if which is None and not raw.isascii():  # (Vietnamese headings: matched on the cleaned text)
            own = clean(raw)
            which = next((i for i, heading in enumerate(headings) if heading.match(own)), None) if len(own) <= 40 else None
        elif which is not None and len(clean(raw)) > 40:
            which = None
        if which is None:
            continue
        boxes = found[which]
        box = el
        for _ in range(4):
            box = box.getparent()
            if box is None or box.tag in ("body", "html"):
                break
            if any(is_article_url(a.get("href") or "") for a in box.iter("a")):
                if box not in boxes:
                    boxes.append(box)
                break
    return found


# ---------------------------------------------------------------- body


_DESCEND_INTO = (BLOCK_TAGS | {"font", "span", "form"}) - {"ul", "ol", "dl", "li", "p"}


def densest_block(root: etree._Element, avoid: etree._Element | None = None) -> etree._Element | None:
    """The tightest element holding most of the page's non-link, non-chrome text."""
    body = root.find("body")
    if body is None:
        body = root
    totals: dict[etree._Element, int] = {}
    walker = etree.iterwalk(body, events=("start", "end"))
    for event, el in walker:
        if not isinstance(el.tag, str):
            continue
        if event == "start":
            if el.tag in SKIP_TAGS or el.tag == "a" or el is avoid or is_chrome(el):
                walker.skip_subtree()
                totals[el] = 0
            else:
                totals[el] = len((el.text or "").strip())
            continue
        parent = el.getparent()
        if parent is not None and parent in totals:
            totals[parent] += totals.get(el, 0) + len((el.tail or "").strip())
    best = body
    if not totals.get(best):
        return None
    while True:
        # A list is part of the body it sits in (the directives after the intro), never the body itself.
        children = [c for c in best if isinstance(c.tag, str) and c.tag in _DESCEND_INTO]
        if not children:
            break
        top = max(children, key=lambda c: totals.get(c, 0))
        if totals.get(top, 0) < 0.6 * totals[best]:
            break
        # A full-text document's header ("MINISTRY OF HEALTH / Number: 03/2008/CT-BYT")
        # beside its text belongs to it: do not leave it behind.
        if any(_holds_header(c) for c in children if c is not top and totals.get(c, 0) and not is_chrome(c)):
            break
        # Items of one kind side by side (a newsletter's "news-item"s): the page is all of them.
        if top.get("class") and any(
            c is not top and c.tag == top.tag and c.get("class") == top.get("class") and totals.get(c, 0) >= 0.1 * totals[best]
            for c in children
        ):
            break
        best = top
    return best


_HEADER_NUMBER = re.compile(r"(?:^|\n)\s*(?:No|Number|S[ốo])\s*\.?\s*:?\s*\d{1,5}\s*/\s*[\dA-ZĐ]", re.I)


def _holds_header(el: etree._Element) -> bool:
    if not any(isinstance(c.tag, str) and c.tag == "br" for c in el.iter()) and len(el) == 0:
        text = el.text_content()
    else:
        text = "\n".join(t for t in el.itertext())
    return bool(_HEADER_NUMBER.search(text[:600]))


# ---------------------------------------------------------------- teaser boxes and comments


_CONTAINER_TAGS = {"div", "ul", "ol", "table", "tbody", "tr", "td", "section", "dl", "aside", "nav"}


_Stats = tuple[dict, dict, dict]


def _link_stats(root: etree._Element) -> _Stats:
    """Per element, in one walk: characters of text, characters inside links, links."""
    text: dict[etree._Element, int] = {}
    linked: dict[etree._Element, int] = {}
    links: dict[etree._Element, int] = {}
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        if not isinstance(el.tag, str):
            continue
        if event == "start":
            if el.tag in SKIP_TAGS:
                walker.skip_subtree()
                text[el] = linked[el] = links[el] = 0
                continue
            own = len((el.text or "").strip())
            text[el], linked[el], links[el] = own, own if el.tag == "a" else 0, 1 if el.tag == "a" and el.get("href") else 0
            continue
        parent = el.getparent()
        if parent is None or parent not in text:
            continue
        tail = len((el.tail or "").strip())
        text[parent] += text[el] + tail
        linked[parent] += text[el] if el.tag == "a" else linked[el]
        links[parent] += links[el]
    return text, linked, links


def teaser_boxes(root: etree._Element, stats: _Stats) -> list[etree._Element]:
    """Containers that are mostly links (at least three, most of their text in
    them): a site's "Same category", "Hot news" or promo list, whatever its class
    names or heading. Their dates and document numbers are other articles'."""
    text, linked, links = stats
    found: list[etree._Element] = []
    for el in elements(root):
        if el.tag not in _CONTAINER_TAGS or links.get(el, 0) < 3 or not text.get(el):
            continue
        if linked[el] >= 0.6 * text[el] and not any(_inside(el, box) for box in found):
            found.append(el)
    return found


def _link_rows(body: etree._Element, stats: _Stats) -> list[etree._Element]:
    """Short lines that are mostly links ("Tags: a, b, c", "Print | Email | Back to top")
    and the heading of a "Latest news"/"Related news" box, when they share the text's
    container: the site's, not the article's."""
    found: list[etree._Element] = []
    for el in elements(body):
        if el is body or el.tag not in ("p", "div", "span", "h2", "h3", "h4", "h5", "h6", "section"):
            continue
        size, linked, links = (stat.get(el, 0) for stat in stats)
        if not size or size > 200:
            continue
        if (links >= 2 and linked >= 0.5 * size) or (
            el.tag.startswith("h") and (_LATEST_HEADING.match(clean(el.text_content())) or _OTHER_HEADING.match(clean(el.text_content())))
        ):
            found.append(el)
    return found


_COMMENTS_HEADING = re.compile(
    r"^\s*(?:\d+\s+)?(?:(?:reader'?s?'?|your|user|visitor)\s+)?(?:comments?|opinions?|feedback)\b|^\s*(?:ý\s+kiến|bình\s+luận)",
    re.I,
)


def comment_blocks(body: etree._Element) -> list[etree._Element]:
    """Readers' comments under a heading ("Comments (2)", "Your comment",
    "Ý kiến bạn đọc"): the heading's own container when it opens one, else the
    heading and everything after it in its parent."""
    found: list[etree._Element] = []
    for el in elements(body):
        if el is body or el.tag in ("a", "p", "li", "span") or not el.text or not _COMMENTS_HEADING.match(el.text):
            continue
        own = clean(el.text_content())
        if len(own) > 40:
            continue
        parent = el.getparent()
        if parent is None:
            continue
        first = next((c for c in parent if isinstance(c.tag, str)), None)
        if parent is not body and first is el:
            found.append(parent)
        else:
            found.append(el)
            found.extend(c for c in el.itersiblings() if isinstance(c.tag, str))
    return found

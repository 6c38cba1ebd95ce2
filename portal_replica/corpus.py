"""Generate one article's content from (seed, id, revision), lazily and deterministically.

Nothing is stored: the catalog (catalog.py) keeps only ids, channels and times, and
asks here for the text when a page is drawn. The same inputs always give the same
article, so the truth file and the served pages agree without sharing state.
"""

from __future__ import annotations

import copy
import random
from datetime import date, datetime, timedelta
from functools import lru_cache

from portal_replica import tasks, templates
from portal_replica.articles import Article, Block, Directive
from portal_replica.citations import (
    Reference,
    canonical_number,
    long_date,
    make_reference,
    numeric_date,
    raw_number,
)
from portal_replica.seed import ANCHOR_BY_ID, SEED_ID, Anchor, seed_article

# Official documents the portal announces: type -> (weight, issuers, number shapes).
# A shape is (shape, type code, issuer code) as citations.raw_number takes it.
DOCUMENT_KINDS: dict[str, tuple[int, list[str], list[tuple[str, str, str]]]] = {
    "Official Letter": (34, ["Provincial People's Committee"] * 3 + ["Chairman of the Provincial People's Committee"],
                        [("letter", "", "UBND")]),
    "Decision": (12, ["Provincial People's Committee", "Chairman of the Provincial People's Committee"],
                 [("plain", "QĐ", "UBND"), ("plain", "QD", "UBND"), ("normative", "QD", "UBND")]),
    "Plan": (12, ["Provincial People's Committee"], [("plain", "KH", "UBND")]),
    "Directive": (10, ["Chairman of the Provincial People's Committee", "Provincial People's Committee"],
                  [("plain", "CT", "UBND")]),
    "Official Telegram": (8, ["Chairman of the Provincial People's Committee"], [("plain", "CĐ", "UBND")]),
    "Notice": (4, ["Provincial People's Committee"], [("plain", "TB", "UBND")]),
    "Resolution": (4, ["Provincial People's Council"], [("normative", "NQ", "HĐND")]),
    "Report": (3, ["Provincial People's Committee"], [("plain", "BC", "UBND")]),
    "Regulation": (2, ["Provincial People's Committee"], [("normative", "QD", "UBND")]),
}
# Documents of the central government the portal also announces.
CENTRAL_DIRECTIVE = ("Prime Minister", ("plain", "CT", "TTg"))

STYLE_WEIGHTS = {"dash": 40, "numbered": 25, "ul": 20, "br": 15}


def _weighted(rng: random.Random, weights: dict) -> object:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


@lru_cache(maxsize=4096)
def generate(seed: int, article_id: int, channel: int, kind: str, published_at: datetime, revision: int = 0,
             follows: tuple[int, int, datetime] | None = None) -> Article:
    """The article `article_id` as it reads at `revision` (0 = as first published).

    `follows` (id, channel, published_at) is an earlier document of the portal this one
    implements: the text cites it by number and date first.
    """
    if article_id == SEED_ID:
        if revision == 0:
            return seed_article()
        article = copy.deepcopy(seed_article())
    else:
        rng = random.Random(f"{seed}:article:{article_id}")
        anchor = ANCHOR_BY_ID.get(article_id)
        if anchor is not None or kind == "doc":
            followed = _followed_reference(seed, *follows) if follows and anchor is None else None
            article = _document_article(rng, article_id, channel, published_at, anchor, followed)
        else:
            article = _news_article(rng, article_id, channel, published_at)
        # Old pages come from the SharePoint era's encodings and editors.
        legacy = random.Random(f"{seed}:legacy:{article_id}")
        article.legacy_encoding = published_at.year <= 2014 and legacy.random() < 0.5
        article.broken_markup = published_at.year <= 2016 and legacy.random() < 0.4
    for rev in range(1, revision + 1):
        _edit(random.Random(f"{seed}:edit:{article_id}:{rev}"), article, rev)
    return article


class _Citations:
    """The references of one article, once each, in order of first mention."""

    def __init__(self, rng: random.Random, before: date, own_number: str | None = None):
        self.rng = rng
        self.before = before
        self.cited: list[Reference] = []
        # The article's own document is never one of its references (CONTRACT).
        self.own_number = own_number

    def new(self) -> str:
        ref = make_reference(self.rng, self.before)
        if ref.number == self.own_number or any(r.number == ref.number for r in self.cited):
            return self.new()
        self.cited.append(ref)
        return ref.mention

    def add(self, ref: Reference) -> str:
        self.cited.append(ref)
        return ref.mention

    def again(self) -> str:
        """Cite an earlier reference once more, briefly: no new reference."""
        ref = self.rng.choice(self.cited)
        return f"the above-mentioned {ref.doc_type} No. {ref.number}"

    def truth(self) -> list[dict]:
        return [r.truth() for r in self.cited]


def _pick_document(rng: random.Random, issued: date, anchor: Anchor | None) -> tuple[str, str, str, str]:
    """(type, raw number, issuer in words, word used for the type in the text)."""
    if anchor is not None:
        return anchor.doc_type, anchor.number, anchor.issuer, anchor.doc_type
    if rng.random() < 0.04:
        issuer, (shape, code, who) = CENTRAL_DIRECTIVE
        return "Directive", raw_number(rng, shape, code, who, issued.year), issuer, "Directive"
    weights = {k: v[0] for k, v in DOCUMENT_KINDS.items()}
    doc_type = _weighted(rng, weights)
    _, issuers, shapes = DOCUMENT_KINDS[doc_type]
    shape, code, who = rng.choice(shapes)
    number = raw_number(rng, shape, code, who, issued.year)
    return doc_type, number, rng.choice(issuers), rng.choice(templates.TYPE_WORDS[doc_type])


def _topic(rng: random.Random) -> tuple[str, str, str]:
    """(area, title verb phrase, subject gerund phrase)."""
    area = rng.choice(list(templates.TOPICS))
    obj = rng.choice(templates.TOPICS[area])
    verb = rng.choice(list(templates.VERBS))
    return area, f"{verb} {obj}", f"{templates.VERBS[verb]} {obj}"


def _issue(rng: random.Random, published_at: datetime, anchor: Anchor | None) -> tuple[date, tuple[str, str, str, str]]:
    """The first draws of a document article: its issue date and (type, raw number, issuer, type word)."""
    issued = published_at.date() - timedelta(days=rng.choice([0, 0, 1, 1, 2, 3, 5]))
    return issued, _pick_document(rng, issued, anchor)


def _followed_reference(seed: int, article_id: int, channel: int, published_at: datetime) -> tuple[Reference, str]:
    """How a later letter cites document article `article_id` ("Decision No. 45 / QD-UBND dated 3/3/2021 of the ..."),
    drawn exactly as that article draws its own number and date."""
    rng = random.Random(f"{seed}:article:{article_id}")
    issued, (doc_type, raw, issuer, _) = _issue(rng, published_at, ANCHOR_BY_ID.get(article_id))
    style = random.Random(f"{seed}:cite:{article_id}")
    word = templates.TYPE_WORDS[doc_type][0]
    mention = f"{word} No. {raw} dated {numeric_date(issued, style)} of the {issuer}"
    return Reference(doc_type, mention, canonical_number(raw), issued), str(article_id)


def _document_article(rng, article_id, channel, published_at, anchor, followed=None) -> Article:
    issued, (doc_type, raw, issuer, word) = _issue(rng, published_at, anchor)
    area, title_phrase, subject = _topic(rng)
    cites = _Citations(rng, issued, canonical_number(raw))
    if followed is not None and followed[0].number != cites.own_number:
        cites.add(followed[0])  # cited first: the announcement opens with it
    else:
        followed = None
    if anchor is not None:
        title, subject = anchor.title, anchor.subject
        if anchor.title_reference:
            ref_type, mention, number, on = anchor.title_reference
            cites.add(Reference(ref_type, mention, number, date.fromisoformat(on) if on else None))
    else:
        title = _document_title(rng, title_phrase, subject, word, raw, doc_type, cites, cite=followed is None)
    doc_mention = f"{word} No. {raw}"
    issuer_text = rng.choice(templates.ISSUERS[issuer])
    short = templates.ISSUER_SHORT[issuer]
    blocks: list[Block] = []
    full_text = anchor is None and not cites.cited and doc_type in ("Directive", "Decision", "Plan") and rng.random() < 0.08
    if full_text:
        # A full-text document: its numbered header names it (CONTRACT "numbered header").
        issuer = "Provincial People's Committee" if issuer != "Prime Minister" else issuer
        short = templates.ISSUER_SHORT[issuer]
        place = "Hanoi" if issuer == "Prime Minister" else "Hung Yen"
        blocks.append(Block("header", text=issuer.upper() if issuer != "Prime Minister" else "THE PRIME MINISTER"))
        blocks.append(Block("header", text=f"No. {raw}\u00a0\u00a0{place}, {long_date(issued)}"))
        blocks.append(Block("header", text=doc_type.upper()))
        blocks.append(Block("header", text=_sentence_case(f"on {subject}")))
        issued_on: date | None = issued
    else:
        dated = rng.random() < 0.75
        pool = templates.ANNOUNCE_DATED if dated else templates.ANNOUNCE_UNDATED
        if cites.cited:
            # A title citation must come first in the body too, so "order of first
            # mention" is the same whether or not a parser reads the title.
            # Every pattern with a {ref} slot opens with it.
            pool = [p for p in pool if "{ref}" in p]
        pattern = rng.choice(pool)
        ref = cites.cited[0].mention if cites.cited else (cites.new() if "{ref}" in pattern else "")
        sentence = pattern.format(
            date_long=long_date(issued), date_num=numeric_date(issued, rng), issuer=issuer_text,
            doc=doc_mention, subject=subject, ref=ref,
        )
        blocks.append(Block("p", text=_sentence_case(sentence)))
        issued_on = issued if dated else None
    has_directives = anchor is not None or doc_type not in ("Report", "Notice") or rng.random() < 0.3
    ctx = tasks.Context(issued, issued_on, published_at.date())
    addressees: list[str] = []
    if has_directives:
        request_pattern = rng.choice(templates.REQUEST_SENTENCES)
        aim, aim_plain = rng.choice(templates.AIMS), rng.choice(templates.AIMS)
        who = rng.randrange(len(templates.ADDRESSEES))
        request = request_pattern.format(
            aim=aim, aim_plain=aim_plain, issuer_short=short, addressees=templates.ADDRESSEES[who], doc_word=word,
        )
        addressees = tasks.ADDRESSEE_TRUTH[who]
        blocks.append(Block("p", text=_sentence_case(request)))
        style = _weighted(rng, STYLE_WEIGHTS)
        directives = tuple(_directives(rng, area, style, cites, ctx, addressees, word))
        blocks.append(Block("directives", style=style, directives=directives))
    else:
        blocks.append(Block("p", text=rng.choice(templates.NEWS_MIDDLES)))
    closing = rng.choice(templates.CLOSINGS).format(issuer_short=short, doc_word=word)
    if closing:
        blocks.append(Block("p", text=closing))
    attachment = None
    if rng.random() < 0.3:
        slug = canonical_number(raw).lower().replace("/", "-")
        attachment = f"/Uploads/{issued.year}/{issued.month:02d}/{article_id}-{slug}.pdf"
    document = {
        "type": doc_type,
        "number": canonical_number(raw),
        "issuer": issuer,
        "issued_on": issued_on.isoformat() if issued_on else None,
        "subject": subject,
    }
    references = cites.truth()
    if followed is not None:
        references[0]["cited_article_id"] = followed[1]  # the portal's own article announcing it
    article = Article(article_id, channel, published_at, title, blocks, document, references, attachment)
    article.extra.update(context=ctx, addressees=addressees)
    return article


def _document_title(rng, title_phrase, subject, word, raw, doc_type, cites: _Citations, cite: bool = True) -> str:
    form = rng.random() * (1.0 if cite else 0.8)  # a follow-up cites its letter first, in the body
    if form < 0.5:
        return _sentence_case(f"to {title_phrase}")
    if form < 0.7:
        return f"The {word} on {subject}"
    if form < 0.8:
        return f"{word} No. {raw} on {subject}"
    # The title cites another document first (CONTRACT: still a reference).
    mention = cites.new()
    verb = "implement" if doc_type == "Plan" else "carry out"
    return f"The {word} to {verb} {mention} on {subject}"


def _directives(rng: random.Random, area: str, style: str, cites: _Citations, ctx: tasks.Context,
                addressees: list[str], doc_word: str) -> list[Directive]:
    pool = templates.DIRECTIVES[area] + templates.DIRECTIVES["common"]
    leads = rng.sample(pool, k=min(len(pool), rng.randint(2, 9)))
    result = []
    for lead in leads:
        if rng.random() < 0.3:
            # Named bodies, coordination, reporting and a deadline, as real letters assign work.
            pieces = [tasks.task_piece(rng, ctx, doc_word)]
            result.append(Directive(pieces[0].text, (), tasks.truth(pieces, addressees)))
            continue
        if rng.random() < 0.2:
            body = ctx.body(rng.choice(templates.DEPARTMENTS).removeprefix("The "))
            pieces = [tasks.lead_piece(body, f"{lead[3].lower()}{lead[4:]}")]
            pieces[0].roles += tasks.template_piece(lead, ctx).roles
            pieces[0].dues += tasks.template_piece(lead, ctx).dues
        else:
            pieces = [tasks.template_piece(lead, ctx)]
        if rng.random() < 0.45:
            tail = rng.choice(templates.DIRECTIVE_TAILS)
            if "{ref}" in tail:
                ref = cites.again() if cites.cited and rng.random() < 0.15 else cites.new()
                tail = tail.format(ref=ref)
            pieces.append(tasks.template_piece(tail, ctx))
        pieces.append(tasks.Piece("."))
        if rng.random() < 0.35:
            second = rng.choice(templates.SECOND_SENTENCES)
            piece = tasks.template_piece(second, ctx)
            piece.text = " " + second
            pieces.append(piece)
        text = "".join(p.text for p in pieces)
        subs: tuple[str, ...] = ()
        if style == "numbered" and rng.random() < 0.4:
            chosen = rng.sample(templates.SUB_ITEMS, k=rng.randint(2, 3))
            subs = tuple(_sentence_case(s) + ";" for s in chosen)
            pieces += [tasks.template_piece(s, ctx) for s in chosen]
            text = text[:-1] + ":" if text.endswith(".") else text
        result.append(Directive(text, subs, tasks.truth(pieces, addressees)))
    return result


def _news_article(rng: random.Random, article_id, channel, published_at) -> Article:
    area = rng.choice(list(templates.TOPICS))
    fill = {
        "topic": rng.choice(templates.TOPICS[area]),
        "partner": rng.choice(templates.PARTNERS),
        "sector": rng.choice(templates.SECTORS),
        "district": rng.choice(templates.DISTRICTS),
    }
    fill["group"] = rng.choice(templates.NEWS_GROUPS).format(**fill)
    title = _sentence_case(rng.choice(templates.NEWS_TITLES).format(**fill))
    activity = rng.choice(templates.ACTIVITIES).format(**fill)
    opening = rng.choice(templates.NEWS_OPENINGS).format(
        date_long=long_date(published_at.date()), leader=rng.choice(templates.LEADERS), activity=activity,
    )
    cites = _Citations(rng, published_at.date())
    paragraphs = [_sentence_case(opening)]
    paragraphs += rng.sample(templates.NEWS_MIDDLES, k=rng.randint(1, 3))
    if rng.random() < 0.4:
        paragraphs.insert(2, rng.choice(templates.NEWS_CITING).format(ref=cites.new()))
    if rng.random() < 0.15:
        paragraphs.append(rng.choice(templates.NEWS_UNNUMBERED).format(**fill))
    if rng.random() < 0.05:
        paragraphs.append(templates.NEWS_STORM.format(n=rng.randint(1, 9)))
    blocks = [Block("p", text=p) for p in paragraphs]
    return Article(article_id, channel, published_at, title, blocks, None, cites.truth())


def _edit(rng: random.Random, article: Article, rev: int) -> None:
    """An editor's later change: same id and URL, new text (and maybe one more directive)."""
    article.revision = rev
    for i, block in enumerate(article.blocks):
        if block.kind == "directives":
            text = rng.choice(templates.DIRECTIVES["common"]) + f" (supplemented, revision {rev})."
            ctx = article.extra.get("context")
            piece = tasks.template_piece(text, ctx) if ctx else tasks.Piece(text)
            extra = Directive(text, (), tasks.truth([piece], article.extra.get("addressees") or []))
            article.blocks[i] = Block("directives", style=block.style, directives=(*block.directives, extra))
            return
    article.blocks.append(Block("p", text=f"(Updated, revision {rev}) " + rng.choice(templates.NEWS_MIDDLES)))


def published_stamp(moment: datetime) -> datetime:
    """Portal times have minute resolution."""
    return moment.replace(second=0, microsecond=0)

"""The real seed letter (article 2718) and the articles its "Latest new" box points to.

The letter is served word for word from data/seed-letter-2718.txt, the text of the
real page; its expected answers are written out by hand below because they are the
reference every parser is first checked against.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources

from portal_replica.articles import PORTAL_TZ, Article, Block, Directive, RelatedLink

SEED_ID = 2718
SEED_CHANNEL = 14
# From the list page sample: "(09/10/2020 8:12 SA)".
SEED_PUBLISHED_AT = datetime(2020, 10, 9, 8, 12, tzinfo=PORTAL_TZ)

SEED_DOCUMENT = {
    "type": "Official Letter",
    "number": "2718/UBND-NC",
    "issuer": "Provincial People's Committee",
    "issued_on": "2020-10-09",
    "subject": "promoting administrative reform work",
}
# 18-NQ/TW is cited without a date: "dated October 25, 2017" belongs to 19-NQ/TW.
SEED_REFERENCES = [
    {"number": "22/2020/QD-UBND", "type": "Decision", "issued_on": "2020-08-12"},
    {"number": "18-NQ/TW", "type": "Resolution", "issued_on": None},
    {"number": "19-NQ/TW", "type": "Resolution", "issued_on": "2017-10-25"},
    {"number": "09/QD-HDSK", "type": "Decision", "issued_on": "2020-01-17"},
    {"number": "30c/NQ-CP", "type": "Resolution", "issued_on": None},
]


@dataclass(frozen=True)
class Anchor:
    """An article the seed's box links to: fixed id, channel, time and title."""

    article_id: int
    channel: int
    published_at: datetime
    title: str
    doc_type: str
    number: str  # as typed on the portal
    issuer: str
    subject: str
    # A document the title cites: (type, mention as typed, canonical, issued_on).
    title_reference: tuple[str, str, str, str | None] | None = None


def _at(day: int, month: int, hour: int, minute: int) -> datetime:
    return datetime(2020, month, day, hour, minute, tzinfo=PORTAL_TZ)


# Full titles from the list page sample where it has them; channels from the seed
# page's links. Their documents come from the list page's summaries.
ANCHORS = [
    Anchor(2731, 12, _at(13, 10, 16, 58),
           "To continue to strictly perform measures to prevent and control the Covid-19 epidemic in the new normal situation",
           "Official Letter", "2760 / UBND-KGVX", "Chairman of the Provincial People's Committee",
           "continuing to strictly perform measures to prevent and control the Covid-19 epidemic in the new normal situation"),
    Anchor(2722, 14, _at(8, 10, 16, 25),
           "The Plan to implement the Government's Resolution 128 / NQ-CP dated September 11, 2020 on the temporary guidance on safe, flexible adaptation",
           "Plan", "141 / KH-UBND", "Provincial People's Committee",
           "the temporary guidance on safe, flexible adaptation",
           ("Resolution", "the Government's Resolution No. 128 / NQ-CP dated September 11, 2020", "128/NQ-CP", "2020-09-11")),
    Anchor(2721, 12, _at(8, 10, 10, 16),
           "The Directive on strengthening the management, reusing, recycling, treatment and minimization of plastic waste",
           "Directive", "15 / CT-UBND", "Chairman of the Provincial People's Committee",
           "strengthening the management, reusing, recycling, treatment and minimization of plastic waste"),
    Anchor(2716, 12, _at(6, 10, 9, 22),
           "To promote the improvement of the Governance and Public Administration Performation Index of Hung Yen province",
           "Official Letter", "2671 / UBND-NC", "Provincial People's Committee",
           "promoting the improvement of the Governance and Public Administration Performance Index (PAPI)"),
    Anchor(2709, 14, _at(24, 9, 7, 24),
           "To strengthen controlling, ensure food safety and hygiene to prevent Covid-19 epidemic",
           "Official Letter", "2590 / UBND-KGVX", "Provincial People's Committee",
           "strengthening controlling and ensuring food safety and hygiene to prevent the Covid-19 epidemic"),
    Anchor(2705, 12, _at(23, 9, 7, 33),
           "To direct and guide the implementation of law bookcases",
           "Official Letter", "2571 / UBND-NC", "Provincial People's Committee",
           "directing and guiding the implementation of law bookcases"),
    Anchor(2694, 15, _at(19, 9, 10, 6),
           "The Official Telegram of the Chairman of the Provincial People's Committee on the implementation of measures to respond to storm No. 5",
           "Official Telegram", "05 / CĐ-UBND", "Chairman of the Provincial People's Committee",
           "the implementation of measures to respond to storm No. 5"),
    Anchor(2688, 14, _at(10, 9, 16, 16),
           "To strengthen the implementation of social insurance policies and the roadmap for universal social insurance coverage",
           "Official Letter", "2480 / UBND-KGVX", "Provincial People's Committee",
           "strengthening the implementation of social insurance policies and the roadmap for universal social insurance coverage"),
]
ANCHOR_BY_ID = {a.article_id: a for a in ANCHORS}

_LATEST = re.compile(r"^(?P<title>.+)\((?P<d>\d\d)/(?P<m>\d\d)/(?P<y>\d{4}) (?P<h>\d{1,2}):(?P<mi>\d\d) (?P<ap>SA|CH)\)$")


def seed_text() -> str:
    return resources.files("portal_replica").joinpath("data/seed-letter-2718.txt").read_text("utf-8")


def _listed_at(match: re.Match) -> datetime:
    hour = int(match["h"]) % 12 + (12 if match["ap"] == "CH" else 0)
    return datetime(int(match["y"]), int(match["m"]), int(match["d"]), hour, int(match["mi"]), tzinfo=PORTAL_TZ)


@cache
def seed_article() -> Article:
    """Article 2718 built from the seed text: title, body, dash directives, its box."""
    chunks = [c.strip() for c in seed_text().split("\n\n") if c.strip()]
    title = chunks[0]
    body_end = chunks.index("Latest new")
    body = chunks[2:body_end]
    paragraphs = [Block("p", text=c) for c in body if not c.startswith("- ")]
    # Every item applies to the letter's addressees; item 3 says "regularly" (read from the letter).
    addressees = ["Heads of provincial departments, agencies and branches",
                  "Chairmen of the People's Committees of districts, towns and city"]
    directives = tuple(
        Directive(c[2:], (), {"assignees": [{"agency": a, "role": "addressee"} for a in addressees], "due_on": None,
                              "due_text": "regularly" if i == 3 else None})
        for i, c in enumerate((c for c in body if c.startswith("- ")), start=1)
    )
    related = []
    anchor_ids = iter(a.article_id for a in ANCHORS)
    anchor_channels = {a.article_id: a.channel for a in ANCHORS}
    for chunk in chunks[body_end + 1:]:
        match = _LATEST.match(chunk)
        if match:
            article_id = next(anchor_ids)
            related.append(RelatedLink(article_id, anchor_channels[article_id], match["title"], _listed_at(match)))
    return Article(
        article_id=SEED_ID,
        channel=SEED_CHANNEL,
        published_at=SEED_PUBLISHED_AT,
        title=title,
        blocks=[*paragraphs, Block("directives", style="dash", directives=directives)],
        document=dict(SEED_DOCUMENT),
        references=[dict(r) for r in SEED_REFERENCES],
        fixed_related=related,
    )

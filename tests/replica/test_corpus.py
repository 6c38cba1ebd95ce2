"""The generated corpus itself (in process, no server): variety, CONTRACT shapes, traps."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime

import pytest

from portal_replica.articles import PORTAL_TZ, cut_title
from portal_replica.catalog import Catalog
from portal_replica.citations import canonical_number
from portal_replica.layouts import sp_time
from portal_replica.seed import seed_article, seed_text

CONTRACT_TYPES = {"Official Letter", "Official Telegram", "Decision", "Directive", "Plan", "Resolution", "Decree",
                  "Circular", "Notice", "Report", "Conclusion", "Law", "Regulation"}
SHAPES = {
    "N/ISSUER-UNIT": re.compile(r"^\d+[a-c]?/UBND-[A-Z]+$"),
    "N/TYPE-ISSUER": re.compile(r"^\d+[a-c]?/[A-Z]+-[A-Za-z]+$"),
    "N/YYYY/TYPE-ISSUER": re.compile(r"^\d+/\d{4}/[A-Z]+-[A-Za-z]+$"),
    "N-TYPE/TW": re.compile(r"^\d+-[A-Z]+/T[WU]$"),
    "N/YYYY/QHxx": re.compile(r"^\d+/\d{4}/QH1[345]$"),
}


@pytest.fixture(scope="module")
def corpus():
    catalog = Catalog(7, 1500)
    return [catalog.article(e) for e in catalog.entries()]


def test_canonical_numbers_follow_the_contract():
    assert canonical_number("2718 / UBND-NC") == "2718/UBND-NC"
    assert canonical_number("22/2020 / QD-UBND") == "22/2020/QD-UBND"
    assert canonical_number("05 / CĐ-UBND") == "05/CD-UBND"
    assert canonical_number("18-NQ / TW") == "18-NQ/TW"
    assert canonical_number("30c / NQ-CP") == "30c/NQ-CP"
    assert canonical_number("15 / CT-TTg") == "15/CT-TTg"
    assert canonical_number("12 / QĐ - UBND") == "12/QD-UBND"


def test_list_times_use_the_vietnamese_marks():
    assert sp_time(datetime(2020, 10, 13, 16, 58, tzinfo=PORTAL_TZ)) == "13/10/2020 4:58 CH"
    assert sp_time(datetime(2020, 10, 13, 12, 5, tzinfo=PORTAL_TZ)) == "13/10/2020 12:05 CH"
    assert sp_time(datetime(2020, 10, 13, 0, 40, tzinfo=PORTAL_TZ)) == "13/10/2020 12:40 SA"
    assert sp_time(datetime(2020, 10, 8, 10, 16, tzinfo=PORTAL_TZ)) == "08/10/2020 10:16 SA"


def test_title_cut_matches_the_seed_box():
    article = seed_article()
    from portal_replica.seed import ANCHOR_BY_ID

    for link in article.fixed_related:
        assert cut_title(ANCHOR_BY_ID[link.article_id].title) == link.title
    assert "To step up administrative reform work" in seed_text()


def test_every_document_type_and_number_shape_appears(corpus):
    types = Counter(a.document["type"] for a in corpus if a.document)
    assert set(types) <= CONTRACT_TYPES
    assert {"Official Letter", "Official Telegram", "Decision", "Directive", "Plan"} <= set(types)
    numbers = [r["number"] for a in corpus for r in a.references]
    numbers += [a.document["number"] for a in corpus if a.document]
    for name, shape in SHAPES.items():
        assert any(shape.match(n) for n in numbers), name
    assert all(any(shape.match(n) for shape in SHAPES.values()) for n in numbers), \
        [n for n in numbers if not any(s.match(n) for s in SHAPES.values())][:5]


def test_raw_numbers_are_typed_with_stray_spaces_and_vietnamese_letters(corpus):
    text = " ".join(b.text + " ".join(d.text for d in b.directives) for a in corpus for b in a.blocks)
    assert " / " in text and "CĐ-UBND" in text and "QĐ-" in text
    assert re.search(r"\d+-[A-Z]+ / TW", text)
    assert re.search(r"\d+/\d{4} / [A-Z]+-", text)


def test_news_have_no_document_and_no_directives(corpus):
    news = [a for a in corpus if a.document is None]
    assert len(news) > 200
    assert all(not a.directives for a in news)
    assert any(a.references for a in news)  # cited, not announced
    bodies = " ".join(b.text for a in news for b in a.blocks)
    assert "has issued a decision" in bodies or "has signed a decision" in bodies


def test_directive_styles_and_sub_items(corpus):
    styles = Counter(b.style for a in corpus for b in a.blocks if b.kind == "directives")
    assert set(styles) == {"dash", "numbered", "ul", "br"}
    assert any(d.subs for a in corpus for d in a.directives)
    assert all(len(d.text) >= 60 for a in corpus for d in a.directives)


def test_dates_with_and_without(corpus):
    refs = [r for a in corpus for r in a.references]
    assert any(r["issued_on"] for r in refs) and any(r["issued_on"] is None for r in refs)
    docs = [a.document for a in corpus if a.document]
    assert any(d["issued_on"] for d in docs) and any(d["issued_on"] is None for d in docs)
    years = Counter(a.published_at.year for a in corpus)
    assert min(years) == 2011 and max(years) >= 2021
    assert any(a.published_at.hour == 0 for a in corpus)


def test_issuers_in_words(corpus):
    issuers = Counter(a.document["issuer"] for a in corpus if a.document)
    assert {"Provincial People's Committee", "Chairman of the Provincial People's Committee"} <= set(issuers)


def test_texts_vary(corpus):
    openings = Counter(re.sub(r"[\d/ ]+", " ", a.lead())[:40] for a in corpus)
    titles = {a.title for a in corpus}
    assert len(titles) > 0.6 * len(corpus)
    assert len(openings) > 40

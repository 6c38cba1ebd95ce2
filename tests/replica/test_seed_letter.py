"""Article 2718 is the real seed letter, word for word, in both layouts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from support.replica import start_replica

from .conftest import SEED_TEXT
from .pages import soup, visible_text

# shared/ lies beside the project folder (here and in CI).
SHARED_SEED = Path(__file__).resolve().parents[3] / "shared" / "portal" / "seed-letter-2718.txt"
SEED_URL = "/en-us/Pages/Article.aspx?ChannelId=14&articleID=2718"


def seed_lines() -> list[str]:
    # Whitespace (the letter has a no-break space) compares collapsed, as visible_text does.
    lines = [" ".join(ln.split()) for ln in SEED_TEXT.read_text("utf-8").splitlines() if ln.strip()]
    # The counter is volatile by design; the box's "title(date)" shows as "title (date)".
    return [re.sub(r"\((\d\d/)", r" (\1", ln) for ln in lines if not ln.endswith("online users")]


def test_package_carries_the_seed_text_unchanged():
    if not SHARED_SEED.exists():
        pytest.skip("the shared samples are not on this machine")
    assert SEED_TEXT.read_bytes() == SHARED_SEED.read_bytes()


def test_seed_letter_word_for_word(replica):
    status, headers, body = replica.get(SEED_URL)
    assert status == 200
    text = visible_text(body)
    for line in seed_lines():
        assert line in text, line
    assert re.search(r"\b\d+ online users\b", text)


def test_seed_letter_parameters_in_either_order(replica):
    a = replica.get("/en-us/Pages/Article.aspx?articleID=2718&ChannelId=14")
    b = replica.get("/en-us/Pages/Article.aspx?ChannelId=14&articleID=2718")
    assert a[0] == b[0] == 200
    assert soup(a[2]).h1.get_text() == soup(b[2]).h1.get_text() == "To step up administrative reform work"


def test_seed_letter_truth(replica):
    record = next(r for r in replica.truth() if r["article_id"] == "2718")
    assert record["channel_id"] == 14
    assert record["published_on"] == "2020-10-09"
    assert record["published_at"] is None  # the sharepoint article page shows a date only
    assert record["document"] == {
        "type": "Official Letter", "number": "2718/UBND-NC", "issuer": "Provincial People's Committee",
        "issued_on": "2020-10-09", "subject": "promoting administrative reform work",
    }
    assert record["directive_count"] == 9
    assert [r["number"] for r in record["references"]] == [
        "22/2020/QD-UBND", "18-NQ/TW", "19-NQ/TW", "09/QD-HDSK", "30c/NQ-CP"]
    assert record["references"][0]["issued_on"] == "2020-08-12"


def test_seed_box_links_resolve_to_articles(replica):
    status, _, body = replica.get(SEED_URL)
    links = soup(body).select("div.latest-news a")
    assert len(links) == 8
    for link in links:
        assert replica.get(link["href"])[0] == 200, link["href"]


def test_seed_letter_in_modern_layout(tmp_path):
    with start_replica(tmp_path, articles=60, seed=7, layout="modern") as modern:
        status, headers, _ = modern.get(SEED_URL)
        assert status == 301
        location = headers["Location"]
        assert location.endswith("-c2718.html")
        status, _, body = modern.get(location)
        assert status == 200
        text = visible_text(body)
        body_lines = [ln for ln in seed_lines() if ln.startswith(("On October", "Accordingly", "- To"))]
        for line in body_lines:
            assert line.removeprefix("- ") in text, line
        assert soup(body).find("time")["datetime"] == "2020-10-09T08:12:00+07:00"

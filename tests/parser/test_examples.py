"""Every example page against its reviewed expected JSON (juriscraper's example test).

tests/examples/{articles,lists}/NAME.html sits beside NAME.expected.json. A page
without an expected file gets one written from the parser's current output and
the test FAILS: a person must read the page, correct the JSON by hand where the
parser is wrong, and only then is it ground truth.
URLs come from tests/examples/urls.json; sharepoint-style names default to an
Article.aspx URL carrying the number at the end of the file name.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from transforms import PARSER_VERSION, parse_article, parse_listing

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
URLS = json.loads((EXAMPLES / "urls.json").read_text())
PAGES = sorted(EXAMPLES.glob("articles/*.html")) + sorted(EXAMPLES.glob("lists/*.html"))


def example_url(page: Path) -> str:
    key = page.relative_to(EXAMPLES).as_posix()
    if key in URLS:
        return URLS[key]
    number = re.search(r"(\d+)$", page.stem)
    ident = str(int(number.group(1))) if number else "1"
    return f"http://portal.test/en-us/Pages/Article.aspx?ChannelId=14&articleID={ident}"


def parse_example(page: Path) -> dict:
    parse = parse_listing if page.parent.name == "lists" else parse_article
    result = parse(page.read_bytes(), example_url(page))
    return json.loads(json.dumps(result))  # exactly what the CLI prints


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(EXAMPLES).as_posix())
def test_example(page: Path) -> None:
    expected_file = page.with_name(page.stem + ".expected.json")
    got = parse_example(page)
    if not expected_file.exists():
        expected_file.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n")
        pytest.fail(f"wrote {expected_file.name}: review it by hand against the page, then rerun")
    expected = json.loads(expected_file.read_text())
    if "parser_version" in expected:
        expected["parser_version"] = PARSER_VERSION  # a bump alone is not a regression
    for key in expected:
        assert got.get(key) == expected[key], f"{page.name}: field {key!r} differs"
    assert got == expected


def test_enough_examples() -> None:
    articles = list(EXAMPLES.glob("articles/*.html"))
    assert len(articles) + len(list(EXAMPLES.glob("lists/*.html"))) >= 23

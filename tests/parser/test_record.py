"""The contract's record shape, content_hash, sanity_errors, and never-raise on odd input."""

from pathlib import Path

import pytest

from transforms import PARSER_VERSION, content_hash, parse_article, parse_listing, sanity_errors
from transforms.records import ArticleRecord, DocumentRecord, ListItem, ListRecord, keys_of

SAMPLES = Path(__file__).resolve().parents[1] / "examples" / "articles"
KEYS = keys_of(ArticleRecord)
URL = "http://h/en-us/Pages/Article.aspx?ChannelId=14&articleID=2718"


def sample():
    return (SAMPLES / "sample-article-2718.html").read_bytes()


def test_record_keys_and_version():
    assert KEYS[:4] == ["kind", "url", "article_id", "channel_id"] and KEYS[-1] == "warnings"
    record = parse_article(sample(), URL)
    assert list(record) == KEYS
    assert list(record["document"]) == keys_of(DocumentRecord)
    assert record["article_id"] == "2718" and record["channel_id"] == "14"
    assert record["parser_version"] == PARSER_VERSION
    assert record["warnings"] == [] and sanity_errors(record) == []


def test_hash_ignores_volatile_parts():
    a = parse_article(sample(), URL)
    b = parse_article(sample().replace(b"141 online users", b"999 online users").replace(b"articleID=2731", b"articleID=2999"), URL)
    assert a["related"] != b["related"]
    assert content_hash(a) == content_hash(b)
    c = parse_article(sample().replace(b"well perform", b"perform"), URL)
    assert content_hash(c) != content_hash(a)


def test_hash_changes_with_title():
    a = parse_article(sample(), URL)
    assert content_hash(dict(a, title="Other")) != content_hash(a)
    assert content_hash(dict(a, warnings=["x"], parser_version="9", url="y")) == content_hash(a)


@pytest.mark.parametrize("html", [b"", b"   ", None, b"\x00\x01\x02", "<html>", b"<p>no title, no date</p>" * 3])
def test_missing_fields_are_warned_and_flagged(html):
    record = parse_article(html, URL)
    assert "no title found" in record["warnings"] and "no publication date found" in record["warnings"]
    assert sanity_errors(record) == [f"missing title ({URL})", f"missing published_on ({URL})"]


def test_list_record_keys():
    page = (SAMPLES.parent / "lists" / "sample-list-page-1.html").read_bytes()
    record = parse_listing(page, "http://h/en-us/Pages/news.aspx?ChannelId=14&Page=1")
    assert list(record) == keys_of(ListRecord)
    assert record["items"] and all(list(item) == keys_of(ListItem) for item in record["items"])

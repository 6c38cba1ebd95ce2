"""Each layout module on its own, and the generic fallback on pages with unknown class names."""

from pathlib import Path

from transforms.layouts import extract_parts, generic, modern, sharepoint
from transforms.tree import parse_html

SAMPLES = Path(__file__).resolve().parents[1] / "examples" / "articles"


def root(name):
    return parse_html((SAMPLES / name).read_bytes().decode("utf-8"))


def test_sharepoint_module():
    parts = sharepoint.extract(root("sample-article-2718.html"))
    assert parts.title == "To step up administrative reform work"
    assert parts.published_on.isoformat() == "2020-10-09" and parts.published_at is None
    assert parts.related_box is not None and parts.body is not None
    assert modern.extract(root("sample-article-2718.html")) is None


def test_modern_module():
    parts = modern.extract(root("sample-article-2718-modern.html"))
    assert parts.title == "To step up administrative reform work"
    assert parts.published_at.isoformat() == "2020-10-09T08:12:00+07:00"
    assert sharepoint.extract(root("sample-article-2718-modern.html")) is None


def renamed(html: str) -> str:
    """The sample with every class name changed: a redesign we have never seen."""
    for old in ("article-title", "article-date", "article-content", "latest-news", "news-detail__title",
                "news-detail__meta", "news-detail__body", "box-latest"):
        html = html.replace(old, "zz" + old[::-1])
    return html


def test_generic_reads_both_samples_with_renamed_classes():
    for name in ("sample-article-2718.html", "sample-article-2718-modern.html"):
        known = extract_parts(root(name))
        unknown = extract_parts(parse_html(renamed((SAMPLES / name).read_text())))
        assert unknown.layout == "generic"
        assert unknown.title == known.title
        assert unknown.published_on == known.published_on
        assert unknown.related_box is not None
        assert "Official Letter No. 2718" in (unknown.body.text_content() if unknown.body is not None else "")
        assert "online users" not in unknown.body.text_content()


def test_generic_title_sources():
    page = parse_html("<html><head><title>Floods hit the north - Hung Yen Portal</title></head><body><p>x</p></body></html>")
    assert generic.page_title(page) == "Floods hit the north"
    page = parse_html("<html><head><title>Portal</title></head><body></body></html>")
    assert generic.page_title(page) is None
    page = parse_html('<html><head><meta property="og:title" content="A title"></head><body><h1>Site</h1><h2>A title</h2></body></html>')
    assert extract_parts(page).title == "A title"


def test_generic_posted_on_line():
    page = parse_html("<body><h2>Heat waves</h2><div>Posted on 05/06/2023 4:10 CH</div><div><p>Long text " + "word " * 50 + "</p></div></body>")
    parts = extract_parts(page)
    assert parts.published_on.isoformat() == "2023-06-05"
    assert parts.published_at.isoformat() == "2023-06-05T16:10:00+07:00"


def test_sidebar_time_is_not_the_publication_date():
    page = parse_html(
        '<body><h1>Title</h1><div class="x"><p>' + "text " * 80 + '</p></div>'
        '<div class="y"><h3>Latest news</h3><a href="/a-c12.html">Other</a><time datetime="2020-01-01T08:00:00+07:00">x</time></div></body>'
    )
    assert extract_parts(page).published_on is None

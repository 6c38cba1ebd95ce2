from transforms.blocks import Line, body_lines
from transforms.directives import directives, marker
from transforms.tree import parse_html


def lines(*texts, kind="p"):
    return [Line(t, kind) for t in texts]


def texts(items):
    return [d["text"] for d in items]


def test_dash_lines():
    got = directives(lines("Intro requests:", "- To do A.", "- To do B.", "Closing paragraph."))
    assert got == [{"ordinal": 1, "text": "To do A."}, {"ordinal": 2, "text": "To do B."}]


def test_numbered_with_letter_subitems_fold_into_parent():
    got = directives(lines("1. The Department of Health to:", "a) Receive vaccines;", "b) Organize vaccination.", "2. Finance to advise."))
    assert texts(got) == ["The Department of Health to: a) Receive vaccines; b) Organize vaccination.", "Finance to advise."]


def test_dash_subitems_under_numbers():
    got = directives(lines("1. First:", "- detail one", "+ detail two", "2. Second"))
    assert texts(got) == ["First: - detail one + detail two", "Second"]


def test_list_items_and_nested_lists():
    root = parse_html("<div id=b><p>Intro</p><ul><li>A<ul><li>a1</li><li>a2</li></ul></li><li>B</li></ul></div>")
    body = root.get_element_by_id("b")
    assert texts(directives(body_lines(body))) == ["A a1 a2", "B"]


def test_br_separated_items():
    root = parse_html("<div id=b><p>Tasks:<br>- To monitor<br>- To disinfect<br/>- To report</p></div>")
    assert texts(directives(body_lines(root.get_element_by_id("b")))) == ["To monitor", "To disinfect", "To report"]


def test_bullets_and_dashes_variants():
    for bullet in ("\u2022", "\u2013", "\u2014", "*", "\u25cf"):
        assert texts(directives(lines(f"{bullet} To act.", f"{bullet} To report."))) == ["To act.", "To report."]


def test_roman_section_headings_are_not_directives():
    got = directives(lines("I. OBJECTIVES", "1. To do.", "II. TASKS", "2. To report."))
    assert texts(got) == ["To do.", "To report."]


def test_no_markers_no_directives():
    assert directives(lines("A paragraph.", "Another one about 2020.")) == []


def test_marker():
    assert marker("12. To do") == ("number", "To do")
    assert marker("2020. The year") == (None, "2020. The year")
    assert marker("a) sub") == ("letter", "sub")


def test_only_the_requested_list_counts():
    got = directives(lines(
        "In 2020 the province achieved:", "- growth of 7%;", "- 20 new schools.",
        "The Provincial People's Committee requests departments to:", "- To review plans.", "- To report monthly.",
    ))
    assert texts(got) == ["To review plans.", "To report monthly."]


def test_numbered_list_interrupted_by_a_paragraph():
    got = directives(lines("The PPC assigns:", "1. Health to act.", "This is urgent.", "2. Finance to pay.", "Done."))
    assert texts(got) == ["Health to act.", "Finance to pay."]


def test_two_requested_lists():
    got = directives(lines("The PPC requests departments to:", "- A.", "The PPC assigns districts to:", "- B."))
    assert texts(got) == ["A.", "B."]


def test_decision_articles():
    got = directives(lines("DECIDES:", "Article 1. To approve the plan.", "Article 2. This Decision takes effect."))
    assert texts(got) == ["To approve the plan.", "This Decision takes effect."]


def test_letter_dot_subitems():
    got = directives(lines("1. Health to:", "a. Receive vaccines;", "b. Vaccinate.", "2. Finance to pay."))
    assert texts(got) == ["Health to: a. Receive vaccines; b. Vaccinate.", "Finance to pay."]

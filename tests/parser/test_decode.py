from transforms.decode import decode_html

CURLY = "People\u2019s \u201cCommittee\u201d \u2013 Ph\u1ed1 Hi\u1ebfn"


def test_declared_windows_1252():
    html = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252"><p>People\u2019s \u2013 caf\u00e9</p>'
    text, warnings = decode_html(html.encode("cp1252"))
    assert "People\u2019s \u2013 caf\u00e9" in text and warnings == []


def test_undeclared_windows_1252_falls_back_with_warning():
    text, warnings = decode_html("<p>People\u2019s caf\u00e9</p>".encode("cp1252"))
    assert "People\u2019s caf\u00e9" in text
    assert warnings == ["page is not valid UTF-8; decoded as windows-1252"]


def test_mislabelled_utf8():
    html = '<meta charset="windows-1252"><p>' + CURLY + "</p>"
    text, warnings = decode_html(html.encode("utf-8"))
    assert CURLY in text and "UTF-8" in warnings[0]


def test_truncated_utf8_stays_utf8():
    data = ("<p>" + CURLY * 5).encode("utf-8")[:-1]
    text, _ = decode_html(data)
    assert "Ph\u1ed1 Hi" in text


def test_latin1_declaration_means_windows_1252():
    text, _ = decode_html(b'<meta charset="iso-8859-1"><p>\x93quoted\x94</p>')
    assert "\u201cquoted\u201d" in text


def test_unknown_charset_and_junk():
    text, warnings = decode_html(b'<meta charset="x-nonsense"><p>\xff\xfe\x00ok</p>')
    assert "ok" in text and "\x00" not in text


def test_bom_and_str_and_none():
    assert decode_html(b"\xef\xbb\xbf<p>x</p>")[0] == "<p>x</p>"
    assert decode_html("<p>\x00x</p>")[0] == "<p>x</p>"
    assert decode_html(None) == ("", ["empty page"])

import pytest

from transforms.docnumbers import canonical, find_numbers, parse_number, read_codes


@pytest.mark.parametrize(
    "raw, number",
    [
        ("2718 / UBND-NC", "2718/UBND-NC"),
        ("22/2020 / QD-UBND", "22/2020/QD-UBND"),
        ("05 / CĐ-UBND", "05/CD-UBND"),
        ("18-NQ / TW", "18-NQ/TW"),
        ("30c / NQ-CP", "30c/NQ-CP"),
        ("202/2025/QH15", "202/2025/QH15"),
        ("26/CT-TTg", "26/CT-TTg"),  # case kept
        ("1768 / QĐ-TTg", "1768/QD-TTg"),
        ("13/2013/NQ-HĐND", "13/2013/NQ-HDND"),
        ("1943 /UBND - CN", "1943/UBND-CN"),
        ("45 / QD\u2013UBND", "45/QD-UBND"),  # en dash
        ("3321\u00a0/\u00a0UBND-NC", "3321/UBND-NC"),
        ("7-KL/TW", "7-KL/TW"),
    ],
)
def test_canonical_numbers(raw, number):
    found = parse_number(f"under No. {raw} dated")
    assert found is not None and found.canonical == number
    assert canonical(raw) == number


@pytest.mark.parametrize(
    "number, doc_type, issuer",
    [
        ("2718/UBND-NC", "Official Letter", "People's Committee"),
        ("22/2020/QD-UBND", "Decision", "People's Committee"),
        ("15/CT-UBND", "Directive", "People's Committee"),
        ("141/KH-UBND", "Plan", "People's Committee"),
        ("128/NQ-CP", "Resolution", "Government"),
        ("05/CD-UBND", "Official Telegram", "People's Committee"),
        ("140/TB-VPCP", "Notice", "Government Office"),
        ("12/BC-UBND", "Report", "People's Committee"),
        ("26/CT-TTg", "Directive", "Prime Minister"),
        ("43/2014/ND-CP", "Decree", "Government"),
        ("99/2005/TT-BYT", "Circular", None),
        ("7-KL/TW", "Conclusion", "Party Central Committee"),
        ("18-NQ/TW", "Resolution", "Party Central Committee"),
        ("202/2025/QH15", "Law", "National Assembly"),
    ],
)
def test_codes(number, doc_type, issuer):
    assert read_codes(number) == (doc_type, issuer)


@pytest.mark.parametrize(
    "text",
    [
        "dated 12/8/2020",
        "in the period of 2011-2020",
        "Covid-19 epidemic",
        "level 3/4 services",
        "No. 12/UBND - To strengthen",  # "To" is a word, not a code
        "24/7 duty",
    ],
)
def test_not_numbers(text):
    assert all(n.canonical in ("12/UBND",) for n in find_numbers(text))


def test_numbers_in_order_with_positions():
    text = "Resolution No. 18-NQ / TW, Resolution No. 19-NQ / TW dated October 25, 2017"
    found = find_numbers(text)
    assert [n.canonical for n in found] == ["18-NQ/TW", "19-NQ/TW"]
    assert text[found[0].start : found[0].end] == "18-NQ / TW"

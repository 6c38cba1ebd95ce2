"""The document rule on sentences, not on phrasings seen once (docs/extraction-rules.md,
"The document"). Each case is one sentence shape, with the answer an analyst reads off it."""

from __future__ import annotations

import pytest

from transforms import parse_article


def _document(text: str) -> dict | None:
    page = f"<html><head><title>News</title></head><body><h1>A headline of some length</h1><p>{text}</p></body></html>"
    return parse_article(page, "https://example.org/news/1.html")["document"]


CASES = [
    (  # words between the verb and the type
        "The Prime Minister has just signed off on Decision No. 123/QD-TTg approving the national plan.",
        ("Decision", "123/QD-TTg", "Prime Minister", None, "approving the national plan"),
    ),
    (
        "The Ministry of Health has just issued guidance in Official Letter No. 123/BYT-MT on waste treatment.",
        ("Official Letter", "123/BYT-MT", "Ministry of Health", None, "waste treatment"),
    ),
    (  # "(No. X)" after the type word
        "The provincial People's Committee issued a Plan (No. 123/KH-UBND) on digital transformation.",
        ("Plan", "123/KH-UBND", "Provincial People's Committee", None, "digital transformation"),
    ),
    (  # the number as the subject, with a participle
        "Decision No. 456/QD-UBND, signed by Vice Chairman Nguyen Van Anh on May 5, 2021, approves the land price list.",
        ("Decision", "456/QD-UBND", "Vice Chairman", "2021-05-05", None),
    ),
    (  # a report of its content
        "In Official Letter No. 789/UBND-KT dated May 5, 2021, the provincial People's Committee requested departments to review projects.",
        ("Official Letter", "789/UBND-KT", "Provincial People's Committee", "2021-05-05", None),
    ),
    (  # a time between the issuer and its verb; the issuer's possessive
        "Deputy Prime Minister Vu Duc Dam on Monday signed the Prime Minister's Dispatch No. 1081/CD-TTg on COVID-19 prevention.",
        ("Official Telegram", "1081/CD-TTg", "Prime Minister", None, "COVID-19 prevention"),
    ),
    (  # no type word: the code decides
        "Prime Minister Pham Minh Chinh has just signed the issuance of electricity No. 13/CD-TTg dated 8.2.2025 requests ministries to report.",
        ("Official Telegram", "13/CD-TTg", "Prime Minister", "2025-02-08", None),
    ),
    (  # the number as the subject after the issuer's possessive, with "issued on <day>"
        "The Government's Official Dispatch No 217/CD-TTg issued on Sunday states that rain will go on until Tuesday.",
        ("Official Telegram", "217/CD-TTg", "Prime Minister", None, None),
    ),
    (  # who tells it is not who signed it
        "On September 29, the Government Office announced that Prime Minister Pham Minh Chinh had just signed and issued "
        "Official Dispatch No. 175/CD-TTg on responding to storm No. 10.",
        ("Official Telegram", "175/CD-TTg", "Prime Minister", None, "responding to storm No. 10"),
    ),
    (  # recipients before a gerund subject
        "The Government Office has sent Official Letter No. 300/VPCP-KGVX to ministries conveying the direction on school reopening.",
        ("Official Letter", "300/VPCP-KGVX", "Government Office", None, "conveying the direction on school reopening"),
    ),
]


@pytest.mark.parametrize("text,want", CASES, ids=[str(i) for i in range(len(CASES))])
def test_sentence_shapes(text: str, want: tuple) -> None:
    doc = _document(text)
    assert doc is not None, text
    assert (doc["type"], doc["number"], doc["issuer"], doc["issued_on"], doc["subject"]) == want


def test_a_report_is_background_to_another_issuers_announcement() -> None:
    text = (
        "In Resolution No. 35/NQ-CP, the Government requested ministries to support enterprises. "
        "On May 5, the provincial People's Committee issued Decision No. 99/QD-UBND on the establishment of the working group."
    )
    assert _document(text)["number"] == "99/QD-UBND"
    round_up = (
        "Accordingly, in Official Dispatch No. 80/CD-TTg dated June 1, 2025, the Prime Minister requested ministries to act. "
        "On June 3, the Prime Minister signed Official Dispatch No. 81/CD-TTg on power supply."
    )
    assert _document(round_up)["number"] == "80/CD-TTg"


def test_citing_is_not_announcing() -> None:
    assert _document("Under Decree No. 15/2018/ND-CP, enterprises are required to declare products.") is None
    assert _document("Departments must review the contents of Resolution No. 46/NQ-CP of the Government.") is None


def _page(lines: list[str]) -> dict:
    body = "".join(f"<p>{line}</p>" for line in lines[1:])
    return parse_article(f"<html><head><title>Site</title></head><body><h1>{lines[0]}</h1><div>{body}</div></body></html>",
                         "https://example.org/doc/1.html")


def test_header_shapes_of_flattened_tables() -> None:
    """A header whose cells come as lines: "No." alone above the number, the place and date
    broken after the month, the issuer and title in capitals over two lines; or as one
    line of cells joined by "|"."""
    doc = _page([
        "Circular 56/2011/TT-BTC", "THE MINISTRY", "OF FINANCE", "-------", "SOCIALIST", "REPUBLIC OF VIETNAM",
        "Independence - Freedom - Happiness", "No.", "56/2011/TT-BTC", "Hanoi, April", "29th 2011", "CIRCULAR",
        "PROVIDING GUIDANCE ON THE CALCULATION OF SUPERVISION", "CRITERIA AND THE SUPERVISION OF PUBLIC DEBTS",
        "Pursuant to the Law on Public debt management dated June 17th 2009;",
    ])["document"]
    assert doc == {"type": "Circular", "number": "56/2011/TT-BTC", "issuer": "Ministry of Finance", "issued_on": "2011-04-29",
                   "subject": "PROVIDING GUIDANCE ON THE CALCULATION OF SUPERVISION CRITERIA AND THE SUPERVISION OF PUBLIC DEBTS"}
    doc = _page([
        "Circular 45/2024/TT-BTC", "| MINISTRY OF FINANCE | SOCIALIST REPUBLIC OF VIETNAM |",
        "| No. 45/2024/TT-BTC | Hanoi, July 1, 2024 |", "ON PROMULGATION OF GENERAL VALUATION METHOD",
        "Pursuant to the Law on Prices dated June 19, 2023;",
    ])["document"]
    assert doc == {"type": "Circular", "number": "45/2024/TT-BTC", "issuer": "Ministry of Finance", "issued_on": "2024-07-01",
                   "subject": "PROMULGATION OF GENERAL VALUATION METHOD"}

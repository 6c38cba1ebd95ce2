from transforms.citations import CITED, HEADER, ISSUED, find_mentions, references
from transforms.document import choose


def analyse(title, body):
    text = title + "\n" + body
    mentions = find_mentions(text)
    doc, _ = choose(text, mentions, len(title))
    refs = references(mentions, doc.number if doc else None)
    return doc, [(r.number, r.type, r.issued_on and r.issued_on.isoformat()) for r in refs], mentions


SEED = (
    "On October 9, 2020, the Provincial People's Committee issued Official Letter No. 2718 / UBND-NC on "
    "promoting administrative reform work.\n- To act in accordance with regulations issued together with "
    "Decision No. 22/2020 / QD-UBND dated 12/8/2020 of the Provincial People's Committee.\n- according to "
    "Resolution No. 18-NQ / TW, Resolution No. 19-NQ / TW dated October 25, 2017 of the 6th Conference."
)


def test_seed_letter():
    doc, refs, _ = analyse("To step up administrative reform work", SEED)
    assert doc.as_dict() == {
        "type": "Official Letter",
        "number": "2718/UBND-NC",
        "issuer": "Provincial People's Committee",
        "issued_on": "2020-10-09",
        "subject": "promoting administrative reform work",
    }
    assert refs == [
        ("22/2020/QD-UBND", "Decision", "2020-08-12"),
        ("18-NQ/TW", "Resolution", None),
        ("19-NQ/TW", "Resolution", "2017-10-25"),
    ]


def test_title_number_is_a_reference():
    title = "The Plan to implement the Government's Resolution 128 / NQ-CP dated September 11, 2020"
    body = "The Provincial People's Committee issued Plan No. 141 / KH-UBND to implement the Government's Resolution No. 128 / NQ-CP."
    doc, refs, _ = analyse(title, body)
    assert doc.number == "141/KH-UBND" and doc.type == "Plan"
    assert refs == [("128/NQ-CP", "Resolution", "2020-09-11")]


def test_cited_first_then_issued():
    body = "Implementing Decree 12/2008 /ND-CP of March 7, 2008 of the Government, on March 4, 2011, the Provincial People's Committee (PPC) issued Decision No. 76/2011 /QD-UBND on collecting revenues."
    doc, refs, _ = analyse("Revenues", body)
    assert (doc.number, doc.issuer, doc.issued_on.isoformat()) == ("76/2011/QD-UBND", "Provincial People's Committee", "2011-03-04")
    assert refs == [("12/2008/ND-CP", "Decree", "2008-03-07")]


def test_comma_ends_a_dated_phrase():
    body = "Implementing Resolution No. 77 /NQ-CP, on March 24, 2011, the Provincial People's Committee issued Plan No. 91 /KH-UBND on PCI."
    _, refs, _ = analyse("PCI", body)
    assert refs == [("77/NQ-CP", "Resolution", None)]


def test_no_number_no_document():
    doc, refs, _ = analyse("Steering committee", "The Provincial People's Committee has issued a decision on establishing it under Decision No. 19/2020/QD-UBND.")
    assert doc is None
    assert refs == [("19/2020/QD-UBND", "Decision", None)]


def test_passive_issue():
    body = "Official Dispatch No. 812/UBND-TH on speeding up disbursement was signed by Vice Chairman of the Provincial People's Committee Dang Ngoc Quynh on April 5, 2021."
    doc, _, mentions = analyse("Disbursement", body)
    assert mentions[0].role == ISSUED
    assert doc.as_dict() == {
        "type": "Official Letter",
        "number": "812/UBND-TH",
        "issuer": "Vice Chairman of the Provincial People's Committee",
        "issued_on": "2021-04-05",
        "subject": "speeding up disbursement",
    }


def test_full_text_header():
    body = "THE PRIME MINISTER\nNo. 26/CT-TTg  Hanoi, June 6, 2017\nDIRECTIVE\nOn strengthening discipline\n1. To review."
    doc, _, mentions = analyse("Directive on discipline", body)
    assert mentions[0].role == HEADER
    assert doc.as_dict() == {
        "type": "Directive",
        "number": "26/CT-TTg",
        "issuer": "Prime Minister",
        "issued_on": "2017-06-06",
        "subject": "strengthening discipline",
    }


def test_issuer_falls_back_to_code():
    doc, _, _ = analyse("x", "No. 26/CT-TTg  Hanoi, June 6, 2017\nOn discipline")
    assert doc.issuer == "Prime Minister"


def test_dispatch_is_official_letter_and_telegram_cd():
    doc, _, _ = analyse("x", "The Chairman issued Official Telegram No. 05 / CĐ-UBND on storms.")
    assert (doc.type, doc.number, doc.issuer) == ("Official Telegram", "05/CD-UBND", "Chairman")
    doc, _, _ = analyse("x", "The Provincial People's Committee issued Dispatch No. 986 / UBND-TNMT on waste.")
    assert doc.type == "Official Letter"


def test_each_reference_once_in_order_never_the_document():
    body = (
        "The Provincial People's Committee issued Plan No. 8/KH-UBND implementing Decree No. 1/2020/ND-CP. "
        "Plan No. 8/KH-UBND follows Decree No. 1/2020/ND-CP dated 5/6/2020 and Circular No. 2/2021/TT-BTC."
    )
    doc, refs, mentions = analyse("x", body)
    assert doc.number == "8/KH-UBND"
    assert refs == [("1/2020/ND-CP", "Decree", "2020-06-05"), ("2/2021/TT-BTC", "Circular", None)]
    assert [m.role for m in mentions].count(CITED) == 4  # the second "Plan No. 8" is a mention, not a reference


def test_a_number_in_the_title_alone_is_not_the_document():
    doc, refs, _ = analyse(
        "Resolution No. 18-NQ/TW: five years on",
        "Provincial leaders held a conference to review five years of implementing the Resolution.",
    )
    assert doc is None and refs == [("18-NQ/TW", "Resolution", None)]


def test_issuer_words_are_normalised_but_not_invented():
    doc, _, _ = analyse("x", "Mr. Tran Quoc Van, Chairman of the PPC, signed Directive No. 5/CT-UBND on forests.")
    assert doc.issuer == "Chairman of the Provincial People's Committee"
    doc, _, _ = analyse("x", "Vice Chairman Nguyen Hung Nam of the Provincial People's Committee signed Decision No. 7/QD-UBND approving it.")
    assert (doc.issuer, doc.subject) == ("Vice Chairman of the Provincial People's Committee", "approving it")
    doc, _, _ = analyse("x", "The National Assembly passed Law No. 35/2024/QH15 on Roads.")
    assert (doc.type, doc.issuer, doc.subject) == ("Law", "National Assembly", "Roads")


def test_a_cited_numbers_date_is_not_the_documents():
    body = "Under Decree No. 76/2012/ND-CP issued on June 24, 2012, the Prime Minister has issued Directive No. 127c /CT - TTg on procedures."
    doc, refs, _ = analyse("x", body)
    assert (doc.number, doc.issued_on, doc.issuer) == ("127c/CT-TTg", None, "Prime Minister")
    assert refs == [("76/2012/ND-CP", "Decree", "2012-06-24")]

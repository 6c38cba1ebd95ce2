import pytest

from transforms.addressees import addressees


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "the Provincial People's Committee requests the Heads of provincial departments; agencies and branches; "
            "Chairmen of the People's Committees of districts, towns and city to well perform the following contents:",
            ["Heads of provincial departments", "agencies and branches", "Chairmen of the People's Committees of districts, towns and city"],
        ),
        ("The Chairman requests the Provincial Police to:", ["Provincial Police"]),
        ("The Provincial People's Committee urges the Chairmen of districts to: ensure", ["Chairmen of districts"]),
        ("departments and localities are requested to act", ["departments and localities"]),
        (
            "The Official Letter clearly states that, in order to ensure the implementation, the Heads of provincial "
            "departments, agencies and branches; Chairmen of the People's Committees of districts are requested to:",
            ["Heads of provincial departments, agencies and branches", "Chairmen of the People's Committees of districts"],
        ),
        ("The Plan requests agencies and units to:", ["agencies and units"]),
        (
            "Accordingly, in order to complete the targets and tasks assigned for the year, the Provincial People's "
            "Committee requests the Department of Health and relevant agencies to well perform the following contents:",
            ["Department of Health and relevant agencies"],
        ),
        # a header's "To:" cell (real: hethongphapluat-dispatch-2601)
        ("Hanoi, April 03, 2020\nTo:\n- Ministries, ministerial-level agencies and Governmental agencies;\n"
         "- People's Committees of provinces.\nOn March 31, 2020, the Prime Minister assigns the following tasks:",
         ["Ministries, ministerial-level agencies and Governmental agencies", "People's Committees of provinces"]),
        ("To: Department of Health; Department of Finance\nThe Provincial People's Committee requests:",
         ["Department of Health", "Department of Finance"]),
        # "directed X as follows" (real: blawyers-hcmc-letter-2869)
        ("This was an urgent letter, in which directed all departments, committees and bodies of Ho Chi Minh City as follows:",
         ["all departments, committees and bodies of Ho Chi Minh City"]),
        # the object of "requires" is no addressee when it names nobody (real: vss-document-2601)
        ("The Government Office requires strict compliance to social distancing. Investors are requested to report.",
         ["Investors"]),
        # "requests X:" with an ellipsis inside the list (held-out hungyen-telegram-2491)
        ("the Chairman requests the heads of provincial departments; heads of agencies, units, people's markets ... and "
         "the entire People:\n- To continue", ["heads of provincial departments",
                                                "heads of agencies, units, people's markets ... and the entire People"]),
        # a request inside an item names that item's lead, not the letter's addressees (held-out hungyen-print-telegram-1488)
        ("The Chairman of the Provincial People's Committee directs:\n1. To isolate drivers.\n"
         "2. To request the Chairmen of the People's Committees of districts, towns and city: + To supplement", []),
        ("A meeting was held.", []),
        ("It requests that all units report.", []),
    ],
)
def test_addressees(text, expected):
    assert addressees(text) == expected

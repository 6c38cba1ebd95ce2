"""Directives as tasks: the agency registry, assignee roles and deadlines (CONTRACT section 1, added 2026-12)."""

from __future__ import annotations

from datetime import date

import pytest

from transforms import agencies
from transforms.assignees import assignees
from transforms.deadlines import due

DCC = "Chairmen of the People's Committees of districts, towns and city"
MIN = "Ministers, heads of ministerial-level agencies and Government agencies"
PCC = "Chairpersons of the People's Committees of provinces and centrally-run cities"


def test_registry_is_well_formed() -> None:
    kinds = {"department", "sector", "district", "commune", "central", "party", "group", "other"}
    levels = {"central", "province", "district", "commune"}
    ids = [a.id for a in agencies.REGISTRY]
    names = [a.name for a in agencies.REGISTRY]
    assert len(ids) == len(set(ids)) and len(names) == len(set(names))
    for a in agencies.REGISTRY:
        assert a.kind in kinds - {"other"} and a.level in levels, a.id
        if a.merged_into:
            assert a.merged_into in agencies.BY_NAME and a.in_use_until, a.id
    # each alias names one body only
    seen: dict[str, str] = {}
    for a in agencies.REGISTRY:
        for alias in (a.name, *a.aliases):
            key = agencies._key(alias)
            assert seen.setdefault(key, a.name) == a.name, f"{alias!r} names {seen[key]} and {a.name}"


@pytest.mark.parametrize(
    ("phrase", "names"),
    [
        ("DOH", ["Department of Health"]),
        ("the health sector", ["Department of Health"]),
        ("Sở Y tế", ["Department of Health"]),
        ("So Y te", ["Department of Health"]),
        ("the Director of the Department of Health", ["Department of Health"]),
        ("the Chairman of the Provincial People's Committee", ["Chairman of the Provincial People's Committee"]),
        ("Directors of the Departments of Finance and of Natural Resources and Environment",
         ["Department of Finance", "Department of Natural Resources and Environment"]),
        ("the Heads of provincial departments, agencies and branches; Chairmen of the People's Committees of districts, towns and city",
         ["Heads of provincial departments, agencies and branches", DCC]),
        ("the Provincial Steering Committee", ["Provincial Steering Committee"]),  # unknown: verbatim
        # spellings of one name: list separators, the apostrophe lost, "of the", title words
        ("Ministries, ministerial-level agencies, government-attached agencies, People s Committees of provinces and centrally-run cities",
         [MIN, PCC]),
        ("Ministers, heads of ministerial-level agencies, heads of government-attached agencies, chairpersons of "
         "provincial-level People's Committees and related organizations and individuals",
         [MIN, PCC, "related organizations and individuals"]),
        ("The Minister, Leader of ministerial-level agencies, Leader of agencies of Government, President of People's "
         "Committee of the provinces and cities directly under the Government", [MIN, PCC]),
        ("Chairman/Chairwomen of People's Committees of Districts, Wards \u2013 Communes \u2013 Towns",
         [DCC, "People's Committees of communes, wards and towns"]),
        ("People's Committee of districts, towns, cities", [DCC]),
        ("Department of Labour - Invalids and Social Affairs", ["Department of Labour, Invalids and Social Affairs"]),
        # lower-case classes of bodies: one group, verbatim
        ("the central agencies branched in the province", ["central agencies branched in the province"]),
        ("departments, committees and bodies of Ho Chi Minh City", ["departments, committees and bodies of Ho Chi Minh City"]),
        # named places sharing one class word: one body each, a registry name when there is one
        ("Chuong My, Ba Vi and My Duc districts", ["Chuong My district", "Ba Vi district", "My Duc district"]),
        ("Van Lam and Yen My districts", ["People's Committee of Van Lam district", "People's Committee of Yen My district"]),
        # another province's body is that province's, kept verbatim (held-out quangtri-dispatch-549)
        ("Quang Tri Department of Health and relevant agencies", ["Quang Tri Department of Health", "Relevant agencies and units"]),
        ("the Department of Health of Da Nang city", ["Department of Health of Da Nang city"]),
        # ministers of named ministries (held-out lawnet-telegram-90)
        ("Ministers of National Defense and Public Security", ["Ministry of National Defence", "Ministry of Public Security"]),
        ("the Minister of Health", ["Ministry of Health"]),
        # a registry body that only qualifies ("affiliated to"), heads of classes, a name with "and" inside
        ("Director of Department of Medical Examination and Treatment; directors of hospitals and facilities affiliated to "
         "Ministry of Health; heads of medical sector of ministries",
         ["Director of Department of Medical Examination and Treatment",
          "directors of hospitals and facilities affiliated to Ministry of Health", "heads of medical sector of ministries"]),
        # the next level ("districts and communes"); a lower-case list that goes on is not "agencies and units"
        ("Chairmen of the People's Committees of districts and communes; heads of agencies, units, businesses, "
         "urban areas, people's markets ... and the entire People",
         [DCC, "People's Committees of communes, wards and towns", "heads of agencies, units, businesses, urban areas, people's markets"]),
        # central bodies; a person's name after a title is no body; "the Government Office" is not "the Government"
        ("Vietnam Television, Voice of Vietnam and Vietnam News Agency", ["Vietnam Television", "Voice of Vietnam", "Vietnam News Agency"]),
        ("Deputy Prime Minister Vu Duc Dam", ["Deputy Prime Minister"]),
        ("The Government Office", ["Government Office"]),
        # "ministries, branches and localities": the classes without a registry group stay verbatim
        ("Ministries, sectors and localities", [MIN, "sectors", "Localities"]),
        ("Authorities at all levels, branches, and localities and the general public",
         ["Authorities at all levels", "branches", "Localities"]),
        ("the Justice Ministry", ["Ministry of Justice"]),
        ("chairpersons of provincial-level Peoplersquo;s Committees", [PCC]),
        ("the National Assembly Standing Committee and National Assembly", ["National Assembly Standing Committee", "National Assembly"]),
        # "X's Y" is "Y of the X"; a unit the registry does not know stays whole, verbatim
        ("the Provincial Party Committee's Propaganda Department", ["Propaganda Board of the Provincial Party Committee"]),
        ("the Provincial Police's Traffic Police Division", ["Provincial Police's Traffic Police Division"]),
        ("Secretaries of Provincial and Municipal Party Committees", ["Secretaries of Provincial and Municipal Party Committees"]),
        ("the doh", []),  # abbreviations keep their case
        ("most people", []),
    ],
)
def test_resolve(phrase, names) -> None:
    assert agencies.resolve(phrase) == names


def test_merged_names_keep_their_dates() -> None:
    old = agencies.lookup("Department of Planning and Investment")
    assert old.in_use_until == "2025-02-28" and old.merged_into == "Department of Finance"
    assert agencies.lookup("Department of Agriculture and Environment").in_use_from == "2025-03-01"


def _roles(text, addressees=()):
    return [(a["agency"], a["role"]) for a in assignees(text, list(addressees))]


def test_lead_coordinate_report_to() -> None:
    text = ("The Department of Health shall preside over and coordinate with the Department of Finance to review "
            "and report to the Provincial People's Committee before October 30, 2020.")
    assert _roles(text) == [("Department of Health", "lead"), ("Department of Finance", "coordinate"),
                            ("Provincial People's Committee", "report_to")]


@pytest.mark.parametrize(
    ("text", "roles"),
    [
        ("Assign the Provincial Police to preside over the inspection.", [("Provincial Police", "lead")]),
        ("The Department of Finance to advise on the budget.", [("Department of Finance", "lead")]),
        ("The Department of Health is assigned to guide the localities.", [("Department of Health", "lead")]),
        ("To inspect markets in coordination with the Provincial Police.", [(DCC, "addressee"), ("Provincial Police", "coordinate")]),
        ("To report the results to the Provincial People's Committee (via the Department of Home Affairs).",
         [(DCC, "addressee"), ("Provincial People's Committee", "report_to"), ("Department of Home Affairs", "report_to")]),
        # a body named without a cue is no assignee
        ("To vaccinate under the guidance of the Ministry of Health.", [(DCC, "addressee")]),
        ("The Provincial Police directs the forces to patrol.", [("Provincial Police", "lead")]),
        ("The Provincial People's Committee assigns the Department of Home Affairs to preside over the review.",
         [("Department of Home Affairs", "lead")]),
        ("The DONRE, the DOIT and the Provincial Police shall inspect.",
         [("Department of Natural Resources and Environment", "lead"), ("Department of Industry and Trade", "lead"),
          ("Provincial Police", "lead")]),
        ("Based on the situation, the Department of Health shall inspect.", [("Department of Health", "lead")]),
        ("Heads of departments, branches, sectors and Chairmen of district People's Committees shall review.",
         [("Heads of provincial departments, agencies and branches", "lead"), (DCC, "lead")]),
        ("To report difficulties according to Official Letter No. 5/UBND-KT of the Provincial People's Committee.",
         [(DCC, "addressee")]),
        ("The heads of agencies shall be held responsible before the Chairman of the Provincial People's Committee.",
         [(DCC, "addressee")]),
        # "requesting X to", "assigning X to": X is told to act, named bodies without a body word too
        ("Assigning Binh Thuan Online, Binh Thuan Radio \u2013 Television Station to place this announcement.",
         [("Binh Thuan Online", "lead"), ("Binh Thuan Radio \u2013 Television Station", "lead")]),
        ("Proposing the entire people and requesting all agencies, departments, units, fatherland front, unions; the "
         "central agencies branched in the province to continue.",
         [("Relevant agencies and units", "lead"), ("Provincial Vietnam Fatherland Front Committee", "lead"),
          ("Socio-political organizations", "lead"), ("central agencies branched in the province", "lead")]),
        # "proposing that X ...": X leads; "people" is no body
        ("Proposing that bodies and authorities at all levels not be neglected.", [("bodies and authorities at all levels", "lead")]),
        ("Proposing that people strictly wear masks.", [(DCC, "addressee")]),
        # a body that directs its own units leads alone (held-out baonghean-print-dispatch-5830, lawnet-telegram-90)
        ("The provincial police direct professional departments and local police to: inspect", [("Provincial Police", "lead")]),
        ("The Ministers of National Defense and Public Security to direct their competent units to cooperate with the localities.",
         [("Ministry of National Defence", "lead"), ("Ministry of Public Security", "lead"), ("Localities", "coordinate")]),
        ("The Provincial People's Committee directs the Department of Health to inspect.", [("Department of Health", "lead")]),
        # an aside before the verb
        ("The Department of Construction and the People's Committees of districts, cities and towns, according to their "
         "functions and tasks, shall strengthen State management.", [("Department of Construction", "lead"), (DCC, "lead")]),
        # a subject after an opening phrase with commas; the provinces of a central letter are its provincial group
        ("For those who have left the province or city to other provinces, the relevant provinces must organise.", [(PCC, "lead")]),
        ("The Party Secretary, Chairman of the People's Committee of the affected provinces, and cities, with the objective "
         "of ensuring safety, health, and life of the People as the top priority, to directly instruct the respective "
         "functional agencies:", [("Party Secretary", "lead"), (PCC, "lead")]),
        # an item that is only a list of bodies (the closing article cut before its verb), the cut name left out
        ("Heads of Office of the Ministry of Health, General Department of Preventive Medicine, Drug Administration of "
         "Vietnam, Department of Communication and Emulation, Commendation, Institutes \u2026",
         [("Heads of Office of the Ministry of Health", "lead"), ("General Department of Preventive Medicine", "lead"),
          ("Drug Administration of Vietnam", "lead"), ("Department of Communication and Emulation, Commendation", "lead")]),
        # a report of what a body did tells no one to act (held-out vcci-report-1389)
        ("- The People's Committee of Hai Phong City organized a review of the charges; summarized the opinions and "
         "submit them to the Hai Phong People's Council at its nearest session.", [(DCC, "addressee")]),
        # "requested: - X ...": a marked line after a colon opens a clause (held-out chinhphu-resolution-124-2018)
        ("The Government requested: - Ministers and Heads of ministerial-level agencies directly instruct and finalize drafts.",
         [(MIN, "lead")]),
        ("To request the Chairmen of the People's Committees of districts, towns and city: + To supplement facilities",
         [(DCC, "lead")]),
        # a report in a relative clause describes the drafts (held-out chinhphu-resolution-124-2018)
        ("The Ministry of Justice shall finalize draft laws which will be submitted to the National Assembly.",
         [("Ministry of Justice", "lead")]),
        # "the" before each element, a spaced dash in "centrally – run", "are required to", "requested X to"
        ("The Minister-director of the Government Office, the ministers, the heads of the ministerial-level agencies, the "
         "heads of the agencies attached to the Government, and the president of the People\u2019s Committees of the "
         "provinces and the centrally \u2013 run cities shall have to implement this Decision.",
         [("Government Office", "lead"), (MIN, "lead"), (PCC, "lead")]),
        ("The People's Committees of districts, towns and cities are required to closely coordinate with provincial "
         "departments, branches and sectors to review.", [(DCC, "lead"), ("Heads of provincial departments, agencies and branches", "coordinate")]),
        ("Mr. Ha requested departments, sectors and localities to review all issues.",
         [("Heads of provincial departments, agencies and branches", "lead"), ("Localities", "lead")]),
        # a plan's task table flattened into the item: presiding and coordinating agencies
        ("Review the regulations. Presiding agency: Department of Justice; Coordinating agencies: Department of Home "
         "Affairs, Provincial Police; Completion time: 30/6/2021.",
         [("Department of Justice", "lead"), ("Department of Home Affairs", "coordinate"), ("Provincial Police", "coordinate")]),
        # another province's branch, an appositive before the verb; a present-tense task verb (baonghean-dispatch-1144)
        ("The State Bank of Vietnam, Nghe An Branch, directs and guides the commercial banks to increase credit.",
         [("State Bank of Vietnam, Nghe An Branch", "lead")]),
        ("The Department of Culture, Sports and Tourism and other departments, branches and localities strictly implement "
         "Official Dispatch No. 229/CD-TTg.", [("Department of Culture, Sports and Tourism", "lead"),
                                               ("Heads of provincial departments, agencies and branches", "lead"), ("Localities", "lead")]),
        # a speaker is not told to act
        ("The Prime Minister would like to thank the entire people.", [(DCC, "addressee")]),
    ],
)
def test_roles(text, roles) -> None:
    assert _roles(text, [DCC]) == roles


@pytest.mark.parametrize(
    ("text", "due_on", "due_text"),
    [
        ("report before October 30, 2020.", "2020-10-30", "before October 30, 2020"),
        ("finish by 15/10/2020", "2020-10-15", "by 15/10/2020"),
        ("no later than 30/9", "2020-09-30", "no later than 30/9"),
        ("before December 15.", "2020-12-15", "before December 15"),
        ("within 10 days from the date of signing", "2020-10-19", "within 10 days from the date of signing"),
        ("within 10 working days from the date of signing", None, "within 10 working days from the date of signing"),
        ("by the end of June 2021", "2021-06-30", "by the end of June 2021"),
        ("report before the 20th of every month", None, "before the 20th of every month"),
        ("report quarterly", None, "quarterly"),
        ("within 24 hours", None, "within 24 hours"),
        ("for people's daily life", None, None),
        ("report before 4:00 p.m. on October 15, 2020", "2020-10-15", "before 4:00 p.m. on October 15, 2020"),
        ("within 15 days after the signing date", "2020-10-24", "within 15 days after the signing date"),
        ("report periodically every 6 months", None, "periodically every 6 months"),
        ("report before the 25th every month", None, "before the 25th every month"),
        ("report to the PPC by October 15 at the latest.", "2020-10-15", "by October 15 at the latest"),
        # a date beside a recurring word recurs: no fixed day
        ("report the results before December 10 annually.", None, "before December 10 annually"),
        ("from now to the end of 2020.", "2020-12-31", "from now to the end of 2020"),
        ("report on a monthly basis before the 25th", None, "on a monthly basis before the 25th"),
        ("before the 5th of the following month", None, "before the 5th of the following month"),
        ("report 6-monthly and annually", None, "6-monthly; annually"),
        # a plan's task table flattened into the item: the time column's value
        ("Presiding agency: Department of Justice; Completion time: 30/6/2021.", "2021-06-30", "30/6/2021"),
        ("Deadline: before June 30, 2021.", "2021-06-30", "before June 30, 2021"),
        ("Deadline: Quarter II/2021.", None, "Quarter II/2021"),
        ("inspect every Friday", None, "every Friday"),
        ("until the end of 2020", "2020-12-31", "until the end of 2020"),
        ("complete by October 2020", None, "by October 2020"),
        ("before the rainy season", None, None),
        # a period of application: its end date, or none when a new order ends it
        ("the execution time: from 00:00, 16/4/2020 until new direction of the Provincial People's Committee.", None,
         "from 00:00, 16/4/2020 until new direction of the Provincial People's Committee"),
        ("apply from 1/10/2020 to 15/10/2020.", "2020-10-15", "from 1/10/2020 to 15/10/2020"),
        ("Do not increase prices in the first quarter of 2018;", None, "in the first quarter of 2018"),
        ("No one may leave after July 31, 2021 until the social distancing period is over (except ...).", None,
         "after July 31, 2021 until the social distancing period is over"),
        # a look back is no deadline (held-out quangtri-dispatch-549)
        ("mobilize people coming back from Da Nang within 14 days (since 12/7/2020) to declare", None, None),
        ("Decision No. 22/2020/QD-UBND dated 12/8/2020", None, None),
    ],
)
def test_deadlines(text, due_on, due_text) -> None:
    got_on, got_text = due(text, date(2020, 10, 9), 2020)
    assert (got_on.isoformat() if got_on else None, got_text) == (due_on, due_text)


def test_no_year_without_a_document_date() -> None:
    assert due("no later than 30/9", None, None) == (None, "no later than 30/9")

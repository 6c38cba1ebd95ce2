"""The text bank the generated articles are written from.

Wording follows the portal's English edition: imperative titles ("To step up ..."),
"the Provincial People's Committee issued Official Letter No. ... on ...", dash-led
"To ..." directives, citations typed with stray spaces. Each list is a pool the
generator draws from, so two articles rarely share more than their shape.
Placeholders in braces are filled by corpus.py; nothing here is random.
"""

from __future__ import annotations

# Channels of the English edition: id -> (name, modern slug). Ids stay small so the
# modern layout's `-c<ID>.html` never collides with an article id (>= 1000).
CHANNELS: dict[int, tuple[str, str]] = {
    12: ("News - Events", "news-events"),
    14: ("Direction - Administration", "direction-administration"),
    15: ("Investment", "investment"),
    16: ("Culture - Society", "culture-society"),
}
DOCUMENT_CHANNEL_WEIGHTS = {14: 6, 12: 2, 15: 1, 16: 1}
NEWS_CHANNEL_WEIGHTS = {12: 4, 15: 2, 16: 3, 14: 1}

# Verb -> gerund, so a title "To strengthen X" and a subject "strengthening X" agree.
VERBS: dict[str, str] = {
    "strengthen": "strengthening",
    "step up": "stepping up",
    "promote": "promoting",
    "enhance": "enhancing",
    "improve": "improving",
    "intensify": "intensifying",
    "accelerate": "accelerating",
    "tighten": "tightening",
    "ensure": "ensuring",
    "speed up": "speeding up",
    "boost": "boosting",
    "rectify": "rectifying",
    "continue to strictly perform": "continuing to strictly perform",
    "focus on": "focusing on",
    "organize": "organizing",
    "review and improve": "reviewing and improving",
}

# Objects of the titles and subjects, by area; the area picks matching directives.
TOPICS: dict[str, list[str]] = {
    "reform": [
        "administrative reform work",
        "the quality of public services at the one-stop shop departments",
        "the application of information technology in the operation of state agencies",
        "the Provincial Competitiveness Index (PCI)",
        "administrative discipline and order in state agencies",
        "the settlement of administrative procedures via the online public service portal",
        "the reception of citizens and the settlement of complaints and denunciations",
    ],
    "health": [
        "the prevention and control of the Covid-19 epidemic",
        "food safety and hygiene during the Lunar New Year and spring festivals",
        "the prevention and control of dengue fever in the province",
        "the vaccination campaign against Covid-19",
        "the prevention and control of African swine fever",
        "the prevention and control of avian influenza",
    ],
    "agriculture": [
        "the prevention of drought and water shortage for the winter-spring crop",
        "the production of the winter crop",
        "the prevention and control of natural disasters and search and rescue",
        "the building of new-style rural areas",
        "the protection of dikes during the flood season",
    ],
    "environment": [
        "the management of land use planning and land use plans",
        "the management of plastic waste",
        "environmental protection in industrial parks and craft villages",
        "the management of sand and gravel exploitation on rivers",
        "the collection and treatment of domestic solid waste",
    ],
    "economy": [
        "the disbursement of public investment capital",
        "the collection of state budget revenues",
        "the attraction of investment into industrial parks",
        "support for small and medium-sized enterprises",
        "the stabilization of market prices at the end of the year",
        "the prevention of smuggling, trade fraud and counterfeit goods",
    ],
    "society": [
        "the implementation of social insurance policies",
        "the care for people with meritorious services to the revolution",
        "the prevention of drowning among children during the summer",
        "the organization of the high school graduation exam",
        "traffic order and safety during the holidays",
        "fire prevention and fighting in residential areas and markets",
        "the protection of cultural heritage and historical relics",
    ],
}

# Who requests what: (addressee text for the request sentence).
ADDRESSEES = [
    "the Heads of provincial departments, agencies and branches; Chairmen of the People's Committees of districts, towns and city",
    "the Directors of provincial departments and the Chairmen of the People's Committees of districts, towns and city",
    "the heads of relevant agencies and units and the Chairmen of the People's Committees of communes, wards and towns",
    "the Department of Health, the Department of Industry and Trade and the People's Committees of districts, towns and city",
    "the Department of Agriculture and Rural Development and relevant agencies and localities",
]

REQUEST_SENTENCES = [
    "Accordingly, in order to {aim}, the {issuer_short} requests {addressees} to well perform the following contents:",
    "To {aim_plain}, the {issuer_short} requests {addressees} to focus on the following tasks:",
    "Accordingly, the {issuer_short} requests {addressees} to seriously implement the following contents:",
    "The {doc_word} clearly states that, in order to {aim}, {addressees} are requested to:",
    "In order to {aim}, the {issuer_short} directs {addressees} to urgently carry out the following tasks:",
    "To ensure the effectiveness of the work, the {issuer_short} assigns {addressees} to perform the following tasks:",
    "Accordingly, {addressees} are requested to:",
]

AIMS = [
    "improve the quality and efficiency of the work, meet the satisfaction of people and businesses",
    "promptly overcome the limitations and shortcomings pointed out in recent inspections",
    "successfully complete the targets and tasks assigned for the year",
    "prevent the situation from getting complicated and protect the health and property of the people",
    "create favourable conditions for people and enterprises and improve the investment environment",
    "ensure the unified and synchronous implementation from the province to the grassroots level",
    "contribute to the successful implementation of the Resolution of the 19th Provincial Party Congress",
    "minimize damage to people and property and quickly stabilize the lives of the people",
]

# Directive lead sentences, by area. Each is long enough (>= 60 characters) that a
# directive's first 60 characters never run into its sub-items.
DIRECTIVES: dict[str, list[str]] = {
    "common": [
        "To continue to thoroughly grasp and seriously implement the direction of the Provincial People's Committee on this work",
        "To strengthen the inspection and supervision of the implementation at agencies, units and localities under their management",
        "To strictly handle cadres, civil servants and public employees who fail to fulfil their assigned tasks or abuse their positions",
        "To step up the information and propaganda on the mass media with appropriate and practical forms so that people understand and comply",
        "To review, summarize and evaluate the results of the implementation and report to the Provincial People's Committee before the 20th of every month",
        "To assign specific tasks to each collective and individual, clearly defining responsibilities, progress and results to be achieved",
        "To coordinate closely with relevant agencies in the process of implementation and promptly report difficulties and problems beyond their competence",
        "To allocate sufficient funds and human resources for the implementation of the tasks in accordance with the current regulations on budget management",
    ],
    "reform": [
        "To publish, update and publicly list the administrative procedures under their jurisdiction at the one-stop shop departments and on the portal",
        "To strictly use the electronic one-stop shop software, avoid the status of late records and apologize to people whose records are resolved late",
        "To increase the rate of online public service records at level 3 and 4 and the use of public postal services in receiving and returning results",
        "To review and streamline the organizational apparatus and reduce the payroll in accordance with the approved roadmap of the province",
        "To enhance the role of heads of agencies and units in directing the implementation of administrative reform at their own units",
        "To publicly post the results of handling records on the electronic information portal and strictly handle officials who cause harassment",
    ],
    "health": [
        "To strictly implement the measures of epidemic prevention and control in offices, enterprises, schools and crowded places",
        "To prepare sufficient medical equipment, medicines and isolation facilities in order to be ready for any epidemic situation",
        "To strengthen the inspection of food production and trading establishments and strictly handle violations of food safety regulations",
        "To organize the spraying of disinfectants and the cleaning of the environment in residential areas at high risk of disease outbreaks",
        "To closely monitor people coming from epidemic areas and promptly take samples for testing under the guidance of the health sector",
        "To mobilize people to actively participate in the vaccination and strictly follow the recommendations of the Ministry of Health",
    ],
    "agriculture": [
        "To direct the people to sow and transplant in accordance with the seasonal schedule and use suitable rice varieties for each area",
        "To inspect and repair the dike system, sluices and pumping stations before the rainy and stormy season in the whole province",
        "To prepare forces, materials and means according to the four on-the-spot motto to respond to natural disasters in a timely manner",
        "To guide farmers to apply technical advances and to link production with product consumption along the value chain",
        "To closely monitor weather developments and inform the people in time so that they can proactively take preventive measures",
    ],
    "environment": [
        "To review the land use plans of districts and promptly handle cases of encroachment and illegal land use in the localities",
        "To limit the use of single-use plastic products and non-biodegradable plastic bags in offices, schools, markets and supermarkets",
        "To inspect the compliance with environmental protection laws of establishments in industrial parks and craft villages",
        "To strictly handle organizations and individuals illegally exploiting sand and gravel on the Red River and the Luoc River",
    ],
    "economy": [
        "To speed up the progress of site clearance and the disbursement of public investment capital for key projects of the province",
        "To strengthen the management of revenue sources, fight against revenue losses and collect tax arrears of enterprises",
        "To review and remove difficulties for investors, enterprises and projects that are being implemented in industrial parks",
        "To strengthen the inspection of the market, fight against smuggling, trade fraud and the trading of counterfeit goods",
    ],
    "society": [
        "To fully and promptly pay the benefits and allowances to the beneficiaries of social insurance and preferential policies",
        "To organize visits and present gifts to families of policy beneficiaries and poor households on the occasion of national holidays",
        "To strengthen the management of children during the summer and organize swimming classes for pupils in the localities",
        "To check the fire prevention and fighting conditions of markets, shopping centres, boarding houses and production establishments",
        "To strengthen the patrol and control of traffic order and safety on national highways and provincial roads during the holidays",
    ],
}

# Tails appended to a directive lead, sometimes. "{ref}" marks a citation slot.
DIRECTIVE_TAILS = [
    "; strictly handle violations in accordance with the law",
    ", ensuring the prescribed time and quality",
    " in accordance with {ref}",
    " according to {ref}",
    " as required in {ref}",
    "; regularly inspect and supervise the implementation at the grassroots level",
    ", contributing to the successful implementation of the socio-economic development tasks of the province",
]

SECOND_SENTENCES = [
    "To report the results to the Provincial People's Committee (via the Department of Home Affairs) before December 15.",
    "The heads of agencies and units shall be held responsible before the Chairman of the Provincial People's Committee if violations occur.",
    "To promptly commend and reward collectives and individuals with outstanding achievements.",
    "To propose amendments and supplements to documents that are no longer in line with the actual situation of the locality.",
    "To mobilize the participation of socio-political organizations and the people in the implementation.",
]

SUB_ITEMS = [
    "to preside over and coordinate with relevant agencies in guiding the implementation",
    "to inspect and urge the localities to carry out the assigned tasks",
    "to synthesize and report the results every quarter",
    "to propose solutions to remove difficulties and obstacles",
    "to allocate funds from the provincial budget in accordance with regulations",
    "to disseminate the contents to cadres, party members and people",
]

DEPARTMENTS = [
    "The Department of Home Affairs",
    "The Department of Health",
    "The Department of Finance",
    "The Department of Planning and Investment",
    "The Department of Natural Resources and Environment",
    "The Department of Agriculture and Rural Development",
    "The Department of Information and Communications",
    "The Provincial Police",
]

CLOSINGS = [
    "The {issuer_short} requests the heads of relevant agencies and units to seriously implement this {doc_word}.",
    "During the implementation, if any problems arise, agencies and units should promptly report them to the {issuer_short} for consideration and settlement.",
    "The {doc_word} takes effect from the date of signing.",
    "",
    "",
]

# The announcement sentence of an official document. Fields: {date_long} ("October 9,
# 2020") and {date_num} ("9/10/2020") the document's own issue date, {issuer} the
# issuer in words, {doc} "<Type> No. <raw number>", {subject}, {ref} a citation of
# another document. A pattern with {ref} opens with it (corpus.py relies on that).
# ANNOUNCE_DATED gives the issue date; ANNOUNCE_UNDATED does not (issued_on is null).
ANNOUNCE_DATED = [
    "On {date_long}, the {issuer} issued {doc} on {subject}.",
    "On {date_long}, the {issuer} signed and issued {doc} on {subject}.",
    "The {issuer} has just issued {doc} dated {date_num} on {subject}.",
    "The {issuer} has issued {doc} of {date_long} on {subject}.",
    "On {date_long}, the {issuer} promulgated {doc} on {subject}.",
    "Implementing {ref}, on {date_long}, the {issuer} issued {doc} on {subject}.",
    "Pursuant to {ref}, the {issuer} issued {doc} dated {date_num} on {subject}.",
    "To implement {ref}, the {issuer} issued {doc} of {date_long} on {subject}.",
    "On {date_long}, the {issuer} signed and promulgated {doc} on {subject}.",
    "{doc} dated {date_num} of the {issuer} on {subject} has just been issued.",
    "In order to concretize {ref}, the {issuer} issued {doc} dated {date_num} on {subject}.",
    "On {date_long}, the {issuer} sent {doc} to departments, branches and localities on {subject}.",
]
ANNOUNCE_UNDATED = [
    "The {issuer} has just issued {doc} on {subject}.",
    "Recently, the {issuer} issued {doc} on {subject}.",
    "The {issuer} has signed {doc} on {subject}.",
    "Under {ref}, the {issuer} has issued {doc} on {subject}.",
    "The {issuer} has sent {doc} to provincial departments, branches and localities on {subject}.",
    "According to the plan of the province, the {issuer} has just promulgated {doc} on {subject}.",
]

# Issuers: canonical wording (the truth) -> how the text may name it.
ISSUERS: dict[str, list[str]] = {
    "Provincial People's Committee": [
        "Provincial People's Committee",
        "Provincial People's Committee",
        "Provincial People's Committee (PPC)",
    ],
    "Chairman of the Provincial People's Committee": [
        "Chairman of the Provincial People's Committee",
    ],
    "Prime Minister": ["Prime Minister"],
    "Provincial People's Council": ["Provincial People's Council"],
}
ISSUER_SHORT = {
    "Provincial People's Committee": "Provincial People's Committee",
    "Chairman of the Provincial People's Committee": "Chairman of the Provincial People's Committee",
    "Prime Minister": "Prime Minister",
    "Provincial People's Council": "Provincial People's Council",
}

# Document type -> words the text may use for it (first is the usual one).
TYPE_WORDS: dict[str, list[str]] = {
    "Official Letter": ["Official Letter", "Official Letter", "Official Dispatch", "Dispatch"],
    "Official Telegram": ["Official Telegram"],
    "Decision": ["Decision"],
    "Directive": ["Directive"],
    "Plan": ["Plan"],
    "Resolution": ["Resolution"],
    "Decree": ["Decree"],
    "Circular": ["Circular"],
    "Notice": ["Notice"],
    "Report": ["Report"],
    "Conclusion": ["Conclusion"],
    "Law": ["Law"],
    "Regulation": ["Regulation"],
}

# Units of the People's Committee office that sign official letters (N/UBND-<unit>).
LETTER_UNITS = ["NC", "KT", "KGVX", "TH", "CN", "XD", "NN", "TNMT", "NV"]

# Titles of plain news (no document). {topic} is a topic object, {verb} a gerund.
NEWS_TITLES = [
    "Provincial leaders visit and present gifts to {group}",
    "Conference to review the implementation of {topic}",
    "The Chairman of the Provincial People's Committee receives the delegation of {partner}",
    "Working session with {partner} on {topic}",
    "Hung Yen attracts investment in {sector}",
    "Provincial leaders inspect {topic} in {district}",
    "Meeting to launch the emulation movement on {topic}",
    "{partner} works with Hung Yen province on cooperation in {sector}",
    "Hung Yen reviews the results of {topic}",
    "More efforts for {topic} in {district}",
    "Groundbreaking ceremony of a project on {sector} in {district}",
    "Delegation of {partner} visits Hung Yen",
]
NEWS_GROUPS = [
    "policy beneficiaries in {district}",
    "poor households and disadvantaged children",
    "Vietnamese heroic mothers in the province",
    "workers in industrial parks on the occasion of the Lunar New Year",
]
PARTNERS = [
    "the Japan External Trade Organization (JETRO)",
    "the Korean Chamber of Commerce and Industry in Vietnam",
    "the Ministry of Planning and Investment",
    "a delegation of investors from Taiwan (China)",
    "the World Bank",
    "the People's Committee of Gyeonggi province (Korea)",
]
SECTORS = [
    "high-tech industry",
    "logistics and warehousing",
    "supporting industries",
    "clean agriculture",
    "urban infrastructure",
]
DISTRICTS = [
    "Van Lam district", "Van Giang district", "My Hao town", "Yen My district",
    "Khoai Chau district", "Kim Dong district", "Tien Lu district", "Phu Cu district",
    "An Thi district", "Hung Yen city",
]
NEWS_OPENINGS = [
    "On {date_long}, {leader} led a delegation of the province to {activity}.",
    "On the morning of {date_long}, the Provincial People's Committee held a conference to {activity}.",
    "{leader} chaired a working session to {activity}.",
    "Within the framework of the program, {leader} and the delegation went to {activity}.",
    "On the afternoon of {date_long}, {leader} had a meeting to {activity}.",
    "Recently, the Department of Planning and Investment coordinated with relevant agencies to {activity}.",
    "{leader} has just visited and worked with the localities to {activity}.",
]
LEADERS = [
    "the Chairman of the Provincial People's Committee",
    "the Vice Chairman of the Provincial People's Committee",
    "the Secretary of the Provincial Party Committee",
    "the Director of the Department of Planning and Investment",
]
ACTIVITIES = [
    "review the results of {topic} in the first six months of the year",
    "inspect the progress of key projects in {district}",
    "visit and encourage the forces on duty in {district}",
    "discuss cooperation opportunities with {partner}",
    "listen to reports on {topic} in {district}",
]
NEWS_MIDDLES = [
    "At the meeting, the delegates highly appreciated the efforts of the localities and pointed out the limitations that need to be overcome in the coming time.",
    "Speaking at the event, the provincial leader acknowledged the results achieved and asked the sectors and localities to continue to closely coordinate with each other.",
    "According to the report, in the past time, the province has achieved many important results; however, there are still some difficulties in site clearance and capital allocation.",
    "The delegation visited several enterprises and production establishments and listened to their proposals and recommendations.",
    "On this occasion, the province presented 150 gifts, each worth VND 1 million, to the families.",
    "The province will create the most favourable conditions for investors to implement their projects effectively and on schedule.",
    "By the end of the year, the whole province had 98 communes meeting the new-style rural area standards, accounting for 70.5 percent.",
    "The leaders of the departments and branches answered the questions and proposals raised by the enterprises at the meeting.",
    "The two sides agreed to continue to exchange information and to promote cooperation in the fields of mutual interest.",
    "Many difficulties have been removed, creating a momentum for the economic growth of the province in the following years.",
]
# News sentences that cite a document without announcing one: its number is a
# reference (CONTRACT: "implementing, according to, under, pursuant to").
NEWS_CITING = [
    "The conference reviewed 5 years of implementing {ref}.",
    "According to {ref}, the province will complete this task in the coming years.",
    "The work is carried out under {ref}.",
    "In the implementation of {ref}, the localities have achieved encouraging results.",
]
# A decision announced without a number: no document (CONTRACT).
NEWS_UNNUMBERED = [
    "The Provincial People's Committee has issued a decision on establishing the steering committee for {topic}.",
    "The Chairman of the Provincial People's Committee has signed a decision to commend collectives and individuals with outstanding achievements in {topic}.",
]
# Storm numbers look like document numbers but are not documents at all.
NEWS_STORM = "The localities were asked to be ready to respond to storm No. {n} and the floods after the storm."

# References the generator can cite: (type, shape, issuer code, issuer phrase).
# Shapes: "letter" N/UBND-UNIT, "plain" N/CODE-ISSUER, "normative" N/YYYY/CODE-ISSUER,
# "party" N-CODE/ISSUER, "law" N/YYYY/QHxx.
REFERENCE_KINDS = [
    ("Directive", "plain", "CT", "TTg", "of the Prime Minister"),
    ("Resolution", "plain", "NQ", "CP", "of the Government"),
    ("Decree", "normative", "ND", "CP", "of the Government"),
    ("Circular", "normative", "TT", "BTC", "of the Ministry of Finance"),
    ("Circular", "normative", "TT", "BYT", "of the Ministry of Health"),
    ("Decision", "normative", "QD", "UBND", "of the Provincial People's Committee"),
    ("Decision", "plain", "QĐ", "TTg", "of the Prime Minister"),
    ("Decision", "plain", "QD", "UBND", "of the Provincial People's Committee"),
    ("Plan", "plain", "KH", "UBND", "of the Provincial People's Committee"),
    ("Official Letter", "letter", "", "UBND", "of the Provincial People's Committee"),
    ("Official Telegram", "plain", "CĐ", "TTg", "of the Prime Minister"),
    ("Resolution", "party", "NQ", "TW", "of the Politburo"),
    ("Directive", "party", "CT", "TW", "of the Secretariat"),
    ("Conclusion", "party", "KL", "TW", "of the Politburo"),
    ("Directive", "party", "CT", "TU", "of the Provincial Party Committee"),
    ("Resolution", "normative", "NQ", "HĐND", "of the Provincial People's Council"),
    ("Law", "law", "", "QH", "of the National Assembly"),
    ("Notice", "plain", "TB", "VPCP", "of the Government Office"),
]

MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
]

# Off-site links the real pages carry; the crawler must not follow them.
OFFSITE_LINKS = [
    ("https://www.facebook.com/hungyenportal", "Facebook"),
    ("http://ads.vnpartner-media.vn/click?banner=hy-{n}", "Advertisement"),
    ("https://hungyen.gov.vn/", "Tiếng Việt"),
    ("javascript:void(0)", "Back to top"),
    ("mailto:banbientap@hungyen.gov.vn", "Contact the editorial board"),
]

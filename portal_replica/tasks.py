"""Directives that assign work and set deadlines as real letters do, with their truth.

The generator writes each directive from pieces whose meaning it knows, so the
truth (who must act, in which role, by when) is built beside the text, never
read back from it. Truth follows CONTRACT.md section 1: roles lead / coordinate /
report_to, the document's addressees (role addressee) when the item names no
lead; `due_on` when the text fixes a date ("no later than 30/9" takes the
document's year, "within N days from the date of signing" counts from its stated
issue date), `due_text` every time phrase verbatim, joined by "; ".
Canonical agency names are those of the project's registry (transforms/data/agencies.json).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from portal_replica import templates

PPC = "Provincial People's Committee"
HPD = "Heads of provincial departments, agencies and branches"
DCC = "Chairmen of the People's Committees of districts, towns and city"
REL = "Relevant agencies and units"
MERGED_ON = date(2025, 3, 1)

# Bodies a directive may name: canonical name (the text says "the <name>").
BODIES = [
    "Department of Home Affairs", "Department of Health", "Department of Finance", "Department of Planning and Investment",
    "Department of Natural Resources and Environment", "Department of Agriculture and Rural Development",
    "Department of Information and Communications", "Department of Industry and Trade", "Department of Education and Training",
    "Department of Construction", "Department of Transport", "Department of Labour, Invalids and Social Affairs",
    "Department of Culture, Sports and Tourism", "Department of Justice", "Provincial Police", "Provincial Military Command",
    "Provincial Tax Department", "Provincial Social Insurance", "Management Board of Industrial Zones",
]
# The 2025 mergers: from March 1, 2025 letters name the merged department.
RENAMED_2025 = {
    "Department of Planning and Investment": "Department of Finance",
    "Department of Natural Resources and Environment": "Department of Agriculture and Environment",
    "Department of Agriculture and Rural Development": "Department of Agriculture and Environment",
    "Department of Information and Communications": "Department of Science and Technology",
    "Department of Labour, Invalids and Social Affairs": "Department of Home Affairs",
    "Department of Transport": "Department of Construction",
}
# templates.ADDRESSEES, as the registry names them (same order).
ADDRESSEE_TRUTH = [
    [HPD, DCC],
    [HPD, DCC],
    [REL, "People's Committees of communes, wards and towns"],
    ["Department of Health", "Department of Industry and Trade", DCC],
    ["Department of Agriculture and Rural Development", REL, "Localities"],
]
TASKS = [
    "review the implementation of the assigned tasks and propose solutions",
    "inspect the compliance of enterprises with the regulations in the province",
    "guide the localities in implementing the plan in a synchronous manner",
    "propose solutions to remove difficulties and obstacles for enterprises",
    "summarize the results of the implementation of this work in the province",
    "advise on the allocation of funds for the implementation of the plan",
    "develop a detailed plan for the implementation in the province",
    "check and evaluate the results of the implementation at the grassroots level",
]
MONTH_NAMES = templates.MONTHS


@dataclass
class Context:
    """What a deadline is counted from: the document's actual date and what the page states."""

    issued: date  # the date the generator issued the document on
    stated_issued_on: date | None  # what the truth says (None when the text gives no date)
    published_on: date

    @property
    def year(self) -> int:
        return (self.stated_issued_on or self.published_on).year

    def body(self, name: str) -> str:
        return RENAMED_2025.get(name, name) if self.issued >= MERGED_ON else name


@dataclass
class Piece:
    """Some text with the roles and time phrases it carries, in text order."""

    text: str
    roles: list[tuple[str, str]] = field(default_factory=list)
    dues: list[tuple[str, date | None]] = field(default_factory=list)


# Truth of the fixed template texts that carry a role or a time (reviewed by hand).
def template_piece(text: str, ctx: Context) -> Piece:
    if "report to the Provincial People's Committee before the 20th of every month" in text:
        return Piece(text, [(PPC, "report_to")], [("before the 20th of every month", None)])
    if text.startswith("To coordinate closely with relevant agencies"):
        return Piece(text, [(REL, "coordinate")])
    if "regularly inspect and supervise" in text:
        return Piece(text, [], [("regularly", None)])
    if text.startswith("To report the results to the Provincial People's Committee (via the Department of Home Affairs) before December 15"):
        return Piece(text, [(PPC, "report_to"), ("Department of Home Affairs", "report_to")],
                     [("before December 15", date(ctx.year, 12, 15))])
    if "preside over and coordinate with relevant agencies" in text:
        return Piece(text, [(REL, "coordinate")])
    if "report the results every quarter" in text:
        return Piece(text, [], [("every quarter", None)])
    return Piece(text)


def _deadline(rng: random.Random, ctx: Context, doc_word: str) -> tuple[str, date | None]:
    """A time phrase (with its leading space or comma) and the date it fixes."""
    target = ctx.issued + timedelta(days=rng.randint(10, 75))
    form = rng.random()
    if form < 0.22:
        return f" before {MONTH_NAMES[target.month - 1]} {target.day}, {target.year}", target
    if form < 0.36:
        return f" by {target.day}/{target.month}/{target.year}", target
    if form < 0.50:
        if target.year == ctx.year:
            return f" no later than {target.day}/{target.month}", target
        return f" before {MONTH_NAMES[target.month - 1]} {target.day}, {target.year}", target
    if form < 0.64:
        days = rng.choice([5, 7, 10, 15, 30])
        due_on = ctx.stated_issued_on + timedelta(days=days) if ctx.stated_issued_on else None
        return f" within {days} days from the date of signing this {doc_word}", due_on
    if form < 0.86:
        return " " + rng.choice(["quarterly", "monthly", "every six months", "before the 25th of every month"]), None
    return "", None


def _strip_lead_space(phrase: str) -> str:
    return phrase.strip(" ,")


def task_piece(rng: random.Random, ctx: Context, doc_word: str) -> Piece:
    """One directive naming who leads, coordinates and reports, and by when."""
    lead, co, third = (ctx.body(n) for n in rng.sample(BODIES, 3))
    while co == lead:
        co = ctx.body(rng.choice(BODIES))
    task = rng.choice(TASKS)
    when, due_on = _deadline(rng, ctx, doc_word)
    dues = [(_strip_lead_space(when), due_on)] if when else []
    form = rng.randrange(5)
    if form == 0:
        text = (f"The {lead} shall preside over and coordinate with the {co} to {task} and report to the "
                f"Provincial People's Committee{when}.")
        roles = [(lead, "lead"), (co, "coordinate"), (PPC, "report_to")]
    elif form == 1:
        text = f"To assign the {lead} to {task} in coordination with the {co}{when}."
        roles = [(lead, "lead"), (co, "coordinate")]
    elif form == 2:
        text = f"The {lead} is assigned to {task}{',' if when else ''}{when}."
        roles = [(lead, "lead")]
    elif form == 3:
        text = f"To {task} and report the results to the {third}{when}."
        roles = [(third, "report_to")]
    else:
        text = f"The {lead} shall {task}{when}."
        roles = [(lead, "lead")]
    return Piece(text, roles, dues)


def lead_piece(name: str, rest: str) -> Piece:
    """ "The <body> shall <rest of a template>": the body leads."""
    return Piece(f"The {name} shall {rest}", [(name, "lead")])


def truth(pieces: list[Piece], addressees: list[str]) -> dict:
    """{"assignees", "due_on", "due_text"} of a directive made of `pieces` (in text order)."""
    best: dict[str, str] = {}
    rank = {"lead": 0, "coordinate": 1, "report_to": 2}
    for piece in pieces:
        for name, role in piece.roles:
            if name not in best or rank[role] < rank[best[name]]:
                best[name] = role
    assignees = [{"agency": n, "role": r} for n, r in best.items()]
    if not any(r == "lead" for r in best.values()):
        assignees = [{"agency": a, "role": "addressee"} for a in addressees if a not in best] + assignees
    dues = [d for piece in pieces for d in piece.dues]
    fixed = [on for _, on in dues if on is not None]
    return {
        "assignees": assignees,
        "due_on": fixed[0].isoformat() if fixed else None,
        "due_text": "; ".join(text for text, _ in dues) or None,
    }

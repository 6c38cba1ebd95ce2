"""What a layout module hands to the article pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from lxml import etree


@dataclass
class PageParts:
    layout: str
    title: str | None = None
    title_element: etree._Element | None = None
    published_on: date | None = None
    published_at: datetime | None = None
    date_element: etree._Element | None = None
    body: etree._Element | None = None
    # a lead paragraph ("<p class=sapo>") beside the body, not inside it: the text's first line
    lead: etree._Element | None = None
    related_box: etree._Element | None = None
    # elements inside `body` that are page chrome (share bars, print links)
    chrome: set[etree._Element] = field(default_factory=set)
    # containers that are mostly links (the generic layout's, found once per page)
    teaser_boxes: list[etree._Element] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

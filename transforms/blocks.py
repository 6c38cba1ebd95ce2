"""An article body element as lines of text, the way a browser shows them.

Block elements and <br> end a line (old pages separate items with <br>); a
top-level <li> is one line with everything nested inside it, because sub-items
belong to their parent item.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from .text import clean
from .tree import BLOCK_TAGS, SKIP_TAGS


@dataclass(frozen=True)
class Line:
    text: str
    kind: str  # "p": paragraph or <br>-separated line; "li": a top-level list item


def body_lines(body: etree._Element | None, skip: set[etree._Element] | None = None) -> list[Line]:
    if body is None:
        return []
    skip = skip or set()
    lines: list[Line] = []
    buffer: list[str] = []
    li_depth = 0

    def flush(kind: str = "p") -> None:
        text = clean("".join(buffer))
        buffer.clear()
        if text:
            lines.append(Line(text, kind))

    walker = etree.iterwalk(body, events=("start", "end"))
    for event, node in walker:
        tag = node.tag.lower() if isinstance(node.tag, str) else ""
        if event == "start":
            if not tag or tag in SKIP_TAGS or node in skip:
                walker.skip_subtree()
                continue
            if tag == "li":
                if li_depth == 0:
                    flush()
                else:
                    buffer.append(" ")
                li_depth += 1
            elif tag == "br" or tag in BLOCK_TAGS:
                if li_depth:
                    buffer.append(" ")
                else:
                    flush()
            if tag == "pre" and len(node) == 0 and node.text and not li_depth:
                # a hard-wrapped plain-text document: one line per paragraph
                for paragraph in pre_paragraphs(node.text):
                    buffer.append(paragraph)
                    flush()
                continue
            if node.text and tag != "br":
                buffer.append(node.text)
            continue
        # end event
        if tag == "li" and li_depth and node not in skip:
            li_depth -= 1
            if li_depth == 0:
                flush("li")
            else:
                buffer.append(" ")
        elif tag in BLOCK_TAGS and tag not in SKIP_TAGS:
            if li_depth:
                buffer.append(" ")
            else:
                flush()
        if node is not body and node.tail:
            buffer.append(node.tail)
    flush()
    return lines


def pre_paragraphs(text: str) -> list[str]:
    """A <pre> text's paragraphs: a blank line or an indented line starts one; a line
    at the left margin continues the one before (the text was wrapped at ~80 columns)."""
    paragraphs: list[list[str]] = []
    blank = True
    for raw in text.expandtabs(8).split("\n"):
        if not raw.strip():
            blank = True
            continue
        if blank or raw[:1].isspace() or not paragraphs:
            paragraphs.append([raw.strip()])
        else:
            paragraphs[-1].append(raw.strip())
        blank = False
    return [" ".join(p) for p in paragraphs]

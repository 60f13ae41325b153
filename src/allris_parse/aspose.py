"""Classic ALLRIS text sections: ``<a name="allrisXX">`` anchors, each followed by an embedded
Aspose.Words XHTML document (its own prolog, ``<head>`` and ``<body>``, which the HTML parser folds
into the surrounding cell as siblings of the anchor).

Shared by the classic Vorlage (vo020) and Auszug (to020) extractors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml.etree import XPath
from lxml.html import HtmlElement

from allris_parse import labels
from allris_parse.fields import block_text, elements, inline_text

_SYMBOL_SPANS = XPath(labels.SYMBOL_FONT_SPANS_XPATH)
#: Every span style of the page as one string (EXSLT ``str:concat``, in C): pages whose styles name no
#: symbol font skip ``_SYMBOL_SPANS``, whose two ``contains()`` cost ~0.6 µs per span of a section.
_SPAN_STYLES = XPath("str:concat(//span/@style)", namespaces={"str": "http://exslt.org/strings"})
#: Any Word bullet in symbol fonts (one search decides whether a section needs the translation).
_ANY_SYMBOL_BULLET = re.compile("[" + "".join(chr(c) for c in labels.SYMBOL_BULLETS) + "]")
#: A line (stripped) that ``labels.EMBEDDED_PROLOG_LINE`` may match: one search over a section's text
#: tells whether any line needs the per-line check.
_ANY_PROLOG_LINE = re.compile(r"^\s*(?:" + labels.EMBEDDED_PROLOG_LINE.pattern.removeprefix("^") + ")",
                              labels.EMBEDDED_PROLOG_LINE.flags | re.MULTILINE)
#: Section anchors are ``<a name="allris...">``, jump links ``<a href="#allris...">``.
_ANCHOR_PREFIX = "allris"
_JUMP_PREFIX = "#allris"
#: Elements of an embedded document's head that the parser leaves in the body.
_HEAD_TAGS = frozenset({"meta", "title", "link", "style", "script"})


@dataclass(frozen=True)
class AnchorSection:
    """The text after one section anchor, with the anchor name and the page's label for it."""

    anchor: str
    label: str | None
    text: str


def jump_labels(root: HtmlElement) -> dict[str, str]:
    """Anchor name -> the label of the page's jump link to it ('allrisWP' -> 'Protokoll')."""
    return _jump_labels([a for a in root.iter("a") if str(a.get("href", "")).startswith(_JUMP_PREFIX)])


def _jump_labels(links: list[HtmlElement]) -> dict[str, str]:
    found: dict[str, str] = {}
    for link in links:
        name = str(link.get("href", ""))[1:]
        label = inline_text(link)
        if name and label and name not in found:
            found[name] = label
    return found


def _is_stop(el: HtmlElement) -> bool:
    """A sibling that ends a section: the next section anchor, or page layout after the last one."""
    if el.tag == "a" and str(el.get("name", "")).startswith("allris"):
        return True
    return el.tag == "table" and any(c in labels.ASPOSE_STOP_TABLE_CLASSES for c in (el.get("class") or "").split())


def _text_of(nodes: list[HtmlElement], symbol_spans: bool) -> str:
    """The section's text; ``symbol_spans=False`` where the page has no span in a symbol font."""
    parts: list[str] = []
    for node in nodes:
        if symbol_spans:
            for span in elements(_SYMBOL_SPANS, node):
                if span.text:
                    span.text = span.text.translate(labels.SYMBOL_FONT_BULLET_CHARS)
        parts.append(block_text(node))
    text = "\n".join(parts)
    if _ANY_SYMBOL_BULLET.search(text):
        text = text.translate(labels.SYMBOL_BULLETS)
    if _ANY_PROLOG_LINE.search(text):
        text = "\n".join(line for line in text.split("\n") if not labels.EMBEDDED_PROLOG_LINE.match(line.strip()))
    return text.strip()


def anchor_sections(root: HtmlElement, anchors: tuple[str, ...] | None = None) -> list[AnchorSection]:
    """Every section anchor's text in page order (``anchors`` limits the names), empty ones dropped.

    The text runs from the anchor to the next anchor or a layout table, over the anchor's following
    siblings; the anchor's own tail (where a parser leaks the embedded DOCTYPE) is checked too.
    """
    section_anchors: list[HtmlElement] = []
    jump_links: list[HtmlElement] = []
    for link in root.iter("a"):  # one walk in C for both kinds of link
        if (name := link.get("name")) is not None and name.startswith(_ANCHOR_PREFIX):
            section_anchors.append(link)
        if (href := link.get("href")) is not None and href.startswith(_JUMP_PREFIX):
            jump_links.append(link)
    names = _jump_labels(jump_links)
    found: list[AnchorSection] = []
    if not section_anchors:
        return found
    styles = str(_SPAN_STYLES(root))
    symbol_spans = any(font in styles for font in labels.SYMBOL_FONT_NAMES)
    for anchor in section_anchors:
        name = str(anchor.get("name"))
        if anchors is not None and name not in anchors:
            continue
        nodes: list[HtmlElement] = []
        for sibling in anchor.itersiblings():
            if not isinstance(sibling.tag, str) or sibling.tag in _HEAD_TAGS:
                continue
            if _is_stop(sibling):
                break
            nodes.append(sibling)
        text = _text_of(nodes, symbol_spans)
        if text:
            found.append(AnchorSection(anchor=name, label=names.get(name) or labels.SECTION_ANCHORS.get(name),
                                       text=text))
    return found

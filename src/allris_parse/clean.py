"""Noise removal: pure functions over the parsed tree and over text lines."""

from __future__ import annotations

from collections.abc import Iterable

import lxml.html
from lxml import etree

from allris_parse import labels
from allris_parse.fields import elements
from allris_parse.models import Section

_NOISE = etree.XPath(labels.HTML_NOISE_XPATH)


def strip_html_noise(root: lxml.html.HtmlElement) -> None:
    """Remove interface elements (scripts, toggles, placeholders, legends, banners) in place."""
    etree.strip_elements(root, *labels.HTML_NOISE_TAGS, with_tail=False)
    for el in elements(_NOISE, root):
        if el.getparent() is not None:
            el.drop_tree()


def drop_noise_lines(lines: Iterable[str]) -> list[str]:
    """The lines that are not interface text (``labels.is_noise_line``, inline: no call per line)."""
    noise, noise_start = labels.NOISE_LINES, labels.NOISE_LINE_START.match
    return [line for line in lines if (stripped := line.strip()) not in noise and noise_start(stripped) is None]


def denoise_text(text: str) -> str:
    """A multi-line value without interface lines: the last guard before a record is built."""
    if not text:
        return text
    return "\n".join(drop_noise_lines(text.split("\n"))).strip()


def denoise_sections(sections: Iterable[Section]) -> list[Section]:
    """The sections without interface lines, empty ones dropped; a section is changed in place only where
    its text changes (the extractors' sections belong to the record being built)."""
    kept: list[Section] = []
    for section in sections:
        text = denoise_text(section.text)
        if text:
            if text != section.text:
                section.text = text
            kept.append(section)
    return kept

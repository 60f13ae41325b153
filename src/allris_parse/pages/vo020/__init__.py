"""Vorlage (vo020): one paper with metadata, Beratungsfolge, text sections, attachments and form ticks."""

from __future__ import annotations

from allris_parse import checkboxes
from allris_parse.clean import denoise_sections
from allris_parse.document import Document
from allris_parse.models import Paper
from allris_parse.normalize import clean_lines
from allris_parse.pages.vo020 import classic, modern, text


def extract(doc: Document) -> Paper:
    """The paper record of a vo020 page in any flavour or format."""
    if doc.format == "text":
        lines = clean_lines(doc.lines)
        paper = text.extract(doc, lines)  # its sections are denoised as they are built
        reading = checkboxes.read_lines(doc.lines, lines)
    else:
        paper = modern.extract(doc) if doc.flavour in ("allris4", "responsive") else classic.extract(doc)
        paper.sections = denoise_sections(paper.sections)
        reading = checkboxes.read_html(doc.html)
    paper.checkboxes = reading.checkboxes
    paper.finance = reading.finance
    paper.accessibility = reading.accessibility
    paper.warnings = [*paper.warnings, *reading.warnings]
    return paper


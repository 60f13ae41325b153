"""Checkbox groups of Word forms (finance, accessibility) in every tick shape (work in progress)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import lxml.html

from allris_parse.models import Accessibility, Checkbox, Finance


@dataclass
class FormReading:
    """Every checkbox group found on a page, and what the known groups mean."""

    checkboxes: list[Checkbox] = field(default_factory=list)
    finance: Finance | None = None
    accessibility: Accessibility | None = None
    warnings: list[str] = field(default_factory=list)


def read_lines(lines: Sequence[str]) -> FormReading:
    """Checkbox groups of a text rendering."""
    return FormReading()


def read_html(root: lxml.html.HtmlElement) -> FormReading:
    """Checkbox groups of an HTML page."""
    return FormReading()

"""List or search of papers (vo040): one row per Vorlage with reference, title, date and type."""

from __future__ import annotations

import re

from lxml.etree import XPath
from lxml.html import HtmlElement

from allris_parse import labels
from allris_parse.document import Document
from allris_parse.fields import class_names, elements, inline_text, parse_date, query_int
from allris_parse.models import PaperList, PaperListEntry, validate_rows

#: The regions read by one walk: rows ``tr.zl11``/``tr.zl12``
#: of ``table.tl1`` holding a Vorlage link (the first such link is the row's); the total is shown in
#: the ``td.kb1`` cells of those tables' rows.
_ROW_CLASSES = ("zl11", "zl12")
_LINK_KEY = "VOLFDNR="
_TOTALS = XPath("//table[contains(concat(' ', normalize-space(@class), ' '), ' tl1 ')]"
                 "//tr/td[contains(concat(' ', normalize-space(@class), ' '), ' kb1 ')]")
_FIRST_TEXT = XPath("normalize-space(text()[normalize-space()][1])")
#: XPath's normalize-space() white space: class lists split as the class selectors do.
_DIGIT = re.compile(r"\d")


def extract(doc: Document) -> PaperList:
    """The paper-list record of a vo040 page (classic HTML; other shapes give an empty list and a warning)."""
    record = PaperList(source=doc.source())
    if doc.format != "html":
        record.warnings.append("paper lists are read from HTML pages only")
        return record
    totals, rows = _regions(doc.html)
    for cell in totals:
        shown = str(_FIRST_TEXT(cell))
        if any(ch.isdigit() for ch in shown):
            record.total = shown
            break
    entries: list[dict[str, object]] = []
    for link, after in rows:
        text = inline_text(link)
        reference, _, title = text.partition(" ")
        if not labels.PAPER_REFERENCE_TOKEN.match(reference):
            reference, title = "", text
        # cells after the link's cell: date (Angelegt/Freigabe), then the Vorlage-Art (the last cell
        # without a date); a text without a digit holds no date, so is not searched for one
        date, kind = None, None
        for td in after:
            if value := inline_text(td):
                if (found := parse_date(value) if _DIGIT.search(value) else None) is None:
                    kind = value
                elif date is None:
                    date = found
        entries.append({"paper_id": query_int(link.get("href"), "VOLFDNR"), "reference": reference or None,
                        "title": title or None, "date": date, "paper_type": kind})
    # one validation of the whole list in pydantic-core: cheaper than a model construction per row
    record.papers = validate_rows(PaperListEntry, entries)
    if not record.papers:
        record.warnings.append("no paper rows found on the list page")
    return record


def _regions(root: HtmlElement) -> tuple[list[HtmlElement], list[tuple[HtmlElement, list[HtmlElement]]]]:
    """The total cells and the paper rows' links with the cells after the link's cell, in page order,
    each row once."""
    totals: list[HtmlElement] = []
    rows: list[tuple[HtmlElement, list[HtmlElement]]] = []
    seen: set[int] = set()
    kept: list[HtmlElement] = []  # keeps the proxies alive, so their ids stay unique
    for table in root.iter("table"):
        value = table.get("class")
        list_class = labels.CLASSIC_LIST_TABLE_CLASS
        if not value or list_class not in value or list_class not in class_names(value):
            continue
        for row in table.iter("tr"):
            if id(row) in seen:
                continue  # a row of a nested list table, read with the outer one
            seen.add(id(row))
            kept.append(row)
            cells = [cell for cell in row if cell.tag == "td"]
            for cell in cells:
                if (value := cell.get("class")) and labels.CLASSIC_LABEL_CELL_CLASS in value \
                        and labels.CLASSIC_LABEL_CELL_CLASS in class_names(value):
                    totals.append(cell)
            value = row.get("class")
            if not value or not any(name in value for name in _ROW_CLASSES) or not any(
                    name in _ROW_CLASSES for name in class_names(value)):
                continue
            link = next((a for a in row.iter("a") if _LINK_KEY in (a.get("href") or "")), None)
            if link is None:
                continue
            # the cells after the link's cell: the row's own where the link sits right in one of them
            # (the proxies made above), else its nearest cell's following ones
            cell = link.getparent()
            if cell is not None and cell.tag == "td" and cell.getparent() is row:
                rows.append((link, cells[cells.index(cell) + 1:]))
            else:
                cell = next(link.iterancestors("td"), None)
                rows.append((link, list(cell.itersiblings("td")) if cell is not None else []))
    if len(totals) > 1:  # rows of nested tables may come between a row's cells: page order by XPath
        totals = elements(_TOTALS, root)
    return totals, rows

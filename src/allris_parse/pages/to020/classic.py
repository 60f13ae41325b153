"""to020 extraction from HTML: the classic ALLRIS net 3.x Auszug (metadata table ``td.kb1`` labels,
embedded Aspose section documents behind ``a[name=allrisWP|allrisBS|allrisAE]``), and the same
fields from ALLRIS 4 / responsive markup (``dt``/``dd`` rows, ``div.compFull`` panels) where shown."""

from __future__ import annotations

from lxml.etree import XPath
from lxml.html import HtmlElement

from allris_parse import aspose, labels
from allris_parse.document import Document
from allris_parse.fields import block_text, elements, has_class_name, hidden_int, inline_text, query_int, strings
from allris_parse.models import Section
from allris_parse.pages.to020.draft import Draft

#: The classic heading through the id index (``labels.CLASSIC_HEADING_XPATH``); ``h1.title`` is found by
#: the page walk.
_HEADING_BY_ID = XPath(labels.CLASSIC_HEADING_XPATH)
_TOLFDNR = XPath("//input[@name='TOLFDNR']/@value | //a[contains(@href, 'to020')][contains(@href, 'TOLFDNR=')]/@href")
#: ALLRIS 4 / responsive text panels.
_PANELS = XPath("//div[contains(concat(' ', normalize-space(@class), ' '), ' compFull ')]")
#: XPath's normalize-space() white space: class lists split as the class selectors do.


def extract(doc: Document, item: Draft, fields: dict[str, str]) -> None:
    """Fill ``item`` and the labelled ``fields`` (as shown) from the page."""
    root = doc.html
    headings, rows, terms = _regions(root)
    for heading in headings:
        title = labels.AGENDA_ITEM_TITLE_PREFIX.sub("", inline_text(heading))
        if title:
            item.title = title
            break
    _metadata_rows(rows, item, fields)
    _definitions(terms, fields)
    item.agenda_item_id = _agenda_item_id(doc, root)
    item.sections = [Section(heading=s.label, text=s.text) for s in aspose.anchor_sections(root)]
    if not item.sections:
        item.sections = _panels(root)



#: A row of the classic metadata table: the row, its ``td`` cells, their ``class`` values ("" for none), and
#: the links (a child ``a`` of a cell, with its address) in page order.
_Row = tuple[HtmlElement, list[HtmlElement], list[str], list[tuple[HtmlElement, str]]]


def _regions(root: HtmlElement) -> tuple[list[HtmlElement], list[_Row], list[HtmlElement]]:
    """One walk in C over headings, rows and terms, in page order: the headings (classic ``#risname`` h1,
    ``h1.title``), the rows of the classic metadata table (a ``td.kb1`` label, or a cell linking a Sitzung
    or a Vorlage), and ``dt`` labels directly followed by their ``dd``."""
    by_id = elements(_HEADING_BY_ID, root)
    headings: list[HtmlElement] = []
    rows: list[_Row] = []
    terms: list[HtmlElement] = []
    for el in root.iter("h1", "tr", "dt"):
        tag = el.tag
        if tag == "tr":
            if (row := _metadata_row(el)) is not None:
                rows.append(row)
        elif tag == "h1":
            if has_class_name(el.get("class"), labels.MODERN_HEADING_CLASS) or any(el is h for h in by_id):
                headings.append(el)
        else:
            following = el.getnext()
            if following is not None and following.tag == "dd":
                terms.append(el)
    return headings, rows, terms


def _metadata_row(row: HtmlElement) -> _Row | None:
    """The row's parts, read once for the test and the reading of its cells; None for a row of layout."""
    cells: list[HtmlElement] = []
    classes: list[str] = []
    links: list[tuple[HtmlElement, str]] = []
    found = False
    for cell in row:
        if cell.tag != "td":
            continue
        value = cell.get("class") or ""
        cells.append(cell)
        classes.append(value)
        found = found or has_class_name(value, labels.CLASSIC_LABEL_CELL_CLASS)
        for link in cell:
            if link.tag == "a" and (href := link.get("href")):
                links.append((link, href))
                found = found or "SILFDNR=" in href or "VOLFDNR=" in href
    return (row, cells, classes, links) if found else None


def _cell_link(links: list[tuple[HtmlElement, str]], script: str, key: str) -> tuple[HtmlElement, str] | None:
    """The first of a row's links whose address names ``script`` and ``key``."""
    for link, href in links:
        if script in href and key in href:
            return link, href
    return None


def _agenda_item_id(doc: Document, root: HtmlElement) -> int | None:
    if match := labels.CLASSIC_OBJECT_ID.search(doc.text):
        return int(match[1] or match[2])
    for value in strings(_TOLFDNR, root):
        found = int(value) if str(value).isdecimal() else query_int(str(value), "TOLFDNR")
        if found is not None:
            return found
    return None


def _metadata_rows(rows: list[_Row], item: Draft, fields: dict[str, str]) -> None:
    """Label/value cells up to the linked Vorlage's row; the meeting and the Vorlage from their links."""
    for row, cells, classes, links in rows:
        if item.meeting_id is None and (meeting := _cell_link(links, "to010", "SILFDNR=")) is not None:
            item.meeting_title = inline_text(meeting[0]) or None
            item.meeting_id = query_int(meeting[1], "SILFDNR") or hidden_int(row, "SILFDNR")
            continue
        if (paper := _cell_link(links, "vo020", "VOLFDNR=")) is not None:
            shown = inline_text(paper[0]).split(" ", 1)
            if shown and labels.PAPER_REFERENCE_TOKEN.match(shown[0]):
                item.paper_reference = shown[0]
            item.paper_id = query_int(paper[1], "VOLFDNR")
            return  # what follows (Status, Drucksache-Art, Federführend) is the paper's
        for index, cell in enumerate(cells[:-1]):
            if "kb1" not in classes[index].split():
                continue
            name = labels.AGENDA_ITEM_FIELD_LABELS.get(labels.label_key(inline_text(cell)))
            if name and name not in fields:
                fields[name] = inline_text(cells[index + 1])


def _definitions(terms: list[HtmlElement], fields: dict[str, str]) -> None:
    for term in terms:
        name = labels.AGENDA_ITEM_FIELD_LABELS.get(labels.label_key(inline_text(term)))
        if name and name not in fields:
            fields[name] = inline_text(term.getnext())


def _panels(root: HtmlElement) -> list[Section]:
    sections = []
    for panel in elements(_PANELS, root):
        title = panel.xpath(".//h2[1] | .//h3[1]")
        heading = inline_text(title[0]) if title else None
        if heading and labels.label_key(heading) in labels.NON_TEXT_SECTIONS:
            continue
        body = panel.xpath(".//div[contains(concat(' ', normalize-space(@class), ' '), ' docPart ')]")
        text = "\n".join(block_text(b) for b in body) if body else ""
        if text:
            sections.append(Section(heading=heading, text=text))
    return sections

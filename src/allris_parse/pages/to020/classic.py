"""to020 extraction from HTML: the classic ALLRIS net 3.x Auszug (metadata table ``td.kb1`` labels,
embedded Aspose section documents behind ``a[name=allrisWP|allrisBS|allrisAE]``), and the same
fields from ALLRIS 4 / responsive markup (``dt``/``dd`` rows, ``div.compFull`` panels) where shown."""

from __future__ import annotations

from lxml.etree import XPath
from lxml.html import HtmlElement

from allris_parse import aspose, labels
from allris_parse.document import Document
from allris_parse.fields import block_text, elements, hidden_int, inline_text, query_int, strings
from allris_parse.models import AgendaItem, Section

_HEADING = XPath(labels.CLASSIC_HEADING_XPATH
                 + " | //h1[contains(concat(' ', normalize-space(@class), ' '), ' title ')]")
#: Rows of the classic metadata table: labelled rows, the meeting row and the Vorlage row.
_ROWS = XPath(
    "//tr[td[contains(concat(' ', normalize-space(@class), ' '), ' kb1 ')]"
    " or td/a[contains(@href, 'SILFDNR=') or contains(@href, 'VOLFDNR=')]]")
_MEETING_LINK = XPath("td/a[contains(@href, 'to010')][contains(@href, 'SILFDNR=')]")
_PAPER_LINK = XPath("td/a[contains(@href, 'vo020')][contains(@href, 'VOLFDNR=')]")
_TOLFDNR = XPath("//input[@name='TOLFDNR']/@value | //a[contains(@href, 'to020')][contains(@href, 'TOLFDNR=')]/@href")
#: ALLRIS 4 / responsive: label/value rows and text panels.
_DEFINITIONS = XPath("//dt[following-sibling::*[1][self::dd]]")
_PANELS = XPath("//div[contains(concat(' ', normalize-space(@class), ' '), ' compFull ')]")


def extract(doc: Document, item: AgendaItem, fields: dict[str, str]) -> None:
    """Fill ``item`` and the labelled ``fields`` (as shown) from the page."""
    root = doc.html
    for heading in elements(_HEADING, root):
        title = labels.AGENDA_ITEM_TITLE_PREFIX.sub("", inline_text(heading))
        if title:
            item.title = title
            break
    _metadata_rows(root, item, fields)
    _definitions(root, fields)
    item.agenda_item_id = _agenda_item_id(doc, root)
    item.sections = [Section(heading=s.label, text=s.text) for s in aspose.anchor_sections(root)]
    if not item.sections:
        item.sections = _panels(root)


def _agenda_item_id(doc: Document, root: HtmlElement) -> int | None:
    if match := labels.CLASSIC_OBJECT_ID.search(doc.text):
        return int(match[1] or match[2])
    for value in strings(_TOLFDNR, root):
        found = int(value) if str(value).isdigit() else query_int(str(value), "TOLFDNR")
        if found is not None:
            return found
    return None


def _metadata_rows(root: HtmlElement, item: AgendaItem, fields: dict[str, str]) -> None:
    """Label/value cells up to the linked Vorlage's row; the meeting and the Vorlage from their links."""
    for row in elements(_ROWS, root):
        if item.meeting_id is None and (meeting := elements(_MEETING_LINK, row)):
            item.meeting_title = inline_text(meeting[0]) or None
            item.meeting_id = query_int(meeting[0].get("href"), "SILFDNR") or hidden_int(row, "SILFDNR")
            continue
        if paper := elements(_PAPER_LINK, row):
            shown = inline_text(paper[0]).split(" ", 1)
            if shown and labels.PAPER_REFERENCE_TOKEN.match(shown[0]):
                item.paper_reference = shown[0]
            item.paper_id = query_int(paper[0].get("href"), "VOLFDNR")
            return  # what follows (Status, Drucksache-Art, Federführend) is the paper's
        cells = row.xpath("td")
        for index, cell in enumerate(cells[:-1]):
            if "kb1" not in (cell.get("class") or "").split():
                continue
            name = labels.AGENDA_ITEM_FIELD_LABELS.get(labels.label_key(inline_text(cell)))
            if name and name not in fields:
                fields[name] = inline_text(cells[index + 1])


def _definitions(root: HtmlElement, fields: dict[str, str]) -> None:
    for term in elements(_DEFINITIONS, root):
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

"""to010 extraction for classic ALLRIS net 3.x pages: full ``#rismain`` and print/embedded ``#rismain_raw``.

Regions read (selectors in :mod:`allris_parse.labels`):

- the heading ``#risname h1`` / ``#risname_raw h1`` ("Tagesordnung - <Bezeichnung>");
- label cells ``td.kb1`` with the value cell beside them (Bezeichnung, Gremium, Datum, Zeit, Raum, Ort);
- the right column ``td.me1``: document buttons (``do027`` forms);
- the agenda ``table.tl1``: rows ``tr.zl11``/``tr.zl12``, the TOP number in the first cell, the NA/PA
  button (its title is the Beschlussart), the Betreff, the VO button and Vorlage link.
"""

from __future__ import annotations

from lxml import etree
from lxml.html import HtmlElement

from allris_parse import labels
from allris_parse.document import Document
from allris_parse.fields import hidden_int, inline_text, query_int
from allris_parse.models import AgendaEntry, Attachment, Meeting
from allris_parse.normalize import clean_inline
from allris_parse.pages.to010 import common

_HEADING = etree.XPath(labels.MEETING_HEADING_XPATH)
_LABEL_CELLS = etree.XPath(labels.CLASSIC_LABEL_CELLS_XPATH)
_RIGHT_COLUMN = etree.XPath(labels.CLASSIC_RIGHT_COLUMN_XPATH)
_DOCUMENT_FORMS = etree.XPath(labels.CLASSIC_DOCUMENT_FORMS_XPATH)
_ROWS = etree.XPath(labels.CLASSIC_AGENDA_ROWS_XPATH)
_NOTE = etree.XPath(labels.AGENDA_NOTE_XPATH)
_PAPER_LINKS = etree.XPath(labels.AGENDA_PAPER_LINKS_XPATH)
_PAPER_FORMS = etree.XPath(labels.AGENDA_PAPER_FORMS_XPATH)
_ITEM_LINKS = etree.XPath(labels.AGENDA_ITEM_LINKS_XPATH)
_RESULT_BUTTON = etree.XPath(labels.AGENDA_RESULT_BUTTON_XPATH)


def extract(doc: Document) -> Meeting:
    """The meeting fields a classic page shows."""
    root = doc.html
    meeting = Meeting(source=doc.source())
    meeting.meeting_id = common.meeting_id(doc.text, root)
    for cell in common.elements(_LABEL_CELLS, root):
        fieldname = labels.MEETING_FIELD_LABELS.get(labels.label_key(inline_text(cell)))
        value = cell.getnext()
        if fieldname and value is not None and value.tag == "td":
            common.set_field(meeting, fieldname, inline_text(value))
    if meeting.title is None:
        for heading in common.elements(_HEADING, root):
            if title := common.heading_title(inline_text(heading)):
                meeting.title = title
                break
    meeting.documents = _documents(root)
    meeting.agenda_items = [item for row in common.elements(_ROWS, root) if (item := _item(row))]
    return common.finish(meeting)


def _documents(root: HtmlElement) -> list[Attachment]:
    """The Sitzung's files: ``do027`` buttons in the right column (Bekanntmachung, Niederschrift, ...)."""
    documents: list[Attachment] = []
    seen: set[int | None] = set()
    for column in common.elements(_RIGHT_COLUMN, root):
        for form in common.elements(_DOCUMENT_FORMS, column):
            item = common.form_document(form)
            if item is not None and item.document_id not in seen:
                seen.add(item.document_id)
                documents.append(item)
    return documents


def _item(row: HtmlElement) -> AgendaEntry | None:
    """One agenda row; None for continuation rows (only a document button) and fillers (no TOP number)."""
    cells = [c for c in row if c.tag == "td"]
    if not cells:
        return None
    number = inline_text(cells[0])
    if not number:
        return None
    subject = _subject_cell(cells[1:])
    title, note = _title(subject) if subject is not None else (None, None)
    paper_reference, paper_id = _paper(row)
    results = common.strings(_RESULT_BUTTON, row)
    return common.entry(number, title, note=note, paper_reference=paper_reference, paper_id=paper_id,
                        agenda_item_id=_item_id(row, cells[0]), result=results[0] if results else None)


def _subject_cell(cells: list[HtmlElement]) -> HtmlElement | None:
    """The Betreff cell: the one linking the Auszug (to020), else ``td.text1``, else the first cell with
    text that is neither a button nor a Vorlage/Sitzung link."""
    for cell in cells:
        if cell.xpath(".//a[contains(@href, 'to020')]"):
            return cell
    for cell in cells:
        if "text1" in cell.get("class", "").split():
            return cell
    for cell in cells:
        if cell.find(".//form") is None and not cell.xpath(".//a[contains(@href, 'vo020') or contains(@href, "
                                                            "'to010')]") and inline_text(cell):
            return cell
    return None


def _title(cell: HtmlElement) -> tuple[str | None, str | None]:
    text = inline_text(cell)
    notes = common.elements(_NOTE, cell)
    note = " ".join(clean_inline(inline_text(n)) for n in notes) if notes else ""
    title, note_text = common.split_note(text, note)
    return title or None, note_text


def _paper(row: HtmlElement) -> tuple[str | None, int | None]:
    """The linked Vorlage's reference and VOLFDNR (links to other Sitzungen are not papers)."""
    for link in common.elements(_PAPER_LINKS, row):
        reference = inline_text(link)
        if reference:
            paper_id = query_int(link.get("href"), "VOLFDNR")
            if paper_id is None:
                ids = common.strings(_PAPER_FORMS, row)
                paper_id = int(ids[0]) if ids and ids[0].strip().isdigit() else None
            return reference, paper_id
    ids = common.strings(_PAPER_FORMS, row)
    return None, int(ids[0]) if ids and ids[0].strip().isdigit() else None


def _item_id(row: HtmlElement, number_cell: HtmlElement) -> int | None:
    """The TOLFDNR: the Auszug form, the number link, any link of the row naming one."""
    found = hidden_int(row, "TOLFDNR")
    if found is not None:
        return found
    for href in common.strings(_ITEM_LINKS, number_cell) + common.strings(_ITEM_LINKS, row):
        if (value := query_int(href, "TOLFDNR")) is not None:
            return value
    return None

"""to010 extraction for ALLRIS 4 (Wicket) and the responsive ``_r`` templates of ALLRIS net 3.9.

Regions read (selectors in :mod:`allris_parse.labels`):

- Grunddaten values by their ids (``sibetreff``, ``sigremium``, ``sidatum``, ``sizeit``, ``sistatus``,
  ``siraum``, ``siort``), then ``dt.colTitle`` labels for values without a known id;
- the heading ``h1.title`` only where it is a name, not "Gremium - Datum";
- documents ``#dokumenteHeaderPanel a.doclink``;
- the agenda ``table.toTable``: ``td.tonr``, ``td.tobetreff`` (+ ``span.zusatzinfo``), ``td.tovonr``,
  ``td.tobanr``, ``td.tozunr``; group rows (``tr.beratung``, "Öffentlicher Teil") have no number.
"""

from __future__ import annotations

from urllib.parse import urljoin

from lxml import etree
from lxml.html import HtmlElement

from allris_parse import labels
from allris_parse.document import Document
from allris_parse.fields import inline_text, query_int
from allris_parse.models import AgendaEntry, Attachment, Meeting
from allris_parse.normalize import clean_inline
from allris_parse.pages.to010 import common

_FIELD_IDS = etree.XPath(labels.MEETING_FIELD_IDS_XPATH)
_HEAD_LABELS = etree.XPath(labels.MEETING_HEAD_LABELS_XPATH)
_HEADING = etree.XPath(labels.MEETING_HEADING_XPATH)
_DOCUMENTS = etree.XPath(labels.MEETING_DOCUMENT_LINKS_XPATH)
_ROWS = etree.XPath(labels.MODERN_AGENDA_ROWS_XPATH)
_NOTE = etree.XPath(labels.AGENDA_NOTE_XPATH)
_PAPER_LINKS = etree.XPath(labels.AGENDA_PAPER_LINKS_XPATH)
_ITEM_LINKS = etree.XPath(labels.AGENDA_ITEM_LINKS_XPATH)
_HIDDEN = etree.XPath(".//*[@hidden or @data-wicket-placeholder]")


def extract(doc: Document) -> Meeting:
    """The meeting fields an ALLRIS 4 or ``_r`` page shows."""
    root = doc.html
    meeting = Meeting(source=doc.source())
    meeting.meeting_id = common.meeting_id(doc.text, root)
    found: dict[str, HtmlElement] = {}
    for el in common.elements(_FIELD_IDS, root):
        found.setdefault(el.get("id", ""), el)
    for element_id, el in found.items():
        fieldname = labels.MEETING_FIELD_IDS[element_id]
        if fieldname == "status_note" and "sistatus" not in found:
            fieldname = "status"  # ``_r`` pages: ``sistat`` is the status itself
        common.set_field(meeting, fieldname, inline_text(el))
    for dt in common.elements(_HEAD_LABELS, root):
        label_field = labels.MEETING_FIELD_LABELS.get(labels.label_key(inline_text(dt)))
        dd = dt.getnext()
        if label_field and dd is not None and dd.tag == "dd":
            common.set_field(meeting, label_field, inline_text(dd))
    if meeting.title is None:
        for heading in common.elements(_HEADING, root):
            if title := common.heading_title(inline_text(heading)):
                meeting.title = title
                break
    meeting.documents = _documents(root, doc.url)
    meeting.agenda_items = [item for row in common.elements(_ROWS, root) if (item := _item(row))]
    return common.finish(meeting)


def _documents(root: HtmlElement, base: str | None) -> list[Attachment]:
    found: dict[str, Attachment] = {}
    for a in common.elements(_DOCUMENTS, root):
        title = inline_text(a)
        href = a.get("href")
        if title and title not in found:
            found[title] = Attachment(title=title, role="document",
                                      url=urljoin(base, href) if base and href else href or None,
                                      document_id=query_int(href, "DOLFDNR"))
    return list(found.values())


def _cell(row: HtmlElement, name: str) -> HtmlElement | None:
    for cell in row.iterfind("td"):
        if name in cell.get("class", "").split():
            return cell
    return None


def _item(row: HtmlElement) -> AgendaEntry | None:
    """One agenda row; None for group rows ("Öffentlicher Teil") without a TOP number."""
    number = inline_text(_cell(row, "tonr"))
    if not number:
        return None
    subject = _cell(row, "tobetreff")
    title, note = _title(subject) if subject is not None else (None, None)
    paper_reference, paper_id = None, None
    papers = _cell(row, "tovonr")
    if papers is not None:
        for link in common.elements(_PAPER_LINKS, papers):
            if reference := inline_text(link):
                paper_reference, paper_id = reference, query_int(link.get("href"), "VOLFDNR")
                break
    result = _cell(row, "tobanr")
    return common.entry(number, title, note=note, paper_reference=paper_reference, paper_id=paper_id,
                        agenda_item_id=_item_id(row), result=inline_text(result) if result is not None else None,
                        role=inline_text(_cell(row, "tozunr")))


def _title(cell: HtmlElement) -> tuple[str | None, str | None]:
    for hidden in common.elements(_HIDDEN, cell):
        hidden.drop_tree()
    text = inline_text(cell)
    notes = common.elements(_NOTE, cell)
    note = " ".join(clean_inline(inline_text(n)) for n in notes) if notes else ""
    title, note_text = common.split_note(text, note)
    return title or None, note_text


def _item_id(row: HtmlElement) -> int | None:
    """The TOLFDNR: a link of the row naming one, else the ALLRIS 4 element ids ("link_48521")."""
    for href in common.strings(_ITEM_LINKS, row):
        if (value := query_int(href, "TOLFDNR")) is not None:
            return value
    return common.item_id_from_element_ids(row)

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

from lxml.html import HtmlElement

from allris_parse import labels
from allris_parse.document import Document
from allris_parse.fields import query_int
from allris_parse.models import Attachment, Meeting
from allris_parse.pages.to010 import common


def extract(doc: Document) -> Meeting:
    """The meeting fields an ALLRIS 4 or ``_r`` page shows."""
    root = doc.html
    meeting = Meeting(source=doc.source())
    found: dict[str, HtmlElement] = {}
    label_terms: list[HtmlElement] = []
    headings: list[HtmlElement] = []
    tables: list[HtmlElement] = []
    panels: list[HtmlElement] = []
    field_ids = labels.MEETING_FIELD_IDS
    panel_id = labels.MODERN_DOCUMENTS_PANEL_ID
    for el in root.iter("span", "dt", "h1", "table", "aside", "div"):  # one cheap walk
        el_id = el.get("id")
        if el_id is not None:
            if el_id in field_ids:
                found.setdefault(el_id, el)
                continue
            if el_id == panel_id:
                panels.append(el)
                continue
        tag = el.tag
        if tag in {"span", "div", "aside"}:  # most elements: only their id counts
            continue
        if tag == "dt":
            label_terms.append(el)
        elif tag == "h1":
            if labels.MODERN_HEADING_CLASS in el.get("class", "").split():
                headings.append(el)
        elif tag == "table" and labels.MODERN_AGENDA_TABLE_CLASS in el.get("class", "").split():
            tables.append(el)
    for element_id, el in found.items():
        fieldname = labels.MEETING_FIELD_IDS[element_id]
        if fieldname == "status_note" and "sistatus" not in found:
            fieldname = "status"  # ``_r`` pages: ``sistat`` is the status itself
        common.set_field(meeting, fieldname, common.text(el))
    for dt in label_terms:
        label_field = labels.MEETING_FIELD_LABELS.get(labels.label_key(common.text(dt)))
        dd = dt.getnext()
        if label_field and dd is not None and dd.tag == "dd" and any(
                a.get("id") in labels.MODERN_HEAD_CONTAINER_IDS for a in dt.iterancestors("div")):
            common.set_field(meeting, label_field, common.text(dd))
    common.title_from_headings(meeting, headings)
    meeting.documents = _documents(panels, doc.url)
    title_el = found.get("sibetreff")
    common.read_agenda(meeting, doc.text, tables, _is_agenda_row, _item,
                       lambda: [] if title_el is None else [query_int(a.get("href"), "SILFDNR")
                                                            for a in title_el.iter("a")])
    return common.finish(meeting)


def _is_agenda_row(row: HtmlElement) -> bool:
    """A row with a ``td.tonr`` (the TOP number)."""
    return any(td.tag == "td" and "tonr" in td.get("class", "").split() for td in row)  # no ElementPath


def _documents(panels: list[HtmlElement], base: str | None) -> list[Attachment]:
    found: dict[str, Attachment] = {}
    for panel in panels:
        for a in panel.iter("a"):
            href = a.get("href")
            if "doclink" not in a.get("class", "").split() or not href or href == "#":
                continue
            title = common.text(a)
            if title and title not in found:
                found[title] = Attachment(title=title, role="document",
                                          url=urljoin(base, href) if base else href,
                                          document_id=query_int(href, "DOLFDNR"))
    return list(found.values())


def _item(row: HtmlElement, own_links: list[int | None] | None) -> dict[str, object] | None:
    """One agenda row; None for group rows ("Öffentlicher Teil") without a TOP number."""
    children = list(row)
    cells = {name: cell for cell in children if cell.tag == "td" for name in cell.get("class", "").split()}
    number = common.text(cells.get("tonr"))
    if not number:
        return None
    scan_cells = [cells[name] for name in ("tonr", "tobetreff", "tovonr") if name in cells]
    scan = common.scan_row(row, scan_cells, scan_cells == children)
    if own_links is not None:
        own_links.append(scan.meeting_id)
    subject = cells.get("tobetreff")
    title, note = common.title_and_note(subject, scan.notes) if subject is not None else (None, None)
    result = cells.get("tobanr")
    item_id = scan.item_id
    if item_id is None:
        item_id = common.item_id_from_element_ids(row)
    return common.entry(number, title, note=note, paper_reference=scan.paper_reference,
                        paper_id=scan.paper_id if scan.paper_reference else None, agenda_item_id=item_id,
                        result=common.text(result) if result is not None else None,
                        role=common.text(cells.get("tozunr")))

"""to010 extraction for classic ALLRIS net 3.x pages: full ``#rismain`` and print/embedded ``#rismain_raw``.

Regions read (selectors in :mod:`allris_parse.labels`):

- the heading ``#risname h1`` / ``#risname_raw h1`` ("Tagesordnung - <Bezeichnung>");
- label cells ``td.kb1`` with the value cell beside them (Bezeichnung, Gremium, Datum, Zeit, Raum, Ort);
- the right column ``td.me1``: document buttons (``do027`` forms);
- the agenda ``table.tl1``: rows ``tr.zl11``/``tr.zl12``, the TOP number in the first cell, the NA/PA
  button (its title is the Beschlussart), the Betreff, the VO button and Vorlage link.
"""

from __future__ import annotations

from lxml.html import HtmlElement

from allris_parse import labels
from allris_parse.document import Document
from allris_parse.models import Attachment, Meeting
from allris_parse.pages.to010 import common


def extract(doc: Document) -> Meeting:
    """The meeting fields a classic page shows."""
    root = doc.html
    meeting = Meeting(source=doc.source())
    headings: list[HtmlElement] = []
    label_cells: list[HtmlElement] = []
    right_columns: list[HtmlElement] = []
    # one walk a tag, in C (no tag test per element); the list keeps the cells' proxies alive for the rows
    # read below, which then find them instead of building them again
    cells = list(root.iter("td"))
    for el in cells:
        value = el.get("class")
        if not value:
            continue
        if _has_class(value, labels.CLASSIC_LABEL_CELL_CLASS):
            label_cells.append(el)
        elif _has_class(value, labels.CLASSIC_RIGHT_COLUMN_CLASS) and not any(
                c is el for column in right_columns for c in column.iter("td")):
            right_columns.append(el)
    tables = [el for el in root.iter("table") if _has_class(el.get("class"), labels.CLASSIC_LIST_TABLE_CLASS)]
    for el in root.iter("div"):
        if el.get("id") in labels.CLASSIC_HEADING_IDS:
            headings.extend(el.iter("h1"))
    for cell in label_cells:
        fieldname = labels.MEETING_FIELD_LABELS.get(labels.label_key(common.text(cell)))
        value = cell.getnext()
        if fieldname and value is not None and value.tag == "td":
            common.set_field(meeting, fieldname, common.text(value))
    common.title_from_headings(meeting, headings)
    meeting.documents = _documents(right_columns)
    common.read_agenda(meeting, doc.text, tables, _is_agenda_row, _item, lambda: _form_meeting_ids(right_columns))
    return common.finish(meeting)


def _has_class(value: str | None, name: str) -> bool:
    """``name`` among the classes of a ``class`` value (the substring test spares most splits)."""
    return value is not None and name in value and name in value.split()


def _is_agenda_row(row: HtmlElement) -> bool:
    """A row whose ``class`` names an agenda row class (most are exactly one of them)."""
    value = row.get("class")
    if not value:
        return False
    if value in labels.CLASSIC_AGENDA_ROW_CLASSES:
        return True
    return any(c in value for c in labels.CLASSIC_AGENDA_ROW_CLASSES) and bool(
        labels.CLASSIC_AGENDA_ROW_CLASSES & set(value.split()))


def _form_meeting_ids(columns: list[HtmlElement]) -> list[int | None]:
    """SILFDNR of the right column's Protokoll/Beschlüsse forms (they name this Sitzung)."""
    return [int(v) for column in columns for i in column.iter("input")
            if i.get("name") == "SILFDNR" and (v := (i.get("value") or "").strip()).isdecimal()]


def _documents(columns: list[HtmlElement]) -> list[Attachment]:
    """The Sitzung's files: ``do027`` buttons in the right column (Bekanntmachung, Niederschrift, ...)."""
    documents: list[Attachment] = []
    seen: set[int | None] = set()
    for column in columns:
        for form in column.iter("form"):
            if labels.CLASSIC_DOCUMENT_SCRIPT not in form.get("action", ""):
                continue
            item = common.form_document(form)
            if item is not None and item.document_id is not None and item.document_id not in seen:
                seen.add(item.document_id)
                documents.append(item)
    return documents


def _item(row: HtmlElement, own_links: list[int | None] | None) -> dict[str, object] | None:
    """One agenda row; None for continuation rows (only a document button) and fillers (no TOP number)."""
    cells: list[HtmlElement] = []
    whole_row = True  # every element child is a cell (comments between cells are common)
    for child in row:
        tag = child.tag
        if tag == "td":
            cells.append(child)
        elif isinstance(tag, str):
            whole_row = False
    if not cells:
        return None
    number = common.text(cells[0])
    if not number:
        return None
    scan = common.scan_row(row, cells, whole_row)
    if own_links is not None:
        own_links.append(scan.meeting_id)
    subject, shown = _subject_cell(cells[1:], scan)
    title, note = common.title_and_note(subject, scan.notes, shown) if subject is not None else (None, None)
    return common.entry(number, title, note=note, paper_reference=scan.paper_reference,
                        paper_id=scan.paper_id if scan.paper_reference else None,
                        agenda_item_id=scan.item_id, result=scan.result)


def _subject_cell(cells: list[HtmlElement], scan: common.RowScan) -> tuple[HtmlElement | None, str | None]:
    """The Betreff cell: the one linking the Auszug (to020), else ``td.text1``, else the first cell with
    text that is neither a button nor a Vorlage/Sitzung link; with its text where that was read."""
    for cell in scan.item_link_cells:
        if any(cell is c for c in cells):
            return cell, None
    for cell in cells:
        if _has_class(cell.get("class"), "text1"):
            return cell, None
    busy = scan.busy_cells
    for cell in cells:
        if id(cell) not in busy and (shown := common.text(cell)):
            return cell, shown
    return None, None

"""vo020 extraction for classic ALLRIS net 3.x pages: full ``#rismain`` and print/embedded ``#rismain_raw``.

Regions read (selectors in :mod:`allris_parse.labels`):

- the heading ``#risname h1`` / ``#risname_raw h1`` ("Drucksache - 22-2402") for the reference;
- label cells ``td.kb1`` with the value cell beside them (Betreff, Status, Vorlage-Art, ...);
- the Beratungsfolge rows ``tr.zl11``/``tr.zl12`` in the label's row or the row after it;
- the right column ``td.me1``: main-document buttons (``do027`` forms), jump links, an Anlagen list;
- the bottom ``table.tk1`` Anlagen list;
- text sections: the embedded Aspose documents after ``<a name="allrisSV|BV|FA|AN">``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from urllib.parse import urlencode

from lxml import etree
from lxml.html import HtmlElement

from allris_parse import labels
from allris_parse.document import Document
from allris_parse.fields import block_text, hidden_int, inline_text, parse_date, query_int
from allris_parse.models import Attachment, Consultation, Paper, Section
from allris_parse.normalize import clean_block, clean_inline, none_if_empty

_HEADING = etree.XPath(labels.CLASSIC_HEADING_XPATH)
_LABEL_CELLS = etree.XPath(labels.CLASSIC_LABEL_CELLS_XPATH)
_RIGHT_COLUMN = etree.XPath(labels.CLASSIC_RIGHT_COLUMN_XPATH)
_CONSULTATION_ROWS = etree.XPath(labels.CLASSIC_CONSULTATION_ROWS_XPATH)
_DOCUMENT_FORMS = etree.XPath(labels.CLASSIC_DOCUMENT_FORMS_XPATH)
_PAPER_ID = etree.XPath(labels.CLASSIC_PAPER_ID_XPATH)
_JUMP_LINKS = etree.XPath(labels.CLASSIC_JUMP_LINKS_XPATH)
_SECTION_ANCHORS = etree.XPath(
    "//a[" + " or ".join(f"@name='{name}'" for name in labels.CLASSIC_VO020_SECTION_ANCHORS) + "]")
_SYMBOL_SPANS = etree.XPath(labels.SYMBOL_FONT_SPANS_XPATH)
_HEADING_FORMAT = etree.XPath(labels.SECTION_HEADING_FORMAT_XPATH)
_LINKS = etree.XPath(".//a[@href]")
_BLOCKS = etree.XPath(".//*[self::p or self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6"
                      " or self::li]")


def _els(xpath: etree.XPath, node: HtmlElement) -> list[HtmlElement]:
    """The elements an XPath finds (typed for mypy; lxml's result type is a wide union)."""
    result = xpath(node)
    return [r for r in result if isinstance(r, HtmlElement)] if isinstance(result, list) else []


def _strs(xpath: etree.XPath, node: HtmlElement) -> list[str]:
    """The attribute values an XPath finds."""
    result = xpath(node)
    return [str(r) for r in result if isinstance(r, str)] if isinstance(result, list) else []


def extract(doc: Document) -> Paper:
    """The paper fields a classic page shows."""
    root = doc.html
    paper = Paper(source=doc.source())
    paper.paper_id = _paper_id(doc, root)
    heading = _els(_HEADING, root)
    if heading:
        match = labels.CLASSIC_HEADING.match(inline_text(heading[0]))
        if match:
            paper.reference = match["reference"]
    attachment_tables: list[HtmlElement] = []
    for cell in _els(_LABEL_CELLS, root):
        key = labels.label_key(inline_text(cell))
        if not key:
            continue
        if key in labels.CLASSIC_CONSULTATIONS_LABELS:
            paper.consultations = _consultations(cell)
        elif key in labels.CLASSIC_ATTACHMENTS_LABELS:
            table = next(cell.iterancestors("table"), None)
            if table is not None:
                attachment_tables.append(table)
        elif (fieldname := labels.PAPER_FIELD_LABELS.get(key)) and getattr(paper, fieldname) is None:
            _set_field(paper, fieldname, cell.getnext())
    paper.attachments = _attachments(attachment_tables)
    paper.documents = _documents(root, attachment_tables)
    paper.sections = _sections(root)
    if heading == [] and paper.title is None:
        paper.warnings.append("classic page without a heading or a Betreff: no metadata found")
    return paper


# --- ids and metadata ----------------------------------------------------------------------------


def _paper_id(doc: Document, root: HtmlElement) -> int | None:
    head_end = doc.text.find("<body")
    match = labels.CLASSIC_OBJECT_ID.search(doc.text, 0, head_end if head_end > 0 else 8192)
    if match:
        return int(match[1] or match[2])
    for raw in _strs(_PAPER_ID, root):
        value = raw.strip()
        found = int(value) if value.isdigit() else query_int(value, "VOLFDNR")
        if found is not None:
            return found
    for address in (doc.url, doc.path):
        if address and (found := query_int(address, "VOLFDNR")) is not None:
            return found
    return None


def _set_field(paper: Paper, fieldname: str, value_cell: HtmlElement | None) -> None:
    if value_cell is None:
        return
    value = none_if_empty(inline_text(value_cell))
    if value is None:
        return
    if fieldname == "date":
        paper.date = parse_date(value)
    else:
        setattr(paper, fieldname, value)


# --- Beratungsfolge -------------------------------------------------------------------------------


def _consultations(label_cell: HtmlElement) -> list[Consultation]:
    """Consultations from the rows in the label's own row (Berlin, Alsdorf) or in the row after it."""
    row = label_cell.getparent()
    if row is None:
        return []
    rows = _els(_CONSULTATION_ROWS, row)
    if not rows:
        following = row.getnext()
        rows = _els(_CONSULTATION_ROWS, following) if following is not None else []
    result: list[Consultation] = []
    head: Consultation | None = None
    head_used = True
    for tr in rows:
        cells = [c for c in tr if c.tag in ("td", "th")]
        date_cell = _cell_with_class(cells, labels.CLASSIC_DATE_CELL_CLASS)
        status = _status(cells)
        if date_cell is None:
            if head is not None and not head_used:
                result.append(head)
            head_cells = [c for c in cells if _has_class(c, labels.CLASSIC_HEAD_CELL_CLASS)]
            head = Consultation(
                committee=none_if_empty(inline_text(head_cells[0])) if head_cells else None,
                role=none_if_empty(inline_text(head_cells[1])) if len(head_cells) > 1 else None,
                status=status,
            )
            head_used = False
            continue
        item = _meeting(tr, cells, date_cell)
        if head is not None:
            item.committee, item.role = head.committee, head.role
            item.status = status or head.status
            head_used = True
        else:
            item.status = status
        result.append(item)
    if head is not None and not head_used:
        result.append(head)
    return result


def _meeting(tr: HtmlElement, cells: list[HtmlElement], date_cell: HtmlElement) -> Consultation:
    item = Consultation(date=parse_date(inline_text(date_cell)))
    meeting_link = None
    for link in _els(_LINKS, tr):
        href = link.get("href", "")
        if labels.CLASSIC_MEETING_SCRIPT in href and query_int(href, "SILFDNR") is not None:
            meeting_link = link
            item.meeting_id = item.meeting_id or query_int(href, "SILFDNR")
        elif labels.CLASSIC_AGENDA_ITEM_SCRIPT in href and item.agenda_item_id is None:
            item.agenda_item_id = query_int(href, "TOLFDNR")
    for form in tr.iter("form"):
        action = form.get("action", "")
        if item.meeting_id is None and labels.CLASSIC_MEETING_SCRIPT in action:
            item.meeting_id = hidden_int(form, "SILFDNR")
        if item.agenda_item_id is None and labels.CLASSIC_AGENDA_ITEM_SCRIPT in action:
            item.agenda_item_id = hidden_int(form, "TOLFDNR")
    result_cell = _cell_with_class(cells, labels.CLASSIC_RESULT_CELL_CLASS)
    if result_cell is not None:
        item.result = none_if_empty(inline_text(result_cell))
    if meeting_link is not None:
        item.meeting_title = none_if_empty(inline_text(meeting_link))
    elif result_cell is not None:
        # an unlinked meeting name: the cell before the result, unless it holds the TO button
        before = result_cell.getprevious()
        if before is not None and before is not date_cell and before.find(".//form") is None:
            item.meeting_title = none_if_empty(inline_text(before))
    return item


def _status(cells: list[HtmlElement]) -> str | None:
    """The workflow state: a colour cell with only a ``title`` ("Geplant", "Erledigt")."""
    if cells and not clean_inline(cells[0].text_content()) and len(cells[0]) == 0:
        return none_if_empty(cells[0].get("title"))
    return None


def _has_class(el: HtmlElement, name: str) -> bool:
    return name in (el.get("class") or "").split()


def _cell_with_class(cells: list[HtmlElement], name: str) -> HtmlElement | None:
    return next((c for c in cells if _has_class(c, name)), None)


# --- attachments and documents ---------------------------------------------------------------------


def _attachments(tables: list[HtmlElement]) -> list[Attachment]:
    """One entry per Anlage from the right-column list and the bottom table; sizes go to ``size``."""
    found: dict[tuple[str | None, str], Attachment] = {}
    for table in tables:
        for link in _els(_LINKS, table):
            href = link.get("href", "").strip()
            if not href or href.startswith(("#", "javascript:")):
                continue
            title, size = _split_size(inline_text(link))
            if not title:
                continue
            key = (href, title.casefold())
            if key in found:
                if found[key].size is None:
                    found[key].size = size
                continue
            found[key] = Attachment(title=title, url=href, size=size,
                                    document_id=query_int(href, "DOLFDNR"))
        for form in _els(_DOCUMENT_FORMS, table):
            item = _form_document(form, role="attachment")
            if item is not None and (None, item.title.casefold()) not in found:
                found[(None, item.title.casefold())] = item
    return list(found.values())


def _split_size(text: str) -> tuple[str, str | None]:
    match = labels.ATTACHMENT_SIZE_SUFFIX.search(text)
    if not match:
        return text, None
    return text[: match.start()].strip(), clean_inline(match[1])


def _documents(root: HtmlElement, attachment_tables: list[HtmlElement]) -> list[Attachment]:
    """The paper's own files: ``do027`` buttons in the right column outside the Anlagen lists."""
    inside = {id(form) for table in attachment_tables for form in _els(_DOCUMENT_FORMS, table)}
    documents: list[Attachment] = []
    seen: set[int | None] = set()
    for column in _els(_RIGHT_COLUMN, root):
        for form in _els(_DOCUMENT_FORMS, column):
            if id(form) in inside:
                continue
            item = _form_document(form, role="document")
            if item is not None and item.document_id not in seen:
                seen.add(item.document_id)
                documents.append(item)
    return documents


def _form_document(form: HtmlElement, *, role: str) -> Attachment | None:
    button = form.find(".//input[@type='submit']")
    label = button.get("value") if button is not None else None
    title = clean_inline(label) if label else ""
    if not title:
        return None
    hidden = [(str(i.get("name")), str(i.get("value", ""))) for i in form.iter("input")
              if i.get("type") == "hidden" and i.get("name")]
    action = form.get("action", "").strip()
    url = f"{action}{'&' if '?' in action else '?'}{urlencode(hidden)}" if action and hidden else action or None
    return Attachment(title=title, url=url, role="document" if role == "document" else "attachment",
                      document_id=hidden_int(form, "DOLFDNR"))


# --- text sections ------------------------------------------------------------------------------------


def _sections(root: HtmlElement) -> list[Section]:
    """Text sections in page order.

    The heading is the right-column jump link's label where there is one (the page's own name for
    the section, even where the document inside starts with another bold line such as "Petitum:"),
    else the document's heading line ("Sachverhalt:"), else the anchor's standard name. The text is
    the document as shown, its first line included.
    """
    anchors = _els(_SECTION_ANCHORS, root)
    if not anchors:
        return []
    jump_labels: dict[str, str] = {}
    for link in _els(_JUMP_LINKS, root):
        name = link.get("href", "")[1:]
        text = inline_text(link)
        if name and text and name not in jump_labels:
            jump_labels[name] = text
    anchor_ids = {id(a) for a in anchors}
    sections: list[Section] = []
    for anchor in anchors:
        parts = list(_section_elements(anchor, anchor_ids))
        _symbol_bullets(parts)
        text = _section_text(parts)
        first_line = _heading_line(parts, text)
        jump = jump_labels.get(anchor.get("name", ""))
        if jump:
            heading: str | None = jump
        elif first_line:
            heading = first_line.rstrip(":").strip()
        else:
            heading = labels.SECTION_ANCHORS.get(anchor.get("name", ""))
        sections.append(Section(heading=heading, text=text))
    return sections


def _section_elements(anchor: HtmlElement, anchor_ids: set[int]) -> Iterator[HtmlElement]:
    """The siblings after a section anchor up to the next anchor or the bottom Anlagen table."""
    for el in anchor.itersiblings():
        if id(el) in anchor_ids or (el.tag == "a" and (el.get("name") or "").startswith("allris")):
            return
        if el.tag == "table" and _els(_LABEL_CELLS, el):
            return
        if isinstance(el.tag, str):
            yield el


def _symbol_bullets(parts: Iterable[HtmlElement]) -> None:
    """Word bullets in Wingdings/Symbol spans become '•' (tick glyphs are left to the checkbox reader)."""
    for part in parts:
        for span in _els(_SYMBOL_SPANS, part):
            text = (span.text or "").strip()
            if len(text) == 1 and ord(text) in labels.SYMBOL_FONT_BULLET_CHARS and len(span) == 0:
                span.text = labels.SYMBOL_FONT_BULLET_CHARS[ord(text)]


def _section_text(parts: list[HtmlElement]) -> str:
    chunks = []
    for part in parts:
        if part.tag in ("meta", "title", "link"):
            continue
        chunks.append(block_text(part))
        if part.tail and part.tail.strip():
            chunks.append(part.tail)
    lines = clean_block("\n".join(chunks).translate(labels.SYMBOL_BULLETS)).split("\n")
    # paragraphs as lines: block marking and Word's empty spacer paragraphs leave blank lines
    return "\n".join(line for line in lines if line and not labels.EMBEDDED_PROLOG_LINE.match(line))


def _heading_line(parts: list[HtmlElement], text: str) -> str | None:
    """The first line of a section when it is a heading: short, formatted, ending with a colon."""
    first = text.split("\n", 1)[0].strip() if text else ""
    if not first or not labels.SECTION_HEADING_LINE.match(first):
        return None
    if len(first.split()) > labels.SECTION_HEADING_MAX_WORDS:
        return None
    for part in parts:
        for block in _els(_BLOCKS, part) or [part]:
            if clean_inline(block.text_content()):
                return first if _els(_HEADING_FORMAT, block) else None
    return None

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

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote_plus

from lxml.html import HtmlElement

from allris_parse import labels
from allris_parse.document import Document
from allris_parse.fields import block_lines, inline_text, parse_date, query_int, text_of
from allris_parse.models import Attachment, Consultation, Paper, Section, validate_rows
from allris_parse.normalize import clean_inline, none_if_empty

_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
#: labels.EMBEDDED_PROLOG_LINE after a line break: one search of "\n" + a section's text instead of a match
#: per line (a leading literal lets the regex engine skip ahead; a MULTILINE "^" tries every position).
_PROLOG_AT_LINE_START = re.compile("\n" + labels.EMBEDDED_PROLOG_LINE.pattern.removeprefix("^"),
                                   labels.EMBEDDED_PROLOG_LINE.flags)


def _may_hold_private_use(text: str) -> bool:
    """False where ``text`` surely has no private-use character (U+E000-U+F8FF is 0xEE/0xEF-led in UTF-8):
    a byte search of the encoded text is about 5x cheaper than the regex's character-class scan."""
    if text.isascii():
        return False
    encoded = text.encode("utf-8", "surrogatepass")
    return b"\xee" in encoded or b"\xef" in encoded
_REGION_TAGS = ("h1", "td", "a", "input")


@dataclass
class _Regions:
    """What one ``iter()`` pass over the page finds (cheaper than one XPath walk per region)."""

    heading: HtmlElement | None = None
    label_cells: list[HtmlElement] = field(default_factory=list)
    right_columns: list[HtmlElement] = field(default_factory=list)
    anchors: list[HtmlElement] = field(default_factory=list)
    jump_labels: dict[str, str] = field(default_factory=dict)
    id_values: list[str] = field(default_factory=list)


def _regions(root: HtmlElement) -> _Regions:
    found = _Regions()
    label_cells, right_columns, anchors = found.label_cells, found.right_columns, found.anchors
    jump_labels, id_values = found.jump_labels, found.id_values
    label_class, right_class = labels.CLASSIC_LABEL_CELL_CLASS, labels.CLASSIC_RIGHT_COLUMN_CLASS
    section_anchors, id_marker = labels.CLASSIC_VO020_SECTION_ANCHORS, labels.CLASSIC_PAPER_ID_LINK_MARKER
    for el in root.iter(*_REGION_TAGS):
        tag = el.tag
        if tag == "td":
            cls = el.get("class")
            # a substring test first: most cells have neither class, and splitting costs
            if cls and (label_class in cls or right_class in cls):
                classes = cls.split()
                if label_class in classes:
                    label_cells.append(el)
                elif right_class in classes:
                    right_columns.append(el)
        elif tag == "a":
            name = el.get("name")
            if name is not None and name in section_anchors:
                anchors.append(el)
                continue
            href = el.get("href")
            if not href:
                continue
            if href.startswith("#allris"):
                label = inline_text(el)
                if label and href[1:] not in jump_labels:
                    jump_labels[href[1:]] = label
            elif id_marker in href:
                id_values.append(href)
        elif tag == "h1":
            if found.heading is None:
                parent = el.getparent()
                if parent is not None and parent.get("id") in labels.CLASSIC_HEADING_PARENT_IDS:
                    found.heading = el
        elif el.get("name") == "VOLFDNR":
            form = next(el.iterancestors("form"), None)
            if form is not None and any(s in (form.get("action") or "")
                                        for s in labels.CLASSIC_PAPER_ID_FORM_SCRIPTS):
                id_values.append(el.get("value") or "")
    return found


def extract(doc: Document) -> Paper:
    """The paper fields a classic page shows."""
    root = doc.html
    regions = _regions(root)
    paper = Paper(source=doc.source())
    paper.paper_id = _paper_id(doc, regions)
    if regions.heading is not None:
        match = labels.CLASSIC_HEADING.match(inline_text(regions.heading))
        if match:
            paper.reference = match["reference"]
    attachment_tables: list[HtmlElement] = []
    for cell in regions.label_cells:
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
    paper.documents = _documents(regions.right_columns, attachment_tables)
    # scanning the page source costs: only pages with sections need to know
    symbol_fonts = bool(regions.anchors) and any(font in doc.text for font in labels.SYMBOL_FONT_NAMES)
    paper.sections = _sections(regions, symbol_fonts=symbol_fonts)
    if regions.heading is None and paper.title is None:
        paper.warnings.append("classic page without a heading or a Betreff: no metadata found")
    return paper


# --- ids and metadata ----------------------------------------------------------------------------


def _paper_id(doc: Document, regions: _Regions) -> int | None:
    head_end = doc.text.find("<body")
    match = labels.CLASSIC_OBJECT_ID.search(doc.text, 0, head_end if head_end > 0 else 8192)
    if match:
        return int(match[1] or match[2])
    for raw in regions.id_values:
        value = raw.strip()
        found = int(value) if value.isdecimal() else query_int(value, "VOLFDNR")
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


def _links(el: HtmlElement) -> Iterator[HtmlElement]:
    for link in el.iter("a"):
        if link.get("href"):
            yield link


def _document_forms(el: HtmlElement) -> Iterator[HtmlElement]:
    """``do027`` forms with a hidden DOLFDNR: the document buttons."""
    for form in el.iter("form"):
        if labels.CLASSIC_DOCUMENT_SCRIPT in (form.get("action") or "") and any(
                i.get("name") == "DOLFDNR" for i in form.iter("input")):
            yield form


# --- Beratungsfolge -------------------------------------------------------------------------------


def _consultations(label_cell: HtmlElement) -> list[Consultation]:
    """Consultations from the rows in the label's own row (Berlin, Alsdorf) or in the row after it."""
    row = label_cell.getparent()
    if row is None:
        return []
    rows = _consultation_rows(row)
    if not rows:
        following = row.getnext()
        rows = _consultation_rows(following) if following is not None else []
    # the fields of each record are gathered first; the records are validated as one list at the end
    result: list[Mapping[str, object]] = []
    head: dict[str, str | None] | None = None
    head_used = True
    for tr in rows:
        cells = [c for c in tr if c.tag in ("td", "th")]
        date_cell = _cell_with_class(cells, labels.CLASSIC_DATE_CELL_CLASS)
        status = _status(cells)
        if date_cell is None:
            if head is not None and not head_used:
                result.append(head)
            head_cells = [c for c in cells if _has_class(c, labels.CLASSIC_HEAD_CELL_CLASS)]
            head = {
                "committee": none_if_empty(inline_text(head_cells[0])) if head_cells else None,
                "role": none_if_empty(inline_text(head_cells[1])) if len(head_cells) > 1 else None,
                "status": status,
            }
            head_used = False
            continue
        if head is not None:
            result.append(_meeting(tr, cells, date_cell, head["committee"], head["role"], status or head["status"]))
            head_used = True
        else:
            result.append(_meeting(tr, cells, date_cell, None, None, status))
    if head is not None and not head_used:
        result.append(head)
    return validate_rows(Consultation, result)


def _consultation_rows(el: HtmlElement) -> list[HtmlElement]:
    row_classes = labels.CLASSIC_CONSULTATION_ROW_CLASSES
    return [tr for tr in el.iter("tr")
            if (cls := tr.get("class")) and not row_classes.isdisjoint(cls.split())]


def _meeting(tr: HtmlElement, cells: list[HtmlElement], date_cell: HtmlElement, committee: str | None,
             role: str | None, status: str | None) -> dict[str, object]:
    """The fields of one meeting row's consultation."""
    meeting_id: int | None = None
    agenda_item_id: int | None = None
    meeting_link = None
    for link in tr.iter("a"):
        href = link.get("href")
        if not href:
            continue
        if labels.CLASSIC_MEETING_SCRIPT in href and (found := query_int(href, "SILFDNR")) is not None:
            meeting_link = link
            meeting_id = meeting_id or found
        elif labels.CLASSIC_AGENDA_ITEM_SCRIPT in href and agenda_item_id is None:
            agenda_item_id = query_int(href, "TOLFDNR")
    for form in tr.iter("form"):
        action = form.get("action", "")
        if meeting_id is None and labels.CLASSIC_MEETING_SCRIPT in action:
            meeting_id = _hidden_int(form, "SILFDNR")
        if agenda_item_id is None and labels.CLASSIC_AGENDA_ITEM_SCRIPT in action:
            agenda_item_id = _hidden_int(form, "TOLFDNR")
    result_cell = _cell_with_class(cells, labels.CLASSIC_RESULT_CELL_CLASS)
    result = none_if_empty(inline_text(result_cell)) if result_cell is not None else None
    meeting_title = None
    if meeting_link is not None:
        meeting_title = none_if_empty(inline_text(meeting_link))
    elif result_cell is not None:
        # an unlinked meeting name: the cell before the result, unless it holds the TO button
        before = result_cell.getprevious()
        if before is not None and before is not date_cell and next(before.iterdescendants("form"), None) is None:
            meeting_title = none_if_empty(inline_text(before))
    return {"committee": committee, "role": role, "date": parse_date(inline_text(date_cell)),
            "meeting_title": meeting_title, "result": result, "status": status, "meeting_id": meeting_id,
            "agenda_item_id": agenda_item_id}


def _status(cells: list[HtmlElement]) -> str | None:
    """The workflow state: a colour cell with only a ``title`` ("Geplant", "Erledigt")."""
    if cells and len(cells[0]) == 0 and not clean_inline(cells[0].text):  # a leaf: its text is its content
        return none_if_empty(cells[0].get("title"))
    return None


def _has_class(el: HtmlElement, name: str) -> bool:
    cls = el.get("class")
    return cls is not None and name in cls and name in cls.split()


def _cell_with_class(cells: list[HtmlElement], name: str) -> HtmlElement | None:
    return next((c for c in cells if _has_class(c, name)), None)


# --- attachments and documents ---------------------------------------------------------------------


def _attachments(tables: list[HtmlElement]) -> list[Attachment]:
    """One entry per Anlage from the right-column list and the bottom table; sizes go to ``size``."""
    found: dict[tuple[str | None, str], dict[str, Any]] = {}  # fields; validated as one list at the end
    for table in tables:
        for link in _links(table):
            href = link.get("href", "").strip()
            if not href or href.startswith(("#", "javascript:")):
                continue
            title, size = _split_size(inline_text(link))
            if not title:
                continue
            key = (href, title.casefold())
            if key in found:
                if found[key]["size"] is None:
                    found[key]["size"] = size
                continue
            found[key] = {"title": title, "url": href, "size": size, "document_id": query_int(href, "DOLFDNR")}
        for form in _document_forms(table):
            item = _form_document(form, role="attachment")
            if item is not None and (None, item["title"].casefold()) not in found:
                found[(None, item["title"].casefold())] = item
    return validate_rows(Attachment, list(found.values()))


def _split_size(text: str) -> tuple[str, str | None]:
    match = labels.ATTACHMENT_SIZE_SUFFIX.search(text)
    if not match:
        return text, None
    return text[: match.start()].strip(), clean_inline(match[1])


def _documents(right_columns: list[HtmlElement], attachment_tables: list[HtmlElement]) -> list[Attachment]:
    """The paper's own files: ``do027`` buttons in the right column outside the Anlagen lists."""
    done = [form for table in attachment_tables for form in _document_forms(table)]
    documents: list[dict[str, Any]] = []
    seen: set[int | None] = set()
    read: set[HtmlElement] = set()
    for column in right_columns:
        # a right-column cell nested in one read before holds the same forms again: all of them are done
        if read and any(cell in read for cell in column.iterancestors("td")):
            continue
        read.add(column)
        for form in _document_forms(column):
            if any(form is other for other in done):
                continue
            done.append(form)
            item = _form_document(form, role="document")
            if item is not None and item["document_id"] not in seen:
                seen.add(item["document_id"])
                documents.append(item)
    return validate_rows(Attachment, documents)


def _form_document(form: HtmlElement, *, role: str) -> dict[str, Any] | None:
    """The fields of a document button's Attachment (None where it has no title)."""
    title = ""
    hidden: list[tuple[str, str]] = []
    for field_ in form.iter("input"):
        kind, name = field_.get("type"), field_.get("name")
        if kind == "submit" and not title:
            title = clean_inline(field_.get("value"))
        elif kind == "hidden" and name:
            hidden.append((name, field_.get("value") or ""))
    if not title:
        return None
    document_id = next((int(v.strip()) for k, v in hidden if k == "DOLFDNR" and v.strip().isdecimal()), None)
    action = (form.get("action") or "").strip()
    query = "&".join(f"{_quoted(k)}={_quoted(v)}" for k, v in hidden)
    url = f"{action}{'&' if '?' in action else '?'}{query}" if action and query else action or None
    return {"title": title, "url": url, "role": "document" if role == "document" else "attachment",
            "document_id": document_id}


def _quoted(value: str) -> str:
    return value if value.isalnum() and value.isascii() else quote_plus(value)


def _hidden_int(form: HtmlElement, name: str) -> int | None:
    for field_ in form.iter("input"):
        if field_.get("name") == name:
            value = (field_.get("value") or "").strip()
            if value.isdecimal():
                return int(value)
    return None


# --- text sections ------------------------------------------------------------------------------------


def _sections(regions: _Regions, *, symbol_fonts: bool) -> list[Section]:
    """Text sections in page order.

    The heading is the right-column jump link's label where there is one (the page's own name for
    the section, even where the document inside starts with another bold line such as "Petitum:"),
    else the document's heading line ("Sachverhalt:"), else the anchor's standard name. The text is
    the document as shown, its first line included.
    """
    anchors = regions.anchors
    anchor_ids = {id(a) for a in anchors}  # the list keeps the proxies alive, so their ids are stable
    sections: list[Section] = []
    for anchor in anchors:
        parts = list(_section_elements(anchor, anchor_ids))
        if symbol_fonts:
            _symbol_bullets(parts)
        text = _section_text(parts)
        first_line = _heading_line(parts, text)
        jump = regions.jump_labels.get(anchor.get("name", ""))
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
        tag = el.tag
        if not isinstance(tag, str):
            continue
        if id(el) in anchor_ids or (tag == "a" and (el.get("name") or "").startswith("allris")):
            return
        if tag == "table" and labels.CLASSIC_TABLE_CLASS in (el.get("class") or "").split():
            return
        if tag not in labels.EMBEDDED_HEAD_TAGS:
            yield el


def _symbol_bullets(parts: Iterable[HtmlElement]) -> None:
    """Word bullets in Wingdings/Symbol spans become '•' (tick glyphs are left to the checkbox reader)."""
    for part in parts:
        for span in part.iter("span"):
            style = span.get("style") or ""
            if not any(font in style for font in labels.SYMBOL_FONT_NAMES):
                continue
            text = (span.text or "").strip()
            if len(text) == 1 and ord(text) in labels.SYMBOL_FONT_BULLET_CHARS and len(span) == 0:
                span.text = labels.SYMBOL_FONT_BULLET_CHARS[ord(text)]


def _section_text(parts: list[HtmlElement]) -> str:
    """Paragraphs as lines: block marking and Word's empty spacer paragraphs leave blank lines."""
    lines: list[str] = []
    for part in parts:
        lines += block_lines(part)
        if part.tail and part.tail.strip():
            lines.append(clean_inline(part.tail))
    text = "\n".join(line for line in lines if line)
    if _PROLOG_AT_LINE_START.search("\n" + text):
        text = "\n".join(line for line in lines if line and not labels.EMBEDDED_PROLOG_LINE.match(line))
    if _may_hold_private_use(text) and _PRIVATE_USE.search(text):
        text = text.translate(labels.SYMBOL_BULLETS)
    return text


def _heading_line(parts: list[HtmlElement], text: str) -> str | None:
    """The first line of a section when it is a heading: short, formatted, ending with a colon."""
    first = text.split("\n", 1)[0].strip() if text else ""
    if not first or not labels.SECTION_HEADING_LINE.match(first):
        return None
    if len(first.split()) > labels.SECTION_HEADING_MAX_WORDS:
        return None
    for part in parts:
        for block in part.iter(*labels.SECTION_BLOCK_TAGS):  # text_of: text_content() is an XPath call
            if clean_inline(text_of(block)):
                return first if _formatted(block) else None
    return None


def _formatted(block: HtmlElement) -> bool:
    """True where a block is a header tag or holds bold, italic or underlined text."""
    if block.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
        return True
    for el in block.iter():
        if el.tag in labels.SECTION_HEADING_FORMAT_TAGS:
            return True
        style = el.get("style")
        if style and any(fragment in style for fragment in labels.SECTION_HEADING_FORMAT_STYLES):
            return True
    return False

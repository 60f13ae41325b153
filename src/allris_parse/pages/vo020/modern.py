"""vo020 extraction for ALLRIS 4 (Wicket) and the responsive ``_r`` templates of ALLRIS net 3.9.

Both share one markup family: ``h1.title`` "Vorlageart - Nummer" (the responsive template puts the
number first), a Grunddaten block ``#headLeft`` whose values carry ids (``vobetreff``, ``vostatus``,
...), a Beratungsfolge ``table.bfTable``, documents and attachments in ``aside`` panels. Text sections
are ``div.compFull`` panels with a ``div.docPart`` (ALLRIS 4) or ``div#allrisBV``-style blocks holding
an embedded Word export (responsive). One XPath walk finds every region; each is read locally.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from lxml import etree
from lxml.html import HtmlElement

from allris_parse import labels
from allris_parse.document import Document
from allris_parse.fields import block_text, has_class_name, hidden_int, inline_text, parse_date, query_int, text_of
from allris_parse.models import Attachment, Consultation, Paper, Section, validate_rows
from allris_parse.normalize import clean_inline

_BASE_URL = re.compile(r"Wicket\.Ajax\.baseUrl\s*=\s*\"[^\"]*?[?&](?:amp;)?VOLFDNR=(\d+)")
#: A Wicket listener link or form of this very page ('./vo020?0-1.-head-searchform&VOLFDNR=...'); plain
#: 'vo020?VOLFDNR=' links may point to other papers (Bezüglich), so they do not count.
_OWN_LINK = re.compile(r"(?:href|action)\s*=\s*[\"'][^\"']*?vo020\?\d+-[^\"']*?[?&;]VOLFDNR=(\d+)", re.IGNORECASE)
_QUERY_ID = {name: re.compile(rf"[?&;]{name}=(\d+)", re.IGNORECASE) for name in ("SILFDNR", "TOLFDNR", "DOLFDNR")}
_HAS_DIGIT = re.compile(r"\d")
#: The workflow state's text span (ALLRIS 4), and the attributes that label a coloured box (responsive).
_STATUS_CLASS = "wfcolorDesc"
_STATUS_ATTRS = ("aria-label", "title")
#: XML white space, as normalize-space() knows it (class tokens, blank attribute values).
_XML_SPACE = " \t\r\n"

#: Text fields whose ``<br>``-separated lines are separate names ("Muster, Erika"), joined with "; ".
_LIST_FIELDS = frozenset({"author", "editor", "lead_department"})


def _is_anchor_section(el: HtmlElement, el_id: str) -> bool:
    """A responsive ``div#allrisBV`` block: named like its ``<a name="allrisBV">`` anchor."""
    # a loop, not find(f"a[@name='{el_id}']"): an id holding a quote would make that path invalid
    return el_id.startswith("allris") and any(a.get("name") == el_id for a in el.iterchildren("a"))


def _classes(el: HtmlElement) -> set[str]:
    return set((el.get("class") or "").split())


@dataclass
class _Regions:
    """What one walk over the page finds."""

    headings: list[HtmlElement] = field(default_factory=list)
    head: HtmlElement | None = None
    bf_table: HtmlElement | None = None
    doc_panels: list[HtmlElement] = field(default_factory=list)
    att_regions: list[HtmlElement] = field(default_factory=list)
    section_blocks: list[HtmlElement] = field(default_factory=list)


def _regions(root: HtmlElement) -> _Regions:
    found = _Regions()
    headings, doc_panels, att_regions = found.headings, found.doc_panels, found.att_regions
    section_blocks = found.section_blocks
    head_ids, heading_class = labels.MODERN_HEAD_IDS, labels.MODERN_HEADING_CLASS
    bf_class, att_class = labels.MODERN_BF_TABLE_CLASS, labels.MODERN_ATTACHMENT_TABLE_CLASS
    panel_class = labels.MODERN_SECTION_PANEL_CLASS
    for el in root.iter("h1", "table", "div", "aside"):  # one cheap walk; XPath predicates cost more
        el_id = el.get("id") or ""
        if el_id:
            if el_id in head_ids:
                if found.head is None or el_id == head_ids[0]:
                    found.head = el
                continue
            if el_id == labels.MODERN_DOCUMENTS_ID:
                doc_panels.append(el)
                continue
            if el_id == labels.MODERN_ATTACHMENTS_ID:
                att_regions.append(el)
                continue
        # class tests as substrings first: most elements have none of the classes, and splitting costs
        cls = el.get("class") or ""
        tag = el.tag
        if tag == "h1":
            if heading_class in cls and heading_class in cls.split():
                headings.append(el)
        elif tag == "table":
            if bf_class in cls and bf_class in cls.split():
                if found.bf_table is None:  # the outermost one: a server quirk doubles the opening tag
                    found.bf_table = el
            elif att_class in cls and att_class in cls.split():
                att_regions.append(el)
        elif tag == "div" and ((panel_class in cls and panel_class in cls.split())
                               or (el_id.startswith("allris") and _is_anchor_section(el, el_id))):
            section_blocks.append(el)
    return found


def extract(doc: Document) -> Paper:
    """The paper fields an ALLRIS 4 or responsive vo020 page shows."""
    root = doc.html
    paper = Paper(source=doc.source())
    regions = _regions(root)
    head, headings, bf_table = regions.head, regions.headings, regions.bf_table
    doc_panels, att_regions, section_blocks = regions.doc_panels, regions.att_regions, regions.section_blocks
    fields = _head_fields(head) if head is not None else {}
    for name in ("title", "status", "lead_department", "author", "editor"):
        setattr(paper, name, fields.get(name))
    paper.date = parse_date(fields.get("date"))
    paper.reference, heading_type = _split_heading(headings, fields.get("paper_type"))
    paper.reference = paper.reference or fields.get("reference")
    paper.paper_type = fields.get("paper_type") or heading_type
    paper.paper_id = _paper_id(doc, root)
    if bf_table is not None:
        paper.consultations = _consultations(bf_table)
    paper.sections = _sections(section_blocks)
    paper.documents = _files(doc_panels, "doclink", "document", doc.url)
    paper.attachments = _files(att_regions, "attlink", "attachment", doc.url)
    if head is None and not headings:
        paper.warnings.append("no Grunddaten block and no page heading found: is this a Vorlage page?")
    return paper


# --- Grunddaten ---------------------------------------------------------------------------------


def _head_fields(head: HtmlElement) -> dict[str, str]:
    """Field values of the Grunddaten block, found by their ids, else by their labels."""
    # plain walks, not iterfind(".//a[@aria-describedby]") and (".//*[@id]"): ElementPath filters in Python too
    label_of: dict[str, str] = {}
    for anchor in head.iterdescendants("a"):
        if (described_by := anchor.get("aria-describedby")) is not None:
            label_of.setdefault(described_by, inline_text(anchor))
    values: dict[str, str] = {}
    for el in head.iterdescendants("*"):
        el_id = el.get("id")
        if el_id is None:
            continue
        name = labels.ALLRIS4_FIELD_IDS.get(el_id)
        if name is None and el_id in label_of:
            name = labels.PAPER_FIELD_LABELS.get(labels.label_key(label_of[el_id]))
        if name is None or name in values:
            continue
        if name in _LIST_FIELDS:
            value = "; ".join(line for line in block_text(el).split("\n") if line)
        else:
            value = inline_text(el)
        if value:
            values[name] = value
    return values


def _split_heading(headings: list[HtmlElement], paper_type: str | None) -> tuple[str | None, str | None]:
    """(reference, Vorlageart) from 'Antrag - 469/2026' or, responsive, 'VO/2026/181 - Beschlussvorlage'."""
    for h1 in headings:
        parts = inline_text(h1).split(" - ")
        if len(parts) < 2:
            continue
        if paper_type:
            key = paper_type.casefold()
            if parts[0].casefold() == key:
                return " - ".join(parts[1:]), parts[0]
            if parts[-1].casefold() == key:
                return " - ".join(parts[:-1]), parts[-1]
        first, rest = parts[0], " - ".join(parts[1:])
        if _HAS_DIGIT.search(first) and not _HAS_DIGIT.search(rest):
            return first, rest
        if _HAS_DIGIT.search(rest):
            return rest, first
    return None, None


def _paper_id(doc: Document, root: HtmlElement) -> int | None:
    """VOLFDNR from the Wicket base URL, the address, or the page's own links and forms."""
    if match := _BASE_URL.search(doc.text):
        return int(match[1])
    if found := query_int(doc.url, "VOLFDNR"):
        return found
    if match := _OWN_LINK.search(doc.text):
        return int(match[1])
    return hidden_int(root, "VOLFDNR")


# --- Beratungsfolge ---------------------------------------------------------------------------


def _text(el: HtmlElement | None) -> str:
    """One-line text of a small element (a table cell): cheaper than marking its blocks."""
    if el is None:
        return ""
    return clean_inline(el.text if not len(el) else text_of(el))


def _id(href: str | None, name: str) -> int | None:
    """An integer query parameter ('./to010?SILFDNR=3358&TOLFDNR=9' -> 3358), by a cheap regex."""
    match = _QUERY_ID[name].search(href) if href else None
    return int(match[1]) if match else None


def _columns(table: HtmlElement) -> dict[str, int]:
    columns = {"status": 0, "date": 1, "committee": 2, "result": 3, "agenda_link": 4}
    # the first row with a header cell (table.find(".//tr[th]"), without ElementPath): the first row, mostly
    header = next((tr for tr in table.iter("tr") if any(cell.tag == "th" for cell in tr)), None)
    if header is not None:
        found = {labels.BF_TABLE_COLUMNS[key]: i for i, th in enumerate(c for c in header if c.tag == "th")
                 if (key := labels.label_key(_text(th))) in labels.BF_TABLE_COLUMNS}
        if "committee" in found:
            columns = {**columns, **found}
    return columns


def _cell(cells: list[HtmlElement], index: int | None) -> HtmlElement | None:
    return cells[index] if index is not None and index < len(cells) else None


def _consultations(table: HtmlElement) -> list[Consultation]:
    """One consultation per meeting; a committee without a meeting yet is one without a date."""
    columns = _columns(table)
    # the fields of each record are gathered first; the records are validated as one list at the end
    out: list[Mapping[str, object]] = []
    current: dict[str, str | None] | None = None
    current_used = False
    for row in table.iter("tr"):
        cells = [c for c in row if c.tag == "td"]
        if len(cells) < 3:
            continue
        committee_cell = _cell(cells, columns.get("committee"))
        result_cell = _cell(cells, columns.get("result"))
        date = parse_date(_text(_cell(cells, columns.get("date"))))
        meeting_link = None
        if committee_cell is not None:
            meeting_link = next((a for a in committee_cell.iter("a") if _id(a.get("href"), "SILFDNR")), None)
        if date is None and meeting_link is None:
            # a committee row: status, committee, role
            if current is not None and not current_used:
                out.append(current)
            current = {"committee": _text(committee_cell) or None, "role": _text(result_cell) or None,
                       "status": _status(_cell(cells, columns.get("status")))}
            current_used = False
            continue
        meeting_id = agenda_item_id = None
        if meeting_link is not None:
            meeting_id = _id(meeting_link.get("href"), "SILFDNR")
            agenda_item_id = _id(meeting_link.get("href"), "TOLFDNR")
        for cell in (result_cell, _cell(cells, columns.get("agenda_link"))):
            for a in cell.iter("a") if cell is not None and agenda_item_id is None else ():
                agenda_item_id = agenda_item_id or _id(a.get("href"), "TOLFDNR")
        out.append({
            "committee": current["committee"] if current is not None else None,
            "role": current["role"] if current is not None else None,
            "status": current["status"] if current is not None else None,
            "date": date,
            "meeting_title": _text(meeting_link if meeting_link is not None else committee_cell) or None,
            "result": _text(result_cell) or None,
            "meeting_id": meeting_id, "agenda_item_id": agenda_item_id})
        current_used = True
    if current is not None and not current_used:
        out.append(current)
    return validate_rows(Consultation, out)


def _status(cell: HtmlElement | None) -> str | None:
    """Workflow state: ``span.wfcolorDesc`` text (ALLRIS 4) or the coloured box's label (responsive).

    Walks over the small cell, in document order as the XPaths ``string(.//span[@class ~ wfcolorDesc])``
    and ``(.//@aria-label | .//@title)[normalize-space()][1]`` would read it (each XPath call costs ~5 µs)."""
    if cell is None:
        return None
    text = ""
    for span in cell.iterdescendants("span"):
        if has_class_name(span.get("class"), _STATUS_CLASS):
            text = clean_inline(text_of(span))
            break
    if not text:
        value = next((value for el in cell.iter(etree.Element) for name, value in el.items()
                      if name in _STATUS_ATTRS and value.strip(_XML_SPACE)), None)
        text = clean_inline(value) if value is not None else ""
    return text or None


# --- sections -----------------------------------------------------------------------------------


def _sections(blocks: list[HtmlElement]) -> list[Section]:
    out: list[Section] = []
    for block in blocks:
        is_panel = labels.MODERN_SECTION_PANEL_CLASS in _classes(block)
        section = _panel_section(block) if is_panel else _anchor_section(block)
        if section is not None:
            out.append(section)
    return out


def _panel_section(panel: HtmlElement) -> Section | None:
    """A ``div.compFull`` panel: ``h2.expandedTitle`` heading and its ``div.docPart`` text."""
    title = panel.find(".//h2")
    heading = inline_text(title) or None
    if heading and labels.label_key(heading) in labels.NON_TEXT_SECTIONS:
        return None
    parts = [el for el in panel.iter("div") if labels.MODERN_SECTION_TEXT_CLASS in _classes(el)]
    text = "\n\n".join(t for el in parts if (t := block_text(el)))
    return Section(heading=heading, text=text) if text else None


def _anchor_section(block: HtmlElement) -> Section | None:
    """A responsive ``div#allrisBV`` block: the anchor names the section, an embedded Word export holds it."""
    anchor = block.find("a[@name]")
    heading = labels.SECTION_ANCHORS.get(anchor.get("name", "")) if anchor is not None else None
    for stray in block.findall(".//title"):  # the embedded document's <title> lands in the body
        stray.drop_tree()
    text = block_text(block)
    return Section(heading=heading, text=text) if text else None


# --- documents and attachments -------------------------------------------------------------------


def _files(regions: list[HtmlElement], link_class: str, role: str, base: str | None) -> list[Attachment]:
    """Links of class ``link_class`` in the regions, one per title; sizes from ``td.fileSize``."""
    found: dict[str, dict[str, Any]] = {}  # fields; validated as one list at the end
    for region in regions:
        for a in region.iter("a"):
            if link_class not in _classes(a):
                continue
            title = _text(a)
            if not title:
                continue
            href = a.get("href")
            size = _row_size(a)
            if title in found:
                if size and not found[title]["size"]:
                    found[title]["size"] = size
                continue
            found[title] = {
                "title": title, "role": "document" if role == "document" else "attachment",
                "url": urljoin(base, href) if base and href else href or None,
                "size": size, "document_id": _id(href, "DOLFDNR")}
    return validate_rows(Attachment, list(found.values()))


def _row_size(link: HtmlElement) -> str | None:
    """The ``td.fileSize`` of the table row holding ``link``, if it stands in one."""
    row = next(link.iterancestors("tr"), None)
    if row is None:
        return None
    for cell in row.iterfind("td"):
        if "fileSize" in _classes(cell):
            return inline_text(cell) or None
    return None

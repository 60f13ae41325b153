"""Pieces every to010 flavour shares: metadata values -> record fields, TOP numbers, results, ids."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from urllib.parse import urlencode

from lxml.html import HtmlElement

from allris_parse import labels
from allris_parse.fields import hidden_int, inline_text, parse_date, parse_time_range, query_int
from allris_parse.models import AgendaEntry, Attachment, Meeting
from allris_parse.normalize import clean_inline

_OBJECT_ID = labels.CLASSIC_OBJECT_ID


def set_field(meeting: Meeting, fieldname: str, value: str) -> None:
    """Put one metadata value (text as shown) into the record; the first value of a field wins."""
    value = clean_inline(value)
    if not value:
        return
    if fieldname == "date":
        if meeting.date is None:
            meeting.date = parse_date(value)
    elif fieldname == "time":
        if meeting.start is None:
            meeting.start, meeting.end = parse_time_range(value)
    elif fieldname == "status_note":
        meeting.status = f"{meeting.status} {value}" if meeting.status else value
    elif fieldname in ("title", "committee", "status", "location", "address") and getattr(meeting, fieldname) is None:
        setattr(meeting, fieldname, value)


def finish(meeting: Meeting) -> Meeting:
    """Derived fields: cancelled from the status where the status says so."""
    if meeting.status and any(word in meeting.status.casefold() for word in labels.MEETING_CANCELLED_WORDS):
        meeting.cancelled = True
    return meeting


def heading_title(heading: str) -> str | None:
    """The Sitzung's name in a page heading: "Tagesordnung - <name>" gives the name; a heading made of
    committee and date ("Schulausschuss - 01.09.2026") is the page's, not a name, and gives None."""
    heading = clean_inline(heading)
    if not heading or labels.MEETING_GENERATED_HEADING.search(heading):
        return None
    stripped = labels.MEETING_HEADING_PREFIX.sub("", heading, count=1)
    return stripped if stripped != heading and stripped else None


def public_of(number: str | None) -> bool | None:
    """True for "Ö 1", False for "N 3", None where the number has no marker."""
    if not number:
        return None
    match = labels.AGENDA_NUMBER.match(number)
    return labels.AGENDA_PUBLIC_MARKERS.get(match["marker"].casefold()) if match else None


def result_of(shown: str | None) -> tuple[str | None, str | None]:
    """A Beschlussart as shown and its normalised form; "(offen)" is no result."""
    shown = clean_inline(shown)
    if shown.casefold() in labels.AGENDA_OPEN_RESULTS:
        return None, None
    for pattern, value in labels.RESULT_NORMALIZATION:
        if pattern.search(shown):
            return shown, value
    return shown, None


def entry(number: str, title: str | None, *, note: str | None = None, paper_reference: str | None = None,
          paper_id: int | None = None, agenda_item_id: int | None = None, result: str | None = None,
          role: str | None = None) -> AgendaEntry:
    """One agenda item from its parts as shown."""
    shown, normalized = result_of(result)
    return AgendaEntry(number=number, title=title or None, public=public_of(number),
                       paper_reference=paper_reference or None, paper_id=paper_id,
                       agenda_item_id=agenda_item_id, result=shown, result_normalized=normalized,
                       note=note or None, role=role or None)


def split_note(text: str, note: str) -> tuple[str, str | None]:
    """A Betreff without its trailing Zusatzinfo, and the Zusatzinfo."""
    note = clean_inline(note)
    if not note:
        return text, None
    if text.endswith(note):
        return text[: -len(note)].strip(), note
    return text.replace(note, " ").strip(), note


def meeting_id(doc_text: str, own_links: list[int | None]) -> int | None:
    """The Sitzung's SILFDNR: ``<meta name="objectID">`` on classic pages, else the page's own agenda
    links (those naming a TOLFDNR too) or Grunddaten/form values the extractor collected."""
    match = _OBJECT_ID.search(doc_text[:20000])
    if match:
        return int(match[1] or match[2])
    return next((value for value in own_links if value is not None), None)


def item_id_from_element_ids(row: HtmlElement) -> int | None:
    """The TOLFDNR in ALLRIS 4 element ids of a row ("link_48521")."""
    for el in row.iter("a"):
        match = labels.AGENDA_ITEM_ELEMENT_ID.match(el.get("id", ""))
        if match and not el.get("id", "").startswith(("vo_", "to_")):
            return int(match[1])
    return None


def form_document(form: HtmlElement) -> Attachment | None:
    """A classic ``do027`` document button as a document (its label is the title; the URL repeats the
    POST fields as a query, as the server accepts them)."""
    button = form.find(".//input[@type='submit']")
    title = clean_inline(button.get("value")) if button is not None else ""
    if not title:
        return None
    hidden = [(str(i.get("name")), str(i.get("value", ""))) for i in form.iter("input")
              if i.get("type") == "hidden" and i.get("name")]
    action = form.get("action", "").strip()
    url = f"{action}{'&' if '?' in action else '?'}{urlencode(hidden)}" if action and hidden else action or None
    return Attachment(title=title, url=url, role="document", document_id=hidden_int(form, "DOLFDNR"))


@dataclass
class RowScan:
    """What one walk over an agenda row finds: ids, the paper, the result button, notes, cell roles."""

    item_id_form: int | None = None
    item_id_link: int | None = None
    meeting_id: int | None = None
    paper_reference: str | None = None
    paper_id: int | None = None
    result: str | None = None
    notes: list[HtmlElement] = field(default_factory=list)
    item_link_cells: list[HtmlElement] = field(default_factory=list)
    busy_cells: set[int] = field(default_factory=set)

    @property
    def item_id(self) -> int | None:
        return self.item_id_form if self.item_id_form is not None else self.item_id_link


_SCAN_TAGS = ("a", "input", "span", "form")
_ROW_SCAN_TAGS = ("td", *_SCAN_TAGS)


def scan_row(row: HtmlElement, cells: list[HtmlElement], children: list[HtmlElement]) -> RowScan:
    """Walk the links, inputs and spans of a row's ``cells`` once (no XPath per row).

    ``children`` are the row's child elements. Where all of them are cells and ``cells`` come in page
    order, one ``iter()`` over the row does it (nested cells stay with their outer cell); otherwise each
    cell is walked on its own, in the order given.
    """
    scan = RowScan()
    if cells == children:  # every child a cell, all of them read: the common case
        wanted = [True] * len(children)
    elif all(c.tag == "td" for c in children) and _in_page_order(cells, children):
        chosen = {id(c) for c in cells}
        wanted = [id(c) in chosen for c in children]
    else:
        for each in cells:
            for node in each.iter(*_SCAN_TAGS):
                _scan_node(scan, each, node)
        return scan
    # the row's own cells come in page order: the next one is told by identity, nested cells are not it
    index = 0
    following: HtmlElement | None = children[0] if children else None
    cell: HtmlElement | None = None
    for node in row.iter(*_ROW_SCAN_TAGS):
        tag = node.tag
        if tag == "td":
            if node is following:
                cell = node if wanted[index] else None
                index += 1
                following = children[index] if index < len(children) else None
        elif cell is None:
            continue
        elif tag == "a":
            _scan_link(scan, cell, node)
        elif tag == "input":
            _scan_input(scan, node)
        elif tag == "span":
            if node.get("title") == labels.AGENDA_NOTE_TITLE or _has_note_class(node):
                scan.notes.append(node)
        else:
            scan.busy_cells.add(id(cell))
    return scan


def _has_note_class(node: HtmlElement) -> bool:
    value = node.get("class")
    return bool(value) and labels.AGENDA_NOTE_CLASS in value and labels.AGENDA_NOTE_CLASS in value.split()


def _in_page_order(cells: list[HtmlElement], children: list[HtmlElement]) -> bool:
    position = {id(c): i for i, c in enumerate(children)}
    indexes = [position.get(id(c), -1) for c in cells]
    return all(i >= 0 for i in indexes) and all(a < b for a, b in pairwise(indexes))


def _scan_node(scan: RowScan, cell: HtmlElement, node: HtmlElement) -> None:
    tag = node.tag
    if tag == "a":
        _scan_link(scan, cell, node)
    elif tag == "input":
        _scan_input(scan, node)
    elif tag == "span":
        if node.get("title") == labels.AGENDA_NOTE_TITLE or _has_note_class(node):
            scan.notes.append(node)
    else:
        scan.busy_cells.add(id(cell))


def _scan_link(scan: RowScan, cell: HtmlElement, link: HtmlElement) -> None:
    href = link.get("href")
    if not href:
        return
    if labels.AGENDA_ITEM_SCRIPT in href and (not scan.item_link_cells or scan.item_link_cells[-1] is not cell):
        scan.item_link_cells.append(cell)
    if scan.item_id_link is None and "TOLFDNR=" in href:
        scan.item_id_link = query_int(href, "TOLFDNR")
        if scan.meeting_id is None:
            scan.meeting_id = query_int(href, "SILFDNR")
    is_paper = labels.AGENDA_PAPER_SCRIPT in href
    if is_paper or labels.AGENDA_MEETING_SCRIPT in href:
        if is_paper and scan.paper_reference is None and (reference := inline_text(link)):
            scan.paper_reference = reference
            scan.paper_id = query_int(href, "VOLFDNR") or scan.paper_id
        if labels.AGENDA_ITEM_SCRIPT not in href:
            scan.busy_cells.add(id(cell))


def _scan_input(scan: RowScan, node: HtmlElement) -> None:
    name = node.get("name")
    value = (node.get("value") or "").strip()
    if name == "TOLFDNR" and value.isdigit() and scan.item_id_form is None:
        scan.item_id_form = int(value)
    elif name == "VOLFDNR" and value.isdigit() and scan.paper_id is None:
        scan.paper_id = int(value)
    elif scan.result is None and node.get("type") == "submit":
        form = next(node.iterancestors("form"), None)
        if form is not None and labels.AGENDA_ITEM_SCRIPT in form.get("action", ""):
            scan.result = node.get("title")


def title_and_note(cell: HtmlElement, notes: list[HtmlElement]) -> tuple[str | None, str | None]:
    """A Betreff cell's text without its Zusatzinfo, and the Zusatzinfo."""
    own = [n for n in notes if any(a is cell for a in n.iterancestors("td"))]
    note = " ".join(t for n in own if (t := inline_text(n)))
    title, note_text = split_note(inline_text(cell), note)
    return title or None, note_text

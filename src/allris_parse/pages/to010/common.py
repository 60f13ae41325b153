"""Pieces every to010 flavour shares: metadata values -> record fields, TOP numbers, results, ids."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache
from urllib.parse import quote_plus

from lxml.html import HtmlElement

from allris_parse import labels
from allris_parse.document import NOT_XML_TEXT
from allris_parse.fields import BLOCK_TAG_SET, CELL_TAG_SET, inline_text, parse_date, parse_time_range, query_int
from allris_parse.models import AgendaEntry, Attachment, Meeting, validate_rows
from allris_parse.normalize import clean_inline

_OBJECT_ID = labels.CLASSIC_OBJECT_ID
#: Tags :func:`fields.inline_text` gives a space or line break (blocks, ``br``, cells).
_BREAK_TAGS = BLOCK_TAG_SET | CELL_TAG_SET
#: Larger subtrees go to :func:`fields.inline_text` straight away (its walk runs in C there).
_SMALL_SUBTREE = 24


def text(el: HtmlElement | None) -> str:
    """:func:`fields.inline_text` of ``el``. Small subtrees (agenda cells hold a link, a span, a ``div`` or
    two) are read in one walk that lays out blocks and cells as its marks would, without setting them:
    marks only add white space, which the cleaner folds, and setting them costs more than reading."""
    if el is None:
        return ""
    size = len(el)
    if not size:
        return clean_inline(el.text)
    if size == 1:  # most agenda cells: one link or span without children
        child = el[0]
        tag = child.tag
        if isinstance(tag, str) and tag not in _BREAK_TAGS and not len(child):
            return clean_inline(f"{el.text or ''}{child.text or ''}{child.tail or ''}")
    tag = el.tag
    parts = ["\n" if tag in BLOCK_TAG_SET and tag != "br" else "", el.text or ""]
    layout = _lay_out(el, parts, [_SMALL_SUBTREE])
    if layout is None:  # a large subtree: marking it in C is cheaper
        return inline_text(el)
    joined = "".join(parts)
    if layout and NOT_XML_TEXT.search(f"{joined}{el.tail or ''}"):
        return inline_text(el)  # lxml refuses to store such text as marks: the caller reads the page again
    return clean_inline(joined)


def _lay_out(node: HtmlElement, parts: list[str], budget: list[int]) -> bool | None:
    """Append the text below ``node`` as :func:`fields.text_of` gives it once ``fields._mark_blocks`` has
    marked the subtree; True where a block or cell was marked, None past ``budget`` elements."""
    marked = False
    for child in node:
        budget[0] -= 1
        if budget[0] < 0:
            return None
        tag = child.tag
        if not isinstance(tag, str):  # a comment: only its tail is text
            parts.append(child.tail or "")
            continue
        before = after = ""
        if tag in BLOCK_TAG_SET:
            before, after, marked = ("" if tag == "br" else "\n"), "\n", True
        elif tag in CELL_TAG_SET:
            after, marked = " ", True
        parts.append(before)
        parts.append(child.text or "")
        if len(child):
            inner = _lay_out(child, parts, budget)
            if inner is None:
                return None
            marked = marked or inner
        parts.append(after)
        parts.append(child.tail or "")
    return marked


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


def title_from_headings(meeting: Meeting, headings: Iterable[HtmlElement]) -> None:
    """Where no label gave the Sitzung's name: the first page heading that holds one (:func:`heading_title`)."""
    if meeting.title is None:
        for heading in headings:
            if title := heading_title(text(heading)):
                meeting.title = title
                return


def public_of(number: str | None) -> bool | None:
    """True for "Ö 1", False for "N 3", None where the number has no marker."""
    if not number:
        return None
    match = labels.AGENDA_NUMBER.match(number)
    return labels.AGENDA_PUBLIC_MARKERS.get(match["marker"].casefold()) if match else None


def result_of(shown: str | None) -> tuple[str | None, str | None]:
    """A Beschlussart as shown and its normalised form; "(offen)" is no result."""
    if not shown:
        return None, None
    return _result_of(shown)


@lru_cache(maxsize=512)
def _result_of(shown: str) -> tuple[str | None, str | None]:
    """:func:`result_of` of a non-empty title: a page repeats a few Beschlussarten on every row, and the
    pattern list costs ~2 µs a title."""
    shown = clean_inline(shown)
    if shown.casefold() in labels.AGENDA_OPEN_RESULTS:
        return None, None
    for pattern, value in labels.RESULT_NORMALIZATION:
        if pattern.search(shown):
            return shown, value
    return shown, None


def entry(number: str, title: str | None, *, note: str | None = None, paper_reference: str | None = None,
          paper_id: int | None = None, agenda_item_id: int | None = None, result: str | None = None,
          role: str | None = None) -> dict[str, object]:
    """One agenda item from its parts as shown, as the values of an :class:`AgendaEntry` (a page's items
    are validated together by :func:`models.validate_rows`)."""
    # only the fields with a value are passed (the others keep their default None): validating fewer
    # arguments costs less, and most rows have no paper, result, note or role
    values: dict[str, object] = {"number": number}
    if title:
        values["title"] = title
    if (public := public_of(number)) is not None:
        values["public"] = public
    if paper_reference:
        values["paper_reference"] = paper_reference
    if paper_id is not None:
        values["paper_id"] = paper_id
    if agenda_item_id is not None:
        values["agenda_item_id"] = agenda_item_id
    if result:
        shown, normalized = _result_of(result)
        if shown is not None:
            values["result"] = shown
        if normalized is not None:
            values["result_normalized"] = normalized
    if note:
        values["note"] = note
    if role:
        values["role"] = role
    return values


def split_note(text: str, note: str) -> tuple[str, str | None]:
    """A Betreff without its trailing Zusatzinfo, and the Zusatzinfo."""
    note = clean_inline(note)
    if not note:
        return text, None
    if text.endswith(note):
        return text[: -len(note)].strip(), note
    return text.replace(note, " ").strip(), note


def object_id(doc_text: str) -> int | None:
    """The SILFDNR of ``<meta name="objectID">`` (classic pages)."""
    match = _OBJECT_ID.search(doc_text, 0, 20000)  # endpos: no copy of the head
    return int(match[1] or match[2]) if match else None


def meeting_id(object_id: int | None, own_links: list[int | None] | None) -> int | None:
    """The Sitzung's SILFDNR: the :func:`object_id` of the page, else the page's own agenda links (those
    naming a TOLFDNR too) or Grunddaten/form values the extractor collected. Extractors collect
    ``own_links`` only where the page has no object id (None otherwise: reading them costs per row)."""
    if object_id is not None or own_links is None:
        return object_id
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
    button: HtmlElement | None = None
    hidden: list[str] = []  # "name=value", quoted as urlencode() does
    document_id: int | None = None
    for i in form.iter("input"):  # one walk for the button, the hidden fields and the DOLFDNR
        kind = i.get("type")
        name = i.get("name")
        if kind == "submit":
            if button is None:
                button = i
        elif kind == "hidden" and name:
            hidden.append(f"{quote_plus(name)}={quote_plus(i.get('value', ''))}")
        if name == "DOLFDNR" and document_id is None and (value := i.get("value")) is not None \
                and value.strip().isdecimal():
            document_id = int(value.strip())
    title = clean_inline(button.get("value")) if button is not None else ""
    if not title:
        return None
    action = form.get("action", "").strip()
    url = f"{action}{'&' if '?' in action else '?'}{'&'.join(hidden)}" if action and hidden else action or None
    return Attachment(title=title, url=url, role="document", document_id=document_id)


class RowScan:
    """What one walk over an agenda row finds: ids, the paper, the result button, notes, cell roles."""

    __slots__ = ("_ids", "busy_cells", "item_hrefs", "item_id_form", "item_link_cells", "notes", "paper_id",
                 "paper_reference", "result")

    def __init__(self) -> None:
        self.item_id_form: int | None = None
        self.paper_reference: str | None = None
        self.paper_id: int | None = None
        self.result: str | None = None
        self.notes: list[HtmlElement] = []
        self.item_link_cells: list[HtmlElement] = []
        self.busy_cells: set[int] = set()
        #: Links naming a TOLFDNR, in page order: their ids are read only where asked for (most rows have
        #: the TOLFDNR in a form too, and classic pages name their SILFDNR in the head).
        self.item_hrefs: list[str] = []
        self._ids: tuple[int | None, int | None] | None = None

    def _link_ids(self) -> tuple[int | None, int | None]:
        """TOLFDNR and SILFDNR of the first link with a TOLFDNR (the SILFDNR also of links before it
        whose TOLFDNR is no number); read once."""
        if self._ids is not None:
            return self._ids
        item_id: int | None = None
        meeting: int | None = None
        for href in self.item_hrefs:
            item_id = query_int(href, "TOLFDNR")
            if meeting is None:
                meeting = query_int(href, "SILFDNR")
            if item_id is not None:
                break
        self._ids = item_id, meeting
        return self._ids

    @property
    def meeting_id(self) -> int | None:
        return self._link_ids()[1] if self.item_hrefs else None

    @property
    def item_id(self) -> int | None:
        if self.item_id_form is not None:
            return self.item_id_form
        return self._link_ids()[0] if self.item_hrefs else None


_SCAN_TAGS = ("a", "input", "span", "form")


def scan_row(row: HtmlElement, cells: list[HtmlElement], whole_row: bool) -> RowScan:
    """Walk the links, inputs and spans of a row's ``cells`` (children of ``row``) once, no XPath per row.

    ``whole_row`` says that the cells are all element children of the row, in order: one ``iter()`` over
    the row then does it (a link's or form's cell is the row child above it), instead of one per cell.
    The node checks are inlined: a row has 5-10 such nodes, and a call per node costs as much as the check.
    """
    scan = RowScan()
    item_script = labels.AGENDA_ITEM_SCRIPT
    paper_script = labels.AGENDA_PAPER_SCRIPT
    meeting_script = labels.AGENDA_MEETING_SCRIPT
    # (cell, subtree) pairs: the whole row with its cells found per node, or each cell as its own cell
    parts = [(None, row)] if whole_row else [(cell, cell) for cell in cells]
    for owner, top in parts:
        for node in top.iter(*_SCAN_TAGS):
            tag = node.tag
            if tag == "a":
                href = node.get("href")
                if not href:
                    continue
                cell = owner if owner is not None else _row_child_above(row, node)
                is_item = item_script in href
                if is_item and (not scan.item_link_cells or scan.item_link_cells[-1] is not cell):
                    scan.item_link_cells.append(cell)
                if "TOLFDNR=" in href:
                    scan.item_hrefs.append(href)
                is_paper = paper_script in href
                if is_paper or meeting_script in href:
                    if is_paper and scan.paper_reference is None and (reference := text(node)):
                        scan.paper_reference = reference
                        scan.paper_id = query_int(href, "VOLFDNR") or scan.paper_id
                    if not is_item:
                        scan.busy_cells.add(id(cell))
            elif tag == "input":
                _scan_input(scan, node)
            elif tag == "span":
                if node.get("title") == labels.AGENDA_NOTE_TITLE or _has_note_class(node):
                    scan.notes.append(node)
            else:
                scan.busy_cells.add(id(owner if owner is not None else _row_child_above(row, node)))
    return scan


def _row_child_above(row: HtmlElement, node: HtmlElement) -> HtmlElement:
    """The child of ``row`` that holds ``node`` (mostly its parent)."""
    owner = node.getparent()
    while (parent := owner.getparent()) is not row:
        owner = parent
    return owner


def _has_note_class(node: HtmlElement) -> bool:
    value = node.get("class")
    return bool(value) and labels.AGENDA_NOTE_CLASS in value and labels.AGENDA_NOTE_CLASS in value.split()


def _scan_input(scan: RowScan, node: HtmlElement) -> None:
    name = node.get("name")
    if name in {"TOLFDNR", "VOLFDNR"}:
        value = (node.get("value") or "").strip()
        if value.isdecimal():
            if name == "TOLFDNR":
                if scan.item_id_form is None:
                    scan.item_id_form = int(value)
                    return
            elif scan.paper_id is None:
                scan.paper_id = int(value)
                return
    if scan.result is None and node.get("type") == "submit":
        form = node.getparent()  # the button's form is mostly its parent
        if form is None or form.tag != "form":
            form = next(node.iterancestors("form"), None)
        if form is not None and labels.AGENDA_ITEM_SCRIPT in form.get("action", ""):
            scan.result = node.get("title")


def title_and_note(cell: HtmlElement, notes: list[HtmlElement], shown: str | None = None,
                   ) -> tuple[str | None, str | None]:
    """A Betreff cell's text without its Zusatzinfo, and the Zusatzinfo; ``shown`` is the cell's
    :func:`text` where the caller has read it already."""
    if shown is None:
        shown = text(cell)
    if not notes:  # most rows: no note to find or split off
        return shown or None, None
    # empty notes (ALLRIS 4 puts an empty span in every Betreff) add nothing: not looked up in the cell
    own = [n for n in notes if (len(n) or clean_inline(n.text)) and any(a is cell for a in n.iterancestors("td"))]
    note = " ".join(t for n in own if (t := text(n)))
    title, note_text = split_note(shown, note)
    return title or None, note_text


def unique_rows(tables: list[HtmlElement], keep: Callable[[HtmlElement], bool]) -> list[HtmlElement]:
    """The rows of ``tables`` that ``keep`` accepts, each once: nested or doubled tables (a server quirk
    repeats the opening tag) would otherwise yield a row twice."""
    if len(tables) == 1:
        return [tr for tr in tables[0].iter("tr") if keep(tr)]
    rows: list[HtmlElement] = []
    seen: set[int] = set()
    visited: list[HtmlElement] = []  # keeps the proxies alive, so their ids stay unique
    for table in tables:
        for tr in table.iter("tr"):
            if id(tr) not in seen:
                seen.add(id(tr))
                visited.append(tr)
                if keep(tr):
                    rows.append(tr)
    return rows


#: Reads one agenda row into :class:`AgendaEntry` values (None for rows that are no item), appending the
#: SILFDNR its links name to the list it is given, where it is given one.
ItemReader = Callable[[HtmlElement, list[int | None] | None], dict[str, object] | None]


def read_agenda(meeting: Meeting, doc_text: str, tables: list[HtmlElement], keep: Callable[[HtmlElement], bool],
                read_item: ItemReader, other_links: Callable[[], Iterable[int | None]]) -> None:
    """The agenda items of the rows of ``tables`` that ``keep`` accepts, and the Sitzung's SILFDNR: the
    page's :func:`object_id`, else what the rows' own links name, else ``other_links()`` (the page's other
    links or forms naming it; asked only then)."""
    page_id = object_id(doc_text)
    own_links: list[int | None] | None = [] if page_id is None else None
    rows = unique_rows(tables, keep)
    meeting.agenda_items = validate_rows(AgendaEntry, [item for row in rows if (item := read_item(row, own_links))])
    if own_links is not None:
        own_links.extend(other_links())
    meeting.meeting_id = meeting_id(page_id, own_links)

"""Gremium with its members (au020) -> Organization; the roster reader is shared with fr020 and kp020.

The members table is any table whose rows link people (``kp020...KPLFDNR=``, a link or a POST form);
its columns are told by the header row (Name, Art der Mitarbeit, Funktion, von, bis). Rows of people
without a page of their own (no link) count where they show a name and a role, as the page's own
"Anzahl" does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal

from lxml.etree import XPath
from lxml.html import HtmlElement

from allris_parse import labels
from allris_parse.document import Document
from allris_parse.errors import NotPublicError
from allris_parse.fields import elements, inline_text, parse_date, query_int
from allris_parse.models import Membership, Organization, validate_rows
from allris_parse.normalize import none_if_empty
from allris_parse.pages._table import body_cells_by_role, first_text, header_roles, text_reader

#: The innermost tables holding person links or forms (found from the links: a table-first XPath
#: would search every nested layout table's whole subtree again). Evaluated at the root element, where
#: ``descendant::`` finds what ``//`` does at half the cost (libxml2 walks ``//`` as
#: ``descendant-or-self::node()/child::``). Used where a table nesting others holds a person link
#: (see :func:`person_tables`).
_PERSON_TABLES = XPath(
    f"descendant::a[contains(@href, '{labels.PERSON_SCRIPT}')][contains(@href, '{labels.PERSON_ID}=')]"
    f"/ancestor::table[1] | descendant::input[@name='{labels.PERSON_ID}']/ancestor::table[1]"
)
_HEADINGS = tuple(XPath(x) for x in (labels.CLASSIC_HEADING_XPATH, labels.MODERN_HEADING_XPATH, "//h1"))


_PERSON_KEY = f"{labels.PERSON_ID}="
_PERSON_HREF = re.compile(rf"{labels.PERSON_SCRIPT}[^?#]*\?(?:[^#]*&)?{labels.PERSON_ID}=(\d+)", re.IGNORECASE)


def extract(doc: Document) -> Organization:
    """A Gremium page: its name, AULFDNR and members in page order."""
    return read_organization(doc, "au020", labels.COMMITTEE_SCRIPT, labels.COMMITTEE_ID, "committee")


def read_organization(doc: Document, page_type: Literal["au020", "fr020"], script: str, id_name: str,
                      organization_type: str) -> Organization:
    """The record of a roster page (Gremium or Fraktion)."""
    if doc.format != "html":
        return Organization(source=doc.source(), page_type=page_type, organization_type=organization_type,
                            warnings=[f"text renderings of {page_type} pages are not read"])
    root = doc.html
    name = page_heading(root)
    organization_id = page_id(doc, script, id_name)
    members = member_values(root)
    # one validated construction with every field (the members as their values): each assignment to a
    # built record goes through pydantic's __setattr__
    values: dict[str, object] = {"name": name, "organization_id": organization_id, "members": members}
    if name is None and not members:
        if any(marker in doc.text for marker in labels.NOT_PUBLIC_MARKERS):
            raise NotPublicError(f"the {page_type} page says its content is not public")
        values["warnings"] = ["neither a name nor members found"]
    return Organization(source=doc.source(), page_type=page_type, organization_type=organization_type, **values)


def page_heading(root: HtmlElement) -> str | None:
    """The page's h1 as shown (classic ``#risname h1``, modern ``h1.title``, else the first h1)."""
    for xpath in _HEADINGS:
        for el in elements(xpath, root):
            text = none_if_empty(inline_text(el))
            if text:
                return text
    return None


def page_id(doc: Document, script: str, id_name: str) -> int | None:
    """The page's own id: from its address, ``<meta name="objectID">`` or a link of the page to itself."""
    for address in (doc.url, doc.path):
        if address and script in address and (value := query_int(address, id_name)) is not None:
            return value
    match = labels.CLASSIC_OBJECT_ID.search(doc.text, 0, 20000)  # the head: no copy of it
    if match:
        return int(match[1] or match[2])
    for href in doc.html.xpath(f"//a[contains(@href, '{script}')][contains(@href, '{id_name}=')]/@href"):
        if (value := query_int(str(href), id_name)) is not None:
            return value
    return None


def person_tables(root: HtmlElement) -> list[HtmlElement]:
    """The innermost tables holding person links or forms, in page order.

    Rosters nest no tables: a table without nested ones is a person table where any of its links or
    inputs is a person's (a walk in C over the page's few tables, stopping at the first such element;
    the XPath tests every link and input of the page at ~1 µs each). Where a table that nests others
    holds one, the innermost table of each is told by :data:`_PERSON_TABLES`.
    """
    found: list[HtmlElement] = []
    person_id, script, key = labels.PERSON_ID, labels.PERSON_SCRIPT, _PERSON_KEY
    for table in root.iter("table"):
        for el in table.iter("a", "input"):
            if el.tag == "a":
                if (href := el.get("href")) and script in href and key in href:
                    break
            elif el.get("name") == person_id:
                break
        else:
            continue  # no person link or input in the table
        inner = table.iter("table")
        next(inner)  # the table itself
        if next(inner, None) is not None:
            return elements(_PERSON_TABLES, root)
        found.append(table)
    return found


def read_members(root: HtmlElement) -> list[Membership]:
    """Every member row of the page's person tables, in page order."""
    # one validation of the whole list in pydantic-core: cheaper than a model construction per row
    return validate_rows(Membership, member_values(root))


def member_values(root: HtmlElement) -> list[dict[str, object]]:
    """The fields of every member row of the page's person tables, in page order (see :func:`read_members`)."""
    rows: list[dict[str, object]] = []
    for table in person_tables(root):
        roles = header_roles(table, labels.MEMBER_COLUMNS)
        read = text_reader(table)
        for row in table.iter("tr"):
            values = _member_values(row, roles, read)
            if values is not None:
                rows.append(values)
    return rows


def _member_values(row: HtmlElement, roles: list[str | None], read: Callable[[HtmlElement], str]
                   ) -> dict[str, object] | None:
    """A member row's fields with a value (the others keep their default None: most rosters show no
    dates, party or organization); None for a header row or one without a name."""
    cells = body_cells_by_role(row, roles)
    if cells is None:  # a header row
        return None
    name, person_id = None, None
    # the link's id wins over any form's: the links are walked first, the inputs only where none is
    # a person link (each walk in C sees only its own tag: rows hold more form inputs than links)
    for link in row.iter("a"):
        if (href := link.get("href")) and (match := _PERSON_HREF.search(href)):
            person_id = int(match[1])
            name = read(link) or None  # the text is clean already
            break
    else:
        for field in row.iter("input"):
            if field.get("name") == labels.PERSON_ID and (value := (field.get("value") or "").strip()).isdecimal():
                person_id = int(value)
                break
    name = name or first_text(cells.get("name"), read)
    role = first_text(cells.get("role"), read)
    if not name or (person_id is None and not role):
        return None
    values: dict[str, object] = {"name": name}
    if role is not None:
        values["role"] = role
    if (party := first_text(cells.get("party"), read)) is not None:
        values["party"] = party
    if (start := cells.get("start_date")) and (start_date := parse_date(first_text(start, read))) is not None:
        values["start_date"] = start_date
    if (end := cells.get("end_date")) and (end_date := parse_date(first_text(end, read))) is not None:
        values["end_date"] = end_date
    if person_id is not None:
        values["person_id"] = person_id
    if organization_cells := cells.get("organization"):
        if (organization := first_text(organization_cells, read)) is not None:
            values["organization"] = organization
        org_link = next((a for a in organization_cells[0].iter("a") if a.get("href") is not None), None)
        if org_link is not None:
            href = org_link.get("href")
            organization_id = query_int(href, labels.COMMITTEE_ID) or query_int(href, labels.FACTION_ID)
            if organization_id is not None:
                values["organization_id"] = organization_id
    return values

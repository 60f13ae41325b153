"""Person page (kp020) -> Person: name, KPLFDNR and memberships.

Classic ALLRIS net pages show the person's name as the page heading and the memberships as a list
table with one row per Gremium or Fraktion (a link ``au020...AULFDNR=`` or ``fr020...FRLFDNR=``,
"Art der Mitarbeit", "von", "bis"); columns are told by the header row as on rosters.
"""

from __future__ import annotations

from lxml.etree import XPath
from lxml.html import HtmlElement

from allris_parse import labels
from allris_parse.document import Document
from allris_parse.errors import NotPublicError
from allris_parse.fields import elements, parse_date, query_int
from allris_parse.models import Membership, Person, validate_rows
from allris_parse.normalize import none_if_empty
from allris_parse.pages._table import body_cells_by_role, cell_text, first_text, header_roles
from allris_parse.pages.au020 import page_heading, page_id

_ORGANIZATION_LINKS = (
    f".//a[(contains(@href, '{labels.COMMITTEE_SCRIPT}') and contains(@href, '{labels.COMMITTEE_ID}='))"
    f" or (contains(@href, '{labels.FACTION_SCRIPT}') and contains(@href, '{labels.FACTION_ID}='))]"
)
_TABLES = XPath(f"//table[{_ORGANIZATION_LINKS}]")
#: (script, id key) pairs of the organization links: tested in Python on a row's links, one walk in C
#: instead of a compiled XPath per row
_LINK_KEYS = ((labels.COMMITTEE_SCRIPT, f"{labels.COMMITTEE_ID}="), (labels.FACTION_SCRIPT, f"{labels.FACTION_ID}="))
_INNER_TABLE = XPath(".//table")


def extract(doc: Document) -> Person:
    """A person page: the name as shown and one membership per Gremium/Fraktion row."""
    record = Person(source=doc.source())
    if doc.format != "html":
        record.warnings.append("text renderings of kp020 pages are not read")
        return record
    root = doc.html
    record.name = page_heading(root)
    record.person_id = page_id(doc, labels.PERSON_SCRIPT, labels.PERSON_ID)
    memberships: list[dict[str, object]] = []
    for table in elements(_TABLES, root):
        if elements(_INNER_TABLE, table):
            continue
        roles = header_roles(table, labels.MEMBER_COLUMNS)
        for row in table.iter("tr"):
            membership = _membership(row, roles, record)
            if membership is not None:
                memberships.append(membership)
    # one validation of the whole list in pydantic-core: cheaper than a model construction per row
    record.memberships = validate_rows(Membership, memberships)
    if record.name is None and not record.memberships:
        if any(marker in doc.text for marker in labels.NOT_PUBLIC_MARKERS):
            raise NotPublicError("the person page says its content is not public")
        record.warnings.append("neither a name nor memberships found")
    return record


def _membership(row: HtmlElement, roles: list[str | None], person: Person) -> dict[str, object] | None:
    """The fields of a membership row; None for a header row or one without an organization link."""
    cells = body_cells_by_role(row, roles)
    if cells is None:  # a header row
        return None
    link = next((a for a in row.iter("a") if (href := a.get("href"))
                 and any(script in href and key in href for script, key in _LINK_KEYS)), None)
    if link is None:
        return None
    href = link.get("href")
    organization = none_if_empty(cell_text(link)) or first_text(cells.get("organization"))
    return {
        "name": person.name or "", "role": first_text(cells.get("role")),
        "party": first_text(cells.get("party")),
        "start_date": parse_date(first_text(cells.get("start_date"))),
        "end_date": parse_date(first_text(cells.get("end_date"))),
        "person_id": person.person_id, "organization": organization,
        "organization_id": query_int(href, labels.COMMITTEE_ID) or query_int(href, labels.FACTION_ID),
    }

"""Fraktion with its members (fr020) -> Organization; the list of Fraktionen (fr010) -> OrganizationList.

A Fraktion page has the roster shape of a Gremium page (see :mod:`allris_parse.pages.au020`). The list
page has one row per Fraktion: a link to ``fr020...FRLFDNR=``, the member count and the dates of the
last and next Sitzung; it becomes one summary per Fraktion, linked to the Fraktion's own record by id.
"""

from __future__ import annotations

from lxml.etree import XPath

from allris_parse import labels
from allris_parse.document import Document
from allris_parse.errors import NotPublicError
from allris_parse.fields import elements, parse_date, query_int
from allris_parse.models import Organization, OrganizationList, OrganizationSummary, validate_rows
from allris_parse.normalize import none_if_empty
from allris_parse.pages._table import cell_text, cells_by_role, first_text, header_roles
from allris_parse.pages.au020 import page_heading, read_organization

_FACTION_LINKS = f".//a[contains(@href, '{labels.FACTION_SCRIPT}')][contains(@href, '{labels.FACTION_ID}=')]"
_TABLES = XPath(f"//table[{_FACTION_LINKS}]")
_FACTION_KEY = f"{labels.FACTION_ID}="
_INNER_TABLE = XPath(".//table")


def extract(doc: Document) -> Organization:
    """A Fraktion page: its name, FRLFDNR and members in page order."""
    return read_organization(doc, "fr020", labels.FACTION_SCRIPT, labels.FACTION_ID, "faction")


def extract_list(doc: Document) -> OrganizationList:
    """The list of Fraktionen: one summary per row that links a Fraktion."""
    record = OrganizationList(source=doc.source(), page_type="fr010", organization_type="faction")
    if doc.format != "html":
        record.warnings.append("text renderings of fr010 pages are not read")
        return record
    root = doc.html
    record.title = page_heading(root)
    summaries: list[dict[str, object]] = []
    for table in elements(_TABLES, root):
        if elements(_INNER_TABLE, table):
            continue
        roles = header_roles(table, labels.ORGANIZATION_LIST_COLUMNS)
        for row in table.iter("tr"):
            # the row's Fraktion links: one walk in C over its links, not a compiled XPath per row
            links = [a for a in row.iter("a") if (href := a.get("href")) and labels.FACTION_SCRIPT in href
                     and _FACTION_KEY in href]
            name = next((t for a in links if (t := none_if_empty(cell_text(a)))), None)
            if not name:
                continue
            cells = cells_by_role(row, roles)
            count = first_text(cells.get("member_count")) or ""
            summaries.append({
                "name": name,
                "organization_id": next((i for a in links if (i := query_int(a.get("href"), labels.FACTION_ID))),
                                        None),
                "member_count": int(count) if count.isdecimal() else None,
                "last_meeting": parse_date(" ".join(cell_text(c) for c in cells.get("last_meeting", []))),
                "next_meeting": parse_date(" ".join(cell_text(c) for c in cells.get("next_meeting", []))),
            })
    # one validation of the whole list in pydantic-core: cheaper than a model construction per row
    record.organizations = validate_rows(OrganizationSummary, summaries)
    if not record.organizations and any(marker in doc.text for marker in labels.NOT_PUBLIC_MARKERS):
        raise NotPublicError("the fr010 page says its content is not public")
    return record

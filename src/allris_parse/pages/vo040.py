"""List or search of papers (vo040): one row per Vorlage with reference, title, date and type."""

from __future__ import annotations

from lxml.etree import XPath

from allris_parse import labels
from allris_parse.document import Document
from allris_parse.fields import elements, inline_text, parse_date, query_int
from allris_parse.models import PaperList, PaperListEntry

_ROWS = XPath(labels.PAPER_LIST_ROWS_XPATH)
_LINK = XPath(labels.PAPER_LIST_LINK_XPATH)
_TOTAL = XPath("//table[contains(concat(' ', normalize-space(@class), ' '), ' tl1 ')]"
               "//tr/td[contains(concat(' ', normalize-space(@class), ' '), ' kb1 ')]")


def extract(doc: Document) -> PaperList:
    """The paper-list record of a vo040 page (classic HTML; other shapes give an empty list and a warning)."""
    record = PaperList(source=doc.source(), warnings=list(doc.warnings))
    if doc.format != "html":
        record.warnings.append("paper lists are read from HTML pages only")
        return record
    root = doc.html
    for cell in elements(_TOTAL, root):
        shown = str(cell.xpath("normalize-space(text()[normalize-space()][1])"))
        if any(ch.isdigit() for ch in shown):
            record.total = shown
            break
    for row in elements(_ROWS, root):
        link = elements(_LINK, row)[0]
        reference, _, title = inline_text(link).partition(" ")
        if not labels.PAPER_REFERENCE_TOKEN.match(reference):
            reference, title = "", inline_text(link)
        # cells after the link's cell: date (Angelegt/Freigabe), then the Vorlage-Art
        link_cell = link.xpath("ancestor::td[1]")
        after = [inline_text(td) for td in link_cell[0].itersiblings("td")] if link_cell else []
        after = [value for value in after if value]
        date = next((d for value in after if (d := parse_date(value))), None)
        kinds = [value for value in after if parse_date(value) is None]
        record.papers.append(PaperListEntry(
            paper_id=query_int(link.get("href"), "VOLFDNR"), reference=reference or None, title=title or None,
            date=date, paper_type=kinds[-1] if kinds else None))
    if not record.papers:
        record.warnings.append("no paper rows found on the list page")
    return record

"""Reading list tables of ALLRIS pages by their column headers (calendars, rosters, lists)."""

from __future__ import annotations

from collections.abc import Callable

from lxml.html import HtmlElement

from allris_parse import labels
from allris_parse.fields import inline_text, text_of
from allris_parse.normalize import clean_inline

#: The largest colspan HTML honours (browsers clamp larger values to it): a header cell claiming
#: colspan="99999999999" must not become a list of that many column roles.
MAX_COLSPAN = 1000

def _span(cell: HtmlElement) -> int:
    value = cell.get("colspan")
    if value is None:  # most cells
        return 1
    value = (value or "1").strip()
    return min(int(value), MAX_COLSPAN) if value.isdecimal() and int(value) > 0 else 1


def header_roles(table: HtmlElement, columns: dict[str, str]) -> list[str | None]:
    """The role of each grid column, from the table's first header row (``th`` cells, colspans expanded).

    Headers are matched with :func:`labels.label_key` on their text, then on its first line or word run
    ("Mitglieder (06.07.2026)" is "Mitglieder"). An empty list when the table has no header row.
    """
    for row in table.iter("tr"):
        heads = [c for c in row if isinstance(c.tag, str) and c.tag in ("th", "td")]
        if not heads or not any(c.tag == "th" for c in heads):
            continue
        roles: list[str | None] = []
        for cell in heads:
            text = inline_text(cell)
            key = labels.label_key(text)
            role = columns.get(key)
            if role is None and "(" in key:
                role = columns.get(labels.label_key(key.split("(", 1)[0]))
            roles.extend([role] * _span(cell))
        return roles
    return []


def row_cells(row: HtmlElement) -> list[tuple[int, HtmlElement]]:
    """The ``td``/``th`` cells of a row with the grid column each starts at."""
    cells: list[tuple[int, HtmlElement]] = []
    column = 0
    for cell in row:
        if isinstance(cell.tag, str) and cell.tag in ("td", "th"):
            cells.append((column, cell))
            column += _span(cell)
    return cells


def cells_by_role(row: HtmlElement, roles: list[str | None]) -> dict[str, list[HtmlElement]]:
    """A row's cells grouped by the role of the grid column they start at."""
    grouped: dict[str, list[HtmlElement]] = {}
    for column, cell in row_cells(row):
        role = roles[column] if column < len(roles) else None
        if role is not None:
            grouped.setdefault(role, []).append(cell)
    return grouped


def body_cells_by_role(row: HtmlElement, roles: list[str | None]) -> dict[str, list[HtmlElement]] | None:
    """:func:`cells_by_role` of a body row in one child loop; None for a header row (one with ``th``)."""
    grouped: dict[str, list[HtmlElement]] = {}
    column = 0
    width = len(roles)
    for cell in row:
        tag = cell.tag
        if tag == "td":
            if column < width:  # past the last column no role is given: the span need not be read
                if (role := roles[column]) is not None:
                    if role in grouped:
                        grouped[role].append(cell)
                    else:
                        grouped[role] = [cell]
                column += 1 if cell.get("colspan") is None else _span(cell)
        elif tag == "th":
            return None
    return grouped


def first_text(cells: list[HtmlElement] | None, read: Callable[[HtmlElement], str] | None = None) -> str | None:
    """The first non-empty :func:`cell_text` of ``cells`` (a role's cells; None where the role has none),
    or the first non-empty text of the reader ``read`` (see :func:`text_reader`)."""
    if cells:
        read = read or cell_text
        for cell in cells:
            if text := read(cell):
                return text
    return None


def has_class(el: HtmlElement, name: str) -> bool:
    """True where ``el`` has the CSS class ``name``."""
    return name in (el.get("class") or "").split()


def text_reader(table: HtmlElement) -> Callable[[HtmlElement], str]:
    """How to read the cells of ``table``: :func:`cell_text`, or where the table holds no ``<br>`` (one
    walk in C) :func:`plain_text`, the same text without a look at each cell's children."""
    return cell_text if next(table.iter("br"), None) is not None else plain_text


def plain_text(el: HtmlElement) -> str:
    """:func:`cell_text` of an element without ``<br>``: its text serialised in C."""
    return clean_inline(text_of(el)) if len(el) else clean_inline(el.text)


def cell_text(el: HtmlElement | None) -> str:
    """The text of a list-table cell on one line: cheaper than :func:`fields.inline_text`, for cells that
    hold one value (a ``div``/``a``/``span`` around it); a ``<br>`` becomes a space."""
    if el is None:
        return ""
    children = len(el)
    if not children:
        return clean_inline(el.text)
    if children == 1:  # one leaf inside (``<div>``, ``<a>``): its text and tail are all the text
        child = el[0]
        if not len(child) and isinstance(child.tag, str) and child.tag != "br":
            return clean_inline(f"{el.text or ''}{child.text or ''}{child.tail or ''}")
    if next(el.iter("br"), None) is not None:
        return inline_text(el)
    return clean_inline(text_of(el))

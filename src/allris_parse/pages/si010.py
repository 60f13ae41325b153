"""Sitzungskalender (si010 and its variants si010_e, si010_j, si010_a, si010_r) -> MeetingCalendar.

Classic pages list one row per day (``td.text2`` weekday and day) and one more row per further meeting
of that day with empty day cells; the columns are told by the header row (Datum, Uhrzeit, Sitzung,
Raum). Responsive ``_r`` and ALLRIS 4 pages use ``table.calenderView`` with classed cells
(``span.dow``/``span.dom``, ``td.time``, ``td.textCol``, ``td.raum``); ALLRIS 4 leaves the day cell
out of further rows of a day (``tr.sameday``) and may deliver the table alone in a Wicket
``<ajax-response>`` (unwrapped by :mod:`allris_parse.document`).

The view's month shows as a heading ("September 2026") or as the Zeitraum inputs, or is named by the
page's own address (``MM``/``YY``); without any of these only the day of the month is known and dates
stay empty, never guessed from navigation links.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from lxml.html import HtmlElement

from allris_parse import labels
from allris_parse.document import Document
from allris_parse.errors import NotPublicError
from allris_parse.fields import has_class_name, inline_text, parse_date, parse_time_range, query_int
from allris_parse.models import MeetingCalendar
from allris_parse.normalize import none_if_empty
from allris_parse.pages._table import body_cells_by_role, first_text, has_class, header_roles, text_reader

_DAY_OF_MONTH = re.compile(r"(?<!\d)(\d{1,2})\.?\s*$")
#: What every date :func:`parse_date` reads holds (a year of four digits or "d.d"): a day cell without
#: it ("Di 1") is not searched for a date five ways.
_DATE_HINT = re.compile(r"\d{4}|\d\.\s?\d")
#: XPath's normalize-space() white space: class lists split exactly as the selectors in labels do.
#: Calendar tables: every ``table.calenderView`` (ALLRIS 4 may deliver it alone, in a Wicket
#: ``<ajax-response>``), and
#: ``table.tl1`` inside the classic containers (``div#allriscontainer``, ``#rismain``, ``#rismain_raw``).


def extract(doc: Document) -> MeetingCalendar:
    """The meetings a calendar page lists, in page order."""
    if doc.format != "html":
        return MeetingCalendar(source=doc.source(), warnings=["text renderings of a Sitzungskalender are not read"])
    root = doc.html
    # one validated construction with every field (the meetings as their values, validated as one list in
    # pydantic-core): each assignment to a built record goes through pydantic's __setattr__
    values: dict[str, object] = {}
    tables = _calendar_tables(root)
    if not tables:
        if any(marker in doc.text for marker in labels.NOT_PUBLIC_MARKERS):
            raise NotPublicError("the calendar page says its content is not public")
        values["warnings"] = ["no calendar table found"]
    year_month, first_day = _view_month(root)
    if year_month is None and first_day is None:
        year_month = _address_month(doc.url)
    if year_month:
        values["year"], values["month"] = year_month
    month_cursor = year_month or ((first_day.year, first_day.month) if first_day else None)
    entries: list[dict[str, object]] = []
    for table in tables:
        _read_table(table, month_cursor, entries)
    return MeetingCalendar(source=doc.source(), meetings=entries, **values)



def _calendar_tables(root: HtmlElement) -> list[HtmlElement]:
    """The calendar tables in page order: one walk in C over the tables, ancestors only for ``tl1``."""
    found: list[HtmlElement] = []
    for table in root.iter("table"):
        value = table.get("class")
        if has_class_name(value, labels.CALENDAR_VIEW_CLASS) or (
                has_class_name(value, labels.CLASSIC_LIST_TABLE_CLASS) and any(
                    (a.get("id") == labels.CLASSIC_CONTAINER_ID and a.tag == "div")
                    or a.get("id") in labels.CLASSIC_MAIN_IDS for a in table.iterancestors())):
            found.append(table)
    return found


def _view_month(root: HtmlElement) -> tuple[tuple[int, int] | None, dt.date | None]:
    """(year, month) the view shows, where one month is shown; and the first day of a Zeitraum."""
    start_name, end_name = labels.CALENDAR_RANGE_INPUTS
    values: dict[str | None, list[str]] = {start_name: [], end_name: []}
    # one walk in C over the headings and the inputs (read only where no heading names a month)
    for el in root.iter(*labels.MONTH_HEADING_TAGS, "input"):
        if el.tag == "input":
            name = el.get("name")
            if name in values and (value := el.get("value")) is not None:
                values[name].append(value)
            continue
        match = labels.MONTH_HEADING.match(inline_text(el))
        if match:
            month = next(i for i, name in enumerate(labels.MONTH_NAMES, 1) if name.casefold() == match[1].casefold())
            return (int(match[2]), month), None
    start = parse_date(" ".join(values[start_name]))
    end = parse_date(" ".join(values[end_name]))
    if start and end and (start.year, start.month) == (end.year, end.month):
        return (start.year, start.month), start
    return None, start


def _address_month(url: str | None) -> tuple[int, int] | None:
    """(YY, MM) of the page's own address (a request names the month it shows); never of its links."""
    year, month = query_int(url, "YY"), query_int(url, "MM")
    if year and month and 1 <= month <= 12 and year > 1900:
        return year, month
    return None


def _rows(table: HtmlElement) -> list[HtmlElement]:
    """The table's own rows (not those of nested tables: looked for only where the table nests one)."""
    tables = table.iter("table")
    next(tables)  # the table itself
    if next(tables, None) is None:
        return list(table.iter("tr"))
    return [row for row in table.iter("tr") if _owner(row) is table]


def _owner(row: HtmlElement) -> HtmlElement | None:
    parent = row.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent


def _classed_cells(row: HtmlElement) -> dict[str, list[HtmlElement]] | None:
    """A row's cells by their classes; None for a header row (``th`` cells)."""
    grouped: dict[str, list[HtmlElement]] = {}
    for cell in row:
        tag = cell.tag
        if tag == "th":
            return None
        if tag != "td":
            continue
        for name in (cell.get("class") or "").split():
            role = labels.CALENDAR_CELL_CLASSES.get(name)
            if role:
                grouped.setdefault(role, []).append(cell)
                break
    return grouped


def _read_table(table: HtmlElement, month: tuple[int, int] | None, entries: list[dict[str, object]]) -> None:
    classed = has_class(table, labels.CALENDAR_VIEW_CLASS)
    roles = [] if classed else header_roles(table, labels.CALENDAR_COLUMNS)
    read = text_reader(table)
    current_day: int | None = None
    current_date: dt.date | None = None
    for row in _rows(table):
        found = _classed_cells(row) if classed or not roles else body_cells_by_role(row, roles)
        if found is None:
            continue  # a header row
        cells = found
        if not cells and not classed:
            cells = _cells_by_classic_class(row)
        dates = cells.get("date")
        day_text = " ".join([read(c) for c in dates]) if dates else ""
        day_date = parse_date(day_text) if _DATE_HINT.search(day_text) else None
        day_match = _DAY_OF_MONTH.search(day_text)
        if day_date or day_match:
            day = day_date.day if day_date else int(day_match[1]) if day_match else None
            if day_date is None and month and current_day is not None and day is not None and day < current_day:
                month = (month[0] + month[1] // 12, month[1] % 12 + 1)  # a Zeitraum across months
            current_day = day
            current_date = day_date or (_make(month, day) if month and day else None)
        entry = _entry(row, cells, current_date, read)
        if entry is not None:
            entries.append(entry)


def _cells_by_classic_class(row: HtmlElement) -> dict[str, list[HtmlElement]]:
    """Roles of a classic row without a header: day cells and time are ``text2``, the Raum ``text4``."""
    grouped: dict[str, list[HtmlElement]] = {}
    for cell in row:
        if not isinstance(cell.tag, str) or cell.tag != "td":
            continue
        if has_class(cell, "text2"):
            role = "time" if parse_time_range(inline_text(cell))[0] else "date"
        elif has_class(cell, "text4"):
            role = "location"
        else:
            role = "title"
        grouped.setdefault(role, []).append(cell)
    return grouped


def _make(month: tuple[int, int], day: int) -> dt.date | None:
    try:
        return dt.date(month[0], month[1], day)
    except ValueError:
        return None


def _entry(row: HtmlElement, cells: dict[str, list[HtmlElement]], date: dt.date | None,
           read: Callable[[HtmlElement], str]) -> dict[str, object] | None:
    """The fields of a meeting row; None for a row without a time or a meeting id."""
    times = cells.get("time")
    start, end = parse_time_range(" ".join([read(c) for c in times])) if times else (None, None)
    links: list[HtmlElement] = []
    tooltips: list[str] = []
    for link in row.iter("a"):  # the Sitzung links and the tooltips
        href = link.get("href")
        if href and labels.CLASSIC_MEETING_SCRIPT in href and "SILFDNR" in href:
            links.append(link)
        if (tooltip := link.get("data-simpletooltip-text")) is not None:
            tooltips.append(tooltip)
    meeting_id = next((i for a in links if (i := query_int(a.get("href"), "SILFDNR")) is not None), None)
    if meeting_id is None:  # the SILFDNR form inputs (rows hold many), walked only where no link tells it
        for field in row.iter("input"):
            if field.get("name") == "SILFDNR" and (value := (field.get("value") or "").strip()).isdecimal():
                meeting_id = int(value)
                break
    if start is None and meeting_id is None:
        return None  # an empty day or a calendar note ("Schulferien", a holiday)
    title = none_if_empty(read(links[0])) if links else None
    if title is None:
        title = first_text(cells.get("title"), read)
    committee = first_text(cells.get("committee"), read)
    location = first_text(cells.get("location"), read)
    tooltip = " ".join(tooltips)
    shown_date = parse_date(tooltip) if tooltip else None
    # one search over the three (the line breaks keep a marker from spanning two of them)
    cancelled = labels.CANCELLED_MARKERS.search(f"{title or ''}\n{committee or ''}\n{tooltip}") is not None
    return {"date": shown_date or date, "start": start, "end": end, "committee": committee, "title": title,
            "location": location, "meeting_id": meeting_id, "cancelled": cancelled}

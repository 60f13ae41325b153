"""Shared field readers: element text, dates, amounts, ids in links and forms."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from lxml import etree
from lxml.etree import XPath
from lxml.html import HtmlElement

from allris_parse.normalize import clean_block, clean_inline

_BLOCK_TAGS = ("p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol",
               "dt", "dd", "dl", "blockquote", "pre", "section", "article", "aside", "header", "footer",
               "caption", "hr")
_CELL_TAGS = ("td", "th")


#: Block and cell tag names as sets, for extractors that lay text out as :func:`block_text` does.
BLOCK_TAG_SET = frozenset(_BLOCK_TAGS)
CELL_TAG_SET = frozenset(_CELL_TAGS)
#: Subtrees up to this many elements are walked in Python: a many-tag ``iter()`` costs ~5 µs to set up.
_SMALL_SUBTREE = 48


def _mark_blocks(el: HtmlElement) -> None:
    """Give block elements line breaks and cells spaces so ``itertext`` keeps the layout.

    Marking a subtree twice only adds white space, which the cleaners fold.
    """
    blocks: list[HtmlElement] = []
    cells: list[HtmlElement] = []
    for count, node in enumerate(el.iter()):
        if count > _SMALL_SUBTREE:  # a large subtree: the tag matchers in C are cheaper
            blocks = list(el.iter(*_BLOCK_TAGS))
            cells = list(el.iter(*_CELL_TAGS))
            break
        tag = node.tag
        if tag in BLOCK_TAG_SET:
            blocks.append(node)
        elif tag in CELL_TAG_SET:
            cells.append(node)
    # each read of .text/.tail decodes the node's text anew: read it once
    for block in blocks:
        tail = block.tail
        block.tail = "\n" + tail if tail else "\n"
        if block.tag != "br":
            text = block.text
            block.text = "\n" + text if text else "\n"
    for cell in cells:
        tail = cell.tail
        cell.tail = " " + tail if tail else " "


def text_of(el: HtmlElement) -> str:
    """``"".join(el.itertext())`` serialised in C: the same string, about 40x faster on span soup."""
    return str(etree.tostring(el, method="text", encoding="unicode", with_tail=False))


def block_text(el: HtmlElement | None) -> str:
    """The text of an element with paragraphs and rows as lines; words split across spans joined."""
    if el is None:
        return ""
    if not len(el):  # a leaf: no layout to keep
        return clean_block(el.text)
    _mark_blocks(el)
    return clean_block(text_of(el))


def block_lines(el: HtmlElement) -> list[str]:
    """The non-empty lines of :func:`block_text`, cleaned in one C-level split instead of one per line
    (Word exports have many short lines: a NUL, which element text never holds, stands for each break)."""
    if not len(el):
        raw = el.text or ""
    else:
        _mark_blocks(el)
        raw = text_of(el)
    if "\n" not in raw:
        line = clean_inline(raw)
        return [line] if line else []
    return [line for line in map(str.strip, clean_inline(raw.replace("\n", " \x00 ")).split("\x00")) if line]


def inline_text(el: HtmlElement | None) -> str:
    """The text of an element on one line (``<br>`` becomes a space)."""
    if el is None:
        return ""
    if not len(el):  # a leaf: no layout to keep
        return clean_inline(el.text)
    _mark_blocks(el)
    return clean_inline(text_of(el))


#: XPath's white space in attribute values (normalize-space): tab and line breaks as spaces.
_XML_SPACE_TO_SPACE = str.maketrans("\t\n\r", "   ")


def class_names(value: str | None) -> list[str]:
    """The classes of a ``class`` value, split at XML white space as the selectors'
    ``concat(' ', normalize-space(@class), ' ')`` does (a no-break space is no separator); may hold ""."""
    return value.translate(_XML_SPACE_TO_SPACE).split(" ") if value else []


def has_class_name(value: str | None, name: str) -> bool:
    """``name`` among :func:`class_names` of ``value`` (the substring test spares most splits)."""
    return value is not None and name in value and name in class_names(value)


# --- dates and times --------------------------------------------------------------------------

_MONTHS = {name: number for number, names in enumerate((
    ("jan", "januar", "january"), ("feb", "februar", "february"), ("mar", "mär", "märz", "march"),
    ("apr", "april"), ("may", "mai"), ("jun", "juni", "june"), ("jul", "juli", "july"),
    ("aug", "august"), ("sep", "sept", "september"), ("oct", "okt", "oktober", "october"),
    ("nov", "november"), ("dec", "dez", "dezember", "december"),
), start=1) for name in names}
_GERMAN_DATE = re.compile(r"(?<!\d)(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4}|\d{2})(?!\d)")
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_YEAR_MONTH_DAY = re.compile(r"(?<!\d)(\d{4})\s+([A-Za-zä]{3,9})\.?\s+(\d{1,2})(?!\d)")
_MONTH_DAY_YEAR = re.compile(r"(?<![A-Za-z])([A-Za-zä]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})(?!\d)")
_DAY_MONTH_YEAR = re.compile(r"(?<!\d)(\d{1,2})\.?\s+([A-Za-zä]{3,9})\.?\s+(\d{4})(?!\d)")


def _make_date(year: int, month: int, day: int) -> dt.date | None:
    if year < 100:
        year += 2000 if year < 70 else 1900
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_date(text: str | None) -> dt.date | None:
    """The first date in ``text``: '27.04.2004', 'Di, 27.04.2004', '2026 Oct 21', 'Jan 29, 2026', ISO."""
    if not text:
        return None
    if match := _GERMAN_DATE.search(text):
        return _make_date(int(match[3]), int(match[2]), int(match[1]))
    if match := _ISO_DATE.search(text):
        return _make_date(int(match[1]), int(match[2]), int(match[3]))
    if (match := _YEAR_MONTH_DAY.search(text)) and match[2].casefold() in _MONTHS:
        return _make_date(int(match[1]), _MONTHS[match[2].casefold()], int(match[3]))
    if (match := _MONTH_DAY_YEAR.search(text)) and match[1].casefold() in _MONTHS:
        return _make_date(int(match[3]), _MONTHS[match[1].casefold()], int(match[2]))
    if (match := _DAY_MONTH_YEAR.search(text)) and match[2].casefold() in _MONTHS:
        return _make_date(int(match[3]), _MONTHS[match[2].casefold()], int(match[1]))
    return None


_TIME = re.compile(r"(?<![\d:.])([01]?\d|2[0-3])[:.]([0-5]\d)(?!\d|\.\d)")


def parse_time_range(text: str | None) -> tuple[str | None, str | None]:
    """Start and end as 'HH:MM' from '17:00 - 20:05', 'Beginn 17:00 Uhr', '9.30 Uhr'; (None, None) if none."""
    if not text:
        return None, None
    found = [f"{int(h):02d}:{m}" for h, m in _TIME.findall(text)]
    if not found:
        return None, None
    return found[0], (found[1] if len(found) > 1 else None)


# --- amounts ------------------------------------------------------------------------------------

_AMOUNT = re.compile(r"(?<![\d.,])(\d{1,3}(?:[.\s\u00a0\u202f]\d{3})+|\d+)(?:,(\d{1,2}|-{1,2}))?(?![\d])")


def parse_amount(text: str | None) -> Decimal | None:
    """A euro amount as an exact Decimal: '505.000€', '1.250.000,00 €', '53.000,00 EUR', '1.000,- Euro'."""
    if not text:
        return None
    match = _AMOUNT.search(text)
    if not match:
        return None
    whole = re.sub(r"[.\s\u00a0\u202f]", "", match[1])
    cents = match[2] if match[2] and match[2][0] != "-" else ""
    try:
        return Decimal(f"{whole}.{cents}" if cents else whole)
    except InvalidOperation:
        return None


# --- ids in links and forms -------------------------------------------------------------------


_QUERY_PARAMS: dict[str, re.Pattern[str]] = {}


def query_int(href: str | None, name: str) -> int | None:
    """An integer query parameter of a link ('to010.asp?SILFDNR=3358' -> 3358), case-insensitive.

    A precompiled regex per name: cheaper than parsing the whole query for each link of a page.
    """
    if not href:
        return None
    pattern = _QUERY_PARAMS.get(name)
    if pattern is None:
        pattern = _QUERY_PARAMS[name] = re.compile(rf"[?&;]{re.escape(name)}=\s*(\d{{1,18}})(?!\d)", re.IGNORECASE)
    match = pattern.search(href)
    return int(match[1]) if match else None


def hidden_int(el: HtmlElement, name: str) -> int | None:
    """The integer value of a hidden form input named ``name`` below ``el``."""
    for value in el.xpath(f".//input[@name='{name}']/@value"):
        if str(value).strip().isdecimal():
            return int(str(value).strip())
    return None


# --- typed results of compiled XPaths -------------------------------------------------------------


def elements(xpath: XPath, node: HtmlElement, **variables: str) -> list[HtmlElement]:
    """The elements a compiled XPath finds (typed for mypy: lxml's result type is a wide union)."""
    found = xpath(node, **variables)
    return [x for x in found if isinstance(x, HtmlElement)] if isinstance(found, list) else []


def strings(xpath: XPath, node: HtmlElement, **variables: str) -> list[str]:
    """The attribute or text values a compiled XPath finds."""
    found = xpath(node, **variables)
    return [str(x) for x in found if isinstance(x, str)] if isinstance(found, list) else []

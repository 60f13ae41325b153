"""to020 extraction from plain-text renderings.

Shapes seen: the classic header ("Auszug - <Betreff>", the meeting's name, "TOP: Ö 4.2", "Gremium: X
Beschlussart: Y" glued on one line, "Datum: Di, 27.04.2004 Status: öffentlich", "Zeit: 17:00 - 20:05",
the linked Vorlage and its own block), the ALLRIS 4 print view ("27.04.2004 - 4.2 <Betreff>",
"Beschluss:" and its value, "Reduzieren" before each panel), the "Grunddaten" shape ("- TOP:" /
"- Ö 8.1") and bare content fragments ("Auszug - <Betreff>", "Wortprotokoll |", text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from allris_parse import labels
from allris_parse.document import Document
from allris_parse.fields import parse_date, query_int
from allris_parse.models import Section
from allris_parse.normalize import clean_inline
from allris_parse.pages.to020.draft import Draft

_LABELS = sorted(labels.AGENDA_ITEM_FIELD_LABELS, key=len, reverse=True)
#: A known label with its colon, at the start of a line or glued after a value ("...XBeschlussart:").
_GLUED_LABEL = re.compile(r"(?<![\w/-])(" + "|".join(re.escape(k) for k in _LABELS) + r")\s*:", re.IGNORECASE)
_LABEL_AT_START = re.compile(r"^(" + "|".join(re.escape(k) for k in _LABELS) + r")\s*:", re.IGNORECASE)
_BLANK_LINES = re.compile(r"\n{3,}")
#: The literal text that ``labels.ONLINE_VERSION_LINE`` starts with (up to its first ``\s``).
_ONLINE_VERSION = labels.ONLINE_VERSION_LINE.pattern.removeprefix("^").partition("\\s")[0]
#: How a complete text ends: sentence punctuation, a closing quote or bracket, a count ("Enthaltungen: 0").
_SENTENCE_END = re.compile(r"[.!?:;)\]\"“”»«'\d-]\s*$")


@dataclass
class _Header:
    fields: dict[str, str]
    pending: str | None = None
    labelled: bool = False
    meeting_title: str | None = None
    in_paper_block: bool = False
    body_start: int | None = None
    body_heading_next: bool = False
    warnings: list[str] = field(default_factory=list)

    def put(self, name: str, value: str) -> None:
        value = clean_inline(value)
        if not value:
            self.pending = name
            return
        self.pending = None
        self.fields.setdefault(name, value)


@dataclass(frozen=True)
class _Keys:
    """A set of label keys with what a line must show before :func:`labels.label_key` can give one of them:
    its first character (None where the empty key is one of them) and at most ``words`` words."""

    keys: frozenset[str]
    firsts: frozenset[str] | None
    #: A key's words and one more: the colons ``label_key`` drops may stand as a last word of their own.
    words: int

    @classmethod
    def of(cls, keys: frozenset[str]) -> _Keys:
        firsts = None if "" in keys else frozenset(key[0] for key in keys)
        return cls(keys, firsts, max(len(key.split()) for key in keys) + 1)


def _has_key(line: str, keys: _Keys) -> bool:
    """``labels.label_key(line) in keys.keys``, with a look at the first character and the words before: a
    label key that is not empty starts with the case fold of the line's first non-space character
    (casefold() folds each character on its own, the key's other steps only fold spaces and drop the
    colons at the end), and it has as many words as the line, or one fewer (a last word of colons); so
    most body lines skip split/join/casefold of their whole text."""
    head = line.lstrip()[:1]
    if keys.firsts is not None and head and head.casefold()[0] not in keys.firsts:
        return False
    if len(line.split(None, keys.words)) > keys.words:  # splits no further than that many words
        return False
    return labels.label_key(line) in keys.keys


_HEADINGS = _Keys.of(labels.AGENDA_ITEM_SECTION_HEADINGS)
_NON_TEXT = _Keys.of(labels.NON_TEXT_SECTIONS)


def _is_section_heading(line: str) -> bool:
    if "|" in line:  # the separator regex scans the whole line: only where a separator can be
        line = labels.TRAILING_CELL_SEPARATOR.sub("", line)
    return _has_key(line, _HEADINGS)


def _label_pairs(line: str) -> list[tuple[str, str]]:
    """'Gremium: X Beschlussart: Y' -> [('committee', 'X'), ('result', 'Y')]; labels start with a capital."""
    starts = [m for m in _GLUED_LABEL.finditer(line) if m.group(1)[0].isupper()]
    pairs = []
    for index, match in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(line)
        name = labels.AGENDA_ITEM_FIELD_LABELS[labels.label_key(match.group(1))]
        pairs.append((name, line[match.end():end].strip()))
    return pairs


def extract(doc: Document, item: Draft, fields: dict[str, str]) -> None:
    """Fill ``item`` and the labelled ``fields`` (as shown) from the text lines."""
    lines = list(map(str.strip, doc.lines))
    if "|" in lines:  # a lone cell separator at the start of its line is an empty line
        lines = ["" if line == "|" and raw[0] == "|" else line for line, raw in zip(lines, doc.lines, strict=True)]
    online_version = _ONLINE_VERSION in doc.text  # else no line is the "Online-Version" line: no regex per line
    if online_version:
        for line in lines:
            if match := labels.ONLINE_VERSION_LINE.match(line):
                item.agenda_item_id = query_int(match["url"], "TOLFDNR")
    start = _heading(lines, item)
    header = _Header(fields)
    _read_header(lines, start, item, header, online_version)
    item.meeting_title = header.meeting_title
    if header.body_start is not None:
        item.sections = _sections(lines, header.body_start, header.body_heading_next)
    _warn_if_truncated(doc, lines, item, header)
    item.warnings.extend(header.warnings)


def _heading(lines: list[str], item: Draft) -> int:
    """Read the heading line (title, and date and number where shown); the index after it."""
    for index, line in enumerate(lines):
        if match := labels.AGENDA_ITEM_TEXT_HEADING.match(line):
            item.date = parse_date(match["date"])
            item.number = match["number"]
            _set_title(item, match["title"])
            return index + 1
        if labels.AGENDA_ITEM_TITLE_PREFIX.match(line):
            _set_title(item, labels.AGENDA_ITEM_TITLE_PREFIX.sub("", line))
            return index + 1
    return 0


def _set_title(item: Draft, title: str) -> None:
    title = clean_inline(title)
    item.title = title or None
    if title and labels.CUT_TITLE_SUFFIX.search(title):
        item.warnings.append("the page shows the title cut off ('...'): title is incomplete as shown")


def _read_header(lines: list[str], start: int, item: Draft, header: _Header, online_version: bool) -> None:
    """Labelled values up to the first panel; the meeting's name before them; the Vorlage after them.
    ``online_version``: whether the text holds the literal start of ``labels.ONLINE_VERSION_LINE``."""
    candidate: str | None = None
    for index in range(start, len(lines)):
        line = lines[index]
        if not line or (online_version and labels.ONLINE_VERSION_LINE.match(line)):
            continue
        if line in labels.PANEL_TOGGLE_LINES:
            header.body_start, header.body_heading_next = index + 1, True
            return
        if _is_section_heading(line) and not line.endswith(":") and header.pending is None:
            header.body_start = index
            return
        if header.in_paper_block or _has_key(line, _NON_TEXT):
            continue
        dash = labels.DASH_ITEM_LINE.match(line)
        text = dash["text"] if dash else line
        if header.pending is not None and not _LABEL_AT_START.match(text):
            header.put(header.pending, text)
            continue
        pairs = _label_pairs(text) if _LABEL_AT_START.match(text) else []
        if pairs:
            if not header.labelled:
                header.meeting_title = candidate  # the meeting's name stands right above the labels
            header.labelled = True
            for name, value in pairs:
                header.put(name, value)
            continue
        if dash:
            header.pending = None
            continue
        if not header.labelled:
            candidate = line
            continue
        if _paper_line(line, item):
            header.in_paper_block = True
            continue
        header.body_start = index  # text without a heading right after the metadata
        return


def _paper_line(line: str, item: Draft) -> bool:
    """'1265/II <Betreff>': the linked Vorlage's reference before the item's title."""
    reference, _, rest = line.partition(" ")
    if not rest or not labels.PAPER_REFERENCE_TOKEN.match(reference):
        return False
    rest, title = clean_inline(rest), item.title or ""
    if title and (rest == title or rest.startswith(title) or title.startswith(rest)):
        item.paper_reference = reference
        return True
    return False


def _heading_text(line: str) -> str:
    return labels.TRAILING_CELL_SEPARATOR.sub("", line).rstrip(":").strip()


def _sections(lines: list[str], start: int, heading_next: bool) -> list[Section]:
    sections: list[Section] = []
    heading: str | None = None
    body: list[str] = []
    started = False

    def flush() -> None:
        text = "\n".join(body).strip()
        if started and (text or heading):
            sections.append(Section(heading=heading, text=_BLANK_LINES.sub("\n\n", text) if "\n\n\n" in text
                                    else text))

    expect_heading = heading_next
    for line in lines[start:]:
        if line in labels.PANEL_TOGGLE_LINES:
            flush()
            heading, body, started, expect_heading = None, [], False, True
            continue
        if expect_heading and line:
            heading, started, expect_heading = _heading_text(line), True, False
            continue
        if line and _is_section_heading(line) and not (heading and not body and
                                                       labels.label_key(line) == labels.label_key(heading)):
            flush()
            heading, body, started = _heading_text(line), [], True
            continue
        if heading and not body and line and labels.label_key(line) == labels.label_key(heading):
            continue  # the heading repeated inside the body ("Sachverhalt" then "Sachverhalt:")
        started = True
        body.append(line)
    flush()
    return sections


def _warn_if_truncated(doc: Document, lines: list[str], item: Draft, header: _Header) -> None:
    """Most renderings were cut at about 2000 bytes: say so where the text stops mid-sentence."""
    if header.body_start is None:
        return
    last = next((line for line in reversed(lines) if line and not labels.is_noise_line(line)), None)
    if last is None:
        return
    if _is_section_heading(last) or _SENTENCE_END.search(last) or lines.index(last) < header.body_start:
        return
    size = len(doc.text.encode("utf-8"))
    item.warnings.append(f"text rendering looks truncated (ends mid-sentence: {last[-30:]!r}; {size} bytes); "
                         "text after the cut is missing")

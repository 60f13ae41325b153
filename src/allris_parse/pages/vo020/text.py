"""vo020 extraction for plain-text renderings of a Vorlage page.

Three shapes are known (see ALLRIS.md, "Plain-text renderings"):

* ALLRIS 4 "Reduzieren" rendering: "<Vorlageart> - <Nummer>", then a "Reduzieren" line before each
  panel heading (Beratungsfolge, Beschlussvorschlag, Sachverhalt, ..., Anlagen);
* ALLRIS 4 "Grunddaten" rendering: "- Label:" / "- value" lines, the Beratungsfolge as pipe rows, then
  section headings on lines of their own;
* classic header block: "Betreff: ...", labels glued to values ("Status:öffentlichVorlage-Art:..."),
  "Beratungsfolge:" with committee / date / meeting lines, a section index, then the sections whose
  headings repeat in the body with a colon.

Lines are read once, top to bottom; each shape is a small state machine over the line list.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from allris_parse import labels
from allris_parse.document import Document
from allris_parse.fields import parse_date, query_int
from allris_parse.models import Attachment, Consultation, Paper, Section, validate_rows
from allris_parse.normalize import clean_inline

#: "Beschlussvorlage - 0456/2010", "Entscheidungsvorlage - FB 14/0133/WP18": a reference holds a digit.
_HEADING = re.compile(r"^(?P<kind>[^\W\d][^|:]{1,80}?)\s+-\s+(?P<reference>(?=[^|:]*\d)[^\s|:][^|:]{0,39})$")
_HEAD_LINES = 60  # the page heading stands within the first lines, after site chrome
_DATE_LINE = re.compile(r"^(\d{1,2}\.\d{1,2}\.\d{2,4})(?:\s+(.*))?$")
_GRUNDDATEN_LABEL = re.compile(r"^-\s+([^:|]{1,60}):$")
_TRAILING_NOTE = re.compile(r"\s*\([^()]*\)$")
_SIZE = re.compile(r"\s*\((\d[\d.,]*\s*[kKMG]i?B)\)$")
_BLANK_RUN = re.compile(r"\n\n\n+")
_TABLE_RULE = re.compile(r"^[\s|:-]*-{3,}[\s|:-]*$")
_STATUS_DOT = "●"
_GLUE = re.compile(r"(?<=[a-zäöüß)])(?=[A-ZÄÖÜ])")
#: How a complete text's last line ends (or it is a number: ``str.isdecimal``, as a regex's ``\d+``).
_SENTENCE_END = ".!?:;)]\"“”»…€%"
_ROLE_AT_END = re.compile(
    r"^(?P<committee>.*\S)\s+(?P<role>"
    + "|".join(re.escape(r) for r in sorted(labels.CONSULTATION_ROLES, key=len, reverse=True))
    + r")$"
)
_KNOWN_LABELS = sorted(
    {*labels.PAPER_FIELD_LABELS, *(labels.label_key(label) for label in labels.TEXT_OTHER_HEADER_LABELS)},
    key=len, reverse=True,
)
#: How far before the spaces ahead of a colon a glued label can start.
_LABEL_SPAN = max(len(k) for k in _KNOWN_LABELS)
#: "Status:" anywhere in a line; the label's first letter must be a capital or a digit (checked below).
_GLUED_LABEL = re.compile("(" + "|".join(re.escape(k) for k in _KNOWN_LABELS) + r")\s*:", re.IGNORECASE)
#: The labels reversed, longest first (see ``_glued_labels``); None where a label holds a colon or ends
#: with a space.
_REVERSED_LABEL = None if any(":" in k or k != k.rstrip() for k in _KNOWN_LABELS) else re.compile(
    "|".join(re.escape(k[::-1]) for k in _KNOWN_LABELS), re.IGNORECASE)
_BERATUNGSFOLGE = labels.label_key("Beratungsfolge")
_ANLAGEN = (labels.label_key("Anlagen"), labels.label_key("Anlage/n"))
_TOGGLES = ("Reduzieren", "Erweitern")
#: Near this size a rendering has been cut by the tool that made it (about 2000 bytes).
_CUT_SIZE = (1850, 2000)


@dataclass
class _Fields:
    """Field values found so far; the first label variant (by table order) wins."""

    values: dict[str, str] = field(default_factory=dict)
    ranks: dict[str, int] = field(default_factory=dict)

    def put(self, label: str, value: str) -> None:
        key = labels.label_key(label)
        name = labels.PAPER_FIELD_LABELS.get(key)
        value = clean_inline(value)
        if name is None or not value:
            return
        rank = _LABEL_RANK[key]
        if name not in self.ranks or rank < self.ranks[name]:
            self.values[name] = value
            self.ranks[name] = rank


_LABEL_RANK = {key: rank for rank, key in enumerate(labels.PAPER_FIELD_LABELS)}


def extract(doc: Document, lines: list[str]) -> Paper:
    """The paper fields a text rendering shows; ``lines``: ``normalize.clean_lines(doc.lines)`` (exotic spaces
    as spaces, trailing space gone, a no-break-space line empty), which the checkbox reader shares."""
    paper = Paper(source=doc.source(), paper_id=query_int(doc.url, "VOLFDNR"))
    start = _find_heading(lines, paper)
    body = lines[start:]
    raw_body = doc.lines[start:]
    head = "\n" + "\n".join(body[:30]) + "\n"  # a clean line holds no line break: one search per marker
    if "Grunddaten" in body[:10]:
        end_marker = _grunddaten(body, paper)
    elif "\nBetreff:" in head or "\nStatus:" in head or "\nBeratungsfolge:\n" in head:
        end_marker = _classic(body, paper)
    else:
        end_marker = _reduzieren(body, raw_body, paper)
    _warn_if_truncated(doc, lines, paper, end_marker)
    return paper


# --- shared -------------------------------------------------------------------------------------


def _find_heading(lines: list[str], paper: Paper) -> int:
    """Read "<Vorlageart> - <Nummer>" and return the index after it (0 where there is none)."""
    for index, line in enumerate(lines[:_HEAD_LINES]):
        match = _HEADING.match(line)
        if match and not labels.is_noise_line(line):
            paper.paper_type = match["kind"].strip()
            paper.reference = match["reference"].strip()
            return index + 1
    for index, line in enumerate(lines[:_HEAD_LINES]):  # no heading: start after the page chrome
        if line in labels.TEXT_PAGE_TITLES:
            return index + 1
    return 0


def _apply_fields(paper: Paper, found: _Fields) -> None:
    values = found.values
    if "title" in values:
        paper.title = values["title"]
    if "status" in values:
        paper.status = _TRAILING_NOTE.sub("", values["status"]) or values["status"]
    if "paper_type" in values:
        paper.paper_type = values["paper_type"]
    if "reference" in values and not paper.reference:
        paper.reference = values["reference"]
    for name in ("lead_department", "author", "editor"):
        if name in values:
            setattr(paper, name, values[name])
    if "date" in values:
        paper.date = parse_date(values["date"])


def _drop_noise(lines: list[str]) -> list[str]:
    """The lines that are no interface text: ``labels.is_noise_line`` for lines that are clean already."""
    noise, noise_start = labels.NOISE_LINES, labels.NOISE_LINE_START.match
    return [line for line in lines if not line or (line not in noise and not noise_start(line))]


def _section(heading: str | None, text_lines: list[str]) -> Section | None:
    """A section from its lines; the heading repeated as the first body line ("Sachverhalt:") goes.

    Its text is denoised already, as ``clean.denoise_sections`` would: the extractor's caller skips that."""
    body = _drop_noise(text_lines)
    first = 0
    while first < len(body) and not body[first]:
        first += 1
    if (heading and first < len(body) and body[first].endswith(":")
            and labels.label_key(body[first]) == labels.label_key(heading)):
        first += 1
    # the lines are clean (see extract), and so are their untabled cells: of clean_block only the
    # folding of blank-line runs is left (one empty line per run, none at the ends)
    text = "\n".join(body[first:])
    if "|" not in text:  # no cells: the runs folded on the joined text, in C
        if "\n\n\n" in text:
            text = _BLANK_RUN.sub("\n\n", text)
        text = text.strip("\n")
        return Section(heading=heading, text=text) if text else None
    kept: list[str] = []
    untabled_noise = False  # an untabled cell can be a noise line ("| Reduzieren |")
    for raw in body[first:]:
        line = raw
        if "|" in raw:
            line = _untable(raw)
            untabled_noise = untabled_noise or (bool(line) and labels.is_noise_line(line))
        if line or (kept and kept[-1]):
            kept.append(line)
    if untabled_noise:  # denoise_sections: those lines go, the blank lines around them stay
        kept = [line for line in kept if not line or not labels.is_noise_line(line)]
        while kept and not kept[0]:
            kept.pop(0)
    while kept and not kept[-1]:
        kept.pop()
    if not kept:
        return None
    return Section(heading=heading, text="\n".join(kept))


def _untable(line: str) -> str:
    """A pipe row as its cells ("| Nein |" -> "Nein"); a rule or an empty row as nothing."""
    if "|" not in line:
        return line
    if _TABLE_RULE.match(line):
        return ""
    cells = [cell.strip() for cell in line.split("|")]
    return " | ".join(cell for cell in cells if cell)


def _attachments(lines: list[str]) -> list[Attachment]:
    """The Anlagen of list lines, validated as one list (sizes at the end of a line go to ``size``)."""
    rows = [row for line in lines if (row := _attachment(line))]
    return validate_rows(Attachment, rows)


def _attachment(line: str) -> dict[str, str | None] | None:
    title = _untable(line).strip()
    if not title or labels.is_noise_line(title):
        return None
    size_match = _SIZE.search(title) if title.endswith(")") else None  # the regex is tried at every position
    size = size_match[1] if size_match else None
    if size_match:
        title = title[: size_match.start()].strip()
    return {"title": title, "size": size}


def _warn_if_truncated(doc: Document, lines: list[str], paper: Paper, end_marker: bool) -> None:
    """Most renderings were cut at about 2000 bytes: say so where the page does not end properly."""
    if end_marker:
        return
    last = next((line for line in reversed(lines) if line and not labels.is_noise_line(line)), "")
    size = len(doc.text.encode("utf-8"))
    reasons = []
    if last and last[-1] not in _SENTENCE_END and not last.isdecimal():
        reasons.append(f"last line ends mid-sentence: {last[-30:]!r}")
    if _CUT_SIZE[0] <= size <= _CUT_SIZE[1]:
        reasons.append(f"{size} bytes, near the 2000-byte cut of text extraction tools")
    if reasons:
        paper.warnings.append(
            f"text rendering looks truncated ({'; '.join(reasons)}); fields after the cut are missing")


# --- ALLRIS 4 "Reduzieren" rendering ------------------------------------------------------------


def _reduzieren(lines: list[str], raw: Sequence[str], paper: Paper) -> bool:
    """Panels introduced by a "Reduzieren" toggle line; returns True where the Anlagen panel is reached."""
    panels: list[tuple[str | None, list[str]]] = []
    index = _next_toggle(lines, 0)
    while index < len(lines):
        heading, index = _panel_heading(lines, raw, index + 1)
        end = _next_toggle(lines, index)
        panels.append((heading, lines[index:end]))
        index = end
    if not panels:  # no toggles at all: known headings on their own lines, as in the Grunddaten shape
        return _headed_sections(lines, paper)
    end_marker = False
    for heading, body in panels:
        end_marker = _panel(heading, body, paper) or end_marker
    return end_marker


def _next_toggle(lines: list[str], start: int) -> int:
    """The index of the next "Reduzieren"/"Erweitern" line from ``start`` on (``len(lines)`` where none
    follows): ``list.index`` compares in C."""
    found = len(lines)
    for toggle in _TOGGLES:
        with contextlib.suppress(ValueError):  # not there
            found = lines.index(toggle, start, found)
    return found


def _panel_heading(lines: list[str], raw: Sequence[str], index: int) -> tuple[str | None, int]:
    """The heading after a toggle line and the index after it; None where the heading is blank (NBSP)."""
    while index < len(lines) and not raw[index].strip(" \t\r"):
        index += 1  # truly empty lines between toggle and heading
    if index >= len(lines):
        return None, index
    line = lines[index]
    if not line or line.endswith(":") or len(line) > 80 or labels.is_noise_line(line):
        return None, index  # a no-break-space line or body text: the panel has no heading
    return line, index + 1


def _panel(heading: str | None, body: list[str], paper: Paper) -> bool:
    key = labels.label_key(heading) if heading else ""
    if key == _BERATUNGSFOLGE:
        paper.consultations.extend(_pipe_consultations(body))
        return False
    if key in labels.NON_TEXT_SECTIONS:
        if key in _ANLAGEN:
            paper.attachments.extend(_attachments(body))
            return True
        return False
    section = _section(heading, body)
    if section:
        paper.sections.append(section)
    return False


# --- ALLRIS 4 "Grunddaten" rendering ------------------------------------------------------------


def _grunddaten(lines: list[str], paper: Paper) -> bool:
    """"- Label:" / "- value" pairs, then the Beratungsfolge pipe table and the sections."""
    found = _Fields()
    label: str | None = None
    value: list[str] = []
    index = lines.index("Grunddaten") + 1
    headings = _heading_lines(lines[index:])
    end = index + headings[0] if headings else len(lines)
    for line in lines[index:end]:
        if match := _GRUNDDATEN_LABEL.match(line):
            if label:
                found.put(label, " ".join(value))
            label, value = match[1], []
        elif line and line != "-" and label:
            value.append(line[2:] if line.startswith("- ") else line)
    if label:
        found.put(label, " ".join(value))
    _apply_fields(paper, found)
    return _headed_sections(lines[end:], paper, [at - headings[0] for at in headings])


#: What a heading line's case fold can be: a clean line that is not empty and does not end with a colon is
#: its own label key but for casefold() (``labels.label_key``), which never shortens a line.
_HEADING_KEYS = frozenset(key for key in labels.TEXT_SECTION_HEADINGS if key and not key.endswith(":"))
_LONGEST_HEADING = max(map(len, _HEADING_KEYS), default=0)


def _heading_lines(lines: list[str]) -> list[int]:
    """The indices of the lines that are a known section heading on their own (casefold() costs: only short
    lines are folded)."""
    keys, longest = _HEADING_KEYS, _LONGEST_HEADING
    return [index for index, line in enumerate(lines) if len(line) <= longest and line.casefold() in keys]


def _headed_sections(lines: list[str], paper: Paper, headings: list[int] | None = None) -> bool:
    """Sections under known headings standing on lines of their own (no toggles); the lines before the
    first heading are one section from the first that is text. ``headings``: ``_heading_lines(lines)``
    where the caller has it."""
    if headings is None:
        headings = _heading_lines(lines)
    first = headings[0] if headings else len(lines)
    panels: list[tuple[str | None, list[str]]] = []
    lead = next((index for index in range(first) if lines[index] and not labels.is_noise_line(lines[index])), None)
    if lead is not None:
        panels.append((None, lines[lead:first]))
    for number, at in enumerate(headings):
        panels.append((lines[at], lines[at + 1:headings[number + 1] if number + 1 < len(headings) else len(lines)]))
    end_marker = False
    for heading, body in panels:
        end_marker = _panel(heading, body, paper) or end_marker
    return end_marker


def _pipe_consultations(lines: list[str]) -> list[Consultation]:
    """The Beratungsfolge as pipe rows: "●", status, committee, role, then date and result per meeting."""
    cells: list[str] = []
    for line in lines:
        if not line or ("---" in line and _TABLE_RULE.match(line)):  # a rule holds "---": no regex call
            continue
        parts = [part.strip() for part in line.split("|")] if "|" in line else [line]
        if len(parts) > 2 and labels.label_key(parts[0]) in labels.BF_TABLE_COLUMNS:
            continue  # the header row
        for part in parts:
            cell = part
            if cell.startswith(_STATUS_DOT):
                cells.append(_STATUS_DOT)
                cell = cell[len(_STATUS_DOT):].strip()
            if cell:
                cells.append(cell)
    groups: list[list[str]] = []
    for cell in cells:
        if cell == _STATUS_DOT:
            groups.append([cell])
            continue
        if not groups:
            groups.append([])
        groups[-1].append(cell)
    rows = [row for group in groups for row in _pipe_group(group)]
    return validate_rows(Consultation, rows)


def _pipe_group(group: list[str]) -> list[dict[str, object]]:
    """The consultation rows (fields) of one committee's cells."""
    status = committee = role = None
    cells = list(group)
    if cells and cells[0] == _STATUS_DOT:
        cells.pop(0)
        status = cells.pop(0) if cells else None
    meetings: list[dict[str, object]] = []
    for cell in cells:
        date = parse_date(cell) if len(cell) <= 20 else None
        if date:
            meetings.append({"date": date})
        elif meetings:
            meetings[-1]["result"] = clean_inline(f"{meetings[-1].get('result') or ''} {cell}")
        elif committee is None:
            committee = cell
        elif role is None:
            role = cell
    if committee is None and not meetings:
        return []
    base: dict[str, object] = {"committee": committee, "role": role, "status": status}
    return [{**base, **meeting} for meeting in meetings] or [base]


# --- classic header block -----------------------------------------------------------------------


def _classic(lines: list[str], paper: Paper) -> bool:
    """Glued header labels, Beratungsfolge lines, section index, Anlagen list, then the sections."""
    found = _Fields()
    two_columns = False
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if line == "Beratungsfolge:" or line.startswith("Beratungsfolge:"):
            break
        if _is_two_column_marker(line):
            two_columns = True
            continue
        for label, value in _split_glued(line):
            found.put(label, _first_column(value) if two_columns else value)
        if not line and found.values and _looks_like_index(lines, index):
            break
    _apply_fields(paper, found)
    block: list[str] = []
    while index < len(lines) and lines[index]:
        block.append(lines[index])
        index += 1
    paper.consultations.extend(_classic_consultations(block))
    while index < len(lines) and not lines[index]:
        index += 1
    headings: list[str] = []
    while index < len(lines) and lines[index] and not lines[index].endswith(":"):
        headings.append(lines[index])
        index += 1
    if index < len(lines) and labels.label_key(lines[index]) == _ANLAGEN[0]:
        index += 1
        end = len(lines)  # the list runs to the next empty line
        with contextlib.suppress(ValueError):
            end = lines.index("", index)
        paper.attachments.extend(_attachments(lines[index:end]))
        index = end
    _classic_sections(lines[index:], headings, paper)
    return False


_TWO_COLUMN_FIRSTS = frozenset(key[0] for key in labels.TEXT_TWO_COLUMN_MARKERS if key)


def _is_two_column_marker(line: str) -> bool:
    """``labels.label_key(line) in labels.TEXT_TWO_COLUMN_MARKERS``, with a look at the first character
    before: a label key that is not empty starts with the case fold of the line's first non-space
    character (casefold() folds each character on its own; the key's other steps drop spaces and the
    colons at the end)."""
    head = line.lstrip()[:1]
    if head and "" not in labels.TEXT_TWO_COLUMN_MARKERS and head.casefold()[0] not in _TWO_COLUMN_FIRSTS:
        return False
    return labels.label_key(line) in labels.TEXT_TWO_COLUMN_MARKERS


def _looks_like_index(lines: list[str], index: int) -> bool:
    """After a blank line: a run of short lines without colons, the section index."""
    run = [line for line in lines[index:index + 3] if line]
    return bool(run) and all(len(line) <= 60 and ":" not in line for line in run)


def _split_glued(line: str) -> list[tuple[str, str]]:
    """("Status", "öffentlich"), ("Vorlage-Art", "Beschlussvorlage") from "Status:öffentlichVorlage-Art:...".

    A label counts where it starts with a capital letter or a digit; its value runs to the next label.
    """
    # the first label must stand at the start (and end at the first colon): else there is nothing to split
    colon = line.find(":")
    first = _GLUED_LABEL.match(line, 0, colon + 1) if colon >= 0 else None
    if first is None or not (first.group(1)[0].isupper() or first.group(1)[0].isdigit()):
        return []
    if labels.PAPER_FIELD_LABELS.get(labels.label_key(first.group(1))) == "title":
        return [(first.group(1), line[first.end():])]  # a Betreff line is all title
    hits = [hit for hit in _glued_labels(line) if hit[2][0].isupper() or hit[2][0].isdigit()]
    hits = [hit for i, hit in enumerate(hits) if i == 0 or hit[0] >= hits[i - 1][1]]
    pairs = []
    for position, (_, end, label) in enumerate(hits):
        value_end = hits[position + 1][0] if position + 1 < len(hits) else len(line)
        pairs.append((label, line[end:value_end]))
    return pairs


def _glued_labels(line: str) -> list[tuple[int, int, str]]:
    """Start, end and label of each ``_GLUED_LABEL.finditer(line)`` match.

    A match ends at the first colon after its start (no label holds one, nor ends with a space), so its
    label ends where the spaces before that colon start, and the leftmost start is the longest label that
    ends there: one anchored match of the reversed labels (``_REVERSED_LABEL``, longest first) on the
    reversed text before the colon, instead of the case-blind alternation tried at every position."""
    if _REVERSED_LABEL is None:
        return [(m.start(), m.end(), m.group(1)) for m in _GLUED_LABEL.finditer(line)]
    hits: list[tuple[int, int, str]] = []
    position = 0
    colon = line.find(":")
    while colon >= 0:
        low = colon
        while low > position and line[low - 1].isspace():
            low -= 1
        start = max(position, low - _LABEL_SPAN)
        match = _REVERSED_LABEL.match(line[start:low][::-1])
        if match:
            hits.append((low - match.end(), colon + 1, line[low - match.end():low]))
            position = colon + 1
        colon = line.find(":", colon + 1)
    return hits


def _first_column(value: str) -> str:
    """The first of two glued value columns ("Ursprung" / "aktuell"): "BezirksamtBezirksamt" -> "Bezirksamt"."""
    value = value.strip()
    half = len(value) // 2
    if len(value) % 2 == 0 and value[:half] == value[half:]:
        return value[:half]
    joints = [m.start() for m in _GLUE.finditer(value)]
    return value[: joints[0]] if len(joints) == 1 else value


def _classic_consultations(block: list[str]) -> list[Consultation]:
    """Committee lines ("Kreisausschuss Entscheidung"), date lines and meeting lines with the result."""
    rows: list[dict[str, object]] = []
    committee: str | None = None
    role: str | None = None
    has_meeting = False
    index = 0
    while index < len(block):
        line = block[index]
        index += 1
        date_match = _DATE_LINE.match(line)
        if date_match and committee is not None:
            meeting = date_match[2] or ""
            if not meeting and index < len(block) and not _DATE_LINE.match(block[index]):
                meeting = block[index]
                index += 1
            title, result = _split_result(meeting)
            rows.append({"committee": committee, "role": role, "date": parse_date(date_match[1]),
                         "meeting_title": title, "result": result})
            has_meeting = True
            continue
        if committee is not None and not has_meeting:
            rows.append({"committee": committee, "role": role})
        match = _ROLE_AT_END.match(line)
        committee, role = (match["committee"], match["role"]) if match else (line, None)
        has_meeting = False
    if committee is not None and not has_meeting:
        rows.append({"committee": committee, "role": role})
    return validate_rows(Consultation, rows)


def _split_result(meeting: str) -> tuple[str | None, str | None]:
    """Meeting title and Beschluss of a clean meeting line (see ``extract``)."""
    match = labels.CONSULTATION_RESULT_START.search(meeting)
    if not match:
        return meeting or None, None
    return meeting[: match.start()].strip() or None, match.group(0).strip() or None


def _classic_sections(lines: list[str], headings: list[str], paper: Paper) -> None:
    """Split the body at lines "<index heading>:"; text before the first goes to the first index entry."""
    wanted = {labels.label_key(h): h for h in headings}
    heading: str | None = headings[0] if headings else None
    current: list[str] = []
    used: set[str] = set()

    def flush() -> None:
        if section := _section(heading, current):
            paper.sections.append(section)

    plain = "" not in wanted  # then a line without a colon is body text: no key to look up
    for line in lines:
        if plain and ":" not in line:
            current.append(line)
            continue
        label, _, rest = line.partition(":")
        key = labels.label_key(label) if ":" in line else ""
        if key in wanted and key not in used:
            flush()
            used.add(key)
            heading, current = wanted[key], [rest.strip()] if rest.strip() else []
            continue
        current.append(line)
    flush()

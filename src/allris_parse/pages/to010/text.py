"""to010 extraction for plain-text renderings.

Two shapes are read: a rendered Sitzung ("Tagesordnung - <name>" heading, "Label: value" or "- Label:" /
"- value" metadata lines, TOP lines "Ö 1 Betreff" or pipe rows "| Ö 1 | Betreff | Vorlage |"), and the
``BES=1`` view that holds only the Beschluss text of one TOP, which becomes a text section.
"""

from __future__ import annotations

import re

from allris_parse import labels
from allris_parse.clean import drop_noise_lines
from allris_parse.document import Document
from allris_parse.models import AgendaEntry, Meeting, Section, validate_rows
from allris_parse.normalize import clean_block, clean_inline, clean_lines
from allris_parse.pages.to010 import common

_LABEL_LINE = re.compile(r"^-?\s*(?P<label>[A-Za-zÄÖÜäöüß. /-]{2,30}):\s*(?P<value>.*)$")
_TOP_LINE = re.compile(r"^(?P<number>(?:NÖ|Ö|N)\s+\d+(?:\.\d+)*)\.?(?:\s+(?P<title>.*))?$")
_PAPER_REFERENCE = re.compile(r"^\S*\d\S*$")
_TABLE_HEADER = re.compile(r"^\|?\s*TOP\s*\|", re.IGNORECASE)


def extract(doc: Document) -> Meeting:
    """The meeting fields a text rendering shows; a bare Beschluss text becomes a section."""
    meeting = Meeting(source=doc.source())
    lines = clean_lines(drop_noise_lines(doc.lines))
    rest: list[str] = []
    items: list[dict[str, object]] = []
    pending: str | None = None
    for line in lines:
        if not line:
            rest.append("")
            continue
        if pending is not None:
            common.set_field(meeting, pending, line.lstrip("- "))
            pending = None
            continue
        if line in labels.TEXT_PAGE_TITLES or _TABLE_HEADER.match(line):
            continue
        if meeting.title is None and (title := common.heading_title(line)):
            meeting.title = title
            continue
        label = _LABEL_LINE.match(line)
        fieldname = labels.MEETING_FIELD_LABELS.get(labels.label_key(label["label"])) if label else None
        if label and fieldname:
            if label["value"].strip():
                common.set_field(meeting, fieldname, label["value"])
            else:
                pending = fieldname
            continue
        item = _pipe_row(line) if line.startswith("|") else _top_line(line)
        if item is not None:
            items.append(item)
            continue
        if items and not rest and items[-1].get("title") and not line.startswith("|"):
            items[-1]["title"] = f"{items[-1]['title']} {line}"
            continue
        rest.append(line)
    meeting.agenda_items = validate_rows(AgendaEntry, items)
    text = clean_block("\n".join(rest))
    if text and not items:
        meeting.sections = [Section(heading=None, text=text)]
        if meeting.date is None and meeting.committee is None:
            meeting.warnings.append("the text holds no Sitzung data and no Tagesordnung, only a text")
    return common.finish(meeting)


def _top_line(line: str) -> dict[str, object] | None:
    match = _TOP_LINE.match(line)
    if not match:
        return None
    return common.entry(clean_inline(match["number"]), clean_inline(match["title"]) or None)


def _pipe_row(line: str) -> dict[str, object] | None:
    cells = [clean_inline(c) for c in line.strip().strip("|").split("|")]
    if not cells or not _TOP_LINE.match(cells[0]):
        return None
    title = cells[1] if len(cells) > 1 else None
    reference = next((c for c in cells[2:] if c and _PAPER_REFERENCE.match(c)), None)
    return common.entry(cells[0], title or None, paper_reference=reference)

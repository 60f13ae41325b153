"""Auszug (to020): one Tagesordnungspunkt with its meeting, decision, protocol and votes."""

from __future__ import annotations

import re

from allris_parse import labels
from allris_parse.clean import denoise_sections
from allris_parse.document import Document
from allris_parse.errors import NotPublicError
from allris_parse.fields import parse_date, parse_time_range, query_int
from allris_parse.models import AgendaItem, Section, Votes
from allris_parse.normalize import clean_inline, normalize_result
from allris_parse.pages.to020 import classic, text
from allris_parse.pages.to020.draft import Draft, record

_VOTE_COUNT = {
    field: re.compile(
        r"(?<![A-Za-zÄÖÜäöüß])(?:" + "|".join(re.escape(v) for v in variants) + r")\s*:\s*(\d+|-|–|keine)",
        re.IGNORECASE)
    for field, variants in labels.VOTE_LABELS.items()
}
_VOTE_COUNT_BEFORE = {
    "no": re.compile(r"(?<!\d)(\d+)\s+(?:Gegenstimmen|Nein-Stimmen)\b", re.IGNORECASE),
    "abstentions": re.compile(r"(?<!\d)(\d+)\s+(?:Stimmenthaltungen|Stimmenthaltung|Enthaltungen|Enthaltung)\b",
                              re.IGNORECASE),
    "yes": re.compile(r"(?<!\d)(\d+)\s+(?:Ja-Stimmen|Stimmen dafür)\b", re.IGNORECASE),
}
_VOTE_SECTIONS = frozenset(labels.label_key(h) for h in ("Abstimmungsergebnis", "Abstimmung", "Ergebnis"))


def extract(doc: Document) -> AgendaItem:
    """The agenda-item record of a to020 page in any flavour or format."""
    fields: dict[str, str] = {}
    item = Draft()
    if doc.format == "text":
        text.extract(doc, item, fields)
    else:
        classic.extract(doc, item, fields)
        if not fields and not item.sections and any(m in doc.text for m in labels.NOT_PUBLIC_MARKERS):
            raise NotPublicError("the Auszug page says its content is not public")
    _apply_fields(item, fields)
    if item.agenda_item_id is None:
        item.agenda_item_id = query_int(doc.url, "TOLFDNR")
    item.sections = denoise_sections(item.sections)
    item.votes = read_votes(item.sections)
    return record(item, doc.source())


def _apply_fields(item: Draft, fields: dict[str, str]) -> None:
    """Labelled values (as shown) -> record fields."""
    def value(name: str) -> str | None:
        return clean_inline(fields.get(name)) or None

    item.number = value("number") or item.number  # the TOP field shows the Ö/N mark a heading omits
    item.committee = item.committee or value("committee")
    item.meeting_title = item.meeting_title or value("meeting_title")
    item.location = item.location or value("location")
    item.address = item.address or value("address")
    item.status = item.status or value("status")
    item.date = item.date or parse_date(value("date"))
    if item.start is None:
        item.start, item.end = parse_time_range(value("time"))
    result = item.result or value("result")
    item.result = None if result is None or result.casefold() in labels.RESULT_PLACEHOLDERS else result
    item.result_normalized = normalize_result(item.result)
    item.public = _public(item.number, item.status)


def _public(number: str | None, status: str | None) -> bool | None:
    """Public from the 'Ö'/'N' mark of the number, else from an unambiguous item status."""
    if number and (match := labels.PUBLIC_NUMBER_PREFIX.match(number)):
        return match["mark"] == "Ö"
    if status:
        if labels.NON_PUBLIC_STATUS.match(status):
            return False
        if labels.PUBLIC_STATUS.match(status):
            return True
    return None


def read_votes(sections: list[Section]) -> Votes | None:
    """Vote counts and wording from the Abstimmungsergebnis section, where it states a vote."""
    for section in sections:
        if section.heading is None or labels.label_key(section.heading) not in _VOTE_SECTIONS:
            continue
        counts: dict[str, int] = {}
        for name, pattern in _VOTE_COUNT.items():
            if match := pattern.search(section.text):
                counts[name] = int(match[1]) if match[1].isdecimal() else 0
        for name, pattern in _VOTE_COUNT_BEFORE.items():
            if name not in counts and (match := pattern.search(section.text)):
                counts[name] = int(match[1])
        wording = [line for line in section.text.split("\n") if line.strip() and (
            labels.VOTE_WORDS.search(line) or any(p.search(line) for p in _VOTE_COUNT.values()))]
        if counts or wording:
            return Votes(yes=counts.get("yes"), no=counts.get("no"), abstentions=counts.get("abstentions"),
                         text="\n".join(w.strip() for w in wording) or None)
    return None


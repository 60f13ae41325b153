"""Sitzung with Tagesordnung (to010): meeting metadata, documents and agenda items, in every flavour."""

from __future__ import annotations

from allris_parse.clean import denoise_sections
from allris_parse.document import Document
from allris_parse.fields import query_int
from allris_parse.models import Meeting
from allris_parse.pages.to010 import classic, modern, text


def extract(doc: Document) -> Meeting:
    """The meeting record of a to010 page in any flavour or format."""
    if doc.format == "text":
        meeting = text.extract(doc)
    elif doc.flavour in ("allris4", "responsive"):
        meeting = modern.extract(doc)
    else:
        meeting = classic.extract(doc)
        if not meeting.agenda_items:
            alternative = modern.extract(doc)
            if alternative.agenda_items:
                meeting = alternative
    if meeting.meeting_id is None:
        meeting.meeting_id = query_int(doc.url, "SILFDNR")  # the page's own address names its Sitzung
    meeting.sections = denoise_sections(meeting.sections)
    return meeting

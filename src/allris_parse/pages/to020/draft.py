"""The fields of an Auszug while they are read: a plain object, turned into the validated record once.

Each assignment to a built pydantic record goes through its ``__setattr__`` (~0.4 µs); the extractors
set a dozen or more fields one by one, so they fill this draft and :func:`record` builds the record in
one validated construction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from allris_parse.models import AgendaItem, Attachment, Section, Source, Votes


@dataclass
class Draft:
    """The :class:`AgendaItem` fields an extractor fills (same names, same defaults)."""

    agenda_item_id: int | None = None
    meeting_id: int | None = None
    paper_id: int | None = None
    committee: str | None = None
    meeting_title: str | None = None
    date: dt.date | None = None
    start: str | None = None
    end: str | None = None
    location: str | None = None
    address: str | None = None
    number: str | None = None
    title: str | None = None
    public: bool | None = None
    status: str | None = None
    paper_reference: str | None = None
    result: str | None = None
    result_normalized: str | None = None
    votes: Votes | None = None
    sections: list[Section] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def record(draft: Draft, source: Source) -> AgendaItem:
    """The validated record of a filled draft; fields left at their default (None, an empty list) are not
    passed: the model's defaults are the same, and each value passed is validated (~2 µs a record)."""
    return AgendaItem(source=source, **{name: value for name, value in draft.__dict__.items()
                                        if value is not None and value != []})

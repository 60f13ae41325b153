"""The library entry point: bytes of one page in, one validated record out."""

from __future__ import annotations

from allris_parse import pages
from allris_parse.document import load
from allris_parse.models import Record


def parse_page(data: bytes | str, *, path: str | None = None, url: str | None = None) -> Record:
    """Parse one ALLRIS page (HTML or a plain-text rendering) into its record.

    ``path`` and ``url`` are recorded in ``source`` and help to tell the page type where the
    content alone does not. Raises :class:`allris_parse.errors.AllrisParseError` subclasses on bad
    input; never prints or exits.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return pages.extract(load(raw, path=path, url=url))

"""The library entry point: bytes of one page in, one validated record out."""

from __future__ import annotations

from allris_parse import pages
from allris_parse.document import load, refused_text
from allris_parse.errors import InputError
from allris_parse.models import Record


def parse_page(data: bytes | str, *, path: str | None = None, url: str | None = None) -> Record:
    """Parse one ALLRIS page (HTML or a plain-text rendering) into its record.

    ``path`` and ``url`` are recorded in ``source`` and help to tell the page type where the
    content alone does not. Raises :class:`allris_parse.errors.AllrisParseError` subclasses on bad
    input; never prints or exits.
    """
    raw = data.encode("utf-8", "replace") if isinstance(data, str) else data  # "replace": lone surrogates
    try:
        try:
            return pages.extract(load(raw, path=path, url=url))
        except ValueError as exc:
            if not refused_text(exc):
                raise
        # A control character in the page's text, which lxml reads but will not store back when an extractor
        # lays text out: read once more with those characters as spaces (only such pages pay for the search).
        return pages.extract(load(raw, path=path, url=url, clean_controls=True))
    except ValueError as exc:
        if _too_many_digits(exc):
            raise InputError("a number in the page is too long to read (more than 4,300 digits)") from exc
        raise


def _too_many_digits(exc: ValueError) -> bool:
    """Python refuses int() of more than 4,300 digits (sys.get_int_max_str_digits): an id or count of that
    length in a hostile page, which the extractors read with int() in many places."""
    return "Exceeds the limit" in str(exc) and "digits" in str(exc)

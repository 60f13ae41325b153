"""The few exceptions the library raises; the CLI maps them to messages and exit codes."""

from __future__ import annotations


class AllrisParseError(Exception):
    """Base of every error the library raises on bad input: the one type callers need to catch."""


class InputError(AllrisParseError):
    """The input cannot be read as a page: empty, binary, too large, or undecodable."""


class UnsupportedPageError(AllrisParseError):
    """The page is an ALLRIS page (or may be one) of a type this version cannot extract."""

    def __init__(self, page_type: str | None, detail: str = "") -> None:
        self.page_type = page_type
        what = f"unsupported page type {page_type!r}" if page_type else "unrecognised page type"
        super().__init__(f"{what}{': ' + detail if detail else ''}")


class NotPublicError(AllrisParseError):
    """The page says its content is not public ('Keine Information verfügbar', noauth, login)."""

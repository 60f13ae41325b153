"""Whitespace and character clean-up shared by every extractor."""

from __future__ import annotations

import re
from collections.abc import Sequence

from allris_parse import labels

# str.split() folds every Unicode space (no-break, thin, ideographic, tabs); these invisible characters go.
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
#: Runs of three or more line breaks; spelt with a literal prefix, which the regex engine scans for in C
#: (``\n{3,}`` is tried at every position: ~3x slower).
_BLANK_LINES = re.compile(r"\n\n\n+")


def _drop_invisible(value: str) -> str:
    if not value.isascii():
        for char in _INVISIBLE:
            if char in value:
                value = value.replace(char, "")
    return value


def clean_inline(value: str | None) -> str:
    """One line of text: exotic spaces to spaces, invisible characters dropped, runs folded."""
    if not value:
        return ""
    if value.isascii():  # most cells: no call for the invisible-character check
        return " ".join(value.split())
    return " ".join(_drop_invisible(value).split())


def clean_lines(lines: Sequence[str]) -> list[str]:
    """Each line cleaned like :func:`clean_inline`, with one look for invisible characters for all of them."""
    joined = "\n".join(lines)
    if not joined.isascii() and any(char in joined for char in _INVISIBLE):
        return [clean_inline(line) for line in lines]
    return [" ".join(line.split()) for line in lines]


def clean_block(value: str | None) -> str:
    """Multi-line text: each line cleaned like :func:`clean_inline`, at most one blank line in a row."""
    if not value:
        return ""
    text = "\n".join(" ".join(line.split()) for line in _drop_invisible(value).split("\n"))
    if "\n\n\n" in text:  # the regex costs ~15 µs a KB even where it finds nothing
        text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()


def none_if_empty(value: str | None) -> str | None:
    """A cleaned one-line value, or None where nothing is left."""
    cleaned = clean_inline(value)
    return cleaned or None


def normalize_result(result: str | None) -> str | None:
    """A Beschluss as shown ('mit Änderungen im Ausschuss beschlossen') -> a normalised form
    ('adopted_amended'), from :data:`labels.RESULT_NORMALIZED`; None where no form is clear."""
    if not result:
        return None
    for pattern, value in labels.RESULT_NORMALIZED:
        if pattern.search(result):
            return value
    return None

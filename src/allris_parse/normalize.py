"""Whitespace and character clean-up shared by every extractor."""

from __future__ import annotations

import re

# No-break and other exotic spaces become plain spaces; invisible characters go.
_SPACE_LIKE = "\u00a0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t\r\f\v"
_SPACES = dict.fromkeys(map(ord, _SPACE_LIKE), " ")
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_TRANSLATE = {**_SPACES, **_INVISIBLE}
_RUNS_OF_SPACES = re.compile(r" {2,}")
_BLANK_LINES = re.compile(r"\n{3,}")


def clean_inline(value: str | None) -> str:
    """One line of text: exotic spaces to spaces, invisible characters dropped, runs folded."""
    if not value:
        return ""
    value = value.translate(_TRANSLATE).replace("\n", " ")
    return _RUNS_OF_SPACES.sub(" ", value).strip()


def clean_block(value: str | None) -> str:
    """Multi-line text: each line cleaned like :func:`clean_inline`, at most one blank line in a row."""
    if not value:
        return ""
    lines = (_RUNS_OF_SPACES.sub(" ", line).strip() for line in value.translate(_TRANSLATE).split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def none_if_empty(value: str | None) -> str | None:
    """A cleaned one-line value, or None where nothing is left."""
    cleaned = clean_inline(value)
    return cleaned or None

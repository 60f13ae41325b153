"""allris-parse: ALLRIS council-information pages to clean, validated records."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

#: The one place the version is written (pyproject.toml reads it): importlib.metadata would add ~60 ms to
#: every start of the CLI, which CI pipelines call often.
__version__ = "0.1.0"

if TYPE_CHECKING:
    from allris_parse.api import parse_page
    from allris_parse.errors import AllrisParseError

__all__ = ["AllrisParseError", "__version__", "parse_page"]


def __getattr__(name: str) -> Any:
    """Import the parsing engine on first use, so ``allris-parse --version`` starts fast."""
    if name == "parse_page":
        from allris_parse.api import parse_page

        return parse_page
    if name == "AllrisParseError":
        from allris_parse.errors import AllrisParseError

        return AllrisParseError
    raise AttributeError(name)

"""allris-parse: ALLRIS council-information pages to clean, validated records."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

try:
    __version__ = version("allris-parse")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"

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

"""vo020 extraction for the classic flavour (work in progress)."""

from __future__ import annotations

from allris_parse.document import Document
from allris_parse.models import Paper


def extract(doc: Document) -> Paper:
    """The paper fields this flavour shows."""
    return Paper(source=doc.source())

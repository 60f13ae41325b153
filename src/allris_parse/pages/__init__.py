"""Page-type registry: each supported page type maps to one extractor ``extract(doc) -> Record``.

Adding a page type is adding a module with an ``extract`` function and registering it here.
"""

from __future__ import annotations

from collections.abc import Callable

from allris_parse import labels
from allris_parse.document import Document
from allris_parse.errors import NotPublicError, UnsupportedPageError
from allris_parse.models import Record
from allris_parse.pages import au020, fr020, kp020, si010, to010, to020, vo020, vo040

Extractor = Callable[[Document], Record]

EXTRACTORS: dict[str, Extractor] = {
    "vo020": vo020.extract,
    "si010": si010.extract,
    "au020": au020.extract,
    "fr020": fr020.extract,
    "fr010": fr020.extract_list,
    "kp020": kp020.extract,
    "to010": to010.extract,
    "to020": to020.extract,
    "vo040": vo040.extract,
}


def extract(doc: Document) -> Record:
    """Run the extractor registered for the document's page type."""
    extractor = EXTRACTORS.get(doc.page_type or "")
    if extractor is None:
        if doc.page_type is None and any(marker in doc.text for marker in labels.NOT_PUBLIC_MARKERS):
            raise NotPublicError("the page says its content is not public")
        raise UnsupportedPageError(doc.page_type)
    record = extractor(doc)
    # What reading the input found (a charset that did not fit, NUL bytes, a parser that stopped early)
    # comes first in every record's warnings; the extractors add only their own.
    if doc.warnings:
        record.warnings = [*doc.warnings, *record.warnings]
    return record

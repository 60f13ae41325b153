"""to010 (Sitzung with Tagesordnung): unit checks of the shared readers and the corpus pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from allris_parse import parse_page
from allris_parse.models import Meeting
from allris_parse.pages.to010 import common


@pytest.mark.parametrize(("number", "public"), [
    ("Ö 1", True), ("Ö 3.1.1", True), ("N 24", False), ("NÖ 2", False), ("4.1", None), ("Nr. 3", None),
])
def test_public_from_top_marker(number: str, public: bool | None) -> None:
    assert common.public_of(number) is public


@pytest.mark.parametrize(("shown", "expected"), [
    ("ungeändert beschlossen", ("ungeändert beschlossen", "adopted")),
    ("geändert beschlossen", ("geändert beschlossen", "adopted_with_changes")),
    ("zur Kenntnis genommen", ("zur Kenntnis genommen", "noted")),
    ("abgelehnt", ("abgelehnt", "rejected")),
    ("(offen)", (None, None)),
    ("Sonderfall", ("Sonderfall", None)),
])
def test_result_as_shown_and_normalised(shown: str, expected: tuple[str | None, str | None]) -> None:
    assert common.result_of(shown) == expected


@pytest.mark.parametrize(("heading", "title"), [
    ("Tagesordnung - Sitzung des Bauausschusses  ", "Sitzung des Bauausschusses"),
    ("Schulausschuss - 01.09.2026", None),
    ("Sitzungskalender", None),
])
def test_heading_title_is_a_name_never_a_generated_heading(heading: str, title: str | None) -> None:
    assert common.heading_title(heading) == title


def test_zusatzinfo_is_split_from_the_title() -> None:
    assert common.split_note("Grundstücksangelegenheit (Referent: A. B.)", "(Referent: A. B.)") == (
        "Grundstücksangelegenheit", "(Referent: A. B.)")


def test_group_and_continuation_rows_are_not_items() -> None:
    page = Path(__file__).parent / "fixtures" / "to010" / "classic-full-cp1252" / "input.html"
    record = parse_page(page.read_bytes(), path=page.name)
    assert isinstance(record, Meeting)
    assert [i.number for i in record.agenda_items] == ["Ö 1", "Ö 2", "Ö 3", "Ö 3.1", "N 4"]
    # Ö 2 links an earlier Sitzung, not a Vorlage
    assert record.agenda_items[1].paper_reference is None


def test_corpus_meetings(shared: Path) -> None:
    pages = sorted((shared / "corpus" / "html").rglob("*to010*.html"))
    assert pages
    for page in pages:
        record = parse_page(page.read_bytes(), path=str(page))
        assert isinstance(record, Meeting), page
        assert record.agenda_items, page
        assert record.date is not None, page
        numbers = [item.number or "" for item in record.agenda_items]
        assert all(n[:1] in ("Ö", "N") for n in numbers), (page, numbers)
        assert all(item.title for item in record.agenda_items), page

"""to020 (Auszug) and vo040 (paper list): result normalisation, vote counts, and the real corpus pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from allris_parse import parse_page
from allris_parse.models import AgendaItem, PaperList, Section
from allris_parse.normalize import normalize_result
from allris_parse.pages.to020 import read_votes


@pytest.mark.parametrize(("shown", "normalized"), [
    ("zur Kenntnis genommen", "noted"),
    ("ungeändert beschlossen", "adopted"),
    ("geändert beschlossen", "adopted_amended"),
    ("mit Änderungen im Ausschuss beschlossen", "adopted_amended"),
    ("abgelehnt", "rejected"),
    ("vertagt", "postponed"),
    ("zurückgezogen", "withdrawn"),
    ("irgendetwas", None),
    (None, None),
])
def test_normalize_result(shown: str | None, normalized: str | None) -> None:
    assert normalize_result(shown) == normalized


def test_votes_glued_with_dashes() -> None:
    text = "einstimmig\n\nZustimmung: 12Ablehnung: -Enthaltung: -"
    votes = read_votes([Section(heading="Abstimmungsergebnis", text=text)])
    assert votes is not None
    assert (votes.yes, votes.no, votes.abstentions) == (12, 0, 0)
    assert votes.text == "einstimmig\nZustimmung: 12Ablehnung: -Enthaltung: -"


def test_votes_only_from_the_vote_section() -> None:
    assert read_votes([Section(heading="Wortprotokoll", text="Ja: 3 Nein: 1")]) is None
    assert read_votes([Section(heading="Abstimmungsergebnis", text="Der Ausschuss nimmt Kenntnis.")]) is None


def test_corpus_auszuege(shared: Path) -> None:
    pages = [*sorted((shared / "corpus/html/bv-hh").glob("*/to020.html")),
             *sorted((shared / "corpus/text").glob("*to020*.txt"))]
    assert pages
    for page in pages:
        record = parse_page(page.read_bytes(), path=str(page))
        assert isinstance(record, AgendaItem), page
        assert record.title or record.number, page
        assert all("Reduzieren" not in s.text.split("\n") for s in record.sections), page


def test_corpus_paper_list(shared: Path) -> None:
    page = shared / "corpus/html/bv-hh/vo040.html"
    record = parse_page(page.read_bytes(), path=str(page))
    assert isinstance(record, PaperList)
    assert len(record.papers) == 50
    assert all(p.paper_id and p.reference and p.title and p.date for p in record.papers)


def test_draft_has_exactly_the_agenda_item_fields() -> None:
    """The extractors fill a plain draft and build the record once; a field added to the model must be
    added to the draft too (or the extractors could never set it)."""
    from dataclasses import fields

    from allris_parse.models import AgendaItem
    from allris_parse.pages.to020.draft import Draft

    model_fields = set(AgendaItem.model_fields) - {"kind", "page_type", "source"}
    assert {f.name for f in fields(Draft)} == model_fields

"""vo020 text renderings: the three shapes, glued labels, tick lines kept, truncation warnings."""

from __future__ import annotations

from pathlib import Path

from allris_parse import parse_page
from allris_parse.errors import UnsupportedPageError
from allris_parse.models import Paper
from allris_parse.pages.vo020.text import _first_column, _split_glued

NBSP = "\u00a0"


def _paper(text: str) -> Paper:
    record = parse_page(text.encode("utf-8"), path="page.txt")
    assert isinstance(record, Paper)
    return record


def test_tick_lines_stay_in_the_section_and_nbsp_lines_are_empty() -> None:
    page = "\n\n".join([
        "Inhalt", "ALLRIS - Vorlage", "Drucksache - DrS/2030/5", "Reduzieren", "Finanz. Auswirkung",
        "Finanzielle Auswirkungen:", NBSP, "Nein", NBSP, "x", "Ja:", NBSP, "Reduzieren", "Anlagen", "Loading...",
    ])
    paper = _paper(page)
    assert paper.reference == "DrS/2030/5"
    assert paper.paper_type == "Drucksache"
    [section] = paper.sections
    assert section.heading == "Finanz. Auswirkung"
    assert section.text.split("\n") == ["Finanzielle Auswirkungen:", "", "Nein", "", "x", "", "Ja:"]
    assert not any("truncated" in w for w in paper.warnings)  # ends with the Anlagen panel


def test_heading_repeated_with_colon_is_dropped_but_later_repeats_stay() -> None:
    page = "\n".join([
        "Beschlussvorlage - 12/2030", "Reduzieren", "Sachverhalt", "Sachverhalt:", "Erster Absatz.",
        "Sachverhalt:", "Zweiter Absatz.", "Reduzieren", "Anlagen",
    ])
    [section] = _paper(page).sections
    assert section.text == "Erster Absatz.\nSachverhalt:\nZweiter Absatz."


def test_glued_labels_split_on_known_labels() -> None:
    assert _split_glued("Status:öffentlichVorlage-Art:Beschlussvorlage") == [
        ("Status", "öffentlich"), ("Vorlage-Art", "Beschlussvorlage")]
    assert _split_glued("Federführend:Bauamt Bearbeiter/-in: Muster, Anna") == [
        ("Federführend", "Bauamt "), ("Bearbeiter/-in", " Muster, Anna")]
    assert _split_glued("Status:öffentlichAktenzeichen:12/V") == [("Status", "öffentlich"), ("Aktenzeichen", "12/V")]
    assert _split_glued("Betreff: Antrag zu Status: quo") == [("Betreff", " Antrag zu Status: quo")]
    assert _split_glued("Ein Satz mit Status: drin") == []


def test_two_value_columns_take_the_first() -> None:
    assert _first_column("BezirksamtBezirksamt") == "Bezirksamt"
    assert _first_column("Vorlage zur KenntnisnahmeBeschluss") == "Vorlage zur Kenntnisnahme"
    assert _first_column("Bauamt") == "Bauamt"


def test_classic_header_with_two_columns_and_truncation_by_size() -> None:
    lines = [
        "Drucksache - 77/V", "", NBSP, "Betreff: Haushalt 2031", "Status:öffentlichAktenzeichen:12/V",
        " Ursprungaktuell", "Initiator:BezirksamtBezirksamt", "Drucksache-Art:Vorlage zur KenntnisnahmeBeschluss",
        "Beratungsfolge:", "Ausschuss für Finanzen Empfehlung", "02.09.2030 ",
        "5. Sitzung des Ausschusses für Finanzen vertagt   ", "", "Sachverhalt", "",
    ]
    body = "Der Haushaltsplan wird beschlossen. " * 60
    paper = _paper("\n".join(lines) + "\n" + body[:1900 - len("\n".join(lines))])
    assert paper.status == "öffentlich"
    assert paper.author == "Bezirksamt"
    assert paper.paper_type == "Vorlage zur Kenntnisnahme"
    [consultation] = paper.consultations
    assert (consultation.committee, consultation.role, consultation.result) == (
        "Ausschuss für Finanzen", "Empfehlung", "vertagt")
    assert consultation.meeting_title == "5. Sitzung des Ausschusses für Finanzen"
    assert [s.heading for s in paper.sections] == ["Sachverhalt"]
    assert any(w.startswith("text rendering looks truncated") for w in paper.warnings)


def test_a_text_auszug_is_not_a_vorlage() -> None:
    page = "Inhalt\nALLRIS - Auszug\n\nTOP: Ö 3\nGremium: Bauausschuss\nBeschlussart: ungeändert beschlossen\n"
    try:
        record = parse_page(page.encode("utf-8"), path="page.txt")
    except UnsupportedPageError:
        return  # before the to020 extractor exists
    assert record.page_type == "to020"


def test_corpus_text_vorlagen_read_without_noise(shared: Path) -> None:
    pages = sorted((shared / "corpus" / "text").glob("*vo020*.txt"))
    assert pages
    for page in pages:
        paper = parse_page(page.read_bytes(), path=str(page))
        assert isinstance(paper, Paper), page.name
        assert paper.reference, page.name
        assert paper.sections, page.name
        values = [paper.title or "", *(s.text for s in paper.sections), *(s.heading or "" for s in paper.sections)]
        lines = {line.strip() for value in values for line in value.split("\n")}
        assert not lines & {"Reduzieren", "Loading...", "Inhalt", "ALLRIS - Vorlage", "Grunddaten"}, page.name

"""ALLRIS 4 and responsive vo020 pages: fields, Beratungsfolge, noise, on fixtures and real pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from allris_parse import parse_page
from allris_parse.models import Paper

FIXTURES = Path(__file__).parent / "fixtures" / "vo020"
NOISE = ("Reduzieren", "Loading...", "Neu laden", "Wiedervorlage", "Seite versenden", "Dokument auswählen",
         "Keine Zusammenstellung", "Drucken", "Sie sind hier:", "(Vorlage freigegeben)",
         "Diese Seite verwendet nur Cookies, die für den technischen Betrieb notwendig sind.")


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _paper(html: str | bytes, url: str | None = None) -> Paper:
    record = parse_page(html, path="page.html", url=url)
    assert isinstance(record, Paper)
    return record


def _assert_no_noise(paper: Paper) -> None:
    for value in _strings(paper.model_dump(mode="json")):
        for line in [value, *value.splitlines()]:
            assert line.strip() not in NOISE, f"noise {line!r} kept"
        assert "(Vorlage freigegeben)" not in value


@pytest.mark.parametrize("case", ["allris4-standalone", "allris4-embedded", "responsive-basic"])
def test_fixture_values_hold_no_interface_text(case: str) -> None:
    paper = _paper((FIXTURES / case / "input.html").read_bytes())
    _assert_no_noise(paper)
    assert paper.reference and paper.title and paper.consultations


def test_responsive_heading_puts_number_first_and_doubled_table_gives_each_row_once() -> None:
    paper = _paper((FIXTURES / "responsive-basic" / "input.html").read_bytes())
    assert paper.source.flavour == "responsive"
    assert (paper.reference, paper.paper_type) == ("VO/2031/042", "öffentliche Beschlussvorlage")
    assert [c.committee for c in paper.consultations] == ["Ausschuss für Mobilität", "Kreisausschuss"]
    assert paper.consultations[0].status == "Erledigt"
    assert paper.consultations[0].agenda_item_id == 33017
    assert [s.heading for s in paper.sections] == ["Sachverhalt", "Beschlussvorschlag"]
    assert [d.document_id for d in paper.documents] == [90011, 90012]


def test_committee_with_two_meetings_gives_one_consultation_per_meeting() -> None:
    paper = _paper((FIXTURES / "allris4-standalone" / "input.html").read_bytes())
    rows = [(c.committee, c.date.isoformat() if c.date else None, c.result) for c in paper.consultations]
    assert rows == [("Bauausschuss", "2031-01-29", "vertagt"),
                    ("Bauausschuss", "2031-02-19", "ungeändert beschlossen"),
                    ("Stadtrat", "2031-03-12", None),
                    ("Ortsbeirat Nord", None, None)]
    assert [a.size for a in paper.attachments] == ["1,2 MB", "88,4 kB"]  # deduped, size from the table
    assert all(d.role == "document" for d in paper.documents)


def test_paper_id_from_links_when_scripts_are_gone() -> None:
    html = (FIXTURES / "allris4-standalone" / "input.html").read_text(encoding="utf-8")
    without_base_url = html.replace('Wicket.Ajax.baseUrl="vo020?VOLFDNR=2004711&amp;refresh=false";', "")
    assert _paper(without_base_url).paper_id == 2004711


def test_hidden_placeholder_rows_and_missing_fields_stay_none() -> None:
    html = ('<html><head><meta name="description" content="ALLRIS net Version 4.1.7"/></head><body>'
            '<div id="allris"><h1 class="title">Mitteilung - M/2031/5</h1><div id="headLeft">'
            '<div class="row"><dl><dt><a aria-describedby="vobetreff">Betreff:</a></dt>'
            '<dd><span id="vobetreff">Sachstand</span></dd></dl></div>'
            '<div data-wicket-placeholder="" hidden="" id="id1"></div></div></div></body></html>')
    paper = _paper(html)
    assert (paper.reference, paper.paper_type, paper.title) == ("M/2031/5", "Mitteilung", "Sachstand")
    assert paper.author is None and paper.status is None and paper.consultations == []


@pytest.mark.parametrize("name", ["Ratslotse/laatzen_vo020.html", "Ratsblick/trier-vo020-1001540.html"])
def test_real_allris4_pages(shared: Path, name: str) -> None:
    paper = _paper((shared / "corpus" / "html" / name).read_bytes())
    _assert_no_noise(paper)
    assert paper.source.flavour == "allris4"
    assert paper.status == "öffentlich"
    assert paper.paper_id and paper.reference and paper.title
    assert len(paper.attachments) == 1 and paper.attachments[0].size
    assert {d.title for d in paper.documents} == {"Vorlage", "Sammeldokument"}

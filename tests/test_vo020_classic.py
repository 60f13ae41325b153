"""Focused tests of the classic ALLRIS net 3.x vo020 extractor (pages/vo020/classic.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from allris_parse import parse_page
from allris_parse.models import Paper

HEAD = (
    '<?xml version="1.0" encoding="iso-8859-1"?>\n<html><head>'
    '<meta http-equiv="content-type" content="text/html; charset=iso-8859-1" />{meta}</head><body>'
    '<div id="allriscontainer" class="vo020"><div id="risname"><h1>Vorlage - {ref}&nbsp;</h1></div>'
    '<div id="rismain">'
)
TAIL = "</div></div></body></html>"


def _page(body: str, *, ref: str = "VO/1/2", meta: str = "", url: str | None = None) -> Paper:
    html = HEAD.format(meta=meta, ref=ref) + body + TAIL
    record = parse_page(html.encode("cp1252"), path="vo020.html", url=url)
    assert isinstance(record, Paper)
    return record


def _section(name: str, inner: str) -> str:
    return (f'<a name="{name}"></a><?xml version="1.0" encoding="iso-8859-1"?><html><head><title></title></head>'
            f"<body><div>{inner}</div></body></html>")


def _meta_table(rows: str, right: str = "") -> str:
    return (f'<table class="tk1"><tr><td class="ko1"><table class="tk1">{rows}</table></td>'
            f'<td class="ko2"></td><td class="me1"><table class="tk1"><tr><td class="me1">{right}</td></tr>'
            "</table></td></tr></table><hr />")


def test_reference_from_heading_and_fields_from_label_cells() -> None:
    paper = _page(_meta_table(
        '<tr><td class="kb1">Betreff:</td><td class="text1">Erste Zeile<br />zweite\tZeile</td></tr>'
        '<tr><td class="kb1">Status:</td><td class="text3">öffentlich</td>'
        '<td class="kb1">Vorlage-Art:</td><td class="text4">Beschlussvorlage</td></tr>'
        '<tr><td class="kb1">Berichterstatter/in:</td><td class="text4">Frau Beispiel</td></tr>'
        '<tr><td class="kb1">Federführend:</td><td class="text4">Amt 1</td>'
        '<td class="kb1">&nbsp;</td><td class="text4">&nbsp;</td></tr>'), ref="2026/12-1")
    assert paper.reference == "2026/12-1"
    assert paper.title == "Erste Zeile zweite Zeile"
    assert (paper.status, paper.paper_type, paper.author, paper.lead_department) == (
        "öffentlich", "Beschlussvorlage", "Frau Beispiel", "Amt 1")
    assert paper.editor is None and paper.date is None


def test_paper_id_from_object_id_meta_else_forms_else_url() -> None:
    assert _page("", meta='<meta name="objectID" content="321" />').paper_id == 321
    form = ('<form action="vo021.asp" method="post"><input type="hidden" name="VOLFDNR" value="654" />'
            '<input type="submit" value="Beschlüsse" /></form>')
    assert _page(_meta_table("", right=form)).paper_id == 654
    assert _page("", url="https://ris.example.org/bi/vo020.asp?VOLFDNR=987").paper_id == 987
    assert _page("").paper_id is None


def test_consultation_head_rows_without_meeting_and_several_meetings() -> None:
    rows = (
        '<tr class="zl11"><td title="Erledigt"></td><td class="text1" colspan="3">Ausschuss A</td>'
        '<td class="text1" colspan="3">Vorberatung</td></tr>'
        '<tr class="zl11"><td title="Erledigt"></td><td class="text2">01.02.2026&nbsp;</td>'
        '<td><form action="to010.asp"><input type="hidden" name="SILFDNR" value="11" /></form></td>'
        '<td><a href="to010.asp?SILFDNR=11">Sitzung A1</a></td><td class="text3">vertagt</td><td></td>'
        '<td><form action="to020.asp"><input type="hidden" name="TOLFDNR" value="21" /></form></td></tr>'
        '<tr class="zl11"><td title="Erledigt"></td><td class="text2">08.02.2026</td><td>&nbsp;</td>'
        '<td>Sitzung A2</td><td class="text3">&nbsp;</td><td></td><td></td></tr>'
        '<tr class="zl12"><td title="Geplant"></td><td class="text1" colspan="3">Rat</td>'
        '<td class="text1" colspan="3"></td></tr>'
    )
    paper = _page(_meta_table(
        '<tr><td class="kb1">Beratungsfolge:</td></tr>'
        f'<tr><td colspan="4"><table>{rows}</table></td></tr>'))
    got = [(c.committee, c.role, str(c.date), c.meeting_title, c.result, c.status, c.meeting_id, c.agenda_item_id)
           for c in paper.consultations]
    assert got == [
        ("Ausschuss A", "Vorberatung", "2026-02-01", "Sitzung A1", "vertagt", "Erledigt", 11, 21),
        ("Ausschuss A", "Vorberatung", "2026-02-08", "Sitzung A2", None, "Erledigt", None, None),
        ("Rat", None, "None", None, None, "Geplant", None, None),
    ]


def test_section_headings_jump_link_first_else_heading_line_else_anchor_name() -> None:
    jump = '<br /><a href="#allrisBV">Beschlussvorschlag</a>'
    body = _meta_table("", right=jump) + (
        _section("allrisBV", '<p><span style="font-weight:bold">Petitum:</span></p><p>Wird beschlossen.</p>')
        + _section("allrisSV", '<p><span style="font-weight:bold">Begründung:</span></p><p>Weil.</p>')
        + _section("allrisAN", "<p>Plan A</p>")
    )
    paper = _page(body)
    assert [(s.heading, s.text) for s in paper.sections] == [
        ("Beschlussvorschlag", "Petitum:\nWird beschlossen."),
        ("Begründung", "Begründung:\nWeil."),
        ("Anlage/n", "Plan A"),
    ]


def test_unformatted_or_long_first_line_is_no_heading() -> None:
    body = _section("allrisSV", "<p>Der Rat möge beschließen:</p><p>Text.</p>") + _section(
        "allrisBV", '<p><b>Der Ausschuss empfiehlt dem Rat nach langer Beratung folgendes:</b></p><p>x</p>')
    assert [s.heading for s in _page(body).sections] == ["Sachverhalt", "Beschlussvorschlag"]


def test_split_spans_joined_and_symbol_font_bullets() -> None:
    body = _section("allrisSV", (
        '<p><span>Trä</span><span>gern und Verbän</span><span>den</span></p>'
        '<p><span style="font-family:Wingdings">&#xf0a7;</span><span>&#xa0;&#xa0; erstens</span></p>'
        '<p><span style="font-family:Wingdings">§</span><span>&#xa0; zweitens</span></p>'
        '<p><span style="font-family:Symbol">·</span><span> drittens</span></p>'
        '<p><span style="font-family:Arial">§ 27 BezVG</span></p>'))
    assert _page(body).sections[0].text == "Trägern und Verbänden\n• erstens\n• zweitens\n• drittens\n§ 27 BezVG"


def test_attachments_deduplicated_with_sizes_and_documents_apart() -> None:
    right = (
        '<form action="do027.asp" method="post"><input type="hidden" name="DOLFDNR" value="500" />'
        '<input type="hidden" name="options" value="64" /><input type="submit" value="Vorlage" /></form>'
        '<table class="tk1"><tr><td class="kb1">Anlagen:</td></tr>'
        '<tr><td class="text3"><a href="___tmp/a.pdf">Plan (Entwurf)</a></td></tr>'
        '<tr><td class="text3"><a href="___tmp/x">Gutachten (1)</a></td></tr>'
        '<tr><td class="text3"><a href="___tmp/x">Gutachten (2)</a></td></tr></table>'
    )
    bottom = (
        '<table class="tk1"><tr><td class="kb1">Anlagen:</td></tr>'
        '<tr><td class="text3"><a href="___tmp/a.pdf">Plan (Entwurf) (1.234 KB)</a></td></tr>'
        '<tr><td class="text3"><a href="___tmp/x">Gutachten (1) (12 KB)</a></td></tr>'
        '<tr><td class="text3"><a href="___tmp/x">Gutachten (2) (3 MB)</a></td></tr></table>'
    )
    paper = _page(_meta_table("", right=right) + _section("allrisAN", "<p>Anlagen</p>") + bottom)
    assert [(a.title, a.url, a.size) for a in paper.attachments] == [
        ("Plan (Entwurf)", "___tmp/a.pdf", "1.234 KB"),
        ("Gutachten (1)", "___tmp/x", "12 KB"),
        ("Gutachten (2)", "___tmp/x", "3 MB"),
    ]
    assert [(d.title, d.role, d.document_id, d.url) for d in paper.documents] == [
        ("Vorlage", "document", 500, "do027.asp?DOLFDNR=500&options=64")]
    assert [s.text for s in paper.sections] == ["Anlagen"]


CORPUS_CLASSIC = [
    "html/bv-hh/altona/vo020.html", "html/bv-hh/bergedorf/vo020.html", "html/bv-hh/eimsbuettel/vo020.html",
    "html/bv-hh/hamburg_mitte/vo020.html", "html/bv-hh/hamburg_nord/vo020.html",
    "html/Ratslotse/hildesheim_vo020.html", "html/Ratsblick/winnweiler-vo020-1922.html",
    "html/Ratsmonitor/rgb-vo020.html",
]


@pytest.mark.parametrize("page", CORPUS_CLASSIC)
def test_corpus_classic_pages_give_clean_records(shared: Path, page: str) -> None:
    path = shared / "corpus" / page
    paper = parse_page(path.read_bytes(), path=str(path))
    assert isinstance(paper, Paper)
    assert paper.source.flavour == "classic"
    assert paper.reference and paper.title and paper.consultations
    for section in paper.sections:
        assert "Reduzieren" not in section.text and "DOCTYPE" not in section.text
    titles = [a.title for a in paper.attachments]
    assert len(titles) == len(set(titles)) and not any(t.endswith("KB)") for t in titles)

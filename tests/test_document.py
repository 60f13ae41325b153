"""Document detection: input format, ALLRIS flavour and page type, each from the page itself first."""

from __future__ import annotations

import hashlib

import pytest

from allris_parse.document import load
from allris_parse.errors import InputError


def _html(body: str, head: str = "") -> bytes:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>".encode()


# --- format -------------------------------------------------------------------------------------


def test_html_is_parsed_once_into_a_tree() -> None:
    doc = load(_html("<p>Betreff</p>"))
    assert doc.format == "html"
    assert doc.root is not None
    assert doc.html.findtext(".//p") == "Betreff"
    assert doc.lines == []


def test_text_rendering_is_split_into_lines() -> None:
    doc = load(b"Inhalt\nALLRIS - Vorlage\nBeschlussvorlage - 22-0815\n")
    assert doc.format == "text"
    assert doc.root is None
    assert doc.lines[:2] == ["Inhalt", "ALLRIS - Vorlage"]
    with pytest.raises(TypeError):
        _ = doc.html


def test_html_fragment_without_html_element_is_html() -> None:
    doc = load(b'<div id="allriscontainer" class="vo020"><table class="tk1"><tr><td>x</td></tr></table></div>')
    assert doc.format == "html"
    assert doc.page_type == "vo020"


def test_text_mentioning_markup_words_is_still_text() -> None:
    doc = load(b"ALLRIS - Vorlage\nBetreff: Tabelle und Formular im Rathaus\n")
    assert doc.format == "text"


def test_source_block() -> None:
    data = _html('<div id="allriscontainer" class="vo020"><p>x</p></div>')
    doc = load(data, path="pages/a.html", url="https://ris.example/bi/vo020.asp?VOLFDNR=7")
    source = doc.source()
    assert source.path == "pages/a.html"
    assert source.url == "https://ris.example/bi/vo020.asp?VOLFDNR=7"
    assert source.format == "html"
    assert source.flavour == "classic"
    assert source.sha256 == hashlib.sha256(data).hexdigest()
    assert source.encoding == "utf-8"


def test_windows_1252_page_keeps_its_characters_in_the_tree() -> None:
    data = (b'<?xml version="1.0" encoding="iso-8859-1"?>\n<html><body>'
            b'<div id="allriscontainer" class="vo020"><p>\x84Gr\xfcnfl\xe4che\x93 \x96 5\x80</p></div></body></html>')
    doc = load(data)
    assert doc.encoding == "windows-1252"
    assert doc.html.findtext(".//p") == "„Grünfläche“ – 5€"


# --- flavour and page type ------------------------------------------------------------------------


@pytest.mark.parametrize("page_type", ["vo020", "to010", "to020", "si010", "au020", "fr020"])
def test_classic_container_class_is_the_page_type(page_type: str) -> None:
    doc = load(_html(f'<div id="allriscontainer" class="{page_type}"><p>x</p></div>',
                     '<meta name="description" content="ALLRIS net Version 3.9.5 (221117m)">'))
    assert (doc.flavour, doc.page_type) == ("classic", page_type)


def test_responsive_r_template() -> None:
    doc = load(_html('<div id="allris" class="vo020 normal"><div id="headLeft">x</div></div>'))
    assert (doc.flavour, doc.page_type) == ("responsive", "vo020")


def test_responsive_variant_suffix_is_dropped() -> None:
    doc = load(_html('<div id="allris" class="si010_r normal"><p>x</p></div>'))
    assert (doc.flavour, doc.page_type) == ("responsive", "si010")


def test_allris4_wicket_base_url_names_the_page_type() -> None:
    head = ('<meta name="description" content="ALLRIS net Version 4.1.7 (4170041)">'
            '<script>Wicket.Ajax.baseUrl="vo020?VOLFDNR=1001&amp;refresh=false";</script>')
    doc = load(_html('<div id="allris"><h1 class="title">Antrag - 12/2026</h1></div>', head))
    assert (doc.flavour, doc.page_type) == ("allris4", "vo020")
    assert not doc.html.xpath("//script"), "scripts are noise and removed after detection"


def test_allris4_to010_base_url() -> None:
    doc = load(_html('<div id="allris"><p>x</p></div>', '<script>Wicket.Ajax.baseUrl="to010?SILFDNR=4";</script>'))
    assert (doc.flavour, doc.page_type) == ("allris4", "to010")


def test_allris4_without_base_url_falls_back_to_markers() -> None:
    doc = load(_html('<div id="allris"><dl><dd id="vobetreff">Radweg</dd></dl></div>',
                     '<meta name="description" content="ALLRIS net Version 4.1.5">'))
    assert (doc.flavour, doc.page_type) == ("allris4", "vo020")


def test_allris4_without_base_url_falls_back_to_the_address() -> None:
    doc = load(_html('<div id="allris"><p>x</p></div>', '<meta name="description" content="ALLRIS net Version 4.1.5">'),
               url="https://www.kreis.example/buergerinformationssystem/to020?TOLFDNR=26122")
    assert (doc.flavour, doc.page_type) == ("allris4", "to020")


def test_embedded_classic_print_layout() -> None:
    doc = load(_html('<div class="allriscontent"><div id="rismain_raw">'
                     '<table class="tk1"><tr><td class="kb1">Beratungsfolge:</td><td>x</td></tr></table></div></div>'))
    assert (doc.flavour, doc.page_type) == ("classic", "vo020")



@pytest.mark.parametrize(("region", "outside", "expected"), [
    ('<a name="allrisBV"></a><p>Beschlussvorschlag</p>', "", "vo020"),
    ('<a name="allrisSV"></a>', "", "vo020"),
    ('<a name="allrisWP"></a>', "", "to020"),
    # another element holds the anchor's name as its id first: the anchor is still found
    ('<div id="allrisBS"></div><a name="allrisBS"></a>', "", "to020"),
    # an anchor outside the ALLRIS region is no marker
    ("<p>x</p>", '<a name="allrisAE"></a>', None),
    # the word alone is no marker, the label cell that starts with it is
    ('<table><tr><td class="kb1">Status:</td><td>Beratungsfolge</td></tr></table>', "", None),
    ('<table><tr><td class="kb1"> Beratungsfolge:</td></tr></table>', "", "vo020"),
])
def test_embedded_page_markers(region: str, outside: str, expected: str | None) -> None:
    """Each marker alternative is guarded by a cheap look (the id index, words of the text) before its walk;
    the guard must not hide a marker that is there."""
    doc = load(_html(f'{outside}<div id="rismain_raw">{region}</div>'))
    assert doc.page_type == expected

@pytest.mark.parametrize(("path", "expected"), [
    ("saved/vo020.asp.html", "vo020"),
    ("saved/trier-vo020-1001540.html", "vo020"),
    ("saved/si010_e.html", "si010"),
    ("saved/lkos-to010_r.html", "to010"),
    ("export/au020.htm", "au020"),
    ("export/page.html", None),
    ("export/avo0201.html", None),  # no code inside a longer word
])
def test_file_name_hint(path: str, expected: str | None) -> None:
    doc = load(_html("<p>Ein Dokument ohne Kennzeichen</p>"), path=path)
    assert doc.page_type == expected


def test_url_hint_beats_file_name() -> None:
    doc = load(_html("<p>x</p>"), path="download/page-to010.html",
               url="https://ris.example/bi/vo020.asp?VOLFDNR=5")
    assert doc.page_type == "vo020"


def test_page_markup_beats_address_hints() -> None:
    doc = load(_html('<div id="allriscontainer" class="to020"><p>x</p></div>'), path="saved/vo020.html")
    assert doc.page_type == "to020"


# --- text renderings ------------------------------------------------------------------------------


@pytest.mark.parametrize(("title", "expected"), [
    ("ALLRIS - Vorlage", "vo020"), ("ALLRIS - Auszug", "to020"), ("ALLRIS - Sitzung", "to010"),
    ("ALLRIS - Gremium", "au020"),
])
def test_text_title_line(title: str, expected: str) -> None:
    doc = load(f"Inhalt\n{title}\nBetreff: Radweg am Mühlenteich\n".encode())
    assert doc.page_type == expected


def test_text_title_line_beats_address_and_markers() -> None:
    doc = load(b"ALLRIS - Auszug\nBetreff: Radweg\n", path="x/vo020_1.txt")
    assert doc.page_type == "to020"


def test_text_without_title_uses_the_file_name() -> None:
    doc = load(b"Radweg am Teich\nnoch eine Zeile\n", path="texts/ris.example_vo020_5110.txt")
    assert doc.page_type == "vo020"


def test_text_content_markers() -> None:
    assert load(b"Betreff: Radweg\nStatus: oeffentlich\n").page_type == "vo020"
    assert load(b"TOP: 4.2\nBetreff: Radweg\n").page_type == "to020"
    assert load(b"Ein Brief an die Stadt\n").page_type is None


@pytest.mark.parametrize(("lines", "flavour"), [
    ("ALLRIS - Vorlage\nBetreff: Radweg\nStatus: öffentlich\n", "classic"),
    ("ALLRIS - Vorlage\nVorlage - 12/2026\nReduzieren\nSachverhalt\n", "allris4"),
    ("ALLRIS - Vorlage\nAntrag - 12/2026\nGrunddaten\n- Betreff:\n- Radweg\n", "allris4"),
    ("ALLRIS - Vorlage\nRadweg\n", "unknown"),
])
def test_text_flavour(lines: str, flavour: str) -> None:
    assert load(lines.encode()).flavour == flavour


# --- noise and bad input ----------------------------------------------------------------------------


def test_html_noise_is_stripped_after_detection() -> None:
    doc = load(_html('<div id="allris"><div><img alt="Loading..." src="l.gif"/></div>'
                     '<a href="#"><img alt="Reduzieren" src="r.svg"/></a><p>Inhalt des Antrags</p>'
                     '<aside id="legende"><img src="checked_checkbox_black.svg"/>Dokument auswählen</aside></div>',
                     '<style>p{}</style><script>Wicket.Ajax.baseUrl="vo020?VOLFDNR=1";</script>'))
    text = doc.html.text_content()
    assert "Inhalt des Antrags" in text
    # the toggles and the placeholder are images: their words are in alt, never in the text
    for noise in ("Loading...", "Reduzieren", "Dokument auswählen", "Wicket", "p{}"):
        assert noise not in text
    assert not doc.html.xpath("//script | //style | //aside")
    assert doc.page_type == "vo020"


def test_binary_input_is_an_input_error() -> None:
    with pytest.raises(InputError, match="PDF"):
        load(b"%PDF-1.4\n1 0 obj\n")

"""Checkbox groups in every tick shape, in text renderings and HTML, and what the known groups mean."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import lxml.html
import pytest

from allris_parse import parse_page
from allris_parse.checkboxes import FormReading, read_html, read_lines
from allris_parse.models import Paper

NBSP = "\u00a0"


def html(body: str) -> FormReading:
    return read_html(lxml.html.document_fromstring(f"<html><body>{body}</body></html>"))


def ticks(reading: FormReading) -> list[tuple[str | None, str, bool | None]]:
    return [(c.group, c.label, c.checked) for c in reading.checkboxes]


# --- text renderings: the seed's "x" line before the option it ticks --------------------------------

SEED_LIKE = [
    "Finanz. Auswirkung", "", "Finanzielle Auswirkungen:", "", NBSP, "", "Nein", "", NBSP, "", "x", "", "Ja:", "",
    NBSP, "", "x", "", "Darstellung der einmaligen Kosten, Folgekosten", "", NBSP, "", "505.000€", "", NBSP, "",
    "Mittelbereitstellung", NBSP, "Teilplan: 4711000", NBSP, "In der Ergebnisrechnung", "Produktkonto:", NBSP,
    "In der Finanzrechnung investiv", "Produktkonto: 123400", NBSP, NBSP,
    "Steuerliche Relevanz", NBSP, "Einschätzung durch den FD 20.00 erfolgt", NBSP, NBSP,
    "Keine steuerliche Relevanz gegeben", NBSP, NBSP,
    "Belange von Menschen mit Beeinträchtigungen sind betroffen:", NBSP, "Nein", NBSP, "x", "Ja:", NBSP,
    "Belange von Menschen mit Beeinträchtigungen wurden berücksichtigt:", NBSP, "Nein", NBSP, "x", "Ja:", NBSP,
    "Reduzieren", "Anlagen",
]


def test_text_x_line_ticks_the_option_after_it() -> None:
    reading = read_lines(SEED_LIKE)
    assert reading.finance is not None
    assert reading.finance.impact is True
    assert reading.finance.one_time_costs == Decimal("505000")
    assert reading.finance.budget_plan == "4711000"
    assert reading.finance.investment_account == "123400"
    assert reading.finance.result_account is None
    assert reading.finance.tax_relevance is None  # neither option ticked
    assert reading.accessibility is not None
    assert (reading.accessibility.affected, reading.accessibility.considered) == (True, True)
    assert ("Finanzielle Auswirkungen", "Nein", False) in ticks(reading)
    assert ("Finanzielle Auswirkungen", "Ja", True) in ticks(reading)
    assert ("Steuerliche Relevanz", "Keine steuerliche Relevanz gegeben", False) in ticks(reading)
    costs = next(c for c in reading.checkboxes if c.label.startswith("Darstellung"))
    assert costs.checked is True
    assert costs.value == "505.000€"
    assert reading.warnings == []


def test_text_nein_ticked() -> None:
    reading = read_lines(["Finanzielle Auswirkungen:", "x", "Nein", NBSP, "Ja:"])
    assert reading.finance is not None
    assert reading.finance.impact is False
    assert ticks(reading) == [("Finanzielle Auswirkungen", "Nein", True), ("Finanzielle Auswirkungen", "Ja", False)]


@pytest.mark.parametrize("glyph", ["☒", "☑", "⌧", "✓", "✔", "\uf078", "\uf0fd", "\uf0fe", "[x]"])
def test_text_ticked_glyphs(glyph: str) -> None:
    reading = read_lines(["Belange von Menschen mit Beeinträchtigungen sind betroffen:", f"☐ Nein {glyph} Ja"])
    assert reading.accessibility is not None
    assert reading.accessibility.affected is True


@pytest.mark.parametrize("empty", ["☐", "\uf0a8", "\uf06f", "[ ]"])
def test_text_empty_glyphs(empty: str) -> None:
    reading = read_lines(["Belange von Menschen mit Beeinträchtigungen wurden berücksichtigt:", f"☒ Nein {empty} Ja"])
    assert reading.accessibility is not None
    assert reading.accessibility.considered is False
    assert [c.checked for c in reading.checkboxes] == [True, False]


def test_text_box_after_label_and_unknown_group() -> None:
    reading = read_lines(["Klimarelevanz: Nein ☐ Ja ☒"])
    assert ticks(reading) == [("Klimarelevanz", "Nein", False), ("Klimarelevanz", "Ja", True)]
    assert reading.finance is None
    assert reading.accessibility is None


def test_text_word_bullet_is_not_a_box() -> None:
    assert read_lines(["\uf0a7 erster Punkt", "\uf0a7 zweiter Punkt"]) == FormReading()


def test_contradiction_gives_none_and_a_warning() -> None:
    reading = read_lines(["Finanzielle Auswirkungen:", "☒ Nein", "☒ Ja"])
    assert reading.finance is not None
    assert reading.finance.impact is None
    assert any("both answers are ticked" in w for w in reading.warnings)


def test_contradiction_in_an_unknown_group_is_warned() -> None:
    reading = read_lines(["Klimarelevanz:", "☒ Nein", "☒ Ja"])
    assert [c.checked for c in reading.checkboxes] == [True, True]
    assert any("Klimarelevanz" in w for w in reading.warnings)


def test_nothing_ticked_is_none_without_contradiction_warning() -> None:
    reading = read_lines(["Steuerliche Relevanz", "☐ Einschätzung durch den FD 20 erfolgt",
                          "☐ Keine steuerliche Relevanz gegeben"])
    assert reading.finance is not None
    assert reading.finance.tax_relevance is None
    assert reading.warnings == []


def test_tax_relevance_tri_state() -> None:
    yes = read_lines(["Steuerliche Relevanz", "☒ Einschätzung durch den FD 20 erfolgt", "☐ Keine steuerliche Relevanz"])
    no = read_lines(["Steuerliche Relevanz", "☐ Einschätzung durch den FD 20 erfolgt", "☒ Keine steuerliche Relevanz"])
    assert yes.finance is not None and yes.finance.tax_relevance is True
    assert no.finance is not None and no.finance.tax_relevance is False


def test_ticked_cost_row_without_amount_is_warned() -> None:
    reading = read_lines(["Finanzielle Auswirkungen:", "☐ Nein", "☒ Ja",
                          "☒ Darstellung der einmaligen Kosten, Folgekosten"])
    assert reading.finance is not None
    assert reading.finance.impact is True
    assert reading.finance.one_time_costs is None
    assert any("no amount" in w for w in reading.warnings)


def test_amount_with_nein_ticked_is_warned() -> None:
    reading = read_lines(["Finanzielle Auswirkungen:", "☒ Nein", "☐ Ja",
                          "☐ Darstellung der einmaligen Kosten, Folgekosten: 53.000,00 EUR"])
    assert reading.finance is not None
    assert reading.finance.impact is False
    assert reading.finance.one_time_costs == Decimal("53000.00")
    assert any("'Nein' is ticked but an amount" in w for w in reading.warnings)


@pytest.mark.parametrize(("written", "amount"), [
    ("505.000€", Decimal("505000")), ("1.250.000,00 €", Decimal("1250000.00")), ("53.000,00 EUR", Decimal("53000.00")),
])
def test_amounts_are_exact_decimals(written: str, amount: Decimal) -> None:
    reading = read_lines(["Finanzielle Auswirkungen:", "☐ Nein", "☒ Ja",
                          "☒ Darstellung der einmaligen Kosten, Folgekosten", written])
    assert reading.finance is not None
    assert reading.finance.one_time_costs == amount


def test_unplanned_expense_with_amount_and_coverage() -> None:
    reading = read_lines([
        "Finanzielle Auswirkungen:", "☐ Nein", "☒ Ja",
        "☒ Der Beschluss führt zu einer über-/außerplanmäßigen Aufwendung bzw. Auszahlung", "in Höhe von 12.500 Euro",
        "Die Deckung der Haushaltsüberschreitung ist gesichert durch",
        "☒ Minderaufwendungen bzw. -auszahlungen beim Produktkonto:", "5110.5431", "☐ Mehrerträge bzw. -einzahlungen",
    ])
    assert reading.finance is not None
    assert reading.finance.unplanned_expense is True
    assert reading.finance.unplanned_amount == Decimal("12500")
    assert reading.finance.coverage == "Minderaufwendungen bzw. -auszahlungen beim Produktkonto 5110.5431"


def test_mere_mention_is_no_form() -> None:
    assert read_lines(["Finanzielle Auswirkungen: keine", "Es entstehen keine Kosten."]) == FormReading()
    assert html("<p>Finanzielle Auswirkungen: keine</p><p>Ja, das ist so. Nein, das nicht.</p>") == FormReading()


def test_grunddaten_rows_without_tick_marks_give_none_and_a_warning() -> None:
    reading = read_lines(["Finanz. Auswirkung", "Finanzielle Auswirkungen:", "| Nein |", "| Ja: |",
                          "| Darstellung der einmaligen Kosten, Folgekosten |", "|"])
    assert (reading.finance, reading.accessibility, reading.checkboxes) == (None, None, [])
    assert len(reading.warnings) == 1
    assert "without any tick marks" in reading.warnings[0]


def test_unboxed_forms_after_prose_are_found_and_ticks_in_cells_still_count() -> None:
    """Without boxes the reader jumps over prose to the next known group label; a tick cell is a box."""
    reading = read_lines(["Finanzielle Auswirkungen:", "Der Text dazu ist lang genug, um Prosa zu sein, und",
                          "endet hier.", "", "Mittelbereitstellung", "Nein", "Ja",
                          "Steuerliche Relevanz", "Keine steuerliche Relevanz gegeben"])
    assert [w.split("'")[1] for w in reading.warnings] == ["Mittelbereitstellung", "Steuerliche Relevanz"]
    reading = read_lines(["Finanzielle Auswirkungen:", "Prosa dazwischen.", "| x | Ja |", "| | Nein |"])
    assert ticks(reading) == [("Prosa dazwischen.", "Ja", True)]


def test_spacer_lines_alone_make_no_boxes() -> None:
    """Without a single definite tick a no-break-space line cannot be told from a spacer cell."""
    assert read_lines(["Finanzielle Auswirkungen:", NBSP, "Nein", NBSP, "Ja:"]).checkboxes == []


def test_x_in_prose_is_no_tick() -> None:
    assert read_lines(["Die Formel lautet 3 x 4.", "Nein, sagt er."]) == FormReading()


# --- HTML ----------------------------------------------------------------------------------------

WORD_TABLE = """
<div><p><span style="font-family:Arial">Sachverhalt ohne Formular.</span></p>
<p><span style="font-weight:bold">Finanzielle Auswirkungen:</span></p>
<table><tr><td><p>&#xa0;</p></td><td><p>Nein</p></td></tr>
<tr><td><p><span>x</span></p></td><td><p>Ja:</p></td></tr>
<tr><td><p>X</p></td><td><p>Darstellung der einmaligen Kosten, Folgekosten</p></td><td><p>1.250.000,00 €</p></td></tr>
</table>
<p>&#xa0;</p>
<table><tr><td colspan="4"><p>Belange von Menschen mit Beeinträchtigungen sind betroffen:</p></td></tr>
<tr><td><p>x</p></td><td><p>Nein</p></td><td><p>&#xa0;</p></td><td><p>Ja</p></td></tr></table></div>
"""


def test_html_x_cells_with_the_group_label_in_the_paragraph_before() -> None:
    reading = html(WORD_TABLE)
    assert reading.finance is not None
    assert reading.finance.impact is True
    assert reading.finance.one_time_costs == Decimal("1250000.00")
    assert reading.accessibility is not None
    assert reading.accessibility.affected is False
    assert reading.accessibility.considered is None
    assert ("Belange von Menschen mit Beeinträchtigungen sind betroffen", "Ja", False) in ticks(reading)


def test_html_glyphs_inline_and_box_after_label() -> None:
    reading = html("<p>Finanzielle Auswirkungen: ☐ Nein ☒ Ja</p><p>Klimarelevanz: Nein ☒ Ja ☐</p>")
    assert ticks(reading) == [("Finanzielle Auswirkungen", "Nein", False), ("Finanzielle Auswirkungen", "Ja", True),
                              ("Klimarelevanz", "Nein", True), ("Klimarelevanz", "Ja", False)]


def test_html_wingdings_private_use_and_plain_letters() -> None:
    reading = html("""
<p><span style="font-family:Wingdings">&#xf0a7;</span><span> ein Aufzählungspunkt</span></p>
<p><span style="font-family:Wingdings">§</span><span> noch einer</span></p>
<p>Finanzielle Auswirkungen:</p>
<p><span style="font-family:Wingdings">&#xf0a8;</span><span> Nein</span></p>
<p><span style="font-family:Wingdings">&#xf0fe;</span><span> Ja: 53.000,00 EUR</span></p>
<p>Belange von Menschen mit Beeinträchtigungen sind betroffen:</p>
<p><span style="font-family:Wingdings">x</span> Nein <span style="font-family:Wingdings">o</span> Ja</p>""")
    assert reading.finance is not None
    assert reading.finance.impact is True
    assert reading.finance.one_time_costs == Decimal("53000.00")
    assert reading.accessibility is not None
    assert reading.accessibility.affected is False
    assert all("Aufzählungspunkt" not in c.label and "noch einer" not in c.label for c in reading.checkboxes)


def test_html_checkbox_inputs_and_interface_toggles() -> None:
    reading = html("""
<table><tr><td>Belange von Menschen mit Beeinträchtigungen wurden berücksichtigt:</td>
<td><input type="checkbox" disabled="disabled"/> Nein</td>
<td><input type="checkbox" checked="checked"/> Ja</td></tr></table>
<label><input type="checkbox" name="tagesordnung:expandedPanel:alleTops"/> Alle aufklappen</label>""")
    assert ticks(reading) == [
        ("Belange von Menschen mit Beeinträchtigungen wurden berücksichtigt", "Nein", False),
        ("Belange von Menschen mit Beeinträchtigungen wurden berücksichtigt", "Ja", True),
    ]
    assert reading.accessibility is not None
    assert reading.accessibility.considered is True


def test_html_checkbox_images() -> None:
    reading = html("""<div><p>Finanzielle Auswirkungen:</p>
<p><img src="img/checkbox_checked.gif" alt="angekreuzt"/> Nein</p>
<p><img src="img/checkbox_unchecked.gif" alt="nicht angekreuzt"/> Ja</p></div>""")
    assert reading.finance is not None
    assert reading.finance.impact is False
    assert [c.checked for c in reading.checkboxes] == [True, False]


def test_html_legend_icon_is_no_checkbox() -> None:
    assert html('<dl><dt><img src="images/webclient/checked_checkbox_black.svg" alt="Dokument auswählen"/></dt>'
                "<dd>Dokument auswählen</dd></dl>") == FormReading()


def test_html_contradiction() -> None:
    reading = html("<p>Belange von Menschen mit Beeinträchtigungen sind betroffen: ☒ Nein ☒ Ja</p>")
    assert reading.accessibility is not None
    assert reading.accessibility.affected is None
    assert reading.warnings


def test_html_x_in_a_data_table_without_form_words_is_skipped_cheaply() -> None:
    assert html("<table><tr><td>x</td><td>Sitzung</td></tr></table>") == FormReading()


# --- whole pages ---------------------------------------------------------------------------------


def test_seed_page(shared: Path) -> None:
    seed = shared / "seeds" / "000_a481da6cb884f054.txt"
    paper = parse_page(seed.read_bytes(), path=str(seed))
    assert isinstance(paper, Paper)
    assert paper.finance is not None
    assert (paper.finance.impact, paper.finance.one_time_costs) == (True, Decimal("505000"))
    assert paper.accessibility is not None
    assert (paper.accessibility.affected, paper.accessibility.considered) == (True, True)


def test_corpus_pages_without_boxes_have_no_checkboxes(shared: Path) -> None:
    for page in sorted((shared / "corpus").rglob("*vo020*")):
        if page.suffix not in (".html", ".txt"):
            continue
        paper = parse_page(page.read_bytes(), path=str(page))
        assert isinstance(paper, Paper)
        assert (paper.finance, paper.accessibility, paper.checkboxes) == (None, None, []), page.name

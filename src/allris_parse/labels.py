"""Selectors, ids and German labels with their variants across installations, as data.

Extractors read these tables; a new installation's wording is a new entry here, not new code.
Label keys are compared after :func:`label_key` (lower case, no colon, single spaces).
"""

from __future__ import annotations

import re

# --- page types -------------------------------------------------------------------------------

PAGE_TYPE_CODES: tuple[str, ...] = (
    "vo020", "vo040", "vo021", "to010", "to020", "si010", "au020", "au010", "fr020", "fr010",
    "kp020", "kp041", "pa000", "yw040",
)

#: Structural hints for pages whose flavour marker does not name the page type (embedded pages).
HTML_PAGE_MARKERS: tuple[tuple[str, str], ...] = (
    ("vo020", "//*[@id='vobetreff'] | //a[@name='allrisBV' or @name='allrisSV']"
              " | //td[@class='kb1'][starts-with(normalize-space(.), 'Beratungsfolge')]"),
    ("to020", "//a[@name='allrisWP' or @name='allrisBS' or @name='allrisAE']"),
    ("to010", "//table[contains(concat(' ', @class, ' '), ' tl1 ')] | //table[contains(@class, 'toTable')]"),
)

#: Title lines of text renderings ("ALLRIS - Vorlage") and what they mean.
TEXT_PAGE_TITLES: dict[str, str] = {
    "ALLRIS - Vorlage": "vo020",
    "ALLRIS - Auszug": "to020",
    "ALLRIS - Sitzung": "to010",
    "ALLRIS - Tagesordnung": "to010",
    "ALLRIS - Sitzungskalender": "si010",
    "ALLRIS - Gremium": "au020",
    "ALLRIS - Fraktion": "fr020",
}

#: Weaker content hints for text renderings without a title line, tried in order.
TEXT_PAGE_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("to020", re.compile(r"^Auszug - |^TOP:|^- TOP:")),
    ("vo020", re.compile(r"^Betreff:|^Beratungsfolge|^- Betreff:|^Beschlussvorschlag")),
)


def label_key(text: str) -> str:
    """Normalise a label cell ('Federführend:\xa0') for lookup in the tables below."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip().rstrip(":").strip().casefold()


# --- Vorlage (vo020) metadata labels -> record fields ------------------------------------------

PAPER_FIELD_LABELS: dict[str, str] = {
    label_key(label): fieldname
    for fieldname, variants in {
        "title": ("Betreff",),
        "status": ("Status",),
        "paper_type": ("Vorlage-Art", "Vorlageart", "Drucksache-Art", "Drucksachenart", "Art"),
        "lead_department": ("Federführend", "Federführung", "Federführendes Amt", "Federführender Fachbereich",
                            "Federführende Dienststelle"),
        "author": ("Verfasser", "Verfasser 1", "Verfasser/-in", "1. Berichterstattung", "Berichterstattung",
                   "Antragsteller", "Antragsteller/-in", "Antragsteller/in", "Einreicher", "Initiator",
                   "Verfasserin", "Verfasser/in", "Berichterstatter", "Berichterstatterin", "Berichterstatter/in",
                   "Berichterstatter/-in"),
        "reference": ("Drucksachen-Nr.", "Drucksachennummer", "Vorlage-Nr.", "Vorlagen-Nr.", "Vorlagennummer"),
        "editor": ("Bearbeiter/-in", "Bearbeiter", "Bearbeiterin", "Bearbeitung", "Sachbearbeiter"),
        "date": ("Datum", "Erstellungsdatum", "Vorlagedatum"),
    }.items()
    for label in variants
}

#: ALLRIS 4 ``dd`` ids of the Grunddaten block -> record fields (labels vary, ids do not).
ALLRIS4_FIELD_IDS: dict[str, str] = {
    "vobetreff": "title",
    "vostatus": "status",
    "voart": "paper_type",
    "vofamt": "lead_department",
    "voverfasser1": "author",
    "vobamt": "editor",
    "vodatum": "date",
    # responsive ``_r`` templates of ALLRIS net 3.9 name some rows differently
    "voverfasser": "author",
    "voamt": "lead_department",
    "vobearbeiter": "editor",
}

#: Column headers of the ALLRIS 4 / responsive Beratungsfolge (``table.bfTable``) -> column roles.
BF_TABLE_COLUMNS: dict[str, str] = {
    label_key(label): role
    for role, variants in {
        "status": ("Status",),
        "date": ("Datum", "Sitzungsdatum"),
        "committee": ("Gremium", "Beratung", "Gremium / Sitzung"),
        "result": ("Beschluss", "Zuständigkeit / Beschluss", "Ergebnis"),
        "agenda_link": ("NA", "TOP", "Auszug"),
    }.items()
    for label in variants
}

#: One walk over an ALLRIS 4 / responsive vo020 page finds every region the extractor reads.
MODERN_VO020_REGIONS = (
    "//*[(self::h1 and contains(concat(' ', normalize-space(@class), ' '), ' title '))"
    " or @id='headLeft' or @id='head'"
    " or @id='dokumenteHeaderPanel' or @id='anlagenHeaderPanel'"
    " or (self::table and contains(concat(' ', normalize-space(@class), ' '), ' bfTable '))"
    " or (self::table and contains(concat(' ', normalize-space(@class), ' '), ' attachmentTable '))"
    " or (self::div and contains(concat(' ', normalize-space(@class), ' '), ' compFull '))"
    " or (self::div and starts-with(@id, 'allris') and a[starts-with(@name, 'allris')])]"
)

#: Classic section anchors (``<a name="allrisSV">``) and the headings they stand for.
SECTION_ANCHORS: dict[str, str] = {
    "allrisSV": "Sachverhalt",
    "allrisBV": "Beschlussvorschlag",
    "allrisFA": "Finanzielle Auswirkungen",
    "allrisAN": "Anlage/n",
    "allrisWP": "Wortprotokoll",
    "allrisBS": "Beschluss",
    "allrisAE": "Abstimmungsergebnis",
}

#: Headings of panels that are not text sections (they hold tables the extractor reads otherwise).
NON_TEXT_SECTIONS: frozenset[str] = frozenset(
    label_key(h) for h in ("Beratungsfolge", "Anlagen", "Anlage/n", "Dokumente", "Grunddaten")
)

# --- noise --------------------------------------------------------------------------------------

#: Lines that are interface, never content, wherever they stand (text renderings and HTML text).
NOISE_LINES: frozenset[str] = frozenset({
    "Reduzieren", "Erweitern", "Loading...", "Inhalt", "Neu laden", "Drucken", "Seite versenden",
    "Druckansicht für diese Seite", "Dokument auswählen", "Zur Navigation springen", "Zum Inhalt springen",
    "Sie sind hier:", "Sie sind hier", "Keine Zusammenstellung", "Wiedervorlage", "Textrecherche",
    "Diese Seite verwendet nur Cookies, die für den technischen Betrieb notwendig sind.",
    "Mehr dazu in unserer Datenschutzerklärung.", "ALLRIS - Vorlage", "ALLRIS - Auszug", "ALLRIS - Sitzung",
})
NOISE_LINE_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"^ALLRIS® Office Integration"),
    re.compile(r"^Lesezeichen für "),
    re.compile(r"^Besucher(zähler)?:? ?\d"),
    re.compile(r"^Online-Version dieser Seite: "),
)

#: Elements removed before extraction: interface, not content.
HTML_NOISE_XPATH = " | ".join((
    "//script", "//style", "//noscript", "//head", "//iframe",
    "//img[@alt='Loading...']/ancestor::*[self::div or self::span][1][not(*[not(self::img)])]",
    "//img[@alt='Loading...']",
    "//a[img[@alt='Reduzieren' or @alt='Erweitern']]",
    "//*[@id='legende']",
    "//*[contains(@class, 'cookie') or contains(@id, 'cookie')]",
    "//*[@id='risdeco']",
))


def is_noise_line(line: str) -> bool:
    """True for a line that is interface text (a toggle, a placeholder, page chrome)."""
    stripped = line.strip()
    return stripped in NOISE_LINES or any(p.match(stripped) for p in NOISE_LINE_PATTERNS)

#: Phrases of pages that withhold their content.
NOT_PUBLIC_MARKERS: tuple[str, ...] = (
    "Keine Information verfügbar", "Zugriff verweigert", "noauth.asp", "nicht öffentlich zugänglich",
)

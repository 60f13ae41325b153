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

#: Structural hints for pages whose flavour marker does not name the page type (embedded pages), tried in
#: order, the first match wins: (page type, XPath, guard). Each alternative is its own XPath (a union walks
#: the tree once per part even where the cheap ``id()`` part matches). The guard is a necessary condition
#: that costs no walk over the tree: an ``id()`` XPath (libxml2 indexes ``<a name>`` of HTML like ids, so an
#: anchor the marker looks for is found there, or another element holding its name), or words the page's
#: text must all hold (attribute values and label words as written in the markup).
HTML_PAGE_MARKERS: tuple[tuple[str, str, str | tuple[str, ...]], ...] = (
    # relative paths: they are searched in the page's ALLRIS region where one is found (a city site's
    # navigation around an embedded page need not be searched)
    # the calendar table alone, e.g. a Wicket <ajax-response> part of an ALLRIS 4 si010 page
    ("si010", ".//table[contains(concat(' ', normalize-space(@class), ' '), ' calenderView ')]", ("calenderView",)),
    ("vo020", "id('vobetreff')", ()),
    ("vo020", ".//a[@name='allrisBV']", "id('allrisBV')"),
    ("vo020", ".//a[@name='allrisSV']", "id('allrisSV')"),
    # every classic page has "kb1" cells: only the word spares the walk on the others
    ("vo020", ".//td[@class='kb1'][starts-with(normalize-space(.), 'Beratungsfolge')]", ("kb1", "Beratungsfolge")),
    ("to020", ".//a[@name='allrisWP']", "id('allrisWP')"),
    ("to020", ".//a[@name='allrisBS']", "id('allrisBS')"),
    ("to020", ".//a[@name='allrisAE']", "id('allrisAE')"),
    ("to010", ".//table[contains(concat(' ', @class, ' '), ' tl1 ')]", ("tl1",)),
    ("to010", ".//table[contains(@class, 'toTable')]", ("toTable",)),
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
    # the page heading "<Vorlageart> - <Nummer>" (a to020 heading starts with a date or "Auszug")
    ("vo020", re.compile(r"^(?!Auszug )[^\W\d][\w.-]*(?: [\w.-]+){0,2} - (?=[^ ]*\d)[\w/.-]+(?: [\w/.-]+)?$")),
)


def label_key(text: str) -> str:
    """Normalise a label cell ('Federführend:\xa0') for lookup in the tables below."""
    # str.split() and re's \s know the same spaces (no-break space included): the runs folded in C
    return " ".join(text.split()).rstrip(":").strip().casefold()


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

#: Region markers of ALLRIS 4 / responsive vo020 pages (ids and classes), read in one walk over the tree.
MODERN_HEAD_IDS: tuple[str, ...] = ("headLeft", "head")  # Grunddaten; the first is preferred
MODERN_DOCUMENTS_ID = "dokumenteHeaderPanel"
MODERN_ATTACHMENTS_ID = "anlagenHeaderPanel"
MODERN_HEADING_CLASS = "title"  # h1.title "Vorlageart - Nummer"
MODERN_BF_TABLE_CLASS = "bfTable"
MODERN_ATTACHMENT_TABLE_CLASS = "attachmentTable"
MODERN_SECTION_PANEL_CLASS = "compFull"
MODERN_SECTION_TEXT_CLASS = "docPart"

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

# --- text renderings of vo020 (pages/vo020/text.py) ------------------------------------------

#: Section headings a text rendering without "Reduzieren" toggles shows on a line of their own
#: (the ALLRIS 4 "Grunddaten" rendering). Compared with :func:`label_key`; a line ending with a colon
#: is a heading repeated inside the body, not one of these.
TEXT_SECTION_HEADINGS: frozenset[str] = frozenset(label_key(h) for h in (
    "Beratungsfolge", "Beschlussvorschlag", "Sachverhalt", "Begründung", "Erläuterungen", "Erläuterung",
    "Finanz. Auswirkung", "Finanzielle Auswirkungen", "Anlagen", "Anlage/n", "Dokumente", "Sachdarstellung",
    "Beschlussempfehlung", "Stellungnahme der Verwaltung", "Problembeschreibung", "Begründung/Sachverhalt",
))

#: Header labels of classic text renderings that are not record fields but end a glued value
#: ("Status:öffentlichAktenzeichen:898/V").
TEXT_OTHER_HEADER_LABELS: tuple[str, ...] = (
    "Aktenzeichen", "Anlass", "Verantwortlich", "Produkte", "Produkt", "Bezüglich", "Sachgebiet",
    "Beratungsfolge", "Gremium", "Sitzung", "Ursprung",
)

#: Column header line of classic Beratungsfolge/metadata blocks with two value columns, glued in text.
TEXT_TWO_COLUMN_MARKERS: frozenset[str] = frozenset({"ursprungaktuell", "ursprung aktuell"})

#: Zuständigkeit of a committee in a Beratungsfolge, as the last words of a committee line.
CONSULTATION_ROLES: tuple[str, ...] = (
    "Vorberatung", "Entscheidung", "Empfehlung", "Bestätigung", "Information zur Kenntnis", "Kenntnisnahme",
    "zur Kenntnisnahme", "Zur Kenntnis", "Beratung", "Anhörung", "Beschlussfassung", "Mitberatung",
    "Beratung und Beschluss", "Vorberatung und Empfehlung", "Information", "Genehmigung", "Beteiligung",
    "Stellungnahme", "Vorberatend", "Beschließend", "Endgültige Entscheidung", "Abschließende Beratung",
)

#: Where the Beschluss starts on a classic text meeting line ("Sitzung des Rates ungeändert beschlossen"), with
#: the space before it (a leading character class lets the regex engine skip to the spaces; a lookbehind does not).
CONSULTATION_RESULT_START = re.compile(
    r"\s(?:ungeändert|geändert|mit Änderung(?:en)?|ohne Änderung(?:en)?|einstimmig|mehrheitlich"
    r"|vertagt|abgelehnt|zurückgestellt|zurückgezogen|zur Kenntnis genommen|Kenntnis genommen|beschlossen"
    r"|zugestimmt|verwiesen|überwiesen|abgesetzt|erledigt|empfohlen|nicht behandelt|geändert empfohlen"
    r"|ungeändert empfohlen)\b.*$"
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

#: Elements dropped whole before extraction (a C-level strip, no XPath needed).
HTML_NOISE_TAGS: tuple[str, ...] = ("script", "style", "noscript", "head", "iframe", "template")

#: Further interface elements removed before extraction. Only what has text counts: images such as the
#: "Loading..." placeholder or the "Reduzieren" toggle icons carry their words in ``alt``, which no
#: extractor reads as text, and a cookie banner lies outside every region an extractor reads (its
#: sentences are noise lines too). ``id()`` uses the parser's id index instead of scanning the tree.
HTML_NOISE_XPATH = "id('legende') | id('risdeco')"


#: The patterns as one regex (one match per line instead of one per pattern).
NOISE_LINE_START = re.compile("|".join(f"(?:{p.pattern})" for p in NOISE_LINE_PATTERNS))


def is_noise_line(line: str) -> bool:
    """True for a line that is interface text (a toggle, a placeholder, page chrome)."""
    stripped = line.strip()
    return stripped in NOISE_LINES or NOISE_LINE_START.match(stripped) is not None

#: Phrases of pages that withhold their content.
NOT_PUBLIC_MARKERS: tuple[str, ...] = (
    "Keine Information verfügbar", "Zugriff verweigert", "noauth.asp", "nicht öffentlich zugänglich",
)

# --- classic ALLRIS net 3.x vo020 (full ``#rismain`` and print/embedded ``#rismain_raw`` layouts) ---------


def _has_class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


#: The page heading "Drucksache - 22-2402" (full layout ``#risname``, embedded/print ``#risname_raw``).
CLASSIC_HEADING_XPATH = "id('risname')//h1 | id('risname_raw')//h1"
#: "<Vorlageart> - <Nummer>" in that heading; the part after the first " - " is the reference.
CLASSIC_HEADING = re.compile(r"^(?P<kind>.+?)\s+-\s+(?P<reference>\S.*)$")
#: Label of the Beratungsfolge row, and of the Anlagen lists.
CLASSIC_CONSULTATIONS_LABELS: frozenset[str] = frozenset({label_key("Beratungsfolge")})
CLASSIC_ATTACHMENTS_LABELS: frozenset[str] = frozenset(label_key(h) for h in ("Anlagen", "Anlage/n", "Anlage"))
#: Cells of a Beratungsfolge row: meeting date (``text2``), result (``text3``), committee/role (``text1``).
CLASSIC_DATE_CELL_CLASS = "text2"
CLASSIC_RESULT_CELL_CLASS = "text3"
CLASSIC_HEAD_CELL_CLASS = "text1"
#: Script names of the forms and links in Beratungsfolge rows.
CLASSIC_MEETING_SCRIPT = "to010"
CLASSIC_AGENDA_ITEM_SCRIPT = "to020"
CLASSIC_OBJECT_ID = re.compile(
    r"""<meta\s+(?:name=["']objectID["']\s+content=["'](\d+)["']|content=["'](\d+)["']\s+name=["']objectID["'])""",
    re.IGNORECASE)
#: Section anchors of a Vorlage (the to020 ones belong to the Auszug page).
CLASSIC_VO020_SECTION_ANCHORS: tuple[str, ...] = ("allrisSV", "allrisBV", "allrisFA", "allrisAN")
#: A file size appended to an attachment's link text: "Name (460 KB)".
ATTACHMENT_SIZE_SUFFIX = re.compile(r"\s*\((\d[\d.,]*\s*(?:[KMGT]i?B|Bytes?|kB))\)\s*$", re.IGNORECASE)
#: A heading line at the top of an embedded section document: short, formatted, ending with a colon.
SECTION_HEADING_LINE = re.compile(r"^\S(?:[^\n:]{0,58})?:$")
SECTION_HEADING_MAX_WORDS = 6
#: The same regions by tag and class, for one ``iter()`` pass over the page (cheaper than XPath walks).
CLASSIC_HEADING_PARENT_IDS: frozenset[str] = frozenset({"risname", "risname_raw"})
CLASSIC_LABEL_CELL_CLASS = "kb1"
CLASSIC_RIGHT_COLUMN_CLASS = "me1"
CLASSIC_CONSULTATION_ROW_CLASSES: frozenset[str] = frozenset({"zl11", "zl12"})
CLASSIC_DOCUMENT_SCRIPT = "do027"
#: Links that carry the page's own VOLFDNR (the left menu's toggles); forms to these scripts do too.
CLASSIC_PAPER_ID_LINK_MARKER = "toggleMenu="
CLASSIC_PAPER_ID_FORM_SCRIPTS: tuple[str, ...] = ("vo020", "vo021")
#: Inline formatting that makes a first line a heading: tags, and ``style`` fragments.
SECTION_HEADING_FORMAT_TAGS: frozenset[str] = frozenset({"b", "strong", "i", "em", "u"})
SECTION_HEADING_FORMAT_STYLES: tuple[str, ...] = (
    "font-weight:bold", "font-weight: bold", "font-style:italic", "font-style: italic",
    "text-decoration:underline", "text-decoration: underline")
#: Class of the classic layout tables (metadata, right column, bottom Anlagen list): a section ends there.
CLASSIC_TABLE_CLASS = "tk1"
#: Elements of an embedded document's ``<head>`` that the HTML parser leaves beside the section anchor.
EMBEDDED_HEAD_TAGS: frozenset[str] = frozenset({"meta", "title", "link", "style", "script", "base"})
#: Block elements whose first non-empty one is a section's possible heading line.
SECTION_BLOCK_TAGS: tuple[str, ...] = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li")
#: Text leaked from the embedded documents' prologs (XML declaration, DOCTYPE).
EMBEDDED_PROLOG_LINE = re.compile(r"^(?:<\?xml|<!DOCTYPE|html PUBLIC\b)", re.IGNORECASE)
#: Word bullets in symbol fonts: private-use code points, and the plain characters that stand for
#: them inside a ``font-family:Wingdings``/``Symbol`` span. Tick glyphs are the checkbox reader's.
SYMBOL_FONT_NAMES: tuple[str, ...] = ("Wingdings", "Symbol")
SYMBOL_FONT_SPANS_XPATH = ".//span[contains(@style, 'Wingdings') or contains(@style, 'Symbol')]"
SYMBOL_BULLETS: dict[int, str] = {
    ord(c): "•" for c in ("\uf0a7", "\uf0b7", "\uf0d8", "\uf09f", "\uf06c", "\uf06e")}
SYMBOL_FONT_BULLET_CHARS: dict[int, str] = {
    **SYMBOL_BULLETS, **{ord(c): "•" for c in ("§", "·", "Ø", "l", "n")}}


# --- Sitzungskalender (si010, si010_e, si010_j, si010_a, si010_r) -----------------------------

#: Column headers of a calendar table -> roles.
CALENDAR_COLUMNS: dict[str, str] = {
    label_key(label): role
    for role, variants in {
        "date": ("Datum", "Tag"),
        "time": ("Uhrzeit", "Zeit", "Beginn"),
        "title": ("Sitzung", "Bezeichnung", "Name", "Sitzungsbezeichnung"),
        "committee": ("Gremium", "Ausschuss"),
        "location": ("Raum", "Ort", "Sitzungsort"),
    }.items()
    for label in variants
}
#: Cell classes of the responsive / ALLRIS 4 calendar rows -> roles.
CALENDAR_CELL_CLASSES: dict[str, str] = {
    "nowrapContent": "date", "time": "time", "textCol": "title", "raum": "location", "gremium": "committee",
}
#: Words that mark a listed Sitzung as cancelled ("ENTFÄLLT! Sitzung ...", "... (ABGESAGT!!)").
CANCELLED_MARKERS = re.compile(r"\b(?:abgesagt|entfällt|entfaellt|fällt aus|ausgefallen|storniert)\b", re.IGNORECASE)
#: A month heading of a calendar view: "September 2026", "Oktober 2023".
MONTH_NAMES: tuple[str, ...] = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
                                "September", "Oktober", "November", "Dezember")
MONTH_HEADING = re.compile(r"^(" + "|".join(MONTH_NAMES) + r")\s+(\d{4})$", re.IGNORECASE)
#: Elements that may hold a calendar's month heading ("Oktober 2023").
MONTH_HEADING_TAGS: tuple[str, ...] = ("h1", "h2", "h3", "caption")
#: The visible Zeitraum inputs of a classic calendar ("01.10.2023" - "31.10.2023").
CALENDAR_RANGE_INPUTS: tuple[str, str] = ("kaldatvon", "kaldatbis")

# --- Gremium / Fraktion rosters (au020, fr020), list of Fraktionen (fr010), person (kp020) -------

#: Column headers of member tables -> Membership fields. "Funktion" holds the Fraktion/group on
#: the roster pages seen (the role is "Art der Mitarbeit").
MEMBER_COLUMNS: dict[str, str] = {
    label_key(label): role
    for role, variants in {
        "name": ("Name", "Mitglied", "Person"),
        "role": ("Art der Mitarbeit", "Mitarbeit", "Rolle"),
        "party": ("Funktion", "Fraktion", "Partei", "Fraktion/Gruppe", "Partei/Fraktion"),
        "start_date": ("von", "seit", "Mitglied seit", "Beginn", "Mitglied von"),
        "end_date": ("bis", "Mitglied bis", "Ende"),
        "organization": ("Gremium", "Gremium/Fraktion", "Fraktion/Gremium"),
    }.items()
    for label in variants
}
#: Script names whose links carry the ids of people and organisations.
PERSON_SCRIPT = "kp020"
PERSON_ID = "KPLFDNR"
COMMITTEE_SCRIPT = "au020"
COMMITTEE_ID = "AULFDNR"
FACTION_SCRIPT = "fr020"
FACTION_ID = "FRLFDNR"
#: Column headers of the list of Fraktionen (fr010) -> roles.
ORGANIZATION_LIST_COLUMNS: dict[str, str] = {
    label_key(label): role
    for role, variants in {
        "member_count": ("Mitglieder", "Anzahl"),
        "last_meeting": ("Letzte Sitzung",),
        "next_meeting": ("Nächste Sitzung",),
    }.items()
    for label in variants
}
#: The page heading of modern pages (classic pages use CLASSIC_HEADING_XPATH).
MODERN_HEADING_XPATH = f"//h1[{_has_class('title')}]"

# --- to010: Sitzung with Tagesordnung (pages/to010/) -----------------------------------------------

#: Metadata labels of a Sitzung (classic ``td.kb1`` cells, ALLRIS 4 ``dt.colTitle``, text "Label:" lines).
MEETING_FIELD_LABELS: dict[str, str] = {
    label_key(label): fieldname
    for fieldname, variants in {
        "title": ("Bezeichnung", "Betreff", "Sitzungsbezeichnung"),
        "committee": ("Gremium",),
        "date": ("Datum", "Sitzungsdatum", "Termin"),
        "time": ("Zeit", "Uhrzeit", "Sitzungszeit", "Beginn"),
        "status": ("Status",),
        "location": ("Raum", "Sitzungsraum"),
        "address": ("Ort", "Sitzungsort"),
    }.items()
    for label in variants
}
#: ALLRIS 4 / responsive ``_r`` ids of the Grunddaten values -> record fields ("status_note" is the
#: addition "(Sitzung abgeschlossen)" beside the status; on ``_r`` pages ``sistat`` is the status itself).
MEETING_FIELD_IDS: dict[str, str] = {
    "sibetreff": "title", "sigremium": "committee", "sidatum": "date", "sizeit": "time",
    "sistatus": "status", "sistat": "status_note", "siraum": "location", "siort": "address",
}
#: Classic headings "Tagesordnung - <Bezeichnung>": the prefix is the page's, the rest the Sitzung's name.
MEETING_HEADING_PREFIX = re.compile(r"^(?:Tagesordnung|Sitzung|Einladung)\s+-\s+", re.IGNORECASE)
#: A heading the page generates from committee and date ("Schulausschuss - 01.09.2026"): not a title.
MEETING_GENERATED_HEADING = re.compile(r"\s-\s+\d{1,2}\.\d{1,2}\.\d{2,4}\s*$")
#: Status words that say the Sitzung does not take place.
MEETING_CANCELLED_WORDS: tuple[str, ...] = ("abgesagt", "ausgefallen", "entfällt", "entfallen", "fällt aus",
                                             "aufgehoben", "abgesetzt")
#: The grey addition to a Betreff ("(Referent: ...)"): classic ``span[@title='Zusatzinfo']``, modern
#: ``span.zusatzinfo``.
AGENDA_NOTE_TITLE = "Zusatzinfo"
AGENDA_NOTE_CLASS = "zusatzinfo"
#: TOP numbers "Ö 1.2", "N 3", "NÖ 4": the marker says whether the item is public.
AGENDA_NUMBER = re.compile(r"^(?P<marker>NÖ|NOE|Ö|OE|N)(?=[\s\d])", re.IGNORECASE)
AGENDA_PUBLIC_MARKERS: dict[str, bool] = {"ö": True, "oe": True, "n": False, "nö": False, "noe": False}
#: A result button title that means "no decision yet".
AGENDA_OPEN_RESULTS: frozenset[str] = frozenset({"(offen)", "offen", "-", ""})
#: Beschlussart as shown -> a normalised form (first pattern found wins, so specific ones come first).
RESULT_NORMALIZATION: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), value) for pattern, value in (
        (r"\bungeändert\b.*\b(beschlossen|empfohlen|zugestimmt)", "adopted"),
        (r"\b(geändert|mit Änderung\w*)\b.*\b(beschlossen|empfohlen|zugestimmt)", "adopted_with_changes"),
        (r"\babgelehnt\b", "rejected"),
        (r"\bzurückgezogen\b", "withdrawn"),
        (r"\bvertagt\b", "postponed"),
        (r"\bzurückgestellt\b", "deferred"),
        (r"\b(verwiesen|überwiesen)\b", "referred"),
        (r"\babgesetzt\b", "removed"),
        (r"\bKenntnis\b", "noted"),
        (r"\b(beschlossen|zugestimmt|empfohlen)\b", "adopted"),
        (r"\berledigt\b", "settled"),
    ))
#: Scripts an agenda row links: the Vorlage (paper, its VOLFDNR) and the Auszug (agenda item, TOLFDNR);
#: the Auszug button's title is the Beschlussart. Links to ``to010`` name other Sitzungen, not papers.
AGENDA_PAPER_SCRIPT = "vo020"
AGENDA_ITEM_SCRIPT = "to020"
AGENDA_MEETING_SCRIPT = "to010"
#: ALLRIS 4 element ids that carry the TOLFDNR ("link_48521", "betreff_48521").
AGENDA_ITEM_ELEMENT_ID = re.compile(r"^(?:link|betreff|vo|to)_(\d+)$")
#: Classic regions found in one walk: label cells, the right column, the agenda table and its rows,
#: the heading's container, and the document buttons' script.
CLASSIC_RIGHT_COLUMN_CLASS = "me1"
CLASSIC_LIST_TABLE_CLASS = "tl1"  # agenda, calendar and paper-list tables
CLASSIC_AGENDA_ROW_CLASSES: frozenset[str] = frozenset({"zl11", "zl12"})
CLASSIC_HEADING_IDS: frozenset[str] = frozenset({"risname", "risname_raw"})
CLASSIC_DOCUMENT_SCRIPT = "do027"
#: ALLRIS 4 / ``_r`` regions: heading class, agenda table class, documents panel, Grunddaten containers.
MODERN_AGENDA_TABLE_CLASS = "toTable"
MODERN_DOCUMENTS_PANEL_ID = "dokumenteHeaderPanel"
MODERN_HEAD_CONTAINER_IDS: frozenset[str] = frozenset({"headLeft", "head"})

# --- Auszug (to020): one Tagesordnungspunkt (pages/to020/) --------------------------------------

#: Metadata labels of an Auszug (classic table cells ``td.kb1``, classic text "Label: value", the
#: "Grunddaten" "- Label:" lines) -> record fields. The first occurrence wins: labels after the
#: linked Vorlage's row (its own "Status:") belong to the paper.
AGENDA_ITEM_FIELD_LABELS: dict[str, str] = {
    label_key(label): fieldname
    for fieldname, variants in {
        "number": ("TOP", "Tagesordnungspunkt", "TOP-Nr.", "Nr."),
        "committee": ("Gremium",),
        "result": ("Beschlussart", "Beschluss", "Ergebnis", "Beschlussergebnis"),
        "date": ("Datum", "Sitzungsdatum"),
        "status": ("Status",),
        "time": ("Zeit", "Uhrzeit", "Beginn"),
        "location": ("Raum", "Sitzungsraum"),
        "address": ("Ort", "Sitzungsort"),
        "meeting_title": ("Sitzung", "Bezeichnung"),
        "occasion": ("Anlass",),
        "note": ("Zusatz",),
    }.items()
    for label in variants
}
#: A result value that only says "not decided yet".
RESULT_PLACEHOLDERS: frozenset[str] = frozenset({"(offen)", "offen", "-", "(ohne)"})
#: Number prefixes of public and non-public agenda items ("Ö 4.2", "N 3").
PUBLIC_NUMBER_PREFIX = re.compile(r"^(?P<mark>Ö|N|NÖ)\s*(?=\d)")
#: Status values of a non-public item (checked before the public ones: "nichtöffentlich" contains them).
NON_PUBLIC_STATUS = re.compile(r"^\s*(?:nicht\s*öffentlich|nichtöffentlich|vertraulich|geheim)", re.IGNORECASE)
PUBLIC_STATUS = re.compile(r"^\s*öffentlich(?!\s*/)", re.IGNORECASE)
#: Section headings of an Auszug rendered as text (on a line of their own, maybe with ':' or ' |').
AGENDA_ITEM_SECTION_HEADINGS: frozenset[str] = frozenset(label_key(h) for h in (
    "Wortprotokoll", "Protokoll", "Beschluss", "Beschlüsse", "Abstimmungsergebnis", "Abstimmung",
    "Beschlussvorschlag", "Beschlussempfehlung", "Sachverhalt", "Protokollnotiz", "Anlagen zur Vorlage",
    "Anlagen", "Anlagen zum Protokoll", "Ergebnis",
))
#: The heading of text renderings: "30.01.2018 - 2.1 Genehmigung der Tagesordnung".
AGENDA_ITEM_TEXT_HEADING = re.compile(
    r"^(?P<date>\d{1,2}\.\d{1,2}\.\d{4})\s+-\s+(?P<number>(?:(?:Ö|N|NÖ)\s*)?\d[\w.]*)\s+(?P<title>\S.*)$")
#: The classic heading "Auszug - <Betreff>" (HTML ``#risname h1`` and text renderings).
AGENDA_ITEM_TITLE_PREFIX = re.compile(r"^Auszug\s+-\s+")
#: ALLRIS cuts long titles in headings: "Neufassung der Förderri...".
CUT_TITLE_SUFFIX = re.compile(r"(?:\.\.\.|…)$")
#: A Vorlage line under the classic text header: "1265/II Sanierung ..." (reference, then the title).
PAPER_REFERENCE_TOKEN = re.compile(r"^(?=\S*\d)[\w./-]+$")

#: Vote counts: "Zustimmung: 12Ablehnung: -Enthaltung: -", "Ja: 10, Nein: 2", "bei 2 Enthaltungen".
VOTE_LABELS: dict[str, tuple[str, ...]] = {
    "yes": ("Ja-Stimmen", "Ja", "Zustimmung", "Zustimmungen", "Dafür", "Für"),
    "no": ("Nein-Stimmen", "Nein", "Ablehnung", "Ablehnungen", "Gegenstimmen", "Dagegen", "Gegen"),
    "abstentions": ("Stimmenthaltungen", "Stimmenthaltung", "Enthaltungen", "Enthaltung"),
}
#: Words that state a vote without counts.
VOTE_WORDS = re.compile(r"\b(?:einstimmig|mehrheitlich|Stimmengleichheit|bei \d+ (?:Gegenstimmen|Enthaltungen?))\b",
                        re.IGNORECASE)

#: Results as shown -> a normalised form, tried in order (more specific first).
RESULT_NORMALIZED: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), value) for pattern, value in (
        (r"zurückgezogen", "withdrawn"),
        (r"vertagt|zurückgestellt|verschoben", "postponed"),
        (r"abgesetzt|nicht behandelt|entfällt|entfallen", "not_discussed"),
        (r"abgelehnt", "rejected"),
        (r"verwiesen|überwiesen", "referred"),
        (r"Kenntnis", "noted"),
        (r"(?:mit Änderung|(?<!un)geändert|mit Ergänzung|ergänzt).*(?:beschlossen|angenommen|zugestimmt)",
         "adopted_amended"),
        (r"(?:mit Änderung|(?<!un)geändert).*empfohlen", "recommended_amended"),
        (r"empfohlen|Empfehlung", "recommended"),
        (r"beschlossen|angenommen|zugestimmt|genehmigt|bestätigt", "adopted"),
    )
)


#: Top-level tables after the embedded section documents that end a section (the page's own layout,
#: e.g. the bottom Anlagen table), read by allris_parse.aspose.
ASPOSE_STOP_TABLE_CLASSES: frozenset[str] = frozenset({"tk1", "tl1", "risdeco"})

#: The print view's footer line; its address carries the page's ids ("...to020?TOLFDNR=7083589...").
ONLINE_VERSION_LINE = re.compile(r"^Online-Version dieser Seite:\s*(?P<url>\S+)")
#: A table-cell separator glued to the end of a heading line ("Wortprotokoll |").
TRAILING_CELL_SEPARATOR = re.compile(r"\s*\|\s*$")
#: The "Grunddaten" rendering's metadata lines: "- TOP:" then "- Ö 8.1".
DASH_ITEM_LINE = re.compile(r"^-\s+(?P<text>.*)$")
#: The toggle line a text rendering shows before each panel of an ALLRIS 4 page.
PANEL_TOGGLE_LINES: frozenset[str] = frozenset({"Reduzieren", "Erweitern"})

# --- list of papers (vo040) ----------------------------------------------------------------------


# --- server answers the crawler recognises (fetch.py) ----------------------------------------------------

#: ALLRIS 4 throttles with HTTP 200 and a page saying so: "Zu viele Zugriffe aus Ihrem Netzwerk, Zugriff
#: temporär gesperrt." Matched on the raw bytes (ASCII words: the same in UTF-8 and windows-1252).
THROTTLE_MARKERS: tuple[bytes, ...] = (b"Zu viele Zugriffe",)

# --- containers and list tables shared by several page types ----------------------------------------

#: The classic page's container (``div#allriscontainer``) and main regions (full and print/embedded).
CLASSIC_CONTAINER_ID = "allriscontainer"
CLASSIC_MAIN_IDS: frozenset[str] = frozenset({"rismain", "rismain_raw"})
#: The calendar table of the responsive and ALLRIS 4 templates.
CALENDAR_VIEW_CLASS = "calenderView"

"""Checkbox groups of Word forms (finance, accessibility) in every tick shape.

Both inputs become the same stream of lines: a text rendering already is one, and in HTML each
table cell and paragraph of a targeted region (the tables and paragraphs that hold a tick glyph, an
``x`` cell, a checkbox input or image, or a known group label) becomes a line, with checkbox
inputs, images and symbol-font glyphs turned into ☒/☐ first. One reader then walks the lines:

* a box (``x``/``X`` line, ☒ ☑ ⌧ ✓ ✔, ☐, ``[x]``/``[ ]``) ticks or leaves the option after it;
* a line holding only a no-break space is an empty box *or* a spacer cell: it makes an option of
  the line after it only where that line is a known option ("Nein", "Ja", "Darstellung der
  einmaligen Kosten", ...) or its group has a definite box, and only on pages with a definite box;
* any other line starts a group (its label), holds a value of the option before it ("505.000€",
  "Produktkonto: 783400") or is prose.

The known groups (finance, tax, accessibility) are then read into :class:`Finance` and
:class:`Accessibility`; every group found, known or not, is listed as :class:`Checkbox` rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

import lxml.html
from lxml import etree

from allris_parse import labels
from allris_parse.fields import parse_amount
from allris_parse.models import Accessibility, Checkbox, Finance, validate_rows
from allris_parse.normalize import clean_inline, clean_lines

# --- data: tick shapes, group and option labels ----------------------------------------------------

TICKED = "☒"
EMPTY = "☐"

#: Characters that draw a box, mapped to the two canonical glyphs.
BOX_GLYPHS: dict[str, str] = {
    **dict.fromkeys("☒☑⌧✓✔", TICKED),
    **dict.fromkeys("\uf078\uf0fd\uf0fe", TICKED),  # Wingdings x (⌧), ý (☒), þ (☑) as private-use glyphs
    "☐": EMPTY,
    **dict.fromkeys("\uf0a8\uf06f", EMPTY),  # Wingdings ¨ (◻), o (□); U+F0A7 is a Word bullet, not a box
}
#: The same Wingdings boxes where a span in a Wingdings font holds the plain character.
WINGDINGS_PLAIN: dict[str, str] = {"x": TICKED, "ý": TICKED, "þ": TICKED, "¨": EMPTY, "o": EMPTY}
#: Lines that are a tick mark on their own (the Word table cell before its option).
TICK_LINES: frozenset[str] = frozenset({"x", "X"})
#: Bracket boxes of plain-text forms.
BRACKET_BOXES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\[\s*[xX✓✔]\s*\]"), TICKED),
    (re.compile(r"\[\s*\]"), EMPTY),
)
#: Checkbox images: what their ``src``/``alt``/``title`` say (unchecked words are tested first).
IMAGE_UNCHECKED = re.compile(r"unchecked|not[ _-]?checked|nicht (angekreuzt|ausgewählt|markiert)"
                             r"|checkbox[_-]?(empty|off|0)|box[_-]?(empty|off)|kontrollkästchen leer|_off\b",
                             re.IGNORECASE)
IMAGE_CHECKED = re.compile(r"checked|angekreuzt|ausgewählt|markiert|checkbox[_-]?(on|1)|box[_-]?on|_on\b",
                           re.IGNORECASE)
#: Images that look like checkboxes but are interface icons (the ALLRIS 4 legend "Dokument auswählen").
IMAGE_ICONS = re.compile(r"checked_checkbox_black|dokument auswählen", re.IGNORECASE)

#: Known groups: kind -> label patterns (matched against the lower-cased line).
GROUP_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("finance", re.compile(r"^finanzielle auswirkung")),
    ("funding", re.compile(r"^mittelbereitstellung")),
    ("coverage", re.compile(r"^(die )?deckung( der haushalts| ist gesichert|:|$)")),
    ("tax", re.compile(r"^steuerliche relevanz")),
    ("affected", re.compile(r"^belange von menschen mit (beeinträchtigung|behinderung)\w* (sind|werden) "
                            r"(nicht )?betroffen")),
    ("considered", re.compile(r"^belange von menschen mit (beeinträchtigung|behinderung)\w* (wurden|werden|sind) "
                              r"(nicht )?berücksichtigt")),
)
#: Known options: kind -> label patterns.
OPTION_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("yes", re.compile(r"^ja\b")),
    ("no", re.compile(r"^nein\b")),
    ("costs", re.compile(r"^darstellung der (einmaligen )?kosten")),
    ("result_account", re.compile(r"^in der ergebnisrechnung")),
    ("investment_account", re.compile(r"^in der finanzrechnung")),
    ("unplanned", re.compile(r"über-?\s*/\s*außerplanmäßig|überplanmäßig|außerplanmäßig")),
    ("coverage", re.compile(r"^(minderaufwendungen|minderauszahlungen|mehrerträge|mehreinzahlungen)")),
    ("tax_yes", re.compile(r"^einschätzung durch (den|die|das) ")),
    ("tax_no", re.compile(r"^keine steuerliche relevanz")),
)
FINANCE_GROUPS = frozenset({"finance", "funding", "coverage", "tax"})
FINANCE_OPTIONS = frozenset({"costs", "result_account", "investment_account", "unplanned", "coverage",
                             "tax_yes", "tax_no"})
#: Form fields written next to a box: "Teilplan: 1114500", "Produktkonto:", "in Höhe von".
FIELD_LINE = re.compile(r"^(teilplan|produktkonto|produkt|kostenstelle|sachkonto|haushaltsstelle|in höhe von|betrag)"
                        r"\b\s*:?\s*(.*)$", re.IGNORECASE)
#: A line that is only an amount or an account number ("505.000€", "1.250.000,00 EUR", "783400").
VALUE_LINE = re.compile(r"^(ca\.\s*)?[\d][\d.,\s]*(,-{1,2})?\s*(€|eur|euro)?$", re.IGNORECASE)
UNIT_LINE = re.compile(r"^(€|eur|euro)$", re.IGNORECASE)
#: An amount written at the end of an option's own line ("Ja: 53.000,00 EUR", "... Folgekosten 505.000€").
TRAILING_VALUE = re.compile(r"^(?P<label>.*?\S)(\s+in höhe von)?(\s*:\s*(?P<plain>(ca\.\s*)?\d[\d.,\s]*(,-{1,2})?\s*"
                            r"(€|eur|euro)?)|\s+(?P<money>(ca\.\s*)?\d[\d.,\s]*(,-{1,2})?\s*(€|eur|euro)))$",
                            re.IGNORECASE)
#: Cheap tests before ``TRAILING_VALUE`` (whose lazy label costs ~0.5 µs a character): a line it matches
#: ends with a currency (trailing space aside), or its last colon is followed by a plain amount only.
_CURRENCY_END = re.compile(r"(?:€|eur|euro)$", re.IGNORECASE)
_PLAIN_AMOUNT = re.compile(r"\s*(ca\.\s*)?\d[\d.,\s]*(,-{1,2})?\s*", re.IGNORECASE)
#: Page text that hints at a form whose boxes are plain "x" cells or Wingdings letters (glyph boxes, checkbox
#: inputs and images are looked for on every page): a known label, or "Nein" and "Ja" close together.
FORM_HINT_PHRASES: tuple[str, ...] = ("Steuerliche Relevanz", "Mittelbereitstellung",
                                     "Darstellung der einmaligen Kosten")
YES_NO_NEAR = re.compile(r"Nein[\W\dxX]{0,16}Ja(?![a-zäöüß])|(?<![A-Za-zäöüß])Ja[:\W\dxX]{0,16}Nein\b")
IMAGE_HINTS: tuple[str, ...] = ("check", "kreuz", "kontrollk")
#: Longest line read as a group label or as an unknown option (longer lines are prose).
MAX_LABEL = 160
MAX_UNKNOWN_OPTION = 80

_GLYPH_TRANSLATION = str.maketrans(BOX_GLYPHS)
_GLYPH_SPLIT = re.compile(f"([{TICKED}{EMPTY}])")
_BOX_CHARS = "".join(BOX_GLYPHS)
_BOX_CHAR = re.compile(f"[{re.escape(_BOX_CHARS)}]")
_BLANK = " \t\r\n\u00a0\u202f\u2007"
_NOISE_START = labels.NOISE_LINE_START.match

# --- tokens ------------------------------------------------------------------------------------


class _Mark:
    """A token that is no text: a box (ticked or not), a no-break-space cell, or a group break."""

    __slots__ = ("kind", "ticked")

    def __init__(self, kind: str, ticked: bool = False) -> None:
        self.kind = kind
        self.ticked = ticked


#: A token is a line of text (a plain ``str``) or one of the marks below.
_Token = str | _Mark

_SPACER = _Mark("spacer")
_BREAK = _Mark("break")
_BOX_TICKED = _Mark("box", ticked=True)
_BOX_EMPTY = _Mark("box", ticked=False)


def _line_tokens(raw: str, out: list[_Token], may_hold_glyph: bool = True) -> None:
    """The tokens of one line (a text line, a table cell or a paragraph); ``may_hold_glyph=False`` where the
    caller knows that the line holds no box glyph."""
    if not raw.strip(_BLANK):
        if "\u00a0" in raw:
            out.append(_SPACER)
        return
    if may_hold_glyph and _BOX_CHAR.search(raw):  # str.translate is slow; most lines hold no box
        raw = raw.translate(_GLYPH_TRANSLATION)
    text = clean_inline(raw)
    if "[" in text:
        for pattern, glyph in BRACKET_BOXES:
            text = pattern.sub(glyph, text)
    if text in TICK_LINES:
        out.append(_BOX_TICKED)
        return
    # labels.is_noise_line without its strip(): clean_inline() left no space at either end
    if text in labels.NOISE_LINES or _NOISE_START(text) is not None:
        out.append(_BREAK)
        return
    if TICKED not in text and EMPTY not in text:
        out.append(text)
        return
    _glyph_tokens(text, out)


def _glyph_tokens(text: str, out: list[_Token]) -> None:
    """The tokens of a cleaned line that holds a box glyph."""
    parts = [p.strip() for p in _GLYPH_SPLIT.split(text)]
    # parts alternate: text, glyph, text, glyph, ..., text
    texts, glyphs = parts[0::2], parts[1::2]
    if texts[0] and not texts[-1] and len(glyphs) >= 1:
        # box after its label: "Nein ☐ Ja ☒" (a leading "Group: Nein" keeps its group label)
        first = texts[0]
        if ":" in first and len(glyphs) > 1:
            group, _, option = first.rpartition(":")
            if option.strip():
                out.append(group.strip() + ":")
                first = option.strip()
        for label, glyph in zip([first, *texts[1:-1]], glyphs, strict=True):
            out.append(_BOX_TICKED if glyph == TICKED else _BOX_EMPTY)
            if label:
                out.append(label)
        return
    if texts[0]:
        out.append(texts[0])
    for glyph, label in zip(glyphs, texts[1:], strict=True):
        out.append(_BOX_TICKED if glyph == TICKED else _BOX_EMPTY)
        if label:
            out.append(label)


# --- the reader ------------------------------------------------------------------------------------


@dataclass
class _Option:
    label: str
    ticked: bool
    definite: bool
    kind: str | None
    values: list[str] = field(default_factory=list)


@dataclass
class _Group:
    label: str | None
    kind: str | None
    options: list[_Option] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)

    def has_definite(self) -> bool:
        return any(o.definite for o in self.options)


def _anchored(pattern: re.Pattern[str]) -> bool:
    """True where a pattern can only match at the start: a leading ``^``, no top-level ``|``, plain flags."""
    text = pattern.pattern
    if not text.startswith("^") or pattern.flags != re.UNICODE or re.search(r"\\\d|\(\?P[<=]", text):
        return False
    depth, escaped, class_start = 0, False, -1
    for position, char in enumerate(text):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif class_start >= 0:  # inside [...]: a "]" right after "[" or "[^" is a literal
            if char == "]" and position > class_start + 1 and text[class_start + 1:position] != "^":
                class_start = -1
        elif char == "[":
            class_start = position
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            return False
    return True


class _KindTable:
    """The first kind (in table order) whose pattern finds a lower-cased line, at the cost of about one
    regex call: the patterns anchored at the start are tried as one alternation (which tries them in
    table order), the others are searched only where they stand before that hit in the table."""

    def __init__(self, patterns: tuple[tuple[str, re.Pattern[str]], ...]) -> None:
        anchored = [index for index, (_, pattern) in enumerate(patterns) if _anchored(pattern)]
        self.kinds = [kind for kind, _ in patterns]
        self.first = re.compile("|".join(f"(?P<k{index}>{patterns[index][1].pattern})" for index in anchored)
                                ) if anchored else None
        self.others = [(index, kind, pattern) for index, (kind, pattern) in enumerate(patterns)
                       if index not in anchored]

    def kind(self, key: str, anchored: bool = True) -> str | None:
        """The kind of ``key``; ``anchored=False`` where no anchored pattern can match (see ``_LINE_START``)."""
        hit = len(self.kinds)
        if anchored and self.first is not None and (match := self.first.match(key)) and match.lastgroup:
            hit = int(match.lastgroup[1:])
        for index, kind, pattern in self.others:
            if index > hit:
                break
            if pattern.search(key):
                return kind
        return self.kinds[hit] if hit < len(self.kinds) else None


_OPTION_KINDS = _KindTable(OPTION_PATTERNS)
_GROUP_KINDS = _KindTable(GROUP_PATTERNS)


def _line_start_hint() -> re.Pattern[str] | None:
    """One case-blind regex that matches the start of every line that an anchored option or group pattern
    (on the lower-cased line), ``UNIT_LINE``, ``VALUE_LINE`` or ``FIELD_LINE`` matches: a line it does not
    match is prose for all of them. None where one of those patterns is not anchored."""
    tests = [*(p for _, p in OPTION_PATTERNS if _anchored(p)), *(p for _, p in GROUP_PATTERNS),
             UNIT_LINE, VALUE_LINE, FIELD_LINE]
    if not all(_anchored(p) or (p.flags == re.UNICODE | re.IGNORECASE and _anchored(re.compile(p.pattern)))
               for p in tests):
        return None
    return re.compile("|".join(f"(?:{p.pattern})" for p in tests), re.IGNORECASE)


_LINE_START = _line_start_hint()


def _label(text: str) -> str:
    return text.strip().rstrip(":").strip()


def _option(text: str, ticked: bool, definite: bool, kind: str | None) -> _Option:
    """An option from its line; an amount at the end of the line becomes its value."""
    colon = text.rfind(":")
    may_match = _CURRENCY_END.search(text.rstrip()[-4:]) or (colon >= 0 and _PLAIN_AMOUNT.fullmatch(text, colon + 1))
    match = TRAILING_VALUE.match(text) if may_match else None
    if match:
        return _Option(_label(match["label"]), ticked, definite, kind, [match["plain"] or match["money"]])
    return _Option(_label(text), ticked, definite, kind)


@dataclass
class _Reading:
    groups: list[_Group] = field(default_factory=list)
    #: labels of known groups whose options stand without any box (forms rendered without ticks)
    unboxed: list[str] = field(default_factory=list)


def _read_tokens(tokens: Iterable[_Token]) -> _Reading:
    reading = _Reading()
    group = _Group(None, None)
    reading.groups.append(group)
    pending: bool | str | None = None  # True/False: a box; "spacer": a no-break-space cell; None: nothing

    def new_group(label: str | None, kind: str | None) -> _Group:
        if not group.options:  # a group without options is dropped later: reuse it instead
            group.label, group.kind = label, kind
            group.fields.clear()
            return group
        created = _Group(label, kind)
        reading.groups.append(created)
        return created

    for token in tokens:
        if not isinstance(token, str):
            if token is _BREAK:
                group, pending = new_group(None, None), None
            elif token is _SPACER:
                if pending is None:
                    pending = "spacer"
            else:
                pending = token.ticked
            continue
        text = token
        # "İ" lower-cases to two characters: there the cheap test proves nothing
        maybe = _LINE_START is None or _LINE_START.match(text) is not None or "\u0130" in text
        if pending is None and not maybe:  # prose after no box: only the last two branches below can apply
            if group.kind and group.label and _OPTION_KINDS.kind(text.lower(), False):
                if group.label not in reading.unboxed:
                    reading.unboxed.append(group.label)
            else:
                group = new_group(_label(text) if len(text) <= MAX_LABEL else None, None)
            continue
        key = text.lower()  # not casefold(): that turns ß into ss
        # the option kind is looked up only where it is used
        if isinstance(pending, bool):
            group.options.append(_option(text, pending, True, _OPTION_KINDS.kind(key, maybe)))
        elif maybe and (group_kind := _GROUP_KINDS.kind(key)):
            group = new_group(_label(text), group_kind)
        elif maybe and UNIT_LINE.match(text):
            pass
        elif maybe and ((VALUE_LINE.match(text) and any(c.isdigit() for c in text)) or FIELD_LINE.match(text)):
            if group.options:
                group.options[-1].values.append(text)
            else:
                group.fields.append(text)
        elif pending == "spacer" and ((option_kind := _OPTION_KINDS.kind(key, maybe))
                                      or (len(text) <= MAX_UNKNOWN_OPTION and not text.startswith("("))):
            group.options.append(_option(text, False, False, option_kind))
        elif group.kind and group.label and _OPTION_KINDS.kind(key, maybe):
            if group.label not in reading.unboxed:
                reading.unboxed.append(group.label)
        else:
            group = new_group(_label(text) if len(text) <= MAX_LABEL else None, None)
        pending = None
    return reading


def _keep(option: _Option, group: _Group, page_definite: bool) -> bool:
    """Definite boxes always count; a no-break-space cell only where it can be told from a spacer."""
    if option.definite:
        return True
    if not page_definite:
        return False
    return option.kind is not None or group.has_definite()


# --- known groups -> Finance / Accessibility ----------------------------------------------------------


def _yes_no(options: Sequence[_Option], yes: str, no: str, what: str, warnings: list[str]) -> bool | None:
    ticked_yes = any(o.ticked for o in options if o.kind == yes)
    ticked_no = any(o.ticked for o in options if o.kind == no)
    if ticked_yes and ticked_no:
        warnings.append(f"{what}: both answers are ticked; left empty")
        return None
    if ticked_yes:
        return True
    if ticked_no:
        return False
    return None


def _value_text(option: _Option, pattern_kind: str | None = None) -> str | None:
    """What is written beside an option: the rest of its label line and the value lines after it."""
    pieces: list[str] = []
    if pattern_kind:
        for kind, pattern in OPTION_PATTERNS:
            if kind == pattern_kind:
                match = pattern.search(option.label.lower())
                if match:
                    rest = option.label[match.end():].strip(" :,")
                    if rest:
                        pieces.append(rest)
    for value in option.values:
        field_match = FIELD_LINE.match(value)
        value_part = field_match.group(2).strip() if field_match else value
        if value_part:
            pieces.append(value_part)
    return " ".join(pieces) or None


def _amount(text: str | None) -> Decimal | None:
    if not text or not any(c.isdigit() for c in text):
        return None
    return parse_amount(text)


def _account(option: _Option | None) -> str | None:
    if option is None:
        return None
    for value in option.values:
        field_match = FIELD_LINE.match(value)
        number = (field_match.group(2) if field_match else value).strip()
        if number:
            return number
    return None


def _finance(groups: Sequence[_Group], warnings: list[str]) -> Finance | None:
    in_finance = [g for g in groups if g.kind in FINANCE_GROUPS and g.options]
    options = [o for g in groups for o in g.options
               if (g.kind in FINANCE_GROUPS and o.kind) or o.kind in FINANCE_OPTIONS]
    if not in_finance and not options:
        return None

    def first(kind: str) -> _Option | None:
        return next((o for o in options if o.kind == kind), None)

    impact_options = [o for g in groups if g.kind == "finance" for o in g.options]
    impact = _yes_no(impact_options, "yes", "no", "Finanzielle Auswirkungen", warnings)
    costs = first("costs")
    cost_amount = _amount(_value_text(costs, "costs")) if costs else None
    if cost_amount is None:
        yes = next((o for o in impact_options if o.kind == "yes"), None)
        cost_amount = _amount(_value_text(yes, "yes")) if yes else None
    if costs is not None and costs.ticked and cost_amount is None:
        warnings.append(f"Finanzielle Auswirkungen: '{costs.label}' is ticked but no amount is given")
    if cost_amount is not None and impact is False:
        warnings.append("Finanzielle Auswirkungen: 'Nein' is ticked but an amount is given")

    unplanned = first("unplanned")
    unplanned_amount = _amount(_value_text(unplanned)) if unplanned else None
    if unplanned is not None and unplanned.ticked and unplanned_amount is None:
        warnings.append("über-/außerplanmäßige Aufwendung is ticked but no amount is given")

    budget_plan = None
    for g in groups:
        if g.kind == "funding":
            for value in g.fields:
                field_match = FIELD_LINE.match(value)
                if field_match and field_match.group(1).casefold() == "teilplan" and field_match.group(2).strip():
                    budget_plan = field_match.group(2).strip()
                    break

    coverage_parts = [" ".join(filter(None, (o.label, _value_text(o)))) for o in options
                      if o.kind == "coverage" and o.ticked]
    tax_options = [o for o in options if o.kind in ("tax_yes", "tax_no")]
    return Finance(
        impact=impact,
        one_time_costs=cost_amount,
        budget_plan=budget_plan,
        result_account=_account(first("result_account")),
        investment_account=_account(first("investment_account")),
        unplanned_expense=unplanned.ticked if unplanned is not None else None,
        unplanned_amount=unplanned_amount,
        coverage="; ".join(coverage_parts) or None,
        tax_relevance=_yes_no(tax_options, "tax_yes", "tax_no", "Steuerliche Relevanz", warnings),
    )


def _accessibility(groups: Sequence[_Group], warnings: list[str]) -> Accessibility | None:
    affected = [o for g in groups if g.kind == "affected" for o in g.options]
    considered = [o for g in groups if g.kind == "considered" for o in g.options]
    if not affected and not considered:
        return None
    return Accessibility(
        affected=_yes_no(affected, "yes", "no", "Belange von Menschen mit Beeinträchtigungen sind betroffen", warnings),
        considered=_yes_no(considered, "yes", "no", "Belange von Menschen mit Beeinträchtigungen wurden berücksichtigt",
                           warnings),
    )


@dataclass
class FormReading:
    """Every checkbox group found on a page, and what the known groups mean."""

    checkboxes: list[Checkbox] = field(default_factory=list)
    finance: Finance | None = None
    accessibility: Accessibility | None = None
    warnings: list[str] = field(default_factory=list)


def _form_reading(tokens: Iterable[_Token]) -> FormReading:
    reading = _read_tokens(tokens)
    page_definite = any(g.has_definite() for g in reading.groups)
    groups: list[_Group] = []
    for group in reading.groups:
        kept = [o for o in group.options if _keep(o, group, page_definite)]
        if kept:
            groups.append(_Group(group.label, group.kind, kept, group.fields))
    result = FormReading()
    rows: list[dict[str, object]] = []
    for group in groups:
        rows += [{"group": group.label, "label": o.label, "checked": o.ticked, "value": _value_text(o)}
                 for o in group.options]
        if group.kind is None and {o.kind for o in group.options if o.ticked} >= {"yes", "no"}:
            result.warnings.append(f"checkbox group '{group.label}': both 'Ja' and 'Nein' are ticked")
    if rows:  # validated as one list: about half the cost of one model construction per row
        result.checkboxes = validate_rows(Checkbox, rows)
    result.finance = _finance(groups, result.warnings)
    result.accessibility = _accessibility(groups, result.warnings)
    if not groups:
        result.warnings += [f"form '{label}' shows its options without any tick marks; its answers are left empty"
                            for label in reading.unboxed]
    return result


# --- text renderings ---------------------------------------------------------------------------------

LABEL_HINT_PHRASES: tuple[str, ...] = ("finanzielle auswirkung", "menschen mit beeinträchtigung",
                                       "menschen mit behinderung", "steuerliche relevanz")
_LABEL_HINT = re.compile("|".join(re.escape(phrase) for phrase in LABEL_HINT_PHRASES), re.IGNORECASE)
#: Characters that an IGNORECASE regex takes for a letter of those phrases where ``str.lower()`` does not
#: give that letter (dotted and dotless i, long s), and the one other character that ``str.lower()`` makes an
#: ASCII letter (the Kelvin sign): where one occurs, the regex decides.
_ODD_CASE = ("\u0130", "\u0131", "\u017f", "\u212a")
#: The phrases as ASCII bytes, each other letter a "?" (as ``str.encode("ascii", "replace")`` writes it).
_LABEL_HINT_BYTES = tuple((phrase, phrase.encode("ascii", "replace")) for phrase in LABEL_HINT_PHRASES)


_BRACKET_IN_LINE = re.compile(r"\[[^\S\n]*[xX]?[^\S\n]*\]")


def _first_box_at(joined: str) -> int | None:
    """Where the first box of the text stands (a glyph, a bracket box within a line, a line that is an x);
    None where there is none. One C scan per kind instead of a test per line."""
    # str.find per glyph: ~3 µs on 4 KB where the character-class regex takes ~20 µs
    best = min((at for char in _BOX_CHARS if (at := joined.find(char)) >= 0), default=len(joined))
    if "[" in joined and (bracket := _BRACKET_IN_LINE.search(joined, 0, best)):
        best = bracket.start()
    for letter in ("x", "X"):  # a line holding only an x, around some x of the text
        at = joined.find(letter, 0, best)
        while at >= 0:
            start = joined.rfind("\n", 0, at) + 1
            end = joined.find("\n", at)
            if joined[start:end if end >= 0 else len(joined)].strip() in TICK_LINES:
                best = at
                break
            at = joined.find(letter, at + 1, best)
    return best if best < len(joined) else None


def _first_label_line(lines: Sequence[str], joined: str) -> int | None:
    """The index of the first line with a known group label (``_LABEL_HINT``); None where there is none."""
    if any(char in joined for char in _ODD_CASE) or joined.count("\n") != len(lines) - 1:
        return next((i for i, line in enumerate(lines) if _LABEL_HINT.search(line)), None)
    # The text as ASCII bytes, lower-cased (a byte per character; ~3x cheaper than str.lower() of a text
    # with umlauts): each phrase's matches are among the places where its bytes stand, "?" for an umlaut,
    # and a place counts where the text there lower-cases to the phrase.
    lowered = joined.encode("ascii", "replace").lower()
    first = len(joined)
    for phrase, pattern in _LABEL_HINT_BYTES:
        at = lowered.find(pattern, 0, first + len(pattern) - 1)
        while at >= 0 and joined[at:at + len(phrase)].lower() != phrase:
            at = lowered.find(pattern, at + 1, first + len(pattern) - 1)
        if at >= 0:
            first = at
    return lowered.count(b"\n", 0, first) if first < len(joined) else None


#: How many lines above the first box a group label (and the spacers after it) may stand.
_GROUP_LEAD_LINES = 25


def read_lines(lines: Sequence[str], cleaned: Sequence[str] | None = None) -> FormReading:
    """Checkbox groups of a text rendering; ``cleaned``: the lines as ``normalize.clean_lines`` gives them,
    where the caller has them already."""
    joined = "\n".join(lines)
    first_label = _first_label_line(lines, joined)
    box_at = _first_box_at(joined)
    if box_at is not None:
        # A group starts at its label, a few lines above its first box at most: prose before that has
        # no boxes and needs no reading.
        if joined.count("\n") == len(lines) - 1:  # no line holds a line break: lines count by "\n"
            first_box = joined.count("\n", 0, box_at)
        else:
            first_box = next(i for i, line in enumerate(lines) if _first_box_at(line) is not None)
        start = max(0, first_box - _GROUP_LEAD_LINES)
        begin = min(start, first_label) if first_label is not None else start
    elif first_label is not None:
        # No box anywhere: only a known form whose options stand without ticks can be reported.
        begin = first_label
    else:
        return FormReading()
    cleaned = clean_lines(lines[begin:]) if cleaned is None else cleaned[begin:]
    tokens: list[_Token] = []
    glyph_page = any(char in joined for char in _BOX_CHARS)  # else no line needs the glyph test
    _text_tokens(lines[begin:], cleaned, tokens, glyph_page)
    return _form_reading(tokens)


def _text_tokens(lines: Sequence[str], cleaned: Sequence[str], out: list[_Token], glyph_page: bool) -> None:
    """The tokens of lines of a text rendering (``cleaned``: the lines as ``normalize.clean_lines`` gives
    them); ``glyph_page=False`` where the page holds no box glyph."""
    noise_lines, noise_start = labels.NOISE_LINES, _NOISE_START
    for line, clean in zip(lines, cleaned, strict=True):
        if not line.strip(_BLANK):  # most lines of a form are empty cells: _line_tokens's first test, inline
            if "\u00a0" in line:
                out.append(_SPACER)
        elif line.lstrip().startswith("|"):  # a table row of the "Grunddaten" rendering: one line per cell
            for cell in line.strip().strip("|").split("|"):
                _line_tokens(cell, out, glyph_page)
        else:  # _line_tokens inline, past its blank test (cleaning and the glyph translation commute)
            text = clean.translate(_GLYPH_TRANSLATION) if glyph_page and _BOX_CHAR.search(clean) else clean
            if "[" in text:
                for pattern, glyph in BRACKET_BOXES:
                    text = pattern.sub(glyph, text)
            if text in TICK_LINES:
                out.append(_BOX_TICKED)
            elif text in noise_lines or noise_start(text) is not None:
                out.append(_BREAK)
            elif TICKED not in text and EMPTY not in text:
                out.append(text)
            else:
                _glyph_tokens(text, out)


# --- HTML --------------------------------------------------------------------------------------------

_LOWER = "translate({}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÜ', 'abcdefghijklmnopqrstuvwxyzäöü')"
_GLYPH_TEST = " or ".join(f"contains(., '{c}')" for c in _BOX_CHARS)
_X_TEST = "normalize-space(translate(., '\u00a0', ' '))"
_LABEL_TEST = " or ".join(f"contains(., '{phrase}')" for phrase in (
    "Finanzielle Auswirkungen", "Menschen mit Beeinträchtigung", "Steuerliche Relevanz"))
_IMG_TEXT = _LOWER.format("concat(@src, ' ', @alt, ' ', @title)")
_WINGDINGS = _LOWER.format("concat(@style, ' ', @face)")

#: One pass over the page finds every place a form can be; pages without any are skipped at once.
FORM_HITS = etree.XPath(
    f"//text()[{_GLYPH_TEST} or {_X_TEST} = 'x' or {_X_TEST} = 'X' or {_LABEL_TEST}]"
    f" | //input[{_LOWER.format('@type')} = 'checkbox']"
    f" | //img[contains({_IMG_TEXT}, 'check') or contains({_IMG_TEXT}, 'angekreuzt')"
    f" or contains({_IMG_TEXT}, 'kontrollk')]"
    f" | //*[self::span or self::font][contains({_WINGDINGS}, 'wingdings')]"
)
_BLOCK_TAGS = frozenset({"p", "div", "td", "th", "tr", "li", "br", "table", "tbody", "thead", "ul", "ol", "dl", "dt",
                         "dd", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "section", "article", "caption",
                         "label", "hr", "pre", "center"})
_REGION_BLOCKS = ("p", "li", "div", "dd", "dt", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "label")


def _image_glyph(img: lxml.html.HtmlElement) -> str:
    described = " ".join(filter(None, (img.get("src"), img.get("alt"), img.get("title"))))
    if IMAGE_ICONS.search(described):
        return ""
    if IMAGE_UNCHECKED.search(described):
        return f" {EMPTY} "
    if IMAGE_CHECKED.search(described):
        return f" {TICKED} "
    return ""


def _input_glyph(node: lxml.html.HtmlElement) -> str:
    if (node.get("type") or "").casefold() != "checkbox" or ":" in (node.get("name") or ""):
        return ""  # Wicket interface toggles are named by component path ("tagesordnung:...:alleTops")
    return f" {TICKED} " if node.get("checked") is not None else f" {EMPTY} "


def _is_wingdings(node: lxml.html.HtmlElement) -> bool:
    return "wingdings" in f"{node.get('style', '')} {node.get('face', '')}".casefold()


def _region_lines(region: lxml.html.HtmlElement) -> list[str]:
    """The region's text with each cell and paragraph on its own line and boxes as glyphs."""
    parts: list[str] = []
    for event, node in etree.iterwalk(region, events=("start", "end")):
        tag = node.tag
        if not isinstance(tag, str):
            if event == "end" and node.tail:
                parts.append(node.tail)
            continue
        if event == "start":
            if tag in _BLOCK_TAGS:
                parts.append("\n")
            if tag == "input":
                parts.append(_input_glyph(node))
            elif tag == "img":
                parts.append(_image_glyph(node))
            if node.text:
                text = node.text
                if _is_wingdings(node) and text.strip() and all(c in WINGDINGS_PLAIN for c in text.strip()):
                    text = "".join(WINGDINGS_PLAIN.get(c, c) for c in text)
                parts.append(text)
        else:
            if tag in _BLOCK_TAGS:
                parts.append("\n")
            if node is not region and node.tail:
                parts.append(node.tail)
    return "".join(parts).split("\n")


def _is_leaf_table(table: lxml.html.HtmlElement) -> bool:
    return next(table.iterdescendants("table"), None) is None


def _ancestor(node: lxml.html.HtmlElement, tags: Sequence[str]) -> lxml.html.HtmlElement | None:
    return next(node.iterancestors(*tags), None) if node.tag not in tags else node


def _region_of(hit: Any) -> lxml.html.HtmlElement | None:
    """The table or paragraph that holds a hit, or None where the hit is no box."""
    if isinstance(hit, str):  # a text node (lxml "smart string")
        smart: Any = hit
        parent = smart.getparent()
        if parent is None:
            return None
        if smart.is_tail:
            parent = parent.getparent()
            if parent is None:
                return None
        stripped = hit.strip(_BLANK)
        if stripped in TICK_LINES:
            cell = _ancestor(parent, ("td", "th"))
            if cell is None or clean_inline(cell.text_content()) not in TICK_LINES:
                return None
            table = next(cell.iterancestors("table"), None)
            return table if table is not None and _is_leaf_table(table) else cell
        if not any(c in _BOX_CHARS for c in hit):
            table = next(parent.iterancestors("table"), None) if parent.tag != "table" else parent
            return table if table is not None and _is_leaf_table(table) else None
        node = parent
    else:
        node = hit
        if node.tag == "img" and not _image_glyph(node):
            return None
        if node.tag == "input" and not _input_glyph(node):
            return None
        if node.tag in ("span", "font") and not (
                node.text and node.text.strip() and all(c in WINGDINGS_PLAIN for c in node.text.strip())):
            return None
    table = next(node.iterancestors("table"), None)
    if table is not None and _is_leaf_table(table):
        return table
    return _ancestor(node, _REGION_BLOCKS)


def _is_blank_element(el: lxml.html.HtmlElement) -> bool:
    return not (el.text_content() or "").strip(_BLANK) and el.find(".//img") is None and el.find(".//input") is None


def _previous_content(el: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """The nearest earlier sibling with text (spacer paragraphs skipped), climbing one level if needed."""
    for start in (el, el.getparent()):
        if start is None:
            return None
        sibling = start.getprevious()
        skipped = 0
        while sibling is not None and skipped < 4 and (not isinstance(sibling.tag, str) or _is_blank_element(sibling)):
            sibling = sibling.getprevious()
            skipped += 1
        if sibling is not None and isinstance(sibling.tag, str):
            return sibling
    return None


def _label_line(el: lxml.html.HtmlElement) -> str | None:
    """The last line of a label element before a form region (its last row, if it is a table)."""
    if el.tag == "table":
        rows = el.findall(".//tr")
        el = rows[-1] if rows else el
    lines = [line for line in (clean_inline(x) for x in _region_lines(el)) if line]
    return lines[-1] if lines and len(lines[-1]) <= MAX_LABEL else None


_STRING = etree.XPath("string(.)")


def _may_hold_form(root: lxml.html.HtmlElement) -> bool:
    """A cheap look at the page: is there any box glyph, checkbox input or image, or a form's labels?"""
    text = cast(str, _STRING(root))
    # rfind, not find or ``in``: its skip test is the needle's first character (a capital here), while
    # find's is the last one (a common lower-case letter): about a third of the time on page text
    if any(glyph in text for glyph in _BOX_CHARS) or any(text.rfind(phrase) >= 0 for phrase in FORM_HINT_PHRASES):
        return True
    start = text.rfind("Nein")
    while start >= 0:
        if YES_NO_NEAR.search(text, max(0, start - 24), start + 30):
            return True
        start = text.rfind("Nein", 0, start)  # "Nein" cannot overlap itself
    # one walk for inputs and images; every attribute value of every image in one string: most pages'
    # images (logos, icons) name no hint, and one search there is cheaper than three attribute reads per image
    values: list[str] = []
    for el in root.iter("input", "img"):
        if el.tag == "img":
            values += el.values()
        elif (kind := el.get("type")) and kind.lower() == "checkbox" and _input_glyph(el):
            return True
    joined = "\n".join(values).lower() if values else ""
    if any(hint in joined for hint in IMAGE_HINTS):
        for img in root.iter("img"):
            described = f"{img.get('src')} {img.get('alt')} {img.get('title')}".lower()
            if any(hint in described for hint in IMAGE_HINTS) and _image_glyph(img):
                return True
    return False


def read_html(root: lxml.html.HtmlElement) -> FormReading:
    """Checkbox groups of an HTML page."""
    if not _may_hold_form(root):
        return FormReading()
    hits = cast(list[Any], FORM_HITS(root))
    if not hits:
        return FormReading()
    regions: list[lxml.html.HtmlElement] = []
    chosen: set[lxml.html.HtmlElement] = set()
    for hit in hits:  # document order
        region = _region_of(hit)
        if region is None or region in chosen or any(a in chosen for a in region.iterancestors()):
            continue
        chosen.add(region)
        regions.append(region)
    if not regions:
        return FormReading()
    tokens: list[_Token] = []
    last: lxml.html.HtmlElement | None = None
    for region in regions:
        previous = _previous_content(region)
        if last is None or previous is not last:
            tokens.append(_BREAK)
            if previous is not None and previous not in chosen:
                label = _label_line(previous)
                if label:
                    _line_tokens(label, tokens)
        for line in _region_lines(region):
            _line_tokens(line, tokens)
        last = region
    return _form_reading(tokens)

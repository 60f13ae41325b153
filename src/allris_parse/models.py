"""Pydantic records: what a parsed ALLRIS page becomes.

Field names are English snake_case, aligned with OParl where OParl has a name;
German labels and values from the page stay as values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar, cast

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, TypeAdapter


def _decimal_to_json(value: Decimal) -> int | float:
    """Amounts are exact Decimals in Python and plain JSON numbers on output."""
    return int(value) if value == value.to_integral_value() else float(value)


Euro = Annotated[Decimal, PlainSerializer(_decimal_to_json, return_type=int | float, when_used="json")]

Format = Literal["html", "text"]
Flavour = Literal["classic", "responsive", "allris4", "unknown"]


class Model(BaseModel):
    """Base for every record part: unknown keys are refused when reading records back."""

    model_config = ConfigDict(extra="forbid")


_M = TypeVar("_M", bound=Model)
_LIST_ADAPTERS: dict[type[Model], TypeAdapter[Any]] = {}


def validate_rows(model: type[_M], rows: Sequence[Mapping[str, object]]) -> list[_M]:
    """Rows of field values (a page's agenda items, members, checkboxes, ...) as validated models: one
    pydantic-core call for the list costs about half of one model construction per row."""
    if not rows:
        return []
    adapter = _LIST_ADAPTERS.get(model)
    if adapter is None:
        adapter = _LIST_ADAPTERS[model] = TypeAdapter(list[model])  # type: ignore[valid-type]
    return cast(list[_M], adapter.validate_python(rows))


class Source(Model):
    """Where a record came from."""

    path: str | None = None
    url: str | None = None
    format: Format
    flavour: Flavour = "unknown"
    encoding: str | None = None
    sha256: str


class Consultation(Model):
    """One step of a paper's Beratungsfolge: a committee, and the meeting that dealt with it."""

    committee: str | None = None
    role: str | None = Field(None, description="Zuständigkeit, e.g. 'Vorberatung', 'Entscheidung'")
    date: dt.date | None = None
    meeting_title: str | None = None
    result: str | None = Field(None, description="Beschluss as shown, e.g. 'ungeändert beschlossen'")
    status: str | None = Field(None, description="workflow state as shown, e.g. 'Geplant', 'Erledigt'")
    meeting_id: int | None = Field(None, description="SILFDNR")
    agenda_item_id: int | None = Field(None, description="TOLFDNR")


class Section(Model):
    """A text section of a page (Sachverhalt, Beschlussvorschlag, ...), in page order."""

    heading: str | None = None
    text: str


class Attachment(Model):
    """A file linked from a page: the main document or an Anlage."""

    title: str
    url: str | None = None
    role: Literal["document", "attachment"] = "attachment"
    size: str | None = Field(None, description="as shown, e.g. '460 KB'")
    document_id: int | None = Field(None, description="DOLFDNR")


class Checkbox(Model):
    """One option of a form's checkbox group, tri-state: None where the page shows no answer."""

    group: str | None = None
    label: str
    checked: bool | None = None
    value: str | None = Field(None, description="what is written beside the option, e.g. '505.000€' (an amount)")


class Finance(Model):
    """The 'Finanzielle Auswirkungen' block of a Vorlage."""

    impact: bool | None = Field(None, description="Finanzielle Auswirkungen: Ja (true) / Nein (false)")
    one_time_costs: Euro | None = Field(None, description="Darstellung der einmaligen Kosten, Folgekosten")
    budget_plan: str | None = Field(None, description="Mittelbereitstellung: Teilplan")
    result_account: str | None = Field(None, description="Produktkonto in der Ergebnisrechnung")
    investment_account: str | None = Field(None, description="Produktkonto in der Finanzrechnung investiv")
    unplanned_expense: bool | None = Field(None, description="über-/außerplanmäßige Aufwendung")
    unplanned_amount: Euro | None = None
    coverage: str | None = Field(None, description="Deckung der Haushaltsüberschreitung")
    tax_relevance: bool | None = Field(None, description="Steuerliche Relevanz")


class Accessibility(Model):
    """Belange von Menschen mit Beeinträchtigungen."""

    affected: bool | None = None
    considered: bool | None = None


class Record(Model):
    """Fields every record has."""

    kind: str
    page_type: str
    source: Source
    warnings: list[str] = Field(default_factory=list)


class Paper(Record):
    """A Vorlage (Drucksache, Antrag, Mitteilung): page type vo020."""

    kind: Literal["paper"] = "paper"
    page_type: Literal["vo020"] = "vo020"
    paper_id: int | None = Field(None, description="VOLFDNR")
    reference: str | None = Field(None, description="Drucksachennummer, e.g. 'DrS/2021/241-1'")
    title: str | None = Field(None, description="Betreff")
    paper_type: str | None = Field(None, description="Vorlageart")
    status: str | None = None
    date: dt.date | None = None
    lead_department: str | None = Field(None, description="Federführend / Federführung")
    author: str | None = Field(None, description="Verfasser / Antragsteller / Berichterstattung")
    editor: str | None = Field(None, description="Bearbeiter/-in / Bearbeitung")
    consultations: list[Consultation] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)
    attachments: list[Attachment] = Field(default_factory=list, description="Anlagen")
    documents: list[Attachment] = Field(
        default_factory=list, description="the paper's own files (Vorlage PDF, Sammeldokument), role 'document'")
    finance: Finance | None = None
    accessibility: Accessibility | None = None
    checkboxes: list[Checkbox] = Field(default_factory=list)


# --- meetings, agenda items, calendars, organisations, people (page types to010, to020, si010, ...) ---

Time = Annotated[str, Field(pattern=r"^\d{2}:\d{2}$", description="local time 'HH:MM' (Europe/Berlin)")]


class Votes(Model):
    """Vote counts where a page states them."""

    yes: int | None = None
    no: int | None = None
    abstentions: int | None = None
    text: str | None = Field(None, description="the Abstimmungsergebnis as shown")


class AgendaEntry(Model):
    """One Tagesordnungspunkt in a meeting's agenda."""

    number: str | None = Field(None, description="exactly as shown: 'Ö 1.2', 'N 3', '4.1'")
    title: str | None = None
    public: bool | None = None
    paper_reference: str | None = None
    paper_id: int | None = Field(None, description="VOLFDNR of the linked Vorlage")
    agenda_item_id: int | None = Field(None, description="TOLFDNR")
    result: str | None = Field(None, description="Beschlussart as shown")
    result_normalized: str | None = None
    note: str | None = Field(None, description="Zusatzinfo shown beside the Betreff, e.g. '(Referent: ...)'")
    role: str | None = Field(None, description="Zuständigkeit as shown, e.g. 'Vorberatung'")


class Meeting(Record):
    """A Sitzung with its Tagesordnung: page type to010."""

    kind: Literal["meeting"] = "meeting"
    page_type: Literal["to010"] = "to010"
    meeting_id: int | None = Field(None, description="SILFDNR")
    committee: str | None = Field(None, description="Gremium")
    title: str | None = Field(None, description="the Sitzung's name as shown (Bezeichnung)")
    date: dt.date | None = None
    start: Time | None = None
    end: Time | None = None
    location: str | None = Field(None, description="Raum as shown")
    address: str | None = Field(None, description="Ort: street and town")
    status: str | None = None
    cancelled: bool | None = None
    documents: list[Attachment] = Field(default_factory=list, description="Einladung, Niederschrift, ...")
    agenda_items: list[AgendaEntry] = Field(default_factory=list)
    sections: list[Section] = Field(
        default_factory=list, description="text shown on the page besides the agenda (e.g. a Beschluss view)")


class AgendaItem(Record):
    """An Auszug: one Tagesordnungspunkt with protocol and decision, page type to020."""

    kind: Literal["agenda_item"] = "agenda_item"
    page_type: Literal["to020"] = "to020"
    agenda_item_id: int | None = Field(None, description="TOLFDNR")
    meeting_id: int | None = Field(None, description="SILFDNR")
    paper_id: int | None = Field(None, description="VOLFDNR")
    committee: str | None = None
    meeting_title: str | None = None
    date: dt.date | None = None
    start: Time | None = None
    end: Time | None = None
    location: str | None = Field(None, description="Raum as shown")
    address: str | None = Field(None, description="Ort: street and town")
    number: str | None = None
    title: str | None = None
    public: bool | None = None
    status: str | None = None
    paper_reference: str | None = None
    result: str | None = None
    result_normalized: str | None = None
    votes: Votes | None = None
    sections: list[Section] = Field(default_factory=list)
    attachments: list[Attachment] = Field(default_factory=list)


class CalendarEntry(Model):
    """One meeting in a Sitzungskalender."""

    date: dt.date | None = None
    start: Time | None = None
    end: Time | None = None
    committee: str | None = None
    title: str | None = None
    location: str | None = None
    meeting_id: int | None = Field(None, description="SILFDNR")
    cancelled: bool | None = None


class MeetingCalendar(Record):
    """A Sitzungskalender (si010 and its variants)."""

    kind: Literal["meeting_calendar"] = "meeting_calendar"
    page_type: Literal["si010"] = "si010"
    year: int | None = None
    month: int | None = None
    meetings: list[CalendarEntry] = Field(default_factory=list)


class Membership(Model):
    """A person's seat in a Gremium or Fraktion."""

    name: str
    role: str | None = None
    party: str | None = Field(None, description="party or Fraktion where shown")
    start_date: dt.date | None = Field(None, description="member from")
    end_date: dt.date | None = Field(None, description="member until")
    person_id: int | None = Field(None, description="KPLFDNR")
    organization: str | None = Field(None, description="the Gremium or Fraktion, on a person's page")
    organization_id: int | None = Field(None, description="AULFDNR or FRLFDNR, on a person's page")


class Organization(Record):
    """A Gremium (au020) or Fraktion (fr020, fr010) with its members."""

    kind: Literal["organization"] = "organization"
    page_type: Literal["au020", "fr020"] = "au020"
    organization_id: int | None = Field(None, description="AULFDNR or FRLFDNR")
    name: str | None = None
    organization_type: str | None = Field(None, description="'committee' (Gremium) or 'faction' (Fraktion)")
    members: list[Membership] = Field(default_factory=list)


class OrganizationSummary(Model):
    """One row of a list of Gremien or Fraktionen."""

    name: str
    organization_id: int | None = Field(None, description="AULFDNR or FRLFDNR")
    member_count: int | None = None
    last_meeting: dt.date | None = Field(None, description="date of the last Sitzung shown")
    next_meeting: dt.date | None = Field(None, description="date of the next Sitzung shown")


class OrganizationList(Record):
    """A list of Fraktionen (fr010) or Gremien: one summary per organisation, linked by id."""

    kind: Literal["organization_list"] = "organization_list"
    page_type: Literal["fr010", "au010"] = "fr010"
    organization_type: str | None = Field(None, description="'committee' (Gremium) or 'faction' (Fraktion)")
    title: str | None = Field(None, description="the list's heading as shown")
    organizations: list[OrganizationSummary] = Field(default_factory=list)


class Person(Record):
    """A person page (kp020 and the like)."""

    kind: Literal["person"] = "person"
    page_type: Literal["kp020"] = "kp020"
    person_id: int | None = Field(None, description="KPLFDNR")
    name: str | None = None
    memberships: list[Membership] = Field(default_factory=list)


class PaperListEntry(Model):
    """One row of a list or search of papers."""

    paper_id: int | None = Field(None, description="VOLFDNR")
    reference: str | None = None
    title: str | None = None
    date: dt.date | None = None
    paper_type: str | None = None


class PaperList(Record):
    """A list or search result of papers (vo040): one row per Vorlage, linked by id."""

    kind: Literal["paper_list"] = "paper_list"
    page_type: Literal["vo040"] = "vo040"
    total: str | None = Field(None, description="the result count as shown: 'Ergebnisse 1-50 von ungefähr 19200'")
    papers: list[PaperListEntry] = Field(default_factory=list)


#: Every record type, for schemas and for reading records back.
RECORD_TYPES: tuple[type[Record], ...] = (
    Paper, Meeting, AgendaItem, MeetingCalendar, Organization, OrganizationList, Person, PaperList)

"""Pydantic records: what a parsed ALLRIS page becomes.

Field names are English snake_case, aligned with OParl where OParl has a name;
German labels and values from the page stay as values.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer


def _decimal_to_json(value: Decimal) -> int | float:
    """Amounts are exact Decimals in Python and plain JSON numbers on output."""
    return int(value) if value == value.to_integral_value() else float(value)


Euro = Annotated[Decimal, PlainSerializer(_decimal_to_json, return_type=int | float, when_used="json")]

Format = Literal["html", "text"]
Flavour = Literal["classic", "responsive", "allris4", "unknown"]


class Model(BaseModel):
    """Base for every record part: unknown keys are refused when reading records back."""

    model_config = ConfigDict(extra="forbid")


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


AnyRecord = Paper

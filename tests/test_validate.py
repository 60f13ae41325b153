"""`validate`: every rule, records read back (round trip), --strict, --require, every report format, exit codes."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from lxml import etree
from typer.testing import CliRunner, Result

from allris_parse import reports
from allris_parse.cli import app
from allris_parse.models import (
    AgendaEntry,
    AgendaItem,
    CalendarEntry,
    Consultation,
    Finance,
    Meeting,
    MeetingCalendar,
    Membership,
    Organization,
    OrganizationList,
    OrganizationSummary,
    Paper,
    PaperList,
    PaperListEntry,
    Person,
    Record,
    Source,
    Votes,
)
from allris_parse.validation import (
    CHECKS,
    KINDS,
    RULES,
    Finding,
    RequirementError,
    Validator,
    looks_like_records,
    requirement_rules,
    resolve,
)
from allris_parse.validation import Result as Checked

FIXTURES = Path(__file__).parent / "fixtures"
README = Path(__file__).parent.parent / "README.md"
TODAY = dt.date(2024, 6, 1)
SOURCE = Source(path="page.html", format="html", sha256="0" * 64)

#: Fixture pages that are valid as they stand (no error findings, no --strict).
VALID_PAGE = FIXTURES / "vo020" / "classic-full-cp1252" / "input.html"
#: A fixture page with warnings only (dates of calendar rows that cannot be told).
WARNING_PAGE = FIXTURES / "si010" / "classic-no-month" / "input.html"
#: A fixture page with an error: an Auszug fragment without its TOP number.
INVALID_PAGE = FIXTURES / "to020" / "text-fragment" / "input.txt"


def run(*args: str, stdin: bytes | None = None) -> Result:
    return CliRunner().invoke(app, list(args), input=stdin)


def check(record: Record, **options: Any) -> list[Finding]:
    return Validator(today=TODAY, **options).check(record)


def where(findings: list[Finding], severity: str = "error") -> set[tuple[str, str]]:
    """(rule, field) of the findings of one severity."""
    return {(f.rule, f.field) for f in findings if f.severity == severity}


def paper(**fields: Any) -> Paper:
    return Paper(source=SOURCE, **{"reference": "DS/2024/1", "title": "Neue Bänke", **fields})


def meeting(**fields: Any) -> Meeting:
    return Meeting(source=SOURCE, **{"date": dt.date(2024, 5, 2), **fields})


def agenda_item(**fields: Any) -> AgendaItem:
    return AgendaItem(source=SOURCE, **{"number": "Ö 3", "title": "Haushalt", **fields})


def calendar(**fields: Any) -> MeetingCalendar:
    entry = CalendarEntry(date=dt.date(2024, 5, 2), start="18:00")
    return MeetingCalendar(source=SOURCE, **{"year": 2024, "month": 5, "meetings": [entry], **fields})


VALID_RECORDS: list[Record] = [
    paper(consultations=[Consultation(committee="Rat", date=dt.date(2024, 3, 1))],
          finance=Finance(impact=True, one_time_costs=Decimal("505000"))),
    meeting(start="18:00", end="20:15", agenda_items=[AgendaEntry(number="Ö 1", title="Eröffnung", public=True),
                                                     AgendaEntry(number="1", title="Eröffnung", public=True),
                                                     AgendaEntry(number="1", title="Personal", public=False)]),
    agenda_item(votes=Votes(yes=12, no=0, abstentions=1), start="19:00", end="00:30"),
    calendar(),
    Organization(source=SOURCE, name="Bauausschuss", members=[
        Membership(name="A. Muster", start_date=dt.date(2019, 6, 1), end_date=dt.date(2024, 5, 31))]),
    OrganizationList(source=SOURCE, organizations=[OrganizationSummary(name="Fraktion X", member_count=4)]),
    Person(source=SOURCE, name="A. Muster"),
    PaperList(source=SOURCE, papers=[PaperListEntry(reference="DS/1", date=dt.date(1949, 1, 1))]),
]


# --- rules ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("record", VALID_RECORDS, ids=lambda r: r.kind)
def test_a_plausible_record_of_every_kind_has_no_findings(record: Record) -> None:
    assert check(record) == []


def test_every_kind_has_rules_and_every_rule_a_check() -> None:
    assert {rule.kind for rule in RULES} - {"*"} == set(KINDS)
    assert {rule.check for rule in RULES} <= set(CHECKS)


@pytest.mark.parametrize(("record", "expected"), [
    (Paper(source=SOURCE), {("required", "reference"), ("required", "title")}),
    (paper(title="   "), {("required", "title")}),
    (paper(consultations=[Consultation(committee="Rat"), Consultation(date=dt.date(2024, 1, 1))]),
     {("required", "consultations[1].committee")}),
    (Meeting(source=SOURCE), {("required", "date")}),
    (meeting(agenda_items=[AgendaEntry(number="Ö 1"), AgendaEntry(title="Verschiedenes")]),
     {("required", "agenda_items[0].title"), ("required", "agenda_items[1].number")}),
    (AgendaItem(source=SOURCE), {("required", "number"), ("required", "title")}),
    (calendar(meetings=[]), {("required", "meetings")}),
    (Organization(source=SOURCE), {("required", "name")}),
    (OrganizationList(source=SOURCE), {("required", "organizations")}),
    (Person(source=SOURCE), {("required", "name")}),
    (PaperList(source=SOURCE), {("required", "papers")}),
], ids=lambda value: value.kind if isinstance(value, Record) else "")
def test_required_fields_per_kind(record: Record, expected: set[tuple[str, str]]) -> None:
    assert where(check(record)) == expected


def test_required_messages_say_missing_or_empty() -> None:
    assert [f.message for f in check(calendar(meetings=[]))] == ["meetings is empty"]
    assert [f.message for f in check(Person(source=SOURCE))] == ["name is missing"]


def test_a_calendar_row_without_its_date_is_a_warning_only() -> None:
    record = calendar(meetings=[CalendarEntry(start="18:00"), CalendarEntry(date=dt.date(2024, 5, 3))])
    findings = check(record)
    assert where(findings) == set()
    assert where(findings, "warning") == {("required", "meetings[0].date")}


@pytest.mark.parametrize(("record", "field"), [
    (paper(date=dt.date(1900, 1, 1)), "date"),
    (paper(date=dt.date(1948, 12, 31)), "date"),
    (paper(consultations=[Consultation(committee="Rat", date=dt.date(2100, 1, 1))]), "consultations[0].date"),
    (meeting(date=dt.date(2030, 1, 1)), "date"),
    (calendar(meetings=[CalendarEntry(date=dt.date(1900, 5, 2))]), "meetings[0].date"),
    (calendar(year=1900), "year"),
    (calendar(year=2031), "year"),
    (PaperList(source=SOURCE, papers=[PaperListEntry(date=dt.date(1899, 1, 1))]), "papers[0].date"),
    (Person(source=SOURCE, name="A", memberships=[Membership(name="Rat", end_date=dt.date(3000, 1, 1))]),
     "memberships[0].end_date"),
])
def test_dates_before_1949_or_far_in_the_future_are_errors(record: Record, field: str) -> None:
    assert ("date-range", field) in where(check(record))


def test_date_range_edges() -> None:
    assert check(paper(date=dt.date(1949, 1, 1))) == []
    assert check(paper(date=dt.date(2029, 12, 31))) == []  # TODAY.year + 5
    assert where(check(paper(date=dt.date(2030, 1, 1)))) == {("date-range", "date")}
    message = check(paper(date=dt.date(1900, 1, 1)))[0].message
    assert message == "date 1900-01-01 is before 1949-01-01"


@pytest.mark.parametrize(("record", "field"), [
    (paper(finance=Finance(impact=True, one_time_costs=Decimal("-5"))), "finance.one_time_costs"),
    (paper(finance=Finance(unplanned_expense=True, unplanned_amount=Decimal("-0.5"))), "finance.unplanned_amount"),
    (agenda_item(votes=Votes(yes=-1)), "votes.yes"),
    (agenda_item(votes=Votes(no=-2)), "votes.no"),
    (agenda_item(votes=Votes(abstentions=-3)), "votes.abstentions"),
    (OrganizationList(source=SOURCE, organizations=[OrganizationSummary(name="X", member_count=-1)]),
     "organizations[0].member_count"),
])
def test_negative_amounts_and_counts_are_errors(record: Record, field: str) -> None:
    assert where(check(record)) == {("non-negative", field)}


@pytest.mark.parametrize(("record", "field"), [
    (meeting(start="18:00", end="17:30"), "end"),
    (agenda_item(start="10:00", end="09:59"), "end"),
    (calendar(meetings=[CalendarEntry(date=dt.date(2024, 5, 2)),
                        CalendarEntry(date=dt.date(2024, 5, 3), start="16:00", end="15:00")]), "meetings[1].end"),
])
def test_an_end_before_the_start_is_an_error(record: Record, field: str) -> None:
    assert where(check(record)) == {("time-order", field)}


def test_an_evening_meeting_may_end_after_midnight() -> None:
    assert check(meeting(start="19:00", end="00:45")) == []
    assert where(check(meeting(start="09:00", end="01:00"))) == {("time-order", "end")}


def test_a_membership_ending_before_it_starts_is_an_error() -> None:
    member = Membership(name="A", start_date=dt.date(2020, 1, 1), end_date=dt.date(2019, 1, 1))
    assert where(check(Organization(source=SOURCE, name="Rat", members=[member]))) == {
        ("date-order", "members[0].end_date")}
    assert where(check(Person(source=SOURCE, name="A", memberships=[member]))) == {
        ("date-order", "memberships[0].end_date")}


def test_a_month_outside_1_to_12_is_an_error() -> None:
    assert where(check(calendar(month=13))) == {("in-range", "month")}
    assert where(check(calendar(month=0))) == {("in-range", "month")}


def test_duplicate_agenda_numbers_are_errors_within_each_part() -> None:
    items = [AgendaEntry(number="Ö 1", title="a", public=True), AgendaEntry(number="Ö 2", title="b", public=True),
             AgendaEntry(number="Ö 1", title="c", public=True), AgendaEntry(number="Ö 1", title="d", public=False)]
    findings = check(meeting(agenda_items=items))
    assert where(findings) == {("unique", "agenda_items[2].number")}
    assert findings[0].message == "agenda_items[2].number 'Ö 1' is also agenda_items[0].number"


def test_a_finance_block_contradicting_itself_is_a_warning() -> None:
    findings = check(paper(finance=Finance(impact=False, one_time_costs=Decimal("1000"),
                                           unplanned_expense=False, unplanned_amount=Decimal("5"))))
    assert where(findings) == set()
    assert where(findings, "warning") == {("finance-ticks", "finance.impact"),
                                          ("finance-ticks", "finance.unplanned_expense")}


def test_the_parsers_finance_warning_is_reported_once_in_its_own_words() -> None:
    text = "Finanzielle Auswirkungen: 'Nein' is ticked but an amount is given"
    record = paper(finance=Finance(impact=False, one_time_costs=Decimal("1000")), warnings=[text])
    assert [(f.severity, f.rule, f.field, f.message) for f in check(record)] == [
        ("warning", "finance-ticks", "finance", text)]


@pytest.mark.parametrize(("text", "rule"), [
    ("Finanzielle Auswirkungen: both answers are ticked; left empty", "finance-ticks"),
    ("über-/außerplanmäßige Aufwendung is ticked but no amount is given", "finance-ticks"),
    ("checkbox group 'Klimaschutz': both 'Ja' and 'Nein' are ticked", "contradictory-ticks"),
    ("text rendering looks truncated (1980 bytes); fields after the cut are missing", "truncated"),
    ("declared charset 'utf-8' does not fit the bytes; read as windows-1252", "encoding"),
    ("no calendar table found", "parser-warning"),
])
def test_parser_warnings_are_warnings_classified_by_what_they_say(text: str, rule: str) -> None:
    findings = check(paper(warnings=[text]))
    assert [(f.severity, f.rule, f.message) for f in findings] == [("warning", rule, text)]


def test_strict_turns_warnings_into_errors() -> None:
    record = paper(warnings=["no Grunddaten block"])
    assert Validator(today=TODAY).check(record)[0].severity == "warning"
    assert [f.severity for f in Validator(today=TODAY, strict=True).check(record)] == ["error"]


def test_resolve_walks_blocks_and_lists() -> None:
    record = meeting(agenda_items=[AgendaEntry(number="1"), AgendaEntry()])
    assert list(resolve(record, "agenda_items.number")) == [("agenda_items[0].number", "1"),
                                                            ("agenda_items[1].number", None)]
    assert list(resolve(paper(), "finance.impact")) == [("finance.impact", None)]
    assert list(resolve(paper(), "consultations.date")) == []


# --- --require -----------------------------------------------------------------------------------------


def test_require_without_kind_applies_to_every_kind_with_the_field() -> None:
    assert {r.kind for r in requirement_rules("finance.impact")} == {"paper"}
    assert {r.kind for r in requirement_rules("location")} == {"meeting", "agenda_item"}
    assert {r.kind for r in requirement_rules("source.url")} == set(KINDS)
    assert [(r.kind, r.path) for r in requirement_rules("meeting:location")] == [("meeting", "location")]


@pytest.mark.parametrize("spec", ["nope", "paper:nope", "nokind:title", "finance.", "Title", "paper:",
                                  "finance..impact"])
def test_require_refuses_what_names_no_field(spec: str) -> None:
    with pytest.raises(RequirementError):
        requirement_rules(spec)


def test_required_extra_fields_are_errors() -> None:
    validator = Validator(today=TODAY, require=["finance.impact", "paper:consultations.date", "paper:attachments"])
    record = paper(consultations=[Consultation(committee="Rat")])
    assert where(validator.check(record)) == {("required", "finance.impact"), ("required", "consultations[0].date"),
                                              ("required", "attachments")}
    assert where(validator.check(paper(finance=Finance(impact=False), consultations=[],
                                       attachments=[]))) == {("required", "attachments")}


# --- records read back ---------------------------------------------------------------------------------


def test_records_are_told_from_pages_by_content() -> None:
    assert looks_like_records(b'{"kind": "paper"}\n')
    assert looks_like_records(b'\xef\xbb\xbf  [\n  {"kind": "paper"}]')
    assert looks_like_records(b"[]")
    assert not looks_like_records(b"<html>")
    assert not looks_like_records(b"[Logo] Ratsinformation\nVorlage - 22-0815")
    assert not looks_like_records(b"{{template}}")


def _fixture_pages() -> list[Path]:
    return sorted(FIXTURES.glob("*/*/input.*"))


def test_round_trip_parse_jsonl_validate_gives_the_same_findings(tmp_path: Path) -> None:
    pages = [str(p) for p in _fixture_pages()]
    records = tmp_path / "records.jsonl"
    assert run("parse", *pages, "--format", "jsonl", "-o", str(records)).exit_code == 0
    validator = Validator()
    from allris_parse.sources import iter_inputs
    from allris_parse.validation import validate_inputs

    from_pages = list(validate_inputs(iter_inputs(pages), validator))
    from_records = list(validate_inputs(iter_inputs([str(records)]), validator))
    assert len(from_records) == len(from_pages) == len(pages)
    assert [r.findings for r in from_records] == [r.findings for r in from_pages]
    assert not any(f.rule == "schema" for r in from_records for f in r.findings)
    assert [r.name for r in from_records[:2]] == [f"{records}:1", f"{records}:2"]
    assert [r.line for r in from_records[:2]] == [1, 2]


def test_records_written_by_parse_validate_cleanly(tmp_path: Path) -> None:
    for output_format in ("json", "jsonl"):
        records = tmp_path / f"records.{output_format}"
        assert run("parse", str(VALID_PAGE), "--format", output_format, "-o", str(records)).exit_code == 0
        result = run("validate", str(records))
        assert result.exit_code == 0, result.output
        assert "1 checked: 1 valid, 0 invalid; 0 errors, 0 warnings" in result.stdout


def test_worker_processes_give_the_same_report_in_the_same_order() -> None:
    pages = [str(p) for p in _fixture_pages()]
    assert len(pages) >= 8  # enough for the pool to be used
    serial = run("validate", *pages, "--report", "json", "--jobs", "1")
    parallel = run("validate", *pages, "--report", "json", "--jobs", "2")
    assert serial.exit_code == parallel.exit_code
    assert json.loads(parallel.stdout) == json.loads(serial.stdout)
    assert len(json.loads(serial.stdout)["results"]) == len(pages)


def test_a_directory_of_split_records_is_validated(tmp_path: Path) -> None:
    """`parse --split DIR` then `validate DIR`: the directory walk takes record files, not only pages."""
    split = tmp_path / "records"
    assert run("parse", str(VALID_PAGE), str(INVALID_PAGE), "--split", str(split), "--quiet").exit_code == 0
    (split / "nested").mkdir()
    paper_record = next(split.glob("paper_*.json")).read_text(encoding="utf-8")  # the valid page's record
    (split / "nested" / "more.jsonl").write_text(paper_record, encoding="utf-8")
    (split / "notes.md").write_text("not a record", encoding="utf-8")
    result = run("validate", str(split), "--report", "json")
    assert result.exit_code == 1, result.output  # the Auszug fragment without its TOP number
    checked = json.loads(result.stdout)
    assert checked["summary"]["checked"] == 3
    assert checked["summary"]["invalid"] == 1


def _jsonl(*records: dict[str, Any] | str) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in records)


def _paper_dict(**fields: Any) -> dict[str, Any]:
    return json.loads(paper(**fields).model_dump_json())


def test_records_that_do_not_fit_the_models_are_schema_errors(tmp_path: Path) -> None:
    records = tmp_path / "bad.jsonl"
    records.write_text(_jsonl(
        _paper_dict(),
        {**_paper_dict(), "kind": "minutes"},
        {k: v for k, v in _paper_dict().items() if k != "kind"},
        {**_paper_dict(), "colour": "red"},
        {**_paper_dict(), "date": "yesterday"},
        {**_paper_dict(), "consultations": [{"committee": "Rat", "date": "2024-13-40"}]},
        "[1, 2]",
        "{not json",
    ), encoding="utf-8")
    result = run("validate", str(records), "--report", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    errors = [[(e["rule"], e["field"]) for e in r["errors"]] for r in report["results"]]
    assert errors == [
        [],
        [("schema", "kind")],
        [("schema", "kind")],
        [("schema", "colour")],
        [("schema", "date")],
        [("schema", "consultations[0].date")],
        [("schema", "")],
        [("schema", "")],
    ]
    assert "unknown kind 'minutes'; kinds: paper, meeting" in report["results"][1]["errors"][0]["message"]
    assert [r["line"] for r in report["results"]] == list(range(1, 9))


def test_a_json_array_a_single_object_and_empty_files(tmp_path: Path) -> None:
    array = tmp_path / "a.json"
    array.write_text(json.dumps([_paper_dict(), _paper_dict(title=None)], indent=2), encoding="utf-8")
    single = tmp_path / "one.json"
    single.write_text(json.dumps(_paper_dict(), indent=2), encoding="utf-8")
    empty = tmp_path / "empty.json"
    empty.write_text("[]\n", encoding="utf-8")
    report = json.loads(run("validate", str(array), str(single), str(empty), "--report", "json").stdout)
    assert [(r["name"], r["valid"]) for r in report["results"]] == [
        (f"{array}[0]", True), (f"{array}[1]", False), (str(single), True), (str(empty), False)]
    assert report["results"][3]["errors"][0]["message"] == "no records"


def test_a_line_separator_inside_a_record_does_not_split_it(tmp_path: Path) -> None:
    records = tmp_path / "r.jsonl"
    records.write_text(paper(title="Zeile\u2028Zeile\u0085").model_dump_json() + "\n", encoding="utf-8")
    assert run("validate", str(records)).exit_code == 0
    result = run("validate", "-", stdin=records.read_bytes())
    assert result.exit_code == 0, result.stdout
    assert "1 checked: 1 valid" in result.stdout


def test_records_and_pages_from_standard_input() -> None:
    assert run("validate", "-", stdin=_jsonl(_paper_dict(title=None)).encode()).exit_code == 1
    assert run("validate", "-", stdin=VALID_PAGE.read_bytes()).exit_code == 0


# --- reports -------------------------------------------------------------------------------------------


def _results() -> list[Checked]:
    return [
        Checked("ok.html", "ok.html", kind="paper"),
        Checked("r.jsonl:3", "r.jsonl", 3, "paper", [Finding("error", "required", "title", "title is missing"),
                                                     Finding("warning", "truncated", "", "text <cut> & \"gone\"")]),
        Checked("missing.html", "missing.html", findings=[Finding("error", "input", "", "no such file")]),
        Checked("w.html", "w.html", kind="meeting_calendar",
                findings=[Finding("warning", "required", "meetings[0].date", "meetings[0].date is missing")]),
    ]


def test_summary_counts() -> None:
    assert reports.summary(_results()) == {"checked": 4, "valid": 2, "invalid": 2, "unreadable": 1, "errors": 2,
                                           "warnings": 2}


def test_json_report() -> None:
    out = io.StringIO()
    reports.write_json(_results(), out, strict=True)
    report = json.loads(out.getvalue())
    assert report["valid"] is False
    assert report["strict"] is True
    assert report["summary"]["invalid"] == 2
    second = report["results"][1]
    assert second == {"name": "r.jsonl:3", "file": "r.jsonl", "line": 3, "kind": "paper", "valid": False,
                      "errors": [{"rule": "required", "field": "title", "message": "title is missing"}],
                      "warnings": [{"rule": "truncated", "field": "", "message": "text <cut> & \"gone\""}]}


def test_plain_lines_then_the_summary() -> None:
    out = io.StringIO()
    reports.write_human(_results(), out)
    assert out.getvalue().splitlines() == [
        "r.jsonl:3: error [required] title is missing",
        "r.jsonl:3: warning [truncated] text <cut> & \"gone\"",
        "missing.html: error [input] no such file",
        "w.html: warning [required] meetings[0].date is missing",
        "4 checked: 2 valid, 2 invalid; 2 errors, 2 warnings",
    ]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_table_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    out = _Terminal()
    reports.write_human(_results(), out)
    text = re.sub(r"\x1b\[[0-9;]*m", "", out.getvalue())
    assert "┃" in text or "│" in text  # a rich table, not plain lines
    for cell in ("r.jsonl:3", "required", "title is missing", "meetings[0].date", "4 checked: 2 valid"):
        assert cell in text
    assert "ok.html" not in text  # valid inputs without findings are left out


#: The common shape of JUnit XML (as in Jenkins' junit-10 schema, which GitLab and GitHub reporters also read).
JUNIT_XSD = b"""<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" elementFormDefault="qualified">
  <xs:complexType name="result">
    <xs:simpleContent>
      <xs:extension base="xs:string">
        <xs:attribute name="message" type="xs:string"/>
        <xs:attribute name="type" type="xs:string"/>
      </xs:extension>
    </xs:simpleContent>
  </xs:complexType>
  <xs:element name="testsuites">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="testsuite" minOccurs="0" maxOccurs="unbounded">
          <xs:complexType>
            <xs:sequence>
              <xs:element name="properties" minOccurs="0">
                <xs:complexType>
                  <xs:sequence>
                    <xs:element name="property" minOccurs="0" maxOccurs="unbounded">
                      <xs:complexType>
                        <xs:attribute name="name" type="xs:string" use="required"/>
                        <xs:attribute name="value" type="xs:string" use="required"/>
                      </xs:complexType>
                    </xs:element>
                  </xs:sequence>
                </xs:complexType>
              </xs:element>
              <xs:element name="testcase" minOccurs="0" maxOccurs="unbounded">
                <xs:complexType>
                  <xs:sequence>
                    <xs:choice minOccurs="0">
                      <xs:element name="skipped" type="result"/>
                      <xs:element name="error" type="result"/>
                      <xs:element name="failure" type="result"/>
                    </xs:choice>
                    <xs:element name="system-out" type="xs:string" minOccurs="0"/>
                    <xs:element name="system-err" type="xs:string" minOccurs="0"/>
                  </xs:sequence>
                  <xs:attribute name="name" type="xs:string" use="required"/>
                  <xs:attribute name="classname" type="xs:string" use="required"/>
                  <xs:attribute name="time" type="xs:decimal" use="required"/>
                </xs:complexType>
              </xs:element>
              <xs:element name="system-out" type="xs:string" minOccurs="0"/>
              <xs:element name="system-err" type="xs:string" minOccurs="0"/>
            </xs:sequence>
            <xs:attribute name="name" type="xs:string" use="required"/>
            <xs:attribute name="tests" type="xs:nonNegativeInteger" use="required"/>
            <xs:attribute name="failures" type="xs:nonNegativeInteger" use="required"/>
            <xs:attribute name="errors" type="xs:nonNegativeInteger" use="required"/>
            <xs:attribute name="skipped" type="xs:nonNegativeInteger"/>
            <xs:attribute name="time" type="xs:decimal"/>
            <xs:attribute name="timestamp" type="xs:dateTime"/>
            <xs:attribute name="hostname" type="xs:string"/>
          </xs:complexType>
        </xs:element>
      </xs:sequence>
      <xs:attribute name="name" type="xs:string"/>
      <xs:attribute name="tests" type="xs:nonNegativeInteger"/>
      <xs:attribute name="failures" type="xs:nonNegativeInteger"/>
      <xs:attribute name="errors" type="xs:nonNegativeInteger"/>
      <xs:attribute name="skipped" type="xs:nonNegativeInteger"/>
      <xs:attribute name="time" type="xs:decimal"/>
    </xs:complexType>
  </xs:element>
</xs:schema>
"""


def _junit(results: list[Checked]) -> str:
    out = io.StringIO()
    reports.write_junit(results, out)
    return out.getvalue()


def test_junit_report_structure() -> None:
    text = _junit(_results())
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    root = ET.fromstring(text)
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("4", "1", "1")
    [suite] = root.findall("testsuite")
    assert (suite.get("name"), suite.get("tests"), suite.get("failures"), suite.get("errors"), suite.get("skipped")) \
        == ("allris-parse validate", "4", "1", "1", "0")
    dt.datetime.fromisoformat(suite.get("timestamp") or "")
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == ["ok.html", "r.jsonl:3", "missing.html", "w.html"]
    assert [c.get("classname") for c in cases] == ["allris-parse.paper", "allris-parse.paper", "allris-parse.input",
                                                   "allris-parse.meeting_calendar"]
    assert all(float(c.get("time") or "x") >= 0 for c in cases)
    assert list(cases[0]) == []
    failure = cases[1].find("failure")
    assert failure is not None
    assert (failure.get("type"), failure.get("message")) == ("required", "error [required] title is missing")
    assert cases[1].findtext("system-out") == "warning [truncated] text <cut> & \"gone\""
    error = cases[2].find("error")
    assert error is not None and error.get("type") == "input" and "no such file" in (error.text or "")
    assert cases[3].find("failure") is None and cases[3].findtext("system-out")
    etree.XMLSchema(etree.fromstring(JUNIT_XSD)).assertValid(etree.fromstring(text.encode("utf-8")))


def test_junit_escapes_markup_and_drops_characters_xml_cannot_hold() -> None:
    nasty = "<b>&amp;</b> \"quoted\" ]]> \x00\x01\x0b\ud800 end"
    results = [Checked(f"odd{nasty}.html", "odd.html", kind="paper",
                       findings=[Finding("error", "schema", "title", nasty),
                                 Finding("error", "required", "reference", "reference is missing")])]
    text = _junit(results)
    root = etree.fromstring(text.encode("utf-8"))  # well-formed
    etree.XMLSchema(etree.fromstring(JUNIT_XSD)).assertValid(root)
    case = root.find("testsuite/testcase")
    assert case is not None
    assert (case.get("name") or "").startswith("odd<b>&amp;</b> \"quoted\" ]]> \ufffd\ufffd\ufffd\ufffd end")
    failure = case.find("failure")
    assert failure is not None
    assert (failure.get("message") or "").startswith("2 errors; first: error [schema] <b>&amp;</b>")
    assert (failure.text or "").splitlines()[1] == "error [required] reference is missing"


def test_github_annotations_exact_syntax() -> None:
    out = io.StringIO()
    reports.write_github(_results(), out)
    assert out.getvalue().splitlines() == [
        "::error file=r.jsonl,line=3,title=allris-parse paper required::r.jsonl:3: title is missing",
        "::warning file=r.jsonl,line=3,title=allris-parse paper truncated::r.jsonl:3: text <cut> & \"gone\"",
        "::error file=missing.html,title=allris-parse input input::missing.html: no such file",
        "::warning file=w.html,title=allris-parse meeting_calendar required::w.html: meetings[0].date is missing",
        "::notice title=allris-parse validate::4 checked: 2 valid, 2 invalid; 2 errors, 2 warnings",
    ]


def test_github_annotations_escape_their_special_characters() -> None:
    result = Checked("-", None, kind="paper", findings=[Finding("error", "x", "", "100% sure\r\nnext: a,b")])
    assert reports.github_annotation(result, result.findings[0]) == \
        "::error title=allris-parse paper x::-: 100%25 sure%0D%0Anext: a,b"
    result = Checked("a,b:c%.jsonl:2", "a,b:c%.jsonl", 2, "paper", [Finding("warning", "x", "", "m")])
    assert reports.github_annotation(result, result.findings[0]) == \
        "::warning file=a%2Cb%3Ac%25.jsonl,line=2,title=allris-parse paper x::a,b:c%25.jsonl:2: m"


# --- the command: exit codes, options, output ----------------------------------------------------------


def test_pages_in_an_archive_are_annotated_on_the_archive(tmp_path: Path) -> None:
    import zipfile

    archive = tmp_path / "pages.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.write(VALID_PAGE, "a/valid.html")
        handle.write(INVALID_PAGE, "b/fragment.txt")
    result = run("validate", str(archive), "--report", "github")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (f"::error file={archive},title=allris-parse agenda_item required::"
                                             f"{archive}!b/fragment.txt: number is missing")


def test_exit_0_when_valid_1_when_invalid() -> None:
    assert run("validate", str(VALID_PAGE)).exit_code == 0
    assert run("validate", str(WARNING_PAGE)).exit_code == 0
    result = run("validate", str(VALID_PAGE), str(INVALID_PAGE))
    assert result.exit_code == 1
    assert f"{INVALID_PAGE}: error [required] number is missing" in result.stdout


def test_exit_1_when_an_input_cannot_be_read(tmp_path: Path) -> None:
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    result = run("validate", str(VALID_PAGE), str(tmp_path / "missing.html"), str(empty))
    assert result.exit_code == 1
    assert f"{tmp_path / 'missing.html'}: error [input] no such file or directory" in result.stdout
    assert f"{empty}: error [input] empty input" in result.stdout
    assert run("validate", str(tmp_path / "nothing-here")).exit_code == 1


def test_exit_1_when_no_inputs_are_found(tmp_path: Path) -> None:
    result = run("validate", str(tmp_path))
    assert result.exit_code == 1
    assert "no pages or records found" in result.stderr


@pytest.mark.parametrize("args", [
    ["validate"],
    ["validate", str(VALID_PAGE), "--report", "xml"],
    ["validate", str(VALID_PAGE), "--require", "no_such_field"],
    ["validate", str(VALID_PAGE), "--require", "meeting:finance.impact"],
    ["validate", str(VALID_PAGE), "--bogus"],
])
def test_exit_2_on_usage_errors(args: list[str]) -> None:
    assert run(*args).exit_code == 2


def test_strict_option_fails_on_warnings() -> None:
    assert run("validate", str(WARNING_PAGE)).exit_code == 0
    result = run("validate", str(WARNING_PAGE), "--strict")
    assert result.exit_code == 1
    assert "error [required] meetings[0].date is missing" in result.stdout


def test_require_option() -> None:
    assert run("validate", str(VALID_PAGE), "--require", "paper:title").exit_code == 0
    result = run("validate", str(VALID_PAGE), "--require", "paper:lead_department", "--require", "meeting:location",
                 "--require", "attachments.url")
    assert result.exit_code == 0, result.stdout  # the page has them; meeting:location does not apply to a paper
    result = run("validate", str(VALID_PAGE), "--require", "accessibility.affected", "--report", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["results"][0]["errors"][0]["field"] == "accessibility.affected"


@pytest.mark.parametrize("report", ["human", "json", "junit", "github"])
def test_every_report_to_a_file_atomically_with_the_summary_on_stderr(tmp_path: Path, report: str) -> None:
    target = tmp_path / "out" / f"report.{report}"
    result = run("validate", str(VALID_PAGE), str(INVALID_PAGE), "--report", report, "--output", str(target))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "allris-parse: 2 checked: 1 valid, 1 invalid; 1 errors, 0 warnings" in result.stderr
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # no temporary file left behind
    text = target.read_text(encoding="utf-8")
    assert str(INVALID_PAGE) in text
    if report == "json":
        assert json.loads(text)["summary"]["invalid"] == 1
    elif report == "junit":
        assert ET.fromstring(text).get("failures") == "1"
    elif report == "github":
        assert re.search(rf"^::error file={re.escape(str(INVALID_PAGE))},title=allris-parse agenda_item required::",
                         text, re.MULTILINE)


def test_quiet_leaves_stderr_empty() -> None:
    result = run("validate", str(VALID_PAGE), "--report", "json", "--quiet")
    assert result.exit_code == 0
    assert result.stderr == ""


def test_readme_documents_every_rule_check_and_report() -> None:
    readme = README.read_text(encoding="utf-8")
    section = readme[readme.index("## Validation"):]
    for rule in RULES:
        assert f"`{rule.check}`" in section
        if rule.path:
            assert f"`{rule.path}`" in section, rule
    for name in ("--strict", "--require", "--report json", "--report junit", "--report github", "--output",
                 "allris-parse schema", "finance-ticks", "contradictory-ticks", "truncated", "encoding", "schema",
                 "input"):
        assert name in section, name

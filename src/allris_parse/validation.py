"""Validation: rules per record kind, written as data, checked on parsed pages and on records read back.

A rule names a record kind (or ``*`` for every kind), a check, a dotted field path and a severity. Paths go
through nested blocks and lists alike: ``agenda_items.number`` is the number of every agenda item,
``finance.impact`` the impact of the finance block. The checks:

- ``required``: the value is there: not null, not blank text, not an empty list;
- ``date-range``: every date (or a year) lies between :data:`EARLIEST_DATE` and :data:`YEARS_AHEAD` years
  after today;
- ``non-negative``: amounts and counts are not below zero;
- ``time-order``: an end time is not before its start time (an evening start with an end before 06:00 is
  read as a meeting that went on past midnight);
- ``date-order``: ``end_date`` is not before ``start_date``;
- ``in-range``: a number lies within the rule's bounds (a month 1..12);
- ``unique``: the values are distinct, within the groups of ``group_by`` (agenda numbers per public and
  non-public part);
- ``finance-ticks``: a finance block does not contradict itself ('Nein' ticked with an amount);
- ``parser-warning``: every warning the parser put on the record, classified by :data:`WARNING_RULES`.

Records read back from JSON are first checked against the Pydantic models (``schema``); an input that
cannot be read gets an ``input`` error. The library never prints: results are data for the reports.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import io
import itertools
import json
import operator
import re
import time
import types
import typing
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from allris_parse.models import RECORD_TYPES, Record
from allris_parse.sources import STDIN_NAME, Input, is_url

Severity = Literal["error", "warning"]

#: The Federal Republic's first year: no council record is older.
EARLIEST_DATE = dt.date(1949, 1, 1)
#: Meetings are planned ahead, but not this far: a later date is a parsing or export error.
YEARS_AHEAD = 5

#: Record kind -> Pydantic model, for reading records back and for ``--require KIND:FIELD``.
KINDS: dict[str, type[Record]] = {typing.cast(str, cls.model_fields["kind"].default): cls for cls in RECORD_TYPES}


@dataclass(frozen=True)
class Rule:
    """One check on one kind of record (``*``: every kind) at a dotted field path."""

    kind: str
    check: str
    path: str = ""
    severity: Severity = "error"
    description: str = ""
    bounds: tuple[int, int] | None = None
    group_by: str | None = None


#: The rules, per kind; the README's "Validation rules" table follows this list (a test keeps them in step).
RULES: tuple[Rule, ...] = (
    Rule("*", "date-range", "", description=f"every date lies between {EARLIEST_DATE.year} and "
                                            f"{YEARS_AHEAD} years from today"),
    Rule("*", "parser-warning", "warnings", "warning", "each warning of the parser (truncated text, "
                                                       "contradictory ticks, wrong charset, ...)"),
    Rule("paper", "required", "reference", description="the Drucksachennummer"),
    Rule("paper", "required", "title", description="the Betreff"),
    Rule("paper", "required", "consultations.committee", description="each Beratung names its Gremium"),
    Rule("paper", "non-negative", "finance.one_time_costs", description="no negative amount"),
    Rule("paper", "non-negative", "finance.unplanned_amount", description="no negative amount"),
    Rule("paper", "finance-ticks", "finance", "warning", "'Nein' ticked but an amount given, or an amount "
                                                         "for an expense that is ticked 'Nein'"),
    Rule("meeting", "required", "date", description="the Sitzung's date"),
    Rule("meeting", "time-order", "", description="end not before start"),
    Rule("meeting", "required", "agenda_items.number", description="each TOP has its number"),
    Rule("meeting", "required", "agenda_items.title", description="each TOP has its Betreff"),
    Rule("meeting", "unique", "agenda_items.number", group_by="public",
         description="no TOP number twice (in the public and the non-public part each)"),
    Rule("agenda_item", "required", "number", description="the TOP number"),
    Rule("agenda_item", "required", "title", description="the Betreff"),
    Rule("agenda_item", "time-order", "", description="end not before start"),
    Rule("agenda_item", "non-negative", "votes.yes", description="no negative vote count"),
    Rule("agenda_item", "non-negative", "votes.no", description="no negative vote count"),
    Rule("agenda_item", "non-negative", "votes.abstentions", description="no negative vote count"),
    Rule("meeting_calendar", "required", "meetings", description="at least one meeting"),
    Rule("meeting_calendar", "required", "meetings.date", "warning",
         "each meeting's date (an excerpt without month and year cannot tell it)"),
    Rule("meeting_calendar", "time-order", "meetings", description="end not before start, per meeting"),
    Rule("meeting_calendar", "in-range", "month", bounds=(1, 12), description="month 1 to 12"),
    Rule("meeting_calendar", "date-range", "year", description="a plausible year"),
    Rule("organization", "required", "name", description="the Gremium's or Fraktion's name"),
    Rule("organization", "date-order", "members", description="membership ends not before it starts"),
    Rule("organization_list", "required", "organizations", description="at least one organisation"),
    Rule("organization_list", "non-negative", "organizations.member_count", description="no negative count"),
    Rule("person", "required", "name", description="the person's name"),
    Rule("person", "date-order", "memberships", description="membership ends not before it starts"),
    Rule("paper_list", "required", "papers", description="at least one paper row"),
)

#: Parser warnings by what they say -> (rule, field) they are reported under; others are ``parser-warning``.
WARNING_RULES: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"(?:Finanzielle Auswirkungen|außerplanmäßige Aufwendung).*(?:both answers are|is) ticked"),
     "finance-ticks", "finance"),
    (re.compile(r"both .* are ticked"), "contradictory-ticks", "checkboxes"),
    (re.compile(r"truncated|cut off"), "truncated", ""),
    (re.compile(r"charset|UTF-8|windows-1252"), "encoding", "source.encoding"),
)


@dataclass(frozen=True)
class Finding:
    """One thing wrong (error) or doubtful (warning) about a record or an input."""

    severity: Severity
    rule: str
    field: str
    message: str


@dataclass
class Result:
    """The findings of one input, or of one record of a record file (``name`` then says which)."""

    name: str
    file: str | None
    line: int | None = None
    kind: str | None = None
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def errors(self) -> list[Finding]:
        """Findings that make the input invalid."""
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        """Findings that do not (unless ``--strict`` made them errors)."""
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def valid(self) -> bool:
        """True where no finding is an error."""
        return not self.errors

    @property
    def unreadable(self) -> bool:
        """True where the input gave no record at all (cannot be read, not a page, not a record)."""
        return any(f.rule == "input" for f in self.findings)


class RequirementError(ValueError):
    """A ``--require`` specification names no field of any record kind (a usage error)."""


# --- field paths --------------------------------------------------------------------------------------


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def resolve(value: Any, path: str, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """The values at a dotted path, with the concrete path of each ('agenda_items[2].number').

    Lists on the way are walked element by element (an empty list gives nothing); a missing block on the
    way gives the full path with ``None``; a list at the end of the path is given whole.
    """
    parts = path.split(".") if path else []
    yield from _resolve(value, parts, prefix)


def _resolve(value: Any, parts: Sequence[str], prefix: str) -> Iterator[tuple[str, Any]]:
    if not parts:
        yield prefix, value
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _resolve(item, parts, f"{prefix}[{index}]")
    elif value is None:
        yield _join(prefix, ".".join(parts)), None
    else:
        yield from _resolve(getattr(value, parts[0], None), parts[1:], _join(prefix, parts[0]))


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in (list, typing.Union, types.UnionType, typing.Annotated):
        for arg in typing.get_args(annotation):
            if (model := _nested_model(arg)) is not None:
                return model
    return None


def has_path(model: type[BaseModel], path: str) -> bool:
    """True where the dotted path names a field of the model (through nested blocks and lists)."""
    current: type[BaseModel] | None = model
    for part in path.split("."):
        if current is None or part not in current.model_fields:
            return False
        current = _nested_model(current.model_fields[part].annotation)
    return True


def requirement_rules(spec: str) -> list[Rule]:
    """Rules for one ``--require`` value: ``FIELD`` (every kind that has it) or ``KIND:FIELD``."""
    kind, _, path = spec.rpartition(":")
    path = path.strip()
    if not path or not re.fullmatch(r"[a-z_]+(\.[a-z_]+)*", path):
        raise RequirementError(f"--require {spec!r}: a field is a dotted path of field names, "
                               "e.g. title or finance.impact")
    if kind:
        if kind not in KINDS:
            raise RequirementError(f"--require {spec!r}: unknown kind {kind!r}; kinds: {', '.join(KINDS)}")
        if not has_path(KINDS[kind], path):
            raise RequirementError(f"--require {spec!r}: a {kind} record has no field {path!r}")
        kinds = [kind]
    else:
        kinds = [name for name, model in KINDS.items() if has_path(model, path)]
        if not kinds:
            raise RequirementError(f"--require {spec!r}: no record kind has a field {path!r}")
    return [Rule(name, "required", path, description="--require") for name in kinds]


# --- checks -------------------------------------------------------------------------------------------


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (isinstance(value, list)
                                                                                 and not value)


@dataclass(frozen=True)
class _Context:
    today: dt.date

    @property
    def latest(self) -> dt.date:
        return dt.date(self.today.year + YEARS_AHEAD, 12, 31)


def _required(rule: Rule, record: Record, _: _Context) -> Iterator[Finding]:
    for where, value in resolve(record, rule.path):
        if _missing(value):
            what = "is empty" if isinstance(value, list) else "is missing"
            yield Finding(rule.severity, rule.check, where, f"{where} {what}")


def _dates(value: Any, prefix: str) -> Iterator[tuple[str, dt.date]]:
    if isinstance(value, dt.date):
        yield prefix, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            if name != "source":
                yield from _dates(getattr(value, name), _join(prefix, name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _dates(item, f"{prefix}[{index}]")


def _date_range(rule: Rule, record: Record, context: _Context) -> Iterator[Finding]:
    found = _dates(record, "") if not rule.path else resolve(record, rule.path)
    for where, value in found:
        if isinstance(value, int) and not isinstance(value, bool):  # a year
            if not EARLIEST_DATE.year <= value <= context.latest.year:
                yield Finding(rule.severity, rule.check, where, f"{where} {value} is not a plausible year "
                                                                f"({EARLIEST_DATE.year}..{context.latest.year})")
        elif isinstance(value, dt.date) and not EARLIEST_DATE <= value <= context.latest:
            when = "before" if value < EARLIEST_DATE else "too far after today, later than"
            limit = EARLIEST_DATE if value < EARLIEST_DATE else context.latest
            yield Finding(rule.severity, rule.check, where, f"{where} {value.isoformat()} is {when} "
                                                            f"{limit.isoformat()}")


def _non_negative(rule: Rule, record: Record, _: _Context) -> Iterator[Finding]:
    for where, value in resolve(record, rule.path):
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool) and value < 0:
            yield Finding(rule.severity, rule.check, where, f"{where} is negative: {value}")


#: An end before this, after a start from noon on, is read as past midnight.
_PAST_MIDNIGHT_END, _EVENING_START = "06:00", "12:00"


def _holders(record: Record, path: str) -> Iterator[tuple[str, Any]]:
    """The objects at a path, a list at its end taken element by element."""
    for where, value in resolve(record, path):
        if isinstance(value, list):
            yield from ((f"{where}[{index}]", item) for index, item in enumerate(value))
        else:
            yield where, value


def _time_order(rule: Rule, record: Record, _: _Context) -> Iterator[Finding]:
    for where, holder in _holders(record, rule.path):
        start, end = getattr(holder, "start", None), getattr(holder, "end", None)
        if start and end and end < start and not (end < _PAST_MIDNIGHT_END and start >= _EVENING_START):
            yield Finding(rule.severity, rule.check, _join(where, "end"),
                          f"{_join(where, 'end')} {end} is before {_join(where, 'start')} {start}")


def _date_order(rule: Rule, record: Record, _: _Context) -> Iterator[Finding]:
    for where, holder in _holders(record, rule.path):
        start, end = getattr(holder, "start_date", None), getattr(holder, "end_date", None)
        if start and end and end < start:
            yield Finding(rule.severity, rule.check, _join(where, "end_date"),
                          f"{_join(where, 'end_date')} {end} is before {_join(where, 'start_date')} {start}")


def _in_range(rule: Rule, record: Record, _: _Context) -> Iterator[Finding]:
    low, high = rule.bounds or (0, 0)
    for where, value in resolve(record, rule.path):
        if isinstance(value, int) and not low <= value <= high:
            yield Finding(rule.severity, rule.check, where, f"{where} {value} is not within {low}..{high}")


def _unique(rule: Rule, record: Record, _: _Context) -> Iterator[Finding]:
    container, name = rule.path.rpartition(".")[::2]
    seen: dict[tuple[Any, str], str] = {}
    for where, holder in _holders(record, container):
        value = getattr(holder, name, None)
        if not isinstance(value, str) or not value.strip():
            continue
        key = (getattr(holder, rule.group_by, None) if rule.group_by else None, value.strip())
        if key in seen:
            yield Finding(rule.severity, rule.check, _join(where, name),
                          f"{_join(where, name)} {value!r} is also {seen[key]}")
        else:
            seen[key] = _join(where, name)


def _finance_ticks(rule: Rule, record: Record, _: _Context) -> Iterator[Finding]:
    if any(_classify(text)[0] == "finance-ticks" for text in record.warnings):
        return  # the parser said it already, in its own words
    for where, finance in resolve(record, rule.path):
        if finance is None:
            continue
        if finance.impact is False and finance.one_time_costs:
            yield Finding(rule.severity, rule.check, _join(where, "impact"),
                          f"{_join(where, 'impact')} is 'Nein' but one_time_costs is {finance.one_time_costs}")
        if finance.unplanned_expense is False and finance.unplanned_amount:
            yield Finding(rule.severity, rule.check, _join(where, "unplanned_expense"),
                          f"{_join(where, 'unplanned_expense')} is 'Nein' but unplanned_amount is "
                          f"{finance.unplanned_amount}")


def _classify(text: str) -> tuple[str, str]:
    for pattern, rule, where in WARNING_RULES:
        if pattern.search(text):
            return rule, where
    return "parser-warning", ""


def _parser_warnings(rule: Rule, record: Record, _: _Context) -> Iterator[Finding]:
    for text in record.warnings:
        name, where = _classify(text)
        yield Finding(rule.severity, name, where, text)


CHECKS: dict[str, Callable[[Rule, Record, _Context], Iterator[Finding]]] = {
    "required": _required,
    "date-range": _date_range,
    "non-negative": _non_negative,
    "time-order": _time_order,
    "date-order": _date_order,
    "in-range": _in_range,
    "unique": _unique,
    "finance-ticks": _finance_ticks,
    "parser-warning": _parser_warnings,
}


# --- the validator ------------------------------------------------------------------------------------


class Validator:
    """Checks records against the rules (plus ``--require`` rules); ``strict`` makes warnings errors."""

    def __init__(self, rules: Iterable[Rule] = RULES, *, require: Iterable[str] = (), strict: bool = False,
                 today: dt.date | None = None) -> None:
        extra = [rule for spec in require for rule in requirement_rules(spec)]
        self.rules: tuple[Rule, ...] = (*rules, *extra)
        self.strict = strict
        self._context = _Context(today or dt.date.today())
        self._by_kind: dict[str, list[Rule]] = {
            kind: [r for r in self.rules if r.kind in ("*", kind)] for kind in KINDS}

    def check(self, record: Record) -> list[Finding]:
        """Every finding on one record, in rule order, without repeats."""
        findings: list[Finding] = []
        for rule in self._by_kind.get(record.kind, [r for r in self.rules if r.kind == "*"]):
            for finding in CHECKS[rule.check](rule, record, self._context):
                if finding not in findings:
                    findings.append(finding)
        return self._strictly(findings)

    def _strictly(self, findings: list[Finding]) -> list[Finding]:
        if not self.strict:
            return findings
        return [dataclasses.replace(f, severity="error") for f in findings]

    def read_record(self, data: Any) -> tuple[Record | None, list[Finding]]:
        """A record read back from JSON: its model by ``kind``, or the reasons it does not fit one."""
        if not isinstance(data, dict):
            return None, [Finding("error", "schema", "", f"a record is a JSON object, not {type(data).__name__}")]
        kind = data.get("kind")
        model = KINDS.get(kind) if isinstance(kind, str) else None
        if model is None:
            what = f"unknown kind {kind!r}" if kind is not None else "no kind"
            return None, [Finding("error", "schema", "kind", f"{what}; kinds: {', '.join(KINDS)}")]
        try:
            return model.model_validate(data), []
        except ValidationError as exc:
            return None, [Finding("error", "schema", _loc(error["loc"]), f"{_loc(error['loc']) or 'record'}: "
                                                                           f"{error['msg']}")
                          for error in exc.errors(include_url=False)]

    def check_data(self, data: Any) -> tuple[str | None, list[Finding]]:
        """Read one JSON record back and check it: its kind (where it has one) and findings."""
        record, findings = self.read_record(data)
        if record is None:
            kind = data.get("kind") if isinstance(data, dict) else None
            return (kind if isinstance(kind, str) else None), findings
        return record.kind, self.check(record)


def _loc(loc: Sequence[int | str]) -> str:
    text = ""
    for part in loc:
        text = f"{text}[{part}]" if isinstance(part, int) else _join(text, str(part))
    return text


# --- JSON Schema --------------------------------------------------------------------------------------

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def json_schema(kind: str | None = None) -> dict[str, Any]:
    """The JSON Schema of records as ``parse`` writes them: one kind, or all as a union on ``kind``.

    Raises ``KeyError`` for an unknown kind (the CLI lists the kinds).
    """
    if kind is not None:
        schema = KINDS[kind].model_json_schema(mode="serialization")
        return {"$schema": JSON_SCHEMA_DIALECT, **schema}
    union: Any = functools.reduce(operator.or_, RECORD_TYPES)
    schema = TypeAdapter(Annotated[union, Field(discriminator="kind")]).json_schema(mode="serialization")
    return {"$schema": JSON_SCHEMA_DIALECT, "title": "allris-parse record",
            "description": f"One record written by allris-parse; its kind is one of: {', '.join(KINDS)}.",
            **schema}


# --- inputs -------------------------------------------------------------------------------------------

_RECORDS_START = re.compile(rb'\A(?:\xef\xbb\xbf)?\s*(?:\{\s*"|\[\s*(?:\{|\]))')
_SNIFF_BYTES = 4096


def looks_like_records(head: bytes) -> bool:
    """True where bytes start like JSON records (an array of objects, or objects one per line)."""
    return _RECORDS_START.match(head) is not None


def validate_inputs(inputs: Iterable[Input], validator: Validator, *, jobs: int = 1) -> Iterator[Result]:
    """Check every input: pages are parsed first, JSON/JSON Lines record files are read back. With ``jobs``
    above 1 (and enough inputs to be worth it), in that many worker processes; results in input order."""
    from allris_parse.pipeline import POOL_MIN_INPUTS, run_in_pool

    if jobs > 1:
        inputs = list(inputs)
        if len(inputs) >= POOL_MIN_INPUTS:
            yield from run_in_pool(functools.partial(_validate_chunk, validator=validator), inputs, jobs,
                                   len(inputs))
            return
    for item in inputs:
        yield from validate_input(item, validator)


def _validate_chunk(items: list[Input], validator: Validator) -> list[Result]:
    """:func:`validate_input` of a chunk of inputs, in a worker process."""
    return [result for item in items for result in validate_input(item, validator)]


def validate_input(item: Input, validator: Validator) -> Iterator[Result]:
    """Results of one input: one for a page, one per record for a record file."""
    from allris_parse.pipeline import convert_one

    started = time.perf_counter()
    # the file annotations point at: the page, or the archive holding it; none for standard input and URLs
    file = None if item.name == STDIN_NAME or is_url(item.name) else (item.path or item.name)
    on_disk = Path(item.path) if item.path and item.member is None and item.data is None and not item.error else None
    data: bytes | None = None
    try:
        if on_disk is not None and on_disk.is_file():
            with on_disk.open("rb") as handle:
                head = handle.read(_SNIFF_BYTES)
            if looks_like_records(head):  # streamed line by line: a record file may be larger than any page
                yield from _record_file(on_disk, item.name, validator)
                return
        else:
            data = item.read()
            if looks_like_records(data[:_SNIFF_BYTES]):
                # StringIO splits at newlines only: str.splitlines would also split at U+2028 inside JSON strings
                yield from _records(io.StringIO(data.decode("utf-8-sig", "replace")), item.name, file, validator)
                return
    except OSError as exc:
        yield Result(item.name, file, findings=[Finding("error", "input", "", f"cannot read: {exc.strerror or exc}")],
                     seconds=time.perf_counter() - started)
        return
    except Exception as exc:  # noqa: BLE001 - an unreadable input is a result, the run goes on
        yield Result(item.name, file, findings=[Finding("error", "input", "", str(exc) or type(exc).__name__)],
                     seconds=time.perf_counter() - started)
        return
    page = item if data is None else dataclasses.replace(item, data=data)
    outcome = convert_one(page)
    if outcome.record is None:
        yield Result(item.name, file, findings=[Finding("error", "input", "", outcome.error or "cannot be parsed")],
                     seconds=time.perf_counter() - started)
        return
    findings = validator.check(outcome.record)
    yield Result(item.name, file, kind=outcome.record.kind, findings=findings,
                 seconds=time.perf_counter() - started)


def _record_file(path: Path, name: str, validator: Validator) -> Iterator[Result]:
    with path.open(encoding="utf-8-sig", errors="replace", newline=None) as handle:
        yield from _records(handle, name, name, validator)


def _records(lines: Iterable[str], name: str, file: str | None, validator: Validator) -> Iterator[Result]:
    """Records of a JSON array or of JSON Lines (lines with their ends); JSON Lines are read line by line."""
    iterator = iter(lines)
    number, first = 0, ""
    for line in iterator:
        number, first = number + 1, line
        if first.strip():
            break
    if first.lstrip().startswith("["):
        yield from _array(first + "".join(iterator), name, file, validator)
        return
    try:
        json.loads(first)
    except ValueError:  # the first line is no complete object: the whole input is one (pretty-printed) object
        yield from _array(first + "".join(iterator), name, file, validator)
        return
    count = 0
    for line_number, line in itertools.chain([(number, first)], enumerate(iterator, start=number + 1)):
        if not line.strip():
            continue
        count += 1
        started = time.perf_counter()
        label = f"{name}:{line_number}"
        try:
            data = json.loads(line)
        except ValueError as exc:
            yield Result(label, file, line_number, findings=[Finding("error", "schema", "", f"not JSON: {exc}")])
            continue
        kind, findings = validator.check_data(data)
        yield Result(label, file, line_number, kind, findings, time.perf_counter() - started)
    if not count:
        yield Result(name, file, findings=[Finding("error", "input", "", "no records")])


def _array(text: str, name: str, file: str | None, validator: Validator) -> Iterator[Result]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        yield Result(name, file, findings=[Finding("error", "input", "", f"not JSON records: {exc}")])
        return
    items = data if isinstance(data, list) else [data]
    if not items:
        yield Result(name, file, findings=[Finding("error", "input", "", "no records")])
        return
    for index, item in enumerate(items):
        started = time.perf_counter()
        kind, findings = validator.check_data(item)
        label = f"{name}[{index}]" if isinstance(data, list) else name
        yield Result(label, file, kind=kind, findings=findings, seconds=time.perf_counter() - started)

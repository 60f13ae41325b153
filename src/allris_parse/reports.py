"""Validation reports: human (a table on a terminal, plain lines otherwise), JSON, JUnit XML, GitHub annotations.

Each writer takes the results of a run (see :mod:`allris_parse.validation`) and a text stream; none prints
elsewhere or exits.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import socket
from collections.abc import Callable, Sequence
from typing import IO, Any
from xml.etree import ElementTree as ET

from allris_parse.validation import Finding, Result

#: Characters XML 1.0 cannot hold at all, not even escaped: they become U+FFFD.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
SUITE_NAME = "allris-parse validate"


def summary(results: Sequence[Result]) -> dict[str, int]:
    """Counts of a run: results, valid and invalid ones, errors and warnings."""
    invalid = sum(1 for r in results if not r.valid)
    return {
        "checked": len(results),
        "valid": len(results) - invalid,
        "invalid": invalid,
        "unreadable": sum(1 for r in results if r.unreadable),
        "errors": sum(len(r.errors) for r in results),
        "warnings": sum(len(r.warnings) for r in results),
    }


def summary_line(results: Sequence[Result]) -> str:
    """One line for the end of a run: '65 checked: 60 valid, 5 invalid; 7 errors, 21 warnings'."""
    counts = summary(results)
    return (f"{counts['checked']} checked: {counts['valid']} valid, {counts['invalid']} invalid; "
            f"{counts['errors']} errors, {counts['warnings']} warnings")


# --- human --------------------------------------------------------------------------------------------


def write_plain(results: Sequence[Result], out: IO[str]) -> None:
    """One line per finding ('PATH: error [rule] message'), then the summary line."""
    for result in results:
        for finding in result.findings:
            out.write(f"{result.name}: {finding.severity} [{finding.rule}] {finding.message}\n")
    out.write(summary_line(results) + "\n")


def write_table(results: Sequence[Result], out: IO[str]) -> None:
    """A rich table of the findings (valid inputs without findings are left out), then the summary line."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(file=out, highlight=False)
    table = Table(title="allris-parse validate", show_lines=False, expand=False)
    for column, style in (("input", "bold"), ("kind", ""), ("severity", ""), ("rule", "cyan"),
                          ("field", ""), ("message", "")):
        table.add_column(column, style=style or None, overflow="fold")
    for result in results:
        for finding in result.findings:
            severity = "[red]error[/red]" if finding.severity == "error" else "[yellow]warning[/yellow]"
            table.add_row(escape(result.name), result.kind or "", severity, finding.rule, escape(finding.field),
                          escape(finding.message))
    if table.row_count:
        console.print(table)
    colour = "green" if all(r.valid for r in results) else "red"
    console.print(f"[{colour}]{escape(summary_line(results))}[/{colour}]")


def write_human(results: Sequence[Result], out: IO[str]) -> None:
    """A table where ``out`` is a terminal, plain lines otherwise (logs, files, pipes)."""
    isatty = getattr(out, "isatty", None)
    if callable(isatty) and isatty():
        write_table(results, out)
    else:
        write_plain(results, out)


# --- JSON ---------------------------------------------------------------------------------------------


def _finding(finding: Finding) -> dict[str, str]:
    return {"rule": finding.rule, "field": finding.field, "message": finding.message}


def as_json(results: Sequence[Result], *, strict: bool = False) -> dict[str, Any]:
    """The report as one JSON object: valid, strict, summary, and per result its errors and warnings."""
    return {
        "valid": all(r.valid for r in results),
        "strict": strict,
        "summary": summary(results),
        "results": [{"name": r.name, "file": r.file, "line": r.line, "kind": r.kind, "valid": r.valid,
                     "errors": [_finding(f) for f in r.errors], "warnings": [_finding(f) for f in r.warnings]}
                    for r in results],
    }


def write_json(results: Sequence[Result], out: IO[str], *, strict: bool = False) -> None:
    """The JSON report, indented."""
    json.dump(as_json(results, strict=strict), out, ensure_ascii=False, indent=2)
    out.write("\n")


# --- JUnit XML ----------------------------------------------------------------------------------------


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _line(finding: Finding) -> str:
    return f"{finding.severity} [{finding.rule}] {finding.message}"


def junit_tree(results: Sequence[Result], *, strict: bool = False,
               timestamp: dt.datetime | None = None) -> ET.Element:
    """The JUnit XML tree: one <testsuite>, one <testcase> per result, a <failure> for invalid records and
    an <error> for inputs that could not be read; warnings go to the testcase's <system-out>.

    The shape is the common one Jenkins, GitLab and GitHub test reporters read: testsuites > testsuite >
    testcase (name, classname, time) > failure|error (message, type) and system-out.
    """
    counts = summary(results)
    errors = counts["unreadable"]
    failures = counts["invalid"] - errors
    seconds = f"{sum(r.seconds for r in results):.3f}"
    totals = {"tests": str(len(results)), "failures": str(failures), "errors": str(errors), "skipped": "0",
              "time": seconds}
    root = ET.Element("testsuites", {"name": SUITE_NAME, **totals})
    suite = ET.SubElement(root, "testsuite", {
        "name": SUITE_NAME, **totals,
        "timestamp": (timestamp or dt.datetime.now(dt.UTC)).replace(microsecond=0, tzinfo=None).isoformat(),
        "hostname": _xml_text(socket.gethostname() or "localhost")})
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", {"name": "strict", "value": "true" if strict else "false"})
    for result in results:
        case = ET.SubElement(suite, "testcase", {
            "name": _xml_text(result.name),
            "classname": f"allris-parse.{result.kind or 'input'}",
            "time": f"{result.seconds:.3f}"})
        if not result.valid:
            bad = result.errors
            tag = "error" if result.unreadable else "failure"
            first = bad[0]
            message = _line(first) if len(bad) == 1 else f"{len(bad)} errors; first: {_line(first)}"
            element = ET.SubElement(case, tag, {"message": _xml_text(message), "type": first.rule})
            element.text = _xml_text("\n".join(_line(f) for f in bad))
        if result.warnings:
            ET.SubElement(case, "system-out").text = _xml_text("\n".join(_line(f) for f in result.warnings))
    ET.indent(root)
    return root


def write_junit(results: Sequence[Result], out: IO[str], *, strict: bool = False) -> None:
    """The JUnit XML report, UTF-8 with an XML declaration."""
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ET.tostring(junit_tree(results, strict=strict), encoding="unicode"))
    out.write("\n")


# --- GitHub workflow commands -------------------------------------------------------------------------


def _github_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(result: Result, finding: Finding) -> str:
    """One workflow command: '::error file=PATH,line=N,title=allris-parse KIND RULE::NAME: MESSAGE'."""
    properties = []
    if result.file:
        properties.append(f"file={_github_property(result.file)}")
    if result.line:
        properties.append(f"line={result.line}")
    properties.append("title=" + _github_property(f"allris-parse {result.kind or 'input'} {finding.rule}"))
    message = f"{result.name}: {finding.message}"
    return f"::{finding.severity} {','.join(properties)}::{_github_data(message)}"


def write_github(results: Sequence[Result], out: IO[str]) -> None:
    """One annotation per finding (errors as ::error, warnings as ::warning), then a ::notice summary."""
    for result in results:
        for finding in result.findings:
            out.write(github_annotation(result, finding) + "\n")
    out.write(f"::notice title=allris-parse validate::{_github_data(summary_line(results))}\n")


Writer = Callable[[Sequence[Result], IO[str]], None]


def writer(name: str, *, strict: bool = False) -> Writer:
    """The report writer of a ``--report`` value: human, json, junit or github."""
    if name == "json":
        return lambda results, out: write_json(results, out, strict=strict)
    if name == "junit":
        return lambda results, out: write_junit(results, out, strict=strict)
    if name == "github":
        return write_github
    return write_human

"""Command line: options in, pipeline run, errors mapped to messages and exit codes in one place.

Exit codes: 0 every input converted; 1 some inputs failed (each named on stderr, the rest converted);
2 usage error (unknown option, bad combination of options).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from allris_parse import __version__

if TYPE_CHECKING:
    from allris_parse.models import Record

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

app = typer.Typer(
    name="allris-parse",
    help="Turn ALLRIS council-information pages (HTML or plain-text renderings) into clean records.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class OutputFormat(StrEnum):
    """Output formats of ``parse``."""

    json = "json"
    jsonl = "jsonl"
    csv = "csv"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"allris-parse {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """Turn ALLRIS council-information pages into clean, validated records."""


def _usage_error(message: str) -> NoReturn:
    typer.echo(f"allris-parse: usage error: {message}", err=True)
    raise typer.Exit(EXIT_USAGE)


@app.command()
def parse(
    paths: Annotated[list[str], typer.Argument(
        help="Files, directories (searched recursively), http(s) addresses, or - for standard input.",
        show_default=False)],
    output_format: Annotated[OutputFormat, typer.Option(
        "--format", "-f", help="json: one array; jsonl: one record per line; csv: flat table, "
                               "or linked tables when --output is a directory.")] = OutputFormat.json,
    output_arg: Annotated[str | None, typer.Option(  # str: a Path drops the trailing / that asks for a directory
        "--output", "-o", help="Write here instead of standard output (atomically: the file appears only "
                               "when complete). With --format csv, a directory (existing, or ending in /) "
                               "receives linked tables.", show_default=False)] = None,
    url: Annotated[str | None, typer.Option(
        help="The original address of a single input page (recorded in source.url, helps to tell the "
             "page type).", show_default=False)] = None,
    allow_formulas: Annotated[bool, typer.Option(
        "--allow-formulas", help="Write CSV cells starting with = + - @ as they are (by default they get a "
                                 "leading ' so spreadsheets do not run them).")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors on stderr.")] = False,
) -> None:
    """Parse ALLRIS pages into records: Vorlagen (vo020), Sitzungen (to010), Auszüge (to020), Sitzungskalender
    (si010), Gremien (au020), Fraktionen (fr020, fr010), Personen (kp020) and Vorlagenlisten (vo040)."""
    from allris_parse.pipeline import convert
    from allris_parse.sources import iter_inputs

    inputs = list(iter_inputs(paths, url=url))
    if url is not None and len(inputs) != 1:
        _usage_error(f"--url names the address of a single input, but {len(inputs)} inputs were given")
    output = Path(output_arg) if output_arg else None
    to_directory = output is not None and (output.is_dir() or str(output_arg).endswith(("/", "\\")))
    if to_directory and output_format is not OutputFormat.csv:
        _usage_error(f"--output {output} is a directory; only --format csv writes a directory of tables")

    failed = 0

    def records() -> Iterator[Record]:
        nonlocal failed
        for outcome in convert(inputs):
            if outcome.record is not None:
                yield outcome.record
            else:
                failed += 1
                typer.echo(f"allris-parse: {outcome.name}: {outcome.error}", err=True)

    written = _write(records(), output_format, output, to_directory=to_directory, safe=not allow_formulas)
    if not inputs:
        typer.echo("allris-parse: no pages found in the given paths", err=True)
        raise typer.Exit(EXIT_FAILED)
    if not quiet:
        typer.echo(f"allris-parse: {written} of {len(inputs)} inputs converted"
                   + (f", {failed} failed" if failed else ""), err=True)
    raise typer.Exit(EXIT_FAILED if failed else EXIT_OK)


def _write(records: Iterator[Record], output_format: OutputFormat, output: Path | None, *,
           to_directory: bool, safe: bool) -> int:
    from allris_parse import writers

    if output_format is OutputFormat.csv:
        tables = writers.CsvTables(safe=safe)
        if to_directory and output is not None:
            return tables.write_directory(records, output)
        if output is None:
            return tables.write_flat(records, sys.stdout)
        with writers.atomic_writer(output) as handle:
            return tables.write_flat(records, handle)
    write = writers.write_json if output_format is OutputFormat.json else writers.write_jsonl
    if output is None:
        return write(records, sys.stdout)
    with writers.atomic_writer(output) as handle:
        return write(records, handle)


# --- validate and schema ------------------------------------------------------------------------------


class ReportFormat(StrEnum):
    """Report formats of ``validate``."""

    human = "human"
    json = "json"
    junit = "junit"
    github = "github"


@app.command()
def validate(
    paths: Annotated[list[str], typer.Argument(
        help="Pages (files, directories, globs, archives, http(s) addresses, - for standard input) or JSON / "
             "JSON Lines files of records written by `parse`.", show_default=False)],
    report: Annotated[ReportFormat, typer.Option(
        "--report", "-r", help="human: a table on a terminal, plain lines otherwise; json; junit: JUnit XML for "
                               "CI test reports; github: GitHub Actions workflow annotations.")] = ReportFormat.human,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the report here (atomically) instead of standard output.",
        show_default=False)] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings (parser warnings included) as errors.")]
        = False,
    require: Annotated[list[str] | None, typer.Option(
        "--require", metavar="[KIND:]FIELD",
        help="Also require this field (dotted path, e.g. finance.impact or meeting:location); repeatable. "
             "Without KIND, every kind that has the field.", show_default=False)] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary line on standard error.")] = False,
) -> None:
    """Check pages or records against the rules per kind: required fields, impossible values, parser warnings.
    Exit code 0: all valid; 1: something invalid or unreadable; 2: usage error."""
    from allris_parse import reports
    from allris_parse.sources import iter_inputs, load_members
    from allris_parse.validation import RequirementError, Validator, validate_inputs

    try:
        validator = Validator(require=require or (), strict=strict)
    except RequirementError as exc:
        _usage_error(str(exc))
    results = list(validate_inputs(load_members(iter_inputs(paths)), validator))
    write = reports.writer(report.value, strict=strict)
    if output is None:
        write(results, sys.stdout)
    else:
        from allris_parse.writers import atomic_writer

        with atomic_writer(output) as handle:
            write(results, handle)
    if not results:
        typer.echo("allris-parse: no pages or records found in the given paths", err=True)
        raise typer.Exit(EXIT_FAILED)
    if not quiet and (output is not None or report is not ReportFormat.human):
        typer.echo(f"allris-parse: {reports.summary_line(results)}", err=True)
    raise typer.Exit(EXIT_OK if all(r.valid for r in results) else EXIT_FAILED)


@app.command()
def schema(
    kind: Annotated[str | None, typer.Argument(
        help="A record kind: paper, meeting, agenda_item, meeting_calendar, organization, organization_list, "
             "person, paper_list. Without it, all kinds as one union on `kind`.", show_default=False)] = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the schema here (atomically) instead of standard output.",
        show_default=False)] = None,
) -> None:
    """Print the JSON Schema of the records (from the same models `validate` reads records back with)."""
    import json

    from allris_parse.validation import KINDS, json_schema

    if kind is not None and kind not in KINDS:
        _usage_error(f"unknown kind {kind!r}; kinds: {', '.join(KINDS)}")
    text = json.dumps(json_schema(kind), ensure_ascii=False, indent=2) + "\n"
    if output is None:
        sys.stdout.write(text)
        return
    from allris_parse.writers import atomic_writer

    with atomic_writer(output) as handle:
        handle.write(text)


def main() -> None:
    """Console-script entry point."""
    app()

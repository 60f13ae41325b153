"""Command line: options in, pipeline run, errors mapped to messages and exit codes in one place.

Exit codes: 0 every input converted; 1 some inputs failed (each named on stderr, the rest converted);
2 usage error (unknown option, bad combination of options); 130 / 143 a batch interrupted by SIGINT /
SIGTERM (what was done is kept, see :mod:`allris_parse.batch`).
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from allris_parse import __version__

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
        help="Files, directories (searched recursively), globs, archives (.zip, .tar, .tar.gz, .tgz, .gz), "
             "http(s) addresses, or - for standard input (one page; with --from-list, a list of paths).",
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
    from_list: Annotated[bool, typer.Option(
        "--from-list", help="Each PATH is a list of inputs, one a line (or NUL-separated); - reads the list "
                            "from standard input.")] = False,
    jobs: Annotated[int | None, typer.Option(
        "--jobs", "-j", min=1, help="Worker processes (default: the number of cores). The output order "
                                    "never depends on it.", show_default=False)] = None,
    split: Annotated[Path | None, typer.Option(
        "--split", help="Also write one JSON file per record into this directory, named by kind and "
                        "reference or id (paper_DrS-2021-241-1.json); without --output, nothing goes to "
                        "standard output.", show_default=False)] = None,
    resume: Annotated[bool, typer.Option(
        "--resume", help="With --split: skip inputs whose record file exists and is newer than the input.")]
        = False,
    errors: Annotated[Path | None, typer.Option(
        "--errors", help="Write each failed input as a JSON line (path, error_type, message) here.",
        show_default=False)] = None,
    summary_json: Annotated[Path | None, typer.Option(
        "--summary-json", help="Write the run's summary (counts by kind and flavour, warnings, failures, "
                               "time) here as JSON.", show_default=False)] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary: print only "
                                                              "errors on stderr.")] = False,
) -> None:
    """Parse ALLRIS pages into records: Vorlagen (vo020), Sitzungen (to010), Auszüge (to020), Sitzungskalender
    (si010), Gremien (au020), Fraktionen (fr020, fr010), Personen (kp020) and Vorlagenlisten (vo040).

    Exit codes: 0 all converted; 1 some failed (the rest converted); 2 usage error; 130/143 interrupted
    (SIGINT/SIGTERM)."""
    from allris_parse import batch
    from allris_parse.pipeline import default_jobs
    from allris_parse.sources import iter_inputs

    if resume and split is None:
        _usage_error("--resume needs --split DIR (it skips inputs whose record file there is up to date)")
    if from_list and url is not None:
        _usage_error("--url names the address of a single input; it cannot go with --from-list")
    output = Path(output_arg) if output_arg else None
    to_directory = output is not None and (output.is_dir() or str(output_arg).endswith(("/", "\\")))
    if to_directory and output_format is not OutputFormat.csv:
        _usage_error(f"--output {output} is a directory; only --format csv writes a directory of tables")
    inputs = list(iter_inputs(paths, url=url, from_list=from_list))
    if url is not None and len(inputs) != 1:
        _usage_error(f"--url names the address of a single input, but {len(inputs)} inputs were given")
    options = batch.Options(
        inputs=inputs, output_format=output_format.value, output=output, to_directory=to_directory,
        stream=split is None or output is not None, safe=not allow_formulas, jobs=jobs or default_jobs(),
        quiet=quiet, errors=errors, summary_json=summary_json, split=split, resume=resume)
    raise typer.Exit(batch.run(options))


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
             "JSON Lines files of records written by `parse` (a directory gives its .json, .jsonl and .ndjson "
             "files too, e.g. the output of `parse --split`).", show_default=False)],
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
    jobs: Annotated[int | None, typer.Option(
        "--jobs", "-j", min=1, help="Worker processes (default: the number of cores). The report's order "
                                    "never depends on it.", show_default=False)] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary line on standard error.")] = False,
) -> None:
    """Check pages or records against the rules per kind: required fields, impossible values, parser warnings.
    Exit code 0: all valid; 1: something invalid or unreadable; 2: usage error."""
    from allris_parse import reports
    from allris_parse.pipeline import default_jobs
    from allris_parse.sources import iter_inputs, load_members
    from allris_parse.validation import RequirementError, Validator, validate_inputs

    try:
        validator = Validator(require=require or (), strict=strict)
    except RequirementError as exc:
        _usage_error(str(exc))
    inputs = load_members(iter_inputs(paths, records=True))
    results = list(validate_inputs(inputs, validator, jobs=jobs or default_jobs()))
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


# --- fetch and crawl (issue 5): their commands live in cli_crawl.py, registered here ---------------------
from allris_parse.cli_crawl import register as _register_crawl  # noqa: E402 - after the app exists

_register_crawl(app)


def main() -> None:
    """Console-script entry point."""
    app()

"""The run behind ``allris-parse parse``: convert, write, show progress, count, stop cleanly when asked.

This is command-line code (it prints on stderr and reads signals); the library parts it drives are
:mod:`allris_parse.pipeline` (conversion, in order, in a process pool), :mod:`allris_parse.sources`
(inputs) and :mod:`allris_parse.writers` (output, atomically).

An interrupt (Ctrl-C: SIGINT, or SIGTERM) stops the batch at the next finished page: nothing more is
started, the records written so far stay (``--split`` files are each complete), the ``--output`` file is
not written (it appears only complete), ``--errors`` and ``--summary-json`` are written for the part that
ran, a line on stderr says how far it got, and the exit code is 130 (SIGINT) or 143 (SIGTERM). A second
signal stops at once.
"""

from __future__ import annotations

import contextlib
import json
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import IO, TYPE_CHECKING, Any

from allris_parse import writers
from allris_parse.pipeline import Outcome, Want, convert
from allris_parse.sources import Input

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from allris_parse.writers import SupportsJson

EXIT_OK, EXIT_FAILED = 0, 1
#: Exit codes of an interrupted run: 128 + the signal's number, as shells report a killed command.
EXIT_SIGNAL = {signal.SIGINT: 130, signal.SIGTERM: 143}


class Interrupted(BaseException):
    """The user or the system asked the run to stop (SIGINT, SIGTERM)."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(signal.Signals(signum).name)


@dataclass
class Options:
    """What ``parse`` was asked to do, checked by the command line."""

    inputs: list[Input]
    output_format: str = "json"  # json, jsonl or csv
    output: Path | None = None
    to_directory: bool = False
    stream: bool = True  # write records to --output or stdout (not with --split alone)
    safe: bool = True
    jobs: int = 1
    quiet: bool = False
    errors: Path | None = None
    summary_json: Path | None = None
    split: Path | None = None
    resume: bool = False


@dataclass
class Stats:
    """What the run did, for the summary table and ``--summary-json``."""

    inputs: int
    jobs: int
    skipped: int = 0
    converted: int = 0
    failed: int = 0
    written: int = 0
    warnings: int = 0
    pages_with_warnings: int = 0
    by_kind_flavour: Counter[tuple[str, str]] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)
    started: float = field(default_factory=time.perf_counter)
    elapsed: float = 0.0
    interrupted: str | None = None

    def add(self, outcome: Outcome) -> None:
        if outcome.ok:
            self.converted += 1
            self.by_kind_flavour[outcome.kind or "?", outcome.flavour or "unknown"] += 1
            self.warnings += outcome.warnings
            self.pages_with_warnings += outcome.warnings > 0
        else:
            self.failed += 1
            self.failures[outcome.error_type or "Error"] += 1

    @property
    def done(self) -> int:
        return self.converted + self.failed

    @property
    def pages_per_second(self) -> float:
        return self.done / self.elapsed if self.elapsed > 0 else 0.0

    def as_json(self, exit_code: int) -> dict[str, Any]:
        by_kind: Counter[str] = Counter()
        for (kind, _), count in self.by_kind_flavour.items():
            by_kind[kind] += count
        return {
            "inputs": self.inputs, "skipped": self.skipped, "converted": self.converted, "failed": self.failed,
            "records_written": self.written,
            "by_kind": dict(sorted(by_kind.items())),
            "by_kind_flavour": [{"kind": k, "flavour": f, "pages": n}
                                for (k, f), n in sorted(self.by_kind_flavour.items())],
            "warnings": self.warnings, "pages_with_warnings": self.pages_with_warnings,
            "failures": dict(sorted(self.failures.items())),
            "elapsed_seconds": round(self.elapsed, 3), "pages_per_second": round(self.pages_per_second, 1),
            "jobs": self.jobs, "interrupted": self.interrupted, "exit_code": exit_code,
        }


class Display:
    """stderr: a progress bar where stderr is a terminal (and not --quiet), error lines, the summary."""

    def __init__(self, total: int, *, quiet: bool) -> None:
        self.total = total
        self.quiet = quiet
        self.enabled = not quiet and total > 0 and sys.stderr.isatty()
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def start(self) -> None:
        """Show the bar (called once the workers run: no thread exists while they are forked)."""
        if not self.enabled or self._progress is not None:
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            ProgressColumn,
            Task,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.text import Text

        class SpeedColumn(ProgressColumn):
            def render(self, task: Task) -> Text:
                speed = task.finished_speed or task.speed
                return Text(f"{speed:,.0f} pages/s" if speed else "- pages/s", style="progress.data.speed")

        self._progress = Progress(
            TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("pages"), SpeedColumn(), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
            console=Console(stderr=True), transient=False, refresh_per_second=5, speed_estimate_period=10)
        self._progress.start()
        self._task = self._progress.add_task("parsing", total=self.total)

    def advance(self) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.advance(self._task)

    def error(self, line: str) -> None:
        if self._progress is not None:
            self._progress.console.print(line, markup=False, highlight=False, soft_wrap=True)
        else:
            sys.stderr.write(line + "\n")
            sys.stderr.flush()

    def stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def summary(self, stats: Stats, line: str) -> None:
        """The table of pages by kind and flavour, then the totals; nothing with --quiet."""
        if self.quiet:
            return
        if stats.done:
            from rich.console import Console
            from rich.table import Table

            table = Table(title="allris-parse parse", title_justify="left", show_footer=True)
            table.add_column("kind", footer="all")
            table.add_column("flavour")
            table.add_column("pages", justify="right", footer=f"{stats.converted:,}")
            for (kind, flavour), count in sorted(stats.by_kind_flavour.items()):
                table.add_row(kind, flavour, f"{count:,}")
            failures = ", ".join(f"{n:,} {name}" for name, n in sorted(stats.failures.items()))
            console = Console(stderr=True, highlight=False)
            console.print(table)
            console.print(
                f"warnings {stats.warnings:,} (on {stats.pages_with_warnings:,} pages) · failed {stats.failed:,}"
                + (f" ({failures})" if failures else "")
                + (f" · skipped {stats.skipped:,} (up to date)" if stats.skipped else "")
                + f" · {stats.elapsed:.1f} s · {stats.pages_per_second:,.1f} pages/s"
                + f" · {stats.jobs} job{'s' if stats.jobs != 1 else ''}", markup=False)
        sys.stderr.write(line + "\n")
        sys.stderr.flush()


class _Stop:
    """The first SIGINT or SIGTERM received, if any."""

    signum: int | None = None


@contextlib.contextmanager
def _signals() -> Iterator[_Stop]:
    """SIGINT and SIGTERM are noted (the run stops at the next finished page); a second one raises
    :class:`Interrupted` at once. Outside the main thread signals cannot be caught and nothing changes."""
    stop = _Stop()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        if stop.signum is not None:
            raise Interrupted(signum)
        stop.signum = signum

    previous = {signum: signal.signal(signum, handler) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)


def _write(records: Iterator[SupportsJson], output_format: str, output: Path | None, *,
           to_directory: bool, safe: bool) -> int:
    """Records to stdout or ``output`` (atomically) in the format asked for; returns how many."""
    if output_format == "csv":
        tables = writers.CsvTables(safe=safe)
        rows: Iterator[Any] = records  # CSV gets the models (want="record")
        if to_directory and output is not None:
            return tables.write_directory(rows, output)
        if output is None:
            return tables.write_flat(rows, sys.stdout)
        with writers.atomic_writer(output) as handle:
            return tables.write_flat(rows, handle)
    write = writers.write_json if output_format == "json" else writers.write_jsonl
    if output is None:
        return write(records, sys.stdout)
    with writers.atomic_writer(output) as handle:
        return write(records, handle)


def _error_line(outcome: Outcome) -> str:
    return json.dumps({"path": outcome.name, "error_type": outcome.error_type or "Error",
                       "message": outcome.error or ""}, ensure_ascii=False) + "\n"


def run(options: Options) -> int:
    """Run the batch; returns the exit code (0, 1, 130 or 143)."""
    splitter = writers.SplitWriter(options.split) if options.split is not None else None
    todo = options.inputs
    if splitter is not None and options.resume:
        todo = [item for item in options.inputs if not splitter.is_current(item.name, item.mtime)]
    stats = Stats(inputs=len(options.inputs), jobs=options.jobs, skipped=len(options.inputs) - len(todo))
    display = Display(len(todo), quiet=options.quiet)
    want: Want = "record" if options.stream and options.output_format == "csv" else "json"
    interrupted: int | None = None

    with contextlib.ExitStack() as stack:
        errors_out: IO[str] | None = None
        if options.errors is not None:
            errors_out = stack.enter_context(writers.atomic_writer(options.errors))
        if splitter is not None:
            stack.callback(splitter.close)
        stop = stack.enter_context(_signals())

        def records() -> Iterator[SupportsJson]:
            with contextlib.closing(convert(todo, jobs=options.jobs, want=want, total=len(todo),
                                           split=splitter is not None)) as outcomes:
                for outcome in outcomes:
                    display.start()
                    stats.add(outcome)
                    _note(outcome, display, errors_out, splitter)
                    if outcome.record is not None:
                        yield outcome.record
                    elif outcome.json is not None:
                        yield writers.JsonRecord(outcome.json)
                    display.advance()
                    if stop.signum is not None:
                        raise Interrupted(stop.signum)

        try:
            if options.stream:
                stats.written = _write(records(), options.output_format, options.output,
                                       to_directory=options.to_directory, safe=options.safe)
            else:
                for _ in records():
                    stats.written += 1
        except KeyboardInterrupt:  # raised by code that does not know about our handler (tests, a 2nd Ctrl-C)
            interrupted = signal.SIGINT
        except Interrupted as exc:
            interrupted = exc.signum
        finally:
            display.stop()
            stats.elapsed = time.perf_counter() - stats.started

    return _report(options, stats, display, splitter, len(todo), interrupted)


def _note(outcome: Outcome, display: Display, errors_out: IO[str] | None,
          splitter: writers.SplitWriter | None) -> None:
    """A failure on stderr and in --errors; a record in its --split file."""
    if not outcome.ok:
        display.error(f"allris-parse: {outcome.name}: {outcome.error}")
        if errors_out is not None:
            errors_out.write(_error_line(outcome))
    elif splitter is not None and outcome.split_stem is not None:
        text = outcome.json
        if text is None and outcome.record is not None:
            text = outcome.record.model_dump_json()
        splitter.write(outcome.name, outcome.split_stem, text or "")


def _report(options: Options, stats: Stats, display: Display, splitter: writers.SplitWriter | None, todo: int,
            interrupted: int | None) -> int:
    """Say how the run went (stderr, --summary-json); returns the exit code."""
    if interrupted is not None:
        stats.interrupted = signal.Signals(interrupted).name
        code = EXIT_SIGNAL.get(signal.Signals(interrupted), EXIT_FAILED)
        kept = (f"; {splitter.written:,} record files written to {options.split} (run again with --resume to "
                "go on)" if splitter is not None else "")
        lost = f"; {options.output} was not written" if options.stream and options.output is not None else ""
        line = (f"allris-parse: interrupted by {stats.interrupted} after {stats.done:,} of {todo:,} inputs "
                f"({stats.converted:,} converted, {stats.failed:,} failed){kept}{lost}")
    else:
        code = EXIT_FAILED if stats.failed or not options.inputs else EXIT_OK
        line = (f"allris-parse: {stats.converted:,} of {len(options.inputs):,} inputs converted"
                + (f", {stats.failed:,} failed" if stats.failed else "")
                + (f", {stats.skipped:,} skipped (up to date)" if stats.skipped else ""))
    if not options.inputs:
        display.error("allris-parse: no pages found in the given paths")
    elif interrupted is not None and options.quiet:
        display.error(line)  # how far it got is worth saying even with --quiet
    else:
        display.summary(stats, line)
    if options.summary_json is not None:
        with writers.atomic_writer(options.summary_json) as handle:
            json.dump(stats.as_json(code), handle, indent=2)
            handle.write("\n")
    return code

"""The ``fetch`` and ``crawl`` commands (registered on the app by :mod:`allris_parse.cli`).

Kept apart from cli.py so that the commands of other features and these do not edit the same lines. Only
Typer is imported here at start-up; httpx, rich and the engine are imported when a command runs. Exit
codes are cli.py's: 0 done, 1 some addresses failed (a rerun retries them), 2 usage error, and 130 for an
interrupted run (Ctrl-C; 143 for SIGTERM: everything archived so far stays, a rerun continues).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import signal
import sys
import time
from collections.abc import Callable, Coroutine
from enum import StrEnum
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any, NoReturn

import typer

if TYPE_CHECKING:
    from allris_parse.crawl import Crawler, Stats, Task
    from allris_parse.fetch import Politeness
    from allris_parse.models import Record

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED, EXIT_TERMINATED = 0, 1, 2, 130, 143


class SiteScheme(StrEnum):
    """Address schemes of ALLRIS sites."""

    auto = "auto"
    classic = "classic"
    allris4 = "allris4"


_POLITE = "Politeness"
Output = Annotated[Path, typer.Option("--output", "-o", help="The archive directory (created if needed; a rerun "
                                                             "continues it).", show_default=False)]
Parse = Annotated[bool, typer.Option("--parse", help="Also write the records of the pages to "
                                                     "ARCHIVE_DIR/records.jsonl while fetching.")]
Refresh = Annotated[bool, typer.Option("--refresh", help="Fetch again what the archive holds (conditional "
                                                         "requests: unchanged pages cost a 304).")]
DryRun = Annotated[bool, typer.Option("--dry-run", help="List what would be fetched; send no request.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors and the summary's failures.")]
Rate = Annotated[float, typer.Option(help="Requests per second per host, at most (robots.txt Crawl-delay can "
                                          "lower it).", rich_help_panel=_POLITE)]
Concurrency = Annotated[int, typer.Option(help="Requests in flight at once, at most.", rich_help_panel=_POLITE)]
Timeout = Annotated[float, typer.Option(help="Seconds for connecting and between bytes of a response.",
                                        rich_help_panel=_POLITE)]
MaxSize = Annotated[float, typer.Option("--max-size", help="Largest response in MB; larger ones are refused.",
                                        rich_help_panel=_POLITE)]
Retries = Annotated[int, typer.Option(help="Further attempts after a connection error, timeout, 5xx, 429 or "
                                           "throttling page.", rich_help_panel=_POLITE)]
Backoff = Annotated[float, typer.Option(help="Seconds before the first retry, doubled for each next one "
                                             "(with jitter).", rich_help_panel=_POLITE)]
MaxWait = Annotated[float, typer.Option(help="Longest single wait in seconds; a Retry-After beyond it leaves "
                                             "the address for the next run.", rich_help_panel=_POLITE)]
Contact = Annotated[str | None, typer.Option(help="Your e-mail or web address, sent in the User-Agent so the "
                                                  "site's operator can reach you.", show_default=False,
                                             rich_help_panel=_POLITE)]


def _usage_error(message: str) -> NoReturn:
    typer.echo(f"allris-parse: usage error: {message}", err=True)
    raise typer.Exit(EXIT_USAGE)


def _politeness(rate: float, concurrency: int, timeout: float, max_size: float, retries: int, backoff: float,
                max_wait: float, contact: str | None) -> Politeness:
    from allris_parse.fetch import Politeness

    if rate <= 0 or concurrency < 1 or timeout <= 0 or max_size <= 0 or retries < 0 or backoff < 0 or max_wait < 0:
        _usage_error("--rate, --timeout and --max-size must be positive, --concurrency at least 1, "
                     "--retries, --backoff and --max-wait not negative")
    return Politeness(rate=rate, concurrency=concurrency, timeout=timeout, max_bytes=int(max_size * 1024 * 1024),
                      retries=retries, backoff=backoff, max_wait=max_wait, contact=contact)


_DATE = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$")


def _date(value: str, *, end: bool) -> dt.date:
    """YYYY-MM-DD, or YYYY-MM for the first (or, with ``end``, last) day of a month."""
    match = _DATE.match(value.strip())
    try:
        if not match:
            raise ValueError(value)
        year, month = int(match[1]), int(match[2])
        if match[3]:
            return dt.date(year, month, int(match[3]))
        if not end:
            return dt.date(year, month, 1)
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        return following - dt.timedelta(days=1)
    except ValueError:
        _usage_error(f"not a date (YYYY-MM-DD or YYYY-MM): {value}")


def _range(value: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?", value)
    if not match or (match[2] and int(match[2]) < int(match[1])):
        _usage_error(f"--papers takes FIRST-LAST (VOLFDNR), e.g. 1000-2000: {value}")
    return int(match[1]), int(match[2] or match[1])


class _Reporter:
    """Progress on a terminal, failures as lines, dry-run listing on standard output."""

    def __init__(self, *, quiet: bool, dry_run: bool) -> None:
        self.quiet, self.dry_run = quiet, dry_run
        self.crawler: Crawler | None = None
        self.progress: Any = None
        self.task_id: Any = None
        if not quiet and not dry_run and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self.progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                                     console=Console(stderr=True), transient=True)
            self.task_id = self.progress.add_task("starting", total=None)
            self.progress.start()

    def event(self, task: Task, what: str, detail: str | None) -> None:
        if what == "would_fetch":
            typer.echo(task.url)
        elif what in {"failed", "throttled", "parse_error", "too_large"} or (what == "http_error" and not self.quiet):
            self._line(f"allris-parse: {task.url}: {what.replace('_', ' ')}: {detail}")
        if self.progress is not None and self.crawler is not None:
            stats = self.crawler.stats
            self.progress.update(self.task_id, description=(
                f"{stats.fetched} fetched · {stats.from_archive} archived before · {self.crawler.pending} queued"
                f" · {stats.failed} failed · {task.url}"))

    def _line(self, text: str) -> None:
        if self.progress is not None:
            self.progress.console.print(text, markup=False, highlight=False)
        else:
            typer.echo(text, err=True)

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()


def _summary(command: str, stats: Stats, seconds: float) -> str:
    parts = [f"{stats.fetched} fetched", f"{stats.from_archive} already archived"]
    for count, label in ((stats.would_fetch, "to fetch (dry run)"), (stats.not_modified, "not modified"),
                         (stats.not_public, "not public"), (stats.off_host, "off-host (recorded, not followed)"),
                         (stats.http_error, "HTTP errors"), (stats.too_large, "too large"),
                         (stats.robots_disallowed, "disallowed by robots.txt"),
                         (stats.listed, "attachments listed (not downloaded)"),
                         (stats.failed, "failed (a rerun retries them)"), (stats.parse_errors, "not parsed")):
        if count:
            parts.append(f"{count} {label}")
    tail = f"; {stats.records} records; {stats.requests} requests ({stats.retries} retries) in {seconds:.1f} s"
    tail += f", {stats.rate:.2f} requests/s" if stats.rate else ""
    return f"allris-parse: {command}: " + ", ".join(parts) + tail + ("; interrupted" if stats.interrupted else "")


def _stop_on_sigterm(flag: list[bool]) -> None:
    """Inside the running loop: SIGTERM cancels the run as Ctrl-C does (and is noted in ``flag``)."""
    import asyncio

    task = asyncio.current_task()
    if task is None:
        return

    def terminate() -> None:
        flag.append(True)
        task.cancel()

    with contextlib.suppress(NotImplementedError, RuntimeError):  # not on Windows / outside the main thread
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, terminate)


def _execute(command: str, output: Path, politeness: Politeness, *, parse: bool, quiet: bool, dry_run: bool,
             make: Callable[[Any, Any, Callable[[Record], None] | None, _Reporter],
                            Coroutine[Any, Any, Crawler]]) -> NoReturn:
    """Run a crawl coroutine with the archive, the client, the records file and signals set up; exit."""
    import asyncio

    from allris_parse.archive import RECORDS, Archive
    from allris_parse.crawl import Stats
    from allris_parse.errors import AllrisParseError
    from allris_parse.fetch import Fetcher

    reporter = _Reporter(quiet=quiet, dry_run=dry_run)
    started = time.monotonic()
    holder: dict[str, Crawler] = {}
    terminated: list[bool] = []

    async def main() -> None:
        _stop_on_sigterm(terminated)
        fetcher = None if dry_run else Fetcher(politeness)
        records: IO[str] | None = None
        try:
            with Archive(output, writable=not dry_run) as archive:
                if parse and not dry_run:
                    records = (output / RECORDS).open("w", encoding="utf-8")

                def on_record(record: Record) -> None:
                    if records is not None:
                        records.write(record.model_dump_json() + "\n")
                        records.flush()

                crawler = await make(archive, fetcher, on_record, reporter)
                holder["crawler"] = crawler
        finally:
            if records is not None:
                records.close()
            if fetcher is not None:
                await fetcher.close()

    interrupted = False
    try:
        asyncio.run(main())
    except (KeyboardInterrupt, asyncio.CancelledError):
        interrupted = True
    except AllrisParseError as exc:
        reporter.stop()
        typer.echo(f"allris-parse: {command}: {exc}", err=True)
        raise typer.Exit(EXIT_FAILED) from None
    finally:
        reporter.stop()
    crawler = holder.get("crawler") or reporter.crawler
    _finish(command, crawler.stats if crawler is not None else Stats(), started, interrupted=interrupted,
            terminated=bool(terminated))


def _finish(command: str, stats: Stats, started: float, *, interrupted: bool, terminated: bool) -> NoReturn:
    stats.interrupted = interrupted
    typer.echo(_summary(command, stats, time.monotonic() - started), err=True)
    if interrupted:
        typer.echo(f"allris-parse: {command}: interrupted; what was archived is kept: run the same command "
                   "again to continue", err=True)
        raise typer.Exit(EXIT_TERMINATED if terminated else EXIT_INTERRUPTED)
    raise typer.Exit(EXIT_FAILED if stats.failed or stats.parse_errors else EXIT_OK)


def register(app: typer.Typer) -> None:
    """Add ``fetch`` and ``crawl`` to the application."""

    @app.command()
    def fetch(
        urls: Annotated[list[str], typer.Argument(help="Page addresses (any page type, classic .asp or "
                                                       "ALLRIS 4).", show_default=False)],
        output: Output,
        parse: Parse = False,
        refresh: Refresh = False,
        dry_run: DryRun = False,
        quiet: Quiet = False,
        rate: Rate = 1.0,
        concurrency: Concurrency = 2,
        timeout: Timeout = 30.0,
        max_size: MaxSize = 16.0,
        retries: Retries = 4,
        backoff: Backoff = 2.0,
        max_wait: MaxWait = 300.0,
        contact: Contact = None,
    ) -> None:
        """Fetch single pages into an archive directory (raw bytes, status, headers, address, time), politely.

        `allris-parse parse ARCHIVE_DIR` later reads the archive offline.
        """
        from allris_parse.crawl import Crawler, Options, page_seeds

        bad = [url for url in urls if not url.startswith(("http://", "https://"))]
        if bad:
            _usage_error(f"not an http(s) address: {bad[0]}")
        polite = _politeness(rate, concurrency, timeout, max_size, retries, backoff, max_wait, contact)

        async def make(archive: Any, fetcher: Any, on_record: Callable[[Record], None] | None,
                       reporter: _Reporter) -> Crawler:
            crawler = Crawler(archive, fetcher, Options(refresh=refresh, dry_run=dry_run), on_record=on_record,
                              on_event=reporter.event)
            reporter.crawler = crawler
            await crawler.run(page_seeds(urls), workers=polite.concurrency)
            return crawler

        _execute("fetch", output, polite, parse=parse, quiet=quiet, dry_run=dry_run, make=make)

    @app.command()
    def crawl(
        base_url: Annotated[str, typer.Argument(help="The site's address as copied from the browser: its folder "
                                                     "(https://ris.example.org/bi/) or any of its pages.",
                                                show_default=False)],
        output: Output,
        date_from: Annotated[str | None, typer.Option("--from", help="First day of meetings (YYYY-MM-DD, or "
                                                                     "YYYY-MM for a whole month).",
                                                      show_default=False)] = None,
        date_to: Annotated[str | None, typer.Option("--to", help="Last day of meetings (default: the end of "
                                                                 "--from's month).", show_default=False)] = None,
        papers: Annotated[str | None, typer.Option(help="Walk a VOLFDNR range instead, e.g. 1000-2000.",
                                                   show_default=False)] = None,
        attachments: Annotated[bool, typer.Option("--attachments", help="Download the files of Vorlagen and "
                                                  "Sitzungen too (by default only their links are recorded).")]
        = False,
        scheme: Annotated[SiteScheme, typer.Option(help="Address scheme: classic (.asp) or allris4; auto tells "
                                                        "it from the address or the start page.")]
        = SiteScheme.auto,
        parse: Parse = False,
        refresh: Refresh = False,
        dry_run: DryRun = False,
        quiet: Quiet = False,
        rate: Rate = 1.0,
        concurrency: Concurrency = 2,
        timeout: Timeout = 30.0,
        max_size: MaxSize = 16.0,
        retries: Retries = 4,
        backoff: Backoff = 2.0,
        max_wait: MaxWait = 300.0,
        contact: Contact = None,
    ) -> None:
        """Crawl a period of council work: Sitzungskalender -> Sitzungen (to010) -> Tagesordnungspunkte (to020)
        -> Vorlagen (vo020) -> attachments, into an archive directory. A rerun continues; nothing is fetched
        twice unless --refresh."""
        from allris_parse.crawl import Crawler, Options, calendar_seeds, paper_seeds, resolve_site

        if date_from is None and papers is None:
            _usage_error("give --from DATE (and --to DATE) or --papers FIRST-LAST")
        if date_to is not None and date_from is None:
            _usage_error("--to needs --from")
        start = _date(date_from, end=False) if date_from else None
        end = _date(date_to or date_from, end=True) if date_from else None
        if start and end and end < start:
            _usage_error("--to is before --from")
        paper_range = _range(papers) if papers else None
        if not base_url.startswith(("http://", "https://")):
            _usage_error(f"not an http(s) address: {base_url}")
        polite = _politeness(rate, concurrency, timeout, max_size, retries, backoff, max_wait, contact)
        options = Options(refresh=refresh, dry_run=dry_run, attachments=attachments, date_from=start, date_to=end)

        async def make(archive: Any, fetcher: Any, on_record: Callable[[Record], None] | None,
                       reporter: _Reporter) -> Crawler:
            site = await resolve_site(base_url, scheme.value, fetcher, archive)
            seeds = calendar_seeds(site, start, end) if start and end else []
            if paper_range:
                seeds += paper_seeds(site, *paper_range)
            crawler = Crawler(archive, fetcher, options, site=site, on_record=on_record, on_event=reporter.event)
            reporter.crawler = crawler
            await crawler.run(seeds, workers=polite.concurrency)
            return crawler

        _execute("crawl", output, polite, parse=parse, quiet=quiet, dry_run=dry_run, make=make)

"""Crawl an ALLRIS site into an archive: Sitzungskalender -> Sitzungen -> Auszüge -> Vorlagen -> Anlagen.

Pages are found through the records the page extractors make (ids and links), falling back to the page's
links where a record carries none. Every page is archived as fetched (:mod:`allris_parse.archive`), and a
page the archive already holds is read from there instead of the network, so a rerun walks the same tree
offline up to where the last run stopped. All HTTP goes through :mod:`allris_parse.fetch`.

The library never prints: progress and results reach the caller through callbacks and :class:`Stats`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urldefrag, urlencode, urljoin, urlsplit, urlunsplit

from allris_parse.api import parse_page
from allris_parse.archive import BODY_OUTCOMES, Archive, now
from allris_parse.errors import AllrisParseError, InputError, NotPublicError
from allris_parse.fetch import Fetcher, Response, host_of
from allris_parse.models import AgendaItem, Attachment, Meeting, MeetingCalendar, Paper, Record

Scheme = Literal["classic", "allris4"]

#: A page name in an address: 'vo020.asp', 'si010_e.asp', 'to010_r.asp' (classic), 'vo020' (ALLRIS 4).
_PAGE_NAME = re.compile(r"^(?P<code>[a-z]{2}\d{3})(?P<variant>_[a-z])?(?P<asp>\.asp)?$", re.IGNORECASE)
#: Other last path segments that name a page rather than the site's folder.
_START_PAGES = re.compile(r"^(?:start|index|allris\.net\.asp|.+\.(?:asp|aspx|html?|php|jsp))$", re.IGNORECASE)
#: Links to the pages a crawl follows, where a record does not carry the ids: page, then id parameter.
_LINK = re.compile(rb"\b(to010|to020|vo020)(?:_[a-z])?(?:\.asp)?\?[^\"'<>\s]*?\b(SILFDNR|TOLFDNR|VOLFDNR)=(\d+)",
                   re.IGNORECASE)
_ID_PAGE = {"SILFDNR": "to010", "TOLFDNR": "to020", "VOLFDNR": "vo020"}
#: Which pages each page type leads to (a Vorlage's Beratungsfolge links to other Sitzungen: not followed).
_FOLLOWS = {"si010": {"to010"}, "to010": {"to020", "vo020"}, "to020": {"vo020"}, "vo020": set()}


@dataclass(frozen=True)
class Site:
    """An ALLRIS installation: the folder its pages live in and how their addresses are made."""

    base: str  #: ends with '/'
    scheme: Scheme
    variant: str = ""  #: '_r' where the site uses the responsive ``.asp`` templates
    calendar: str | None = None  #: the calendar page named in the address the user copied

    def page(self, code: str, **params: int) -> str:
        """The address of a page: ``page('vo020', VOLFDNR=5)`` -> '.../vo020.asp?VOLFDNR=5' or '.../vo020?...'."""
        if code == "si010" and self.calendar:
            name = self.calendar
        elif self.scheme == "allris4":
            name = code
        elif code == "si010":
            name = "si010_r.asp" if self.variant == "_r" else "si010_e.asp"
        else:
            name = f"{code}{self.variant}.asp"
        return f"{self.base}{name}?{urlencode(params)}"

    def month(self, year: int, month: int) -> str:
        """The calendar page of one month."""
        return self.page("si010", MM=month, YY=year)


def site_from_url(url: str, scheme: str = "auto") -> tuple[str, Site | None]:
    """The site's folder from an address as a user copies it, and the site where the address tells the
    scheme (a page name with or without ``.asp``); None where the start page has to be asked."""
    if not url.startswith(("http://", "https://")):
        raise InputError(f"not an http(s) address: {url}")
    parts = urlsplit(url)
    path = parts.path or "/"
    last = path.rsplit("/", 1)[-1]
    page = _PAGE_NAME.match(last)
    if last and (page or _START_PAGES.match(last)):
        folder = path[: len(path) - len(last)]
    else:
        folder = path if path.endswith("/") else path + "/"
    base = urlunsplit((parts.scheme, parts.netloc, folder, "", ""))
    guessed: str | None = scheme if scheme != "auto" else None
    if guessed is None and page:
        guessed = "classic" if page["asp"] else "allris4"
    elif guessed is None and last.lower().endswith(".asp"):
        guessed = "classic"
    if guessed is None:
        return base, None
    variant = "_r" if page and (page["variant"] or "").lower() == "_r" else ""
    calendar = last if page and page["code"].lower() == "si010" else None
    return base, Site(base, "classic" if guessed == "classic" else "allris4", variant, calendar)


def scheme_from_start_page(body: bytes, final_url: str) -> Scheme | None:
    """Tell the address scheme from the site's start page."""
    lowered = body[:200000].lower()
    if b"allris net version 4" in lowered or b"wicket" in lowered:
        return "allris4"
    if urlsplit(final_url).path.lower().endswith(".asp") or b".asp" in lowered:
        return "classic"
    return None


def months(start: dt.date, end: dt.date) -> Iterator[tuple[int, int]]:
    """(year, month) of every month from ``start`` to ``end``."""
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


@dataclass
class Task:
    """One address to archive."""

    url: str
    kind: Literal["page", "attachment", "start"] = "page"
    page_type: str | None = None
    referrer: str | None = None
    follow: bool = True
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class Stats:
    """What a run did: counts per outcome, records made, requests sent."""

    fetched: int = 0  #: pages and files fetched and archived in this run
    from_archive: int = 0  #: addresses the archive held already (not fetched)
    not_modified: int = 0
    not_public: int = 0
    off_host: int = 0
    http_error: int = 0
    too_large: int = 0
    failed: int = 0  #: connection errors, timeouts, 5xx, throttling after every retry: fetched again next run
    robots_disallowed: int = 0
    listed: int = 0  #: attachments recorded without download
    would_fetch: int = 0  #: --dry-run
    records: int = 0
    parse_errors: int = 0
    requests: int = 0
    retries: int = 0
    bytes: int = 0
    rate: float | None = None  #: requests per second actually sent, first to last
    interrupted: bool = False

    def count(self, outcome: str) -> None:
        """Add one response's outcome."""
        name = {"ok": "fetched", "throttled": "failed"}.get(outcome, outcome)
        setattr(self, name, getattr(self, name) + 1)


@dataclass
class Options:
    """What a run does besides the politeness settings (those live in :class:`allris_parse.fetch.Politeness`)."""

    refresh: bool = False
    dry_run: bool = False
    attachments: bool = False
    date_from: dt.date | None = None
    date_to: dt.date | None = None


class Crawler:
    """One run over an archive: tasks in, archive entries and records out."""

    def __init__(self, archive: Archive, fetcher: Fetcher | None, options: Options, *, site: Site | None = None,
                 on_record: Callable[[Record], None] | None = None,
                 on_event: Callable[[Task, str, str | None], None] | None = None) -> None:
        self.archive = archive
        self.fetcher = fetcher
        self.site = site
        self.options = options
        self.stats = Stats()
        self.on_record = on_record
        self.on_event = on_event
        self._seen: set[str] = set()
        self._queue: asyncio.Queue[Task] = asyncio.Queue()
        self.pending = 0

    def add(self, task: Task) -> None:
        """Queue an address once per run."""
        url = urldefrag(task.url).url
        if url in self._seen:
            return
        self._seen.add(url)
        task.url = url
        self.pending += 1
        self._queue.put_nowait(task)

    async def run(self, seeds: Iterable[Task], *, workers: int = 2) -> Stats:
        """Archive the seeds and everything found from them; returns the run's statistics."""
        seeds = list(seeds)
        if self.fetcher is not None and not self.options.dry_run:
            for host in dict.fromkeys(host_of(task.url) for task in seeds):
                response = await self.fetcher.load_robots(host + "/")
                if response is not None:
                    archive_response(self.archive, response, kind="robots")
        for task in seeds:
            self.add(task)
        runners = [asyncio.create_task(self._worker()) for _ in range(max(1, workers))]
        try:
            await self._queue.join()
        finally:
            for runner in runners:
                runner.cancel()
            await asyncio.gather(*runners, return_exceptions=True)
            if self.fetcher is not None:
                self.stats.requests += self.fetcher.requests
                self.stats.retries += self.fetcher.retries
                self.stats.bytes += self.fetcher.bytes
                self.stats.rate = self.fetcher.observed_rate
        return self.stats

    async def _worker(self) -> None:
        while True:
            task = await self._queue.get()
            try:
                await self._handle(task)
            finally:
                self.pending -= 1
                self._queue.task_done()

    def _event(self, task: Task, what: str, detail: str | None = None) -> None:
        if self.on_event is not None:
            self.on_event(task, what, detail)

    async def _handle(self, task: Task) -> None:
        archive, options = self.archive, self.options
        if task.kind == "attachment" and not options.attachments:
            if task.url not in archive.latest:
                archive.append({"url": task.url, "kind": "attachment", "outcome": "listed", "from": task.referrer,
                                "recorded_at": now(), **task.meta})
            self.stats.listed += 1
            self._event(task, "listed")
            return
        if archive.is_done(task.url) and not options.refresh:
            self.stats.from_archive += 1
            self._event(task, "archived")
        elif options.dry_run or self.fetcher is None:
            self.stats.would_fetch += 1
            self._event(task, "would_fetch")
            return
        else:
            conditional: dict[str, str] = {}
            previous = archive.with_body.get(task.url)
            if previous is not None:
                headers = {key.lower(): value for key, value in previous.get("headers") or []}
                if "etag" in headers:
                    conditional["If-None-Match"] = headers["etag"]
                if "last-modified" in headers:
                    conditional["If-Modified-Since"] = headers["last-modified"]
            response = await self.fetcher.get(task.url, conditional=conditional)
            self._archive(task, response)
            self.stats.count(response.outcome)
            self._event(task, response.outcome, response.error)
        if task.kind != "page":
            return
        found = archive.body(task.url)
        if found is None:
            return
        entry, data = found
        try:
            record = parse_page(data, path=str(archive.body_path(entry)), url=str(entry.get("final_url") or task.url))
        except NotPublicError as exc:
            self.stats.not_public += 1
            self._event(task, "not_public", str(exc))
            return
        except AllrisParseError as exc:
            self._parse_error(task, str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - an extractor bug on one page must not end a crawl
            self._parse_error(task, f"internal error ({type(exc).__name__}: {exc}); please report it")
            return
        self._parsed(task, entry, record)

    def _parse_error(self, task: Task, message: str) -> None:
        self.stats.parse_errors += 1
        self._event(task, "parse_error", message)

    def _archive(self, task: Task, response: Response, *, kind: str | None = None) -> None:
        archive_response(self.archive, response, kind=kind or task.kind, page_type=task.page_type,
                         referrer=task.referrer, meta=task.meta)

    def _parsed(self, task: Task, entry: dict[str, Any], record: Record) -> None:
        self.stats.records += 1
        if self.on_record is not None:
            self.on_record(record)
        if task.follow:
            page_url = str(entry.get("final_url") or task.url)
            for found in self.discover(record, page_url, self.archive.body_path(entry).read_bytes()):
                self.add(found)

    def discover(self, record: Record, page_url: str, data: bytes) -> Iterator[Task]:
        """The addresses a page leads to: ids from its record, else links in its markup; files as attachments."""
        site = self.site or site_from_url(page_url)[1] or Site(site_from_url(page_url)[0], "allris4")
        ids: dict[str, list[int]] = {"to010": [], "to020": [], "vo020": []}
        files: list[Attachment] = []
        follows = set(_FOLLOWS.get(record.page_type, set()))
        if isinstance(record, MeetingCalendar):
            ids["to010"] = [entry.meeting_id for entry in record.meetings
                            if entry.meeting_id is not None and self._in_range(entry.date)]
            if any(entry.meeting_id for entry in record.meetings):
                follows = set()  # ids known: dates filtered above; links would bypass the filter
        elif isinstance(record, Meeting):
            ids["to020"] = [item.agenda_item_id for item in record.agenda_items if item.agenda_item_id]
            ids["vo020"] = [item.paper_id for item in record.agenda_items if item.paper_id]
            files = record.documents
        elif isinstance(record, AgendaItem):
            ids["vo020"] = [record.paper_id] if record.paper_id else []
            files = record.attachments
        elif isinstance(record, Paper):
            files = record.documents + record.attachments
        if follows and not any(ids[code] for code in follows):
            for match in _LINK.finditer(data):
                code, parameter = match[1].decode().lower(), match[2].decode().upper()
                if _ID_PAGE[parameter] == code and code in follows:
                    ids[code].append(int(match[3]))
        parameter_of = {"to010": "SILFDNR", "to020": "TOLFDNR", "vo020": "VOLFDNR"}
        for code in ("to010", "to020", "vo020"):
            for number in dict.fromkeys(ids[code]):
                yield Task(site.page(code, **{parameter_of[code]: number}), page_type=code, referrer=page_url)
        for file in files:
            if not file.url:
                continue
            address = urljoin(page_url, file.url)
            if not address.startswith(("http://", "https://")):
                continue
            meta = {"title": file.title, "shown_size": file.size}
            if host_of(address) != host_of(page_url):
                self._off_host(address, page_url, meta)
                continue
            yield Task(address, kind="attachment", referrer=page_url, follow=False, meta=meta)

    def _off_host(self, address: str, referrer: str, meta: dict[str, Any]) -> None:
        """A link to another host: recorded once, never fetched."""
        if address in self._seen:
            return
        self._seen.add(address)
        self.stats.off_host += 1
        if address not in self.archive.latest:
            self.archive.append({"url": address, "kind": "link", "outcome": "off_host", "from": referrer,
                                 "recorded_at": now(), "error": "link to another host (not followed)", **meta})

    def _in_range(self, date: dt.date | None) -> bool:
        options = self.options
        if date is None:
            return True
        return not ((options.date_from and date < options.date_from) or (options.date_to and date > options.date_to))


def archive_response(archive: Archive, response: Response, *, kind: str, page_type: str | None = None,
                     referrer: str | None = None, meta: dict[str, Any] | None = None) -> None:
    """One manifest line for a response (its body stored first); a 304 points at the body it confirms."""
    entry: dict[str, Any] = {
        "url": response.url, "kind": kind, "page_type": page_type, "from": referrer,
        "final_url": response.final_url, "status": response.status, "headers": response.headers,
        "fetched_at": response.fetched_at, "outcome": response.outcome, "error": response.error,
        "redirects": response.redirects, "attempts": response.attempts, **(meta or {})}
    if response.retry_reasons:
        entry["retry_reasons"] = response.retry_reasons
    if response.outcome == "ok" and response.body is not None:
        entry["body"], entry["sha256"] = archive.store_body(response.body)
        entry["size"] = len(response.body)
    elif response.outcome == "not_modified" and (previous := archive.with_body.get(response.url)):
        entry["body"], entry["sha256"] = previous.get("body"), previous.get("sha256")
        entry["size"], entry["final_url"] = previous.get("size"), previous.get("final_url")
    archive.append(entry)


async def resolve_site(base_url: str, scheme: str, fetcher: Fetcher | None, archive: Archive) -> Site:
    """The site of a BASE_URL; asks its start page (archived like any response) where the address does not tell."""
    base, site = site_from_url(base_url, scheme)
    if site is not None:
        return site
    found = archive.body(base)
    if found is None and fetcher is not None:
        robots = await fetcher.load_robots(base)
        if robots is not None:
            archive_response(archive, robots, kind="robots")
        archive_response(archive, await fetcher.get(base), kind="start")
        found = archive.body(base)
    if found is not None:
        told = scheme_from_start_page(found[1], str(found[0].get("final_url") or base))
        if told is not None:
            final = str(found[0].get("final_url") or base)
            folder, _ = site_from_url(final) if host_of(final) == host_of(base) else (base, None)
            return Site(folder, told)
    raise InputError(f"cannot tell whether {base_url} is a classic (.asp) or an ALLRIS 4 site; "
                     "give --scheme classic or --scheme allris4")


def calendar_seeds(site: Site, start: dt.date, end: dt.date) -> list[Task]:
    """The month views from ``start`` to ``end``."""
    return [Task(site.month(year, month), page_type="si010") for year, month in months(start, end)]


def paper_seeds(site: Site, first: int, last: int) -> list[Task]:
    """The Vorlagen with VOLFDNR ``first`` to ``last``."""
    return [Task(site.page("vo020", VOLFDNR=number), page_type="vo020") for number in range(first, last + 1)]


def page_seeds(urls: Iterable[str]) -> list[Task]:
    """Single pages (``fetch``): archived and parsed, nothing followed."""
    return [Task(url, page_type=None, follow=False) for url in urls]


__all__ = ["BODY_OUTCOMES", "Crawler", "Options", "Site", "Stats", "Task", "calendar_seeds", "months",
           "page_seeds", "paper_seeds", "resolve_site", "site_from_url"]

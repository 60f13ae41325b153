"""The only module that talks HTTP: one page for ``parse URL``, and the polite, retrying client of
``fetch``/``crawl`` (rate per host, bounded concurrency, robots.txt, redirects kept on the host)."""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from allris_parse import __version__, labels
from allris_parse.errors import InputError

USER_AGENT = f"allris-parse/{__version__} (+https://pypi.org/project/allris-parse/)"
TIMEOUT_SECONDS = 30.0


def fetch_page(url: str, *, max_bytes: int, timeout: float = TIMEOUT_SECONDS) -> bytes:
    """The body of ``url``; raises :class:`InputError` on network errors, HTTP errors or oversize bodies."""
    try:
        with httpx.Client(timeout=timeout, follow_redirects=True, headers={"User-Agent": USER_AGENT}) as client, \
                client.stream("GET", url) as response:
            if response.status_code >= 400:
                raise InputError(f"HTTP {response.status_code} from {url}")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise InputError(f"response larger than {max_bytes:,} bytes from {url}")
                chunks.append(chunk)
            return b"".join(chunks)
    except httpx.HTTPError as exc:
        raise InputError(f"cannot fetch {url}: {exc}") from exc


# --- the crawler's client: politeness, retries, redirects kept on the host --------------------------------
# (``fetch_page`` above serves ``parse URL``: one page, no archive. Everything below serves ``fetch``/``crawl``.)


_PASSWORD_INPUT = re.compile(rb"<input\b[^>]*\btype\s*=\s*[\"']?password", re.IGNORECASE)
_LOGIN_ADDRESS = re.compile(r"(?:^|[/_.-])(?:login|anmeld\w*|signin)(?:$|[/_.?&-])", re.IGNORECASE)
_NOAUTH_ADDRESS = re.compile(r"noauth", re.IGNORECASE)
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_MAX_REDIRECTS = 5


def user_agent(contact: str | None = None) -> str:
    """The User-Agent a site operator sees: the tool, its version, where to read about it, who runs it."""
    return USER_AGENT[:-1] + (f"; contact: {contact})" if contact else ")")


@dataclass(frozen=True)
class Politeness:
    """How hard a crawl may press a site. The defaults are the polite ones; tests lower the waits."""

    rate: float = 1.0  #: requests per second per host, at most (robots.txt Crawl-delay can lower it)
    concurrency: int = 2  #: requests in flight at once, at most
    timeout: float = TIMEOUT_SECONDS  #: seconds for connecting, and between bytes of a response
    max_bytes: int = 16 * 1024 * 1024  #: larger responses are refused (no ALLRIS page comes near this)
    retries: int = 4  #: further attempts after a connection error, timeout, 5xx, 429 or throttling page
    backoff: float = 2.0  #: seconds before the first retry; doubled for each next one, with jitter
    max_wait: float = 300.0  #: longest single wait; a Retry-After beyond it gives up on the page for this run
    throttle_wait: float = 60.0  #: pause of the host after ALLRIS 4's "Zu viele Zugriffe" page
    contact: str | None = None  #: e-mail or web address put in the User-Agent
    robots: bool = True  #: honour robots.txt


@dataclass
class Response:
    """One page as the server answered it, after retries and same-host redirects."""

    url: str
    final_url: str
    status: int | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes | None = None
    fetched_at: str = ""
    outcome: str = "ok"  #: ok, not_modified, not_public, off_host, http_error, too_large, throttled, failed,
    #: robots_disallowed
    error: str | None = None
    redirects: list[dict[str, object]] = field(default_factory=list)
    attempts: int = 0
    retry_reasons: list[str] = field(default_factory=list)

    def header(self, name: str) -> str | None:
        """The first value of a header, by case-insensitive name."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)


class _RetryError(Exception):
    """One attempt failed in a way worth another: ``wait`` seconds at least (Retry-After), or a backoff."""

    def __init__(self, reason: str, wait: float | None = None, *, host_pause: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.wait = wait
        self.host_pause = host_pause


class HostLimiter:
    """Spaces the starts of requests to one host at least ``interval`` seconds apart, across all workers."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        """Return when the next request may start; reserves that slot."""
        async with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + self.interval
        if start > now:
            await asyncio.sleep(start - now)

    def pause(self, seconds: float) -> None:
        """No request to this host before ``seconds`` from now (throttling, Retry-After)."""
        self._next = max(self._next, time.monotonic() + seconds)


def host_of(url: str) -> str:
    """scheme://host[:port] of an address, lower-cased: the unit of politeness and of 'never another host'."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def is_throttle_page(body: bytes) -> bool:
    """ALLRIS 4 answers too many requests with HTTP 200 and this page."""
    head = body[:20000]
    return any(marker in head for marker in labels.THROTTLE_MARKERS)


def is_login_page(body: bytes) -> bool:
    """A login form where a public page was asked for."""
    return _PASSWORD_INPUT.search(body[:200000]) is not None


class Fetcher:
    """The crawler's HTTP client: one per run, used from asyncio tasks."""

    def __init__(self, politeness: Politeness, *, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.politeness = politeness
        self.user_agent = user_agent(politeness.contact)
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(politeness.timeout), follow_redirects=False, transport=transport,
            headers={"User-Agent": self.user_agent, "Accept-Encoding": "gzip, deflate"},
            limits=httpx.Limits(max_connections=politeness.concurrency,
                                max_keepalive_connections=politeness.concurrency))
        self._slots = asyncio.Semaphore(politeness.concurrency)
        self._limiters: dict[str, HostLimiter] = {}
        self._robots: dict[str, RobotFileParser | None] = {}
        self.requests = 0
        self.retries = 0
        self.bytes = 0
        self.first_request_at = 0.0
        self.last_request_at = 0.0

    @property
    def observed_rate(self) -> float | None:
        """Requests per second between the first and the last request sent (None for fewer than two)."""
        span = self.last_request_at - self.first_request_at
        return (self.requests - 1) / span if self.requests > 1 and span > 0 else None

    async def close(self) -> None:
        """Close the connections."""
        await self._client.aclose()

    def limiter(self, url: str) -> HostLimiter:
        """The rate limiter of the address's host."""
        host = host_of(url)
        if host not in self._limiters:
            self._limiters[host] = HostLimiter(1.0 / self.politeness.rate)
        return self._limiters[host]

    async def load_robots(self, url: str) -> Response | None:
        """Fetch and remember the host's robots.txt (once per host); the response, to be archived, or None
        where it is known already or not honoured. RFC 9309: 4xx allows all, 5xx or no answer forbids all."""
        host = host_of(url)
        if not self.politeness.robots or host in self._robots:
            return None
        self._robots[host] = None
        response = await self.get(f"{host}/robots.txt", robots=False, on_host=host)
        parser = RobotFileParser()
        if response.outcome == "ok" and response.body is not None:
            parser.parse(response.body.decode("utf-8", "replace").splitlines())
            delay = parser.crawl_delay(self.user_agent)
            if isinstance(delay, (int, float)) and delay > self.limiter(url).interval:
                self.limiter(url).interval = float(delay)
        elif response.status is not None and 400 <= response.status < 500:
            parser.parse([])
        else:
            parser.parse(["User-agent: *", "Disallow: /"])
        self._robots[host] = parser
        return response

    def allowed(self, url: str) -> bool:
        """True where robots.txt (if loaded and honoured) lets this User-Agent fetch ``url``."""
        parser = self._robots.get(host_of(url))
        return parser is None or parser.can_fetch(self.user_agent, url)

    async def get(self, url: str, *, conditional: Mapping[str, str] | None = None, robots: bool = True,
                  on_host: str | None = None) -> Response:
        """Fetch ``url`` with retries; never raises for network or HTTP trouble (see ``Response.outcome``).

        Redirects are followed on ``on_host`` (default: the address's own host) only; a redirect elsewhere
        ends with outcome ``off_host``, one to ``noauth.asp`` with ``not_public``.
        """
        on_host = on_host or host_of(url)
        result = Response(url=url, final_url=url)
        if robots and not self.allowed(url):
            result.outcome, result.error = "robots_disallowed", "robots.txt disallows this address"
            return result
        polite = self.politeness
        for attempt in range(polite.retries + 1):
            result.attempts = attempt + 1
            try:
                async with self._slots:
                    await self._attempt(result, conditional or {}, on_host)
                return result
            except _RetryError as retry:
                result.retry_reasons.append(retry.reason)
                backoff = min(polite.max_wait, polite.backoff * 2 ** attempt) * random.uniform(0.5, 1.0)
                wait = max(backoff, retry.wait or 0.0)
                if retry.wait is not None and retry.wait > polite.max_wait:
                    result.outcome, result.error = "throttled", f"{retry.reason}; asked to wait {retry.wait:.0f} s"
                    self.limiter(url).pause(min(retry.wait, polite.max_wait))
                    return result
                if retry.host_pause:
                    self.limiter(url).pause(wait)
                if attempt == polite.retries:
                    result.outcome = "throttled" if retry.reason.startswith(("HTTP 429", "throttl")) else (
                        "not_public" if retry.reason.startswith("login") else "failed")
                    result.error = f"{retry.reason} (after {attempt + 1} attempts)"
                    return result
                self.retries += 1
                await asyncio.sleep(wait)
        return result  # pragma: no cover - the loop always returns

    async def _attempt(self, result: Response, conditional: Mapping[str, str], on_host: str) -> None:
        """One attempt, following same-host redirects; fills ``result`` or raises :class:`_RetryError`."""
        result.redirects = []
        address = result.url
        for _hop in range(_MAX_REDIRECTS + 1):
            await self.limiter(address).wait()
            self.requests += 1
            self.last_request_at = time.monotonic()
            self.first_request_at = self.first_request_at or self.last_request_at
            result.fetched_at = _now()
            try:
                status, headers, body = await self._request(address, conditional)
            except _TooLargeError as exc:
                result.final_url, result.outcome, result.error = address, "too_large", str(exc)
                result.body = None
                return
            except httpx.TimeoutException as exc:
                raise _RetryError(f"timeout ({type(exc).__name__})") from exc
            except httpx.TransportError as exc:  # connection refused/reset, truncated body, protocol errors
                raise _RetryError(f"connection error ({type(exc).__name__}: {exc})") from exc
            result.final_url, result.status, result.headers = address, status, headers
            if 300 <= status < 400 and status != 304:
                location = next((value for key, value in headers if key.lower() == "location"), None)
                if not location:
                    result.outcome, result.error = "http_error", f"HTTP {status} without Location"
                    return
                target = urljoin(address, location)
                result.redirects.append({"status": status, "url": address, "location": target})
                if _NOAUTH_ADDRESS.search(urlsplit(target).path):
                    result.final_url, result.outcome = target, "not_public"
                    result.error = "redirected to a 'no authorisation' page"
                    return
                if _LOGIN_ADDRESS.search(urlsplit(target).path):
                    raise _RetryError("login redirect")
                if host_of(target) != on_host:
                    result.final_url, result.outcome = target, "off_host"
                    result.error = "redirected to another host (not followed)"
                    return
                address = target
                continue
            if status == 304:
                result.outcome = "not_modified"
                return
            if status in _RETRY_STATUSES:
                wait = retry_after(result.header("Retry-After"))
                raise _RetryError(f"HTTP {status}", wait, host_pause=status in (429, 503))
            if status >= 400:
                result.outcome, result.error = "http_error", f"HTTP {status}"
                return
            if is_throttle_page(body):
                pause = min(self.politeness.throttle_wait, self.politeness.max_wait)
                raise _RetryError("throttling page ('Zu viele Zugriffe')", pause, host_pause=True)
            if is_login_page(body):
                raise _RetryError("login page served")
            result.body, result.outcome = body, "ok"
            self.bytes += len(body)
            return
        result.outcome, result.error = "http_error", f"more than {_MAX_REDIRECTS} redirects"

    async def _request(self, url: str, conditional: Mapping[str, str]) -> tuple[int, list[tuple[str, str]], bytes]:
        cap = self.politeness.max_bytes
        async with self._client.stream("GET", url, headers=dict(conditional)) as response:
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > cap:
                raise _TooLargeError(f"response of {int(declared):,} bytes, larger than the cap of {cap:,}")
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > cap:
                    raise _TooLargeError(f"response larger than the cap of {cap:,} bytes")
                chunks.append(chunk)
            return response.status_code, list(response.headers.multi_items()), b"".join(chunks)


class _TooLargeError(Exception):
    """The response is larger than the cap: refused, not retried."""


def _now() -> str:
    from allris_parse.archive import now

    return now()

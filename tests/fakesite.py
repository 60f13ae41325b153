"""A small fake ALLRIS site on 127.0.0.1 for the crawler's tests, built from the golden fixtures.

Each address (path and query, exactly as requested) has a list of answers: the n-th request gets the
n-th answer, the last one repeats. Answers inject the faults real servers show: 429 with Retry-After,
5xx, slow answers, truncated bodies, ALLRIS 4's HTTP-200 throttling page, redirects to another host or
to ``noauth.asp``, login pages, huge bodies. Every request is logged with its arrival time.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.server
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
THROTTLE_PAGE = ("<html><head><title>Fehler</title></head><body><h1>Es ist ein Fehler aufgetreten</h1>"
                 "<p>Zu viele Zugriffe aus Ihrem Netzwerk, Zugriff temporär gesperrt.</p></body></html>").encode()
LOGIN_PAGE = (b'<html><head><title>Anmeldung</title></head><body><form method="post" action="login">'
              b'<input type="text" name="user"/><input type="password" name="pw"/></form></body></html>')
PDF = b"%PDF-1.4\n% fake attachment\n%%EOF\n"
ROBOTS = b"User-agent: *\nDisallow: /bi/private/\n"


@dataclass
class Answer:
    """One response the fake site gives."""

    status: int = 200
    body: bytes = b""
    content_type: str = "text/html"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  #: seconds before the status line (past the client's timeout: a timeout)
    truncate: bool = False  #: promise the whole body, send half, close
    stream: int = 0  #: send this many bytes without Content-Length (a huge body)
    etag: bool = True


def fixture(name: str) -> Answer:
    """The fixture's input as a page (HTML or plain text), with an ETag."""
    folder = FIXTURES / name
    path = next(folder.glob("input.*"))
    text = path.suffix == ".txt"
    return Answer(body=path.read_bytes(), content_type="text/plain; charset=utf-8" if text else "text/html")


def fixture_path(name: str) -> Path:
    """The fixture's input file."""
    return next((FIXTURES / name).glob("input.*"))


def redirect(location: str) -> Answer:
    """A 302 to ``location``."""
    return Answer(status=302, headers={"Location": location}, etag=False)


def status(code: int, **headers: str) -> Answer:
    """A bare status answer."""
    return Answer(status=code, body=f"<html><body>{code}</body></html>".encode(), headers=headers, etag=False)


class FakeSite:
    """The server and its routes; use as a context manager."""

    def __init__(self) -> None:
        self.routes: dict[str, list[Answer]] = {"/robots.txt": [Answer(body=ROBOTS, content_type="text/plain")]}
        self.log: list[tuple[float, str, dict[str, str]]] = []
        self.served: dict[str, int] = {}
        self._lock = threading.Lock()
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"
            timeout = 10

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                arrived = time.monotonic()
                with site._lock:
                    site.log.append((arrived, self.path, dict(self.headers.items())))
                    count = site.served.get(self.path, 0)
                    site.served[self.path] = count + 1
                answers = site.routes.get(self.path)
                answer = status(404) if answers is None else answers[min(count, len(answers) - 1)]
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self._answer(answer)

            def _answer(self, answer: Answer) -> None:
                if answer.delay:
                    time.sleep(answer.delay)
                etag = f'"{hashlib.sha256(answer.body).hexdigest()[:16]}"'
                if answer.etag and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.content_type)
                if answer.etag:
                    self.send_header("ETag", etag)
                    self.send_header("Last-Modified", "Mon, 06 Oct 2025 10:00:00 GMT")
                for key, value in answer.headers.items():
                    self.send_header(key, value)
                if answer.stream:
                    self.end_headers()
                    chunk = b"<p>" + b"x" * (1024 * 1024 - 7) + b"</p>\n"
                    for _ in range(answer.stream // len(chunk)):
                        self.wfile.write(chunk)
                    return
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                if answer.truncate:
                    self.wfile.write(answer.body[: len(answer.body) // 2])
                    self.wfile.flush()
                    return
                self.wfile.write(answer.body)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.origin = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeSite:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)

    def add(self, path: str, *answers: Answer) -> None:
        """Answers for one address (path with query)."""
        self.routes[path] = list(answers)

    def requested(self) -> list[str]:
        """Paths in arrival order."""
        with self._lock:
            return [path for _, path, _ in self.log]

    def times(self) -> list[float]:
        """Arrival times in order."""
        with self._lock:
            return [when for when, _, _ in self.log]


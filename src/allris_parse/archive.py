"""A crawl archive: every response as fetched, bytes on disk and one manifest line per event.

Layout of an archive directory::

    manifest.jsonl              one JSON object per line, appended, never rewritten
    bodies/ab/<sha256>.raw      response bodies, content-addressed (a body fetched twice is stored once)
    records.jsonl               records written while crawling (``crawl --parse``), rewritten per run

JSON Lines rather than SQLite: the manifest is evidence, so it is append-only, readable with ``grep``/``jq``
and any text editor, and a run killed at any moment (even ``kill -9``) can at worst leave one torn last
line, which the reader skips; the body files are written to a temporary name and renamed, and their
manifest line is appended only after the rename, so a line never names a missing body. The whole
manifest is read into a dict at start (tens of thousands of lines read in well under a second), which is
all the lookup a crawl needs.

This module only reads and writes files; it never talks HTTP (that is :mod:`allris_parse.fetch`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from allris_parse.errors import InputError
from allris_parse.sources import Input

MANIFEST = "manifest.jsonl"
BODIES = "bodies"
RECORDS = "records.jsonl"
LOCK = ".lock"

#: Outcomes after which a URL is not fetched again unless ``--refresh``: the server gave its answer.
FINAL_OUTCOMES = frozenset({"ok", "not_modified", "not_public", "off_host", "http_error", "too_large",
                            "robots_disallowed"})
#: Outcomes whose entry names a body that holds the page.
BODY_OUTCOMES = frozenset({"ok", "not_modified"})


def is_archive(directory: Path) -> bool:
    """True for a directory written by ``fetch``/``crawl`` (it holds a manifest)."""
    return (directory / MANIFEST).is_file()


def now() -> str:
    """The current time, UTC, ISO 8601 with seconds."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def read_manifest(directory: Path) -> Iterator[dict[str, Any]]:
    """The manifest's entries in order; a torn or garbled line (a run killed mid-write) is skipped."""
    path = directory / MANIFEST
    if not path.is_file():
        return
    with path.open("rb") as handle:
        for line in handle:
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if isinstance(entry, dict) and isinstance(entry.get("url"), str):
                yield entry


class Archive:
    """An archive directory opened for a run: the latest entry per URL, and appends."""

    def __init__(self, directory: Path, *, writable: bool = True) -> None:
        self.directory = directory
        self.latest: dict[str, dict[str, Any]] = {}
        self.with_body: dict[str, dict[str, Any]] = {}
        for entry in read_manifest(directory):
            self._index(entry)
        self._manifest: IO[bytes] | None = None
        self._lock: IO[bytes] | None = None
        if writable:
            directory.mkdir(parents=True, exist_ok=True)
            self._take_lock()
            self._manifest = (directory / MANIFEST).open("ab")
            if self._manifest.tell() > 0 and not _ends_with_newline(directory / MANIFEST):
                self._manifest.write(b"\n")  # a torn last line from a killed run stays alone on its line

    def _take_lock(self) -> None:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: one run per archive is then the user's care
            return
        self._lock = (self.directory / LOCK).open("wb")
        try:
            fcntl.flock(self._lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            self._lock.close()
            self._lock = None
            raise InputError(f"archive {self.directory} is in use by another run") from exc

    def _index(self, entry: dict[str, Any]) -> None:
        url = entry["url"]
        self.latest[url] = entry
        if entry.get("outcome") in BODY_OUTCOMES and entry.get("body"):
            self.with_body[url] = entry

    def close(self) -> None:
        """Close the manifest and release the lock."""
        if self._manifest is not None:
            self._manifest.close()
            self._manifest = None
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def is_done(self, url: str) -> bool:
        """True where the archive holds the server's answer for ``url`` (a page, a 404, a refusal...)."""
        entry = self.latest.get(url)
        return entry is not None and entry.get("outcome") in FINAL_OUTCOMES

    def body_path(self, entry: dict[str, Any]) -> Path:
        """Where an entry's body is stored."""
        return self.directory / str(entry["body"])

    def body(self, url: str) -> tuple[dict[str, Any], bytes] | None:
        """The latest archived page of ``url`` and its bytes, or None."""
        entry = self.with_body.get(url)
        if entry is None:
            return None
        try:
            return entry, self.body_path(entry).read_bytes()
        except OSError:
            return None

    def store_body(self, data: bytes) -> tuple[str, str]:
        """Write ``data`` (once per content) and return its relative path and sha256."""
        digest = hashlib.sha256(data).hexdigest()
        relative = f"{BODIES}/{digest[:2]}/{digest}.raw"
        path = self.directory / relative
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(f".{digest}.{os.getpid()}.tmp")
            with temporary.open("wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            temporary.replace(path)
        return relative, digest

    def append(self, entry: dict[str, Any]) -> None:
        """Add one manifest line, flushed and synced before returning (a killed run keeps it)."""
        if self._manifest is None:
            raise InputError(f"archive {self.directory} is open read-only")
        line = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
        self._manifest.write(line)
        self._manifest.flush()
        os.fsync(self._manifest.fileno())
        self._index(entry)


def _ends_with_newline(path: Path) -> bool:
    with path.open("rb") as handle:
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"\n"


def iter_archive_inputs(directory: Path) -> Iterator[Input]:
    """The archive's pages as inputs, in the order first fetched: the latest stored body of each page
    address, named by its body file, with the address it was fetched from (after same-host redirects)."""
    archive = Archive(directory, writable=False)
    order: dict[str, None] = {}
    for entry in read_manifest(directory):
        order.setdefault(entry["url"], None)
    for url in order:
        page = archive.with_body.get(url)
        if page is None or page.get("kind") != "page":
            continue
        path = str(archive.body_path(page))
        yield Input(path, str(page.get("final_url") or url), path=path)

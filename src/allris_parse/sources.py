"""Inputs: files, directories (recursive), standard input and URLs, each as a named byte source."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from allris_parse.errors import InputError

#: Larger inputs are refused before they are read whole: no real ALLRIS page comes near this.
MAX_INPUT_BYTES = 64 * 1024 * 1024
#: Files a directory walk picks up; other files (images, PDFs) in saved-page folders are skipped.
PAGE_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".asp", ".txt", ".text", ""})
STDIN_NAME = "-"


@dataclass(frozen=True)
class Input:
    """One page to convert: its name as the user gave it, its original address, and its bytes."""

    name: str
    read: Callable[[], bytes]
    url: str | None = None


def is_url(argument: str) -> bool:
    """True for an http(s) address."""
    return argument.startswith(("http://", "https://"))


def _reader(path: Path) -> Callable[[], bytes]:
    def read() -> bytes:
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise InputError(f"input too large: {size:,} bytes (limit {MAX_INPUT_BYTES:,})")
        return path.read_bytes()

    return read


def _stdin_reader(stream: BinaryIO) -> Callable[[], bytes]:
    def read() -> bytes:
        data = stream.read(MAX_INPUT_BYTES + 1)
        if len(data) > MAX_INPUT_BYTES:
            raise InputError(f"input too large: more than {MAX_INPUT_BYTES:,} bytes")
        return data

    return read


def _url_reader(url: str) -> Callable[[], bytes]:
    def read() -> bytes:
        from allris_parse.fetch import fetch_page  # httpx is imported only when a URL is given

        return fetch_page(url, max_bytes=MAX_INPUT_BYTES)

    return read


def _missing(path: str) -> Callable[[], bytes]:
    def read() -> bytes:
        raise InputError(f"no such file or directory: {path}")

    return read


def _walk(directory: Path) -> Iterator[Path]:
    for path in sorted(directory.rglob("*")):
        relative = path.relative_to(directory)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if path.is_file() and path.suffix.lower() in PAGE_SUFFIXES:
            yield path


def iter_inputs(arguments: Sequence[str], *, url: str | None = None,
                stdin: BinaryIO | None = None) -> Iterator[Input]:
    """Expand command-line arguments into inputs, in the order given (directories sorted inside)."""
    for argument in arguments:
        if argument == STDIN_NAME:
            yield Input(STDIN_NAME, _stdin_reader(stdin or sys.stdin.buffer), url)
        elif is_url(argument):
            yield Input(argument, _url_reader(argument), argument)
        elif (path := Path(argument)).is_dir():
            for page in _walk(path):  # with a url, the caller makes sure that this is the only page
                yield Input(str(page), _reader(page), url)
        elif path.exists():
            yield Input(argument, _reader(path), url)
        else:
            yield Input(argument, _missing(argument), url)

"""Inputs: files, directories (recursive), globs, standard input, lists of paths, URLs and archives.

Arguments are expanded into :class:`Input` items, small picklable descriptions of one page each; their
bytes are read later (files and URLs by whoever converts them, archive members by :func:`load_members`
in the calling process, which reads each archive front to back once, in memory, never unpacking to
disk). Expansion order is deterministic: arguments (and lines of a list) as given, the contents of each
directory, glob and archive sorted by path (a compressed tar in the order it was written: it can only be
read front to back).

Archives are hostile input as often as not, so:

* a member whose name is absolute or climbs out with ``..`` is refused (an error for that member, the
  other members are converted);
* at most :data:`MAX_MEMBER_BYTES` are read from one member and :data:`MAX_ARCHIVE_BYTES` from one whole
  archive (uncompressed, as decompressed; the sizes the archive declares are checked first but not
  trusted), so a zip bomb costs a bounded time and memory; members past the archive cap are errors.
"""

from __future__ import annotations

import errno
import glob
import os
import stat
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, BinaryIO, Protocol

from allris_parse.errors import InputError

if TYPE_CHECKING:
    import tarfile
    import zipfile

#: Larger inputs are refused before they are read whole: no real ALLRIS page comes near this.
MAX_INPUT_BYTES = 64 * 1024 * 1024
#: At most this much is decompressed from one archive member (a page): more is refused, never buffered.
MAX_MEMBER_BYTES = MAX_INPUT_BYTES
#: At most this much is decompressed from one archive in all; later members are refused. Real exports of
#: tens of thousands of pages stay far below; a zip bomb (overlapping or huge members) stops here.
MAX_ARCHIVE_BYTES = 8 * 1024 * 1024 * 1024
#: Files a directory walk picks up; other files (images, PDFs) in saved-page folders are skipped.
PAGE_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".asp", ".txt", ".text", ""})
#: Files of records written earlier (``parse --format json/jsonl``, ``--split``), which ``validate`` reads
#: back: a directory walk for it takes these too.
RECORD_SUFFIXES = frozenset({".json", ".jsonl", ".ndjson"})
#: Archive kinds by file-name ending (lower case); a directory walk opens these too.
ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar", ".zip", ".gz")
#: Between an archive's path and a member's name in ``source.path``: ``exports.zip!2021/vo020_4252.html``.
MEMBER_SEPARATOR = "!"
STDIN_NAME = "-"
_GLOB_CHARS = frozenset("*?[")


class Readable(Protocol):
    """A binary stream: a file, an archive member, a gzip stream."""

    def read(self, size: int = -1, /) -> bytes: ...


@dataclass(frozen=True, slots=True)
class Input:
    """One page to convert, picklable: where it comes from and, once loaded, its bytes.

    ``name`` is what the user sees and ``source.path`` records (``-`` for standard input); ``path`` the
    file on disk it is read from (the page itself, or the archive holding ``member``); ``error`` why it
    cannot be read at all (missing file, refused archive member).
    """

    name: str
    url: str | None = None
    path: str | None = None
    member: str | None = None
    data: bytes | None = None
    error: str | None = None

    def read(self) -> bytes:
        """The page's bytes; raises :class:`InputError` (or ``OSError``) where there are none."""
        if self.error is not None:
            raise InputError(self.error)
        if self.data is not None:
            return self.data
        if self.member is not None:
            raise InputError("archive member was not loaded")  # load_members() reads members in order
        if self.path is None:
            if self.url is None:
                raise InputError("nothing to read")
            from allris_parse.fetch import fetch_page  # httpx is imported only when a URL is given

            return fetch_page(self.url, max_bytes=MAX_INPUT_BYTES)
        return read_file(self.path)

    @property
    def mtime(self) -> float | None:
        """Modification time of the file on disk this input comes from (None for stdin and URLs)."""
        if self.path is None:
            return None
        try:
            return Path(self.path).stat().st_mtime
        except OSError:
            return None


def read_file(path: str | os.PathLike[str]) -> bytes:
    """A page file's bytes, refused before reading when it is larger than :data:`MAX_INPUT_BYTES`.

    One open, one ``fstat``, a read of the whole file and one more that finds its end (as ``readall()``
    would, without ``open()``'s own ``fstat``s and ``lseek``): a batch reads tens of thousands of files."""
    fd = os.open(_os_name(os.fspath(path)), os.O_RDONLY | _O_BINARY)  # not inherited (PEP 446)
    try:
        size = os.fstat(fd).st_size
        if size > MAX_INPUT_BYTES:
            raise InputError(f"input too large: {size:,} bytes (limit {MAX_INPUT_BYTES:,})")
        chunks = [os.read(fd, size + 1 if size else _READ_CHUNK)]  # size 0: a pipe or /proc file, read on
        while chunks[-1]:
            chunks.append(os.read(fd, _READ_CHUNK))
        return chunks[0] if len(chunks) == 2 else b"".join(chunks)
    finally:
        os.close(fd)


_O_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation
_READ_CHUNK = 1 << 16


def read_capped(stream: Readable, limit: int, what: str = "input") -> bytes:
    """At most ``limit`` bytes from ``stream``; more is refused, having read only ``limit + 1``."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise InputError(f"{what} too large: more than {limit:,} bytes")
    return data


def is_url(argument: str) -> bool:
    """True for an http(s) address."""
    return argument.startswith(("http://", "https://"))


def archive_kind(name: str) -> str | None:
    """``zip``, ``tar``, ``tar.gz`` or ``gz`` for an archive's file name, None for anything else."""
    lower = name.lower()
    if not lower.endswith(ARCHIVE_SUFFIXES):  # one call in C for the common case: a page, no archive
        return None
    for suffix in ARCHIVE_SUFFIXES:
        if lower.endswith(suffix):
            return "tar.gz" if suffix == ".tgz" else suffix[1:]
    return None


def unsafe_member_reason(member: str) -> str | None:
    """Why an archive member's name is refused (absolute, drive letter, ``..``), or None if it is safe."""
    name = member.replace("\\", "/")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":" and name[0].isalpha()):
        return "absolute path"
    if ".." in PurePosixPath(name).parts:
        return "path climbs out with '..'"
    if "\x00" in name:
        return "NUL byte in the name"
    return None


def _wanted(relative_parts: Sequence[str], suffix: str, suffixes: frozenset[str] = PAGE_SUFFIXES) -> bool:
    """A page file worth converting: not hidden (no part starts with '.'), not macOS resource forks."""
    if any(part.startswith(".") for part in relative_parts) or (relative_parts and relative_parts[0] == "__MACOSX"):
        return False
    return suffix.lower() in suffixes


def _walk(directory: str, parts: tuple[str, ...] = (), suffixes: frozenset[str] = PAGE_SUFFIXES) -> Iterator[str]:
    """Page files (files ending in one of ``suffixes``) and archives under ``directory``, sorted by path (as
    sorting the paths' parts would), hidden ones skipped. Plain strings and ``os.scandir``: a walk over
    100,000 files stays small."""
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            if entry.is_dir():
                yield from _walk(entry.path, (*parts, entry.name), suffixes)
                continue
            if not entry.is_file():
                continue
        except OSError:
            continue
        if archive_kind(entry.name) or _wanted((*parts, entry.name), PurePosixPath(entry.name).suffix, suffixes):
            yield entry.path


# --- archives ----------------------------------------------------------------------------------------


def _member_input(archive: str, member: str, url: str | None, error: str | None = None) -> Input | None:
    """The input of one member; None for members that are no pages (folders' hidden files, images).
    A member with an unsafe name is an error whatever its suffix: the user should hear about it."""
    reason = unsafe_member_reason(member)
    if reason is not None:
        error = f"unsafe archive member name refused ({reason})"
    elif not _wanted(PurePosixPath(member.replace("\\", "/")).parts, PurePosixPath(member).suffix):
        return None
    return Input(f"{archive}{MEMBER_SEPARATOR}{member}", url, path=archive, member=member, error=error)


def _zip_members(archive: str, url: str | None) -> Iterator[Input]:
    import zipfile

    with zipfile.ZipFile(archive) as handle:
        infos = sorted((i for i in handle.infolist() if not i.is_dir()), key=lambda i: i.filename)
    for info in infos:
        if (item := _member_input(archive, info.filename, url)) is not None:
            yield item


def _tar_members(archive: str, compressed: bool, url: str | None) -> Iterator[Input]:
    import tarfile

    found: list[tarfile.TarInfo] = []
    too_big: str | None = None
    with tarfile.open(archive, "r:gz" if compressed else "r:") as handle:
        while (info := handle.next()) is not None:  # next() rather than getmembers(): stop at the cap
            if info.offset_data + info.size > MAX_ARCHIVE_BYTES:
                too_big = f"archive larger than {MAX_ARCHIVE_BYTES:,} bytes uncompressed: the rest is not read"
                break
            found.append(info)
    if not compressed:
        found.sort(key=lambda i: i.name)
    for info in found:
        if info.isdir() or not (info.isfile() or info.issym() or info.islnk()):
            continue
        error = None if info.isfile() else "archive member is a link: links are not followed"
        if (item := _member_input(archive, info.name, url, error)) is not None:
            yield item
    if too_big is not None:
        yield Input(f"{archive}{MEMBER_SEPARATOR}", url, path=archive, error=too_big)


def _archive_inputs(archive: str, url: str | None) -> Iterator[Input]:
    """The pages inside an archive, not yet read; an archive that cannot be opened is one failed input."""
    import tarfile
    import zipfile

    kind = archive_kind(archive)
    try:
        if kind == "zip":
            members = list(_zip_members(archive, url))
        elif kind in {"tar", "tar.gz"}:
            members = list(_tar_members(archive, kind == "tar.gz", url))
        else:  # .gz: one compressed page, named after the file inside
            inner = Path(archive).name[:-3] or "page"
            members = [Input(f"{archive}{MEMBER_SEPARATOR}{inner}", url, path=archive, member=inner)]
    except (OSError, zipfile.BadZipFile, tarfile.TarError, EOFError) as exc:
        yield Input(archive, url, path=archive, error=f"cannot read archive: {exc}")
        return
    yield from members


class _ArchiveReader:
    """Reads members of one open archive, counting what was decompressed against the caps."""

    def __init__(self, archive: str) -> None:
        self.archive = archive
        self.kind = archive_kind(archive)
        self.total = 0
        self._zip: zipfile.ZipFile | None = None
        self._tar: tarfile.TarFile | None = None
        self._tar_index: dict[str, tarfile.TarInfo] | None = None

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()
        if self._tar is not None:
            self._tar.close()

    def _budget(self, declared: int | None = None) -> int:
        left = MAX_ARCHIVE_BYTES - self.total
        if left <= 0:
            raise InputError(f"archive cap reached: more than {MAX_ARCHIVE_BYTES:,} bytes read from "
                             f"{self.archive}; this member is not read")
        if declared is not None and declared > MAX_MEMBER_BYTES:
            raise InputError(f"archive member too large: {declared:,} bytes uncompressed "
                             f"(limit {MAX_MEMBER_BYTES:,})")
        return min(MAX_MEMBER_BYTES, left)

    def _take(self, stream: Readable, limit: int) -> bytes:
        data = stream.read(limit + 1)
        self.total += len(data)
        if len(data) > limit:
            if limit < MAX_MEMBER_BYTES:
                raise InputError(f"archive cap reached: more than {MAX_ARCHIVE_BYTES:,} bytes read from "
                                 f"{self.archive}")
            raise InputError(f"archive member too large: more than {MAX_MEMBER_BYTES:,} bytes uncompressed")
        return data

    def read(self, member: str) -> bytes:
        if self.kind == "zip":
            return self._read_zip(member)
        if self.kind in {"tar", "tar.gz"}:
            return self._read_tar(member)
        import gzip

        with gzip.open(self.archive, "rb") as stream:
            return self._take(stream, self._budget())

    def _read_zip(self, member: str) -> bytes:
        import zipfile

        if self._zip is None:
            self._zip = zipfile.ZipFile(self.archive)
        info = self._zip.getinfo(member)
        limit = self._budget(info.file_size)
        with self._zip.open(info) as stream:
            return self._take(stream, limit)

    def _read_tar(self, member: str) -> bytes:
        import tarfile

        if self._tar is None:
            self._tar = tarfile.open(self.archive, "r:gz" if self.kind == "tar.gz" else "r:")  # noqa: SIM115
        index = self._tar_index if self._tar_index is not None else {}
        self._tar_index = index
        info = index.get(member)
        while info is None and (found := self._tar.next()) is not None:  # members in archive order
            index[found.name] = found
            info = index.get(member)
        if info is None:
            raise InputError("archive member not found")
        limit = self._budget(info.size)
        stream = self._tar.extractfile(info)
        if stream is None:
            raise InputError("archive member is not a regular file")
        with stream:
            return self._take(stream, limit)


def load_members(inputs: Iterable[Input]) -> Iterator[Input]:
    """The inputs with each archive member's bytes read (or its error set), in the order given.

    Consecutive members of one archive share one open handle, so a compressed tar is read front to back
    once. Everything else passes through unread.
    """
    reader: _ArchiveReader | None = None
    try:
        for item in inputs:
            if item.member is None or item.error is not None or item.data is not None or item.path is None:
                yield item
                continue
            if reader is None or reader.archive != item.path:
                if reader is not None:
                    reader.close()
                reader = _ArchiveReader(item.path)
            try:
                data = reader.read(item.member)
            except InputError as exc:
                yield replace(item, error=str(exc))
            except (OSError, EOFError, ValueError, KeyError) as exc:  # corrupt member, bad CRC, truncated file
                yield replace(item, error=f"cannot read archive member: {exc}")
            except Exception as exc:  # noqa: BLE001 - zipfile/tarfile raise their own types on hostile input
                yield replace(item, error=f"cannot read archive member ({type(exc).__name__}: {exc})")
            else:
                yield replace(item, data=data)
    finally:
        if reader is not None:
            reader.close()


# --- arguments ---------------------------------------------------------------------------------------


def _is_fetch_archive(directory: Path) -> bool:
    from allris_parse.archive import is_archive  # archive.py builds on this module's Input

    return is_archive(directory)


#: ``errno`` values for which a missing file is simply not there (as :meth:`pathlib.Path.exists` has it);
#: any other error (a permission denied on the way) is raised.
_MISSING_ERRNOS = frozenset({errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP})
#: Windows errors read as "not there" by pathlib (file, path or name not found, name invalid).
_WINDOWS_MISSING = frozenset({21, 123, 1921})


def _os_name(name: str) -> str:
    """``name`` as :class:`~pathlib.Path` reads it (``""`` is ``.``, a trailing ``/`` or ``/.`` is dropped,
    so ``page.html/`` is the file); only names that end so pay for a ``Path`` object."""
    return name if name and name[-1] not in "/\\." else os.fspath(Path(name))


def _mode(argument: str) -> int | None:
    """The ``st_mode`` of what ``argument`` names (links followed), None where nothing is there: one
    ``stat`` per argument, with the answers of ``Path(argument).is_dir()`` / ``.exists()``."""
    try:
        return os.stat(_os_name(argument)).st_mode  # noqa: PTH116 - a str, no Path object per input
    except OSError as exc:
        if exc.errno not in _MISSING_ERRNOS and getattr(exc, "winerror", None) not in _WINDOWS_MISSING:
            raise
        return None
    except ValueError:  # a NUL byte in the name
        return None



def _expand_path(argument: str, url: str | None, suffixes: frozenset[str]) -> Iterator[Input]:
    mode = _mode(argument)
    is_dir = mode is not None and stat.S_ISDIR(mode)
    if is_dir and _is_fetch_archive(Path(argument)):  # a fetch/crawl archive: its pages, with addresses
        from allris_parse.archive import iter_archive_inputs

        yield from iter_archive_inputs(Path(argument))
    elif is_dir:
        for page in _walk(argument, suffixes=suffixes):  # with a url, the caller makes sure that this is the only page
            if archive_kind(page):
                yield from _archive_inputs(page, url)
            else:
                yield Input(page, url, path=page)  # one str for both: 100,000 inputs stay small
    elif mode is not None:
        if archive_kind(argument):
            yield from _archive_inputs(argument, url)
        else:
            yield Input(argument, url, path=argument)
    elif _GLOB_CHARS.intersection(argument):
        matches = sorted(glob.glob(argument, recursive=True))  # noqa: PTH207 - a pattern may be absolute
        if not matches:
            yield Input(argument, url, error=f"no file matches the pattern {argument}")
        for match in matches:
            yield from _expand_path(match, url, suffixes)
    else:
        yield Input(argument, url, error=f"no such file or directory: {argument}")


def _read_stdin(stream: BinaryIO) -> Input:
    try:
        return Input(STDIN_NAME, data=read_capped(stream, MAX_INPUT_BYTES))
    except InputError as exc:
        return Input(STDIN_NAME, error=str(exc))


def read_list(stream: BinaryIO) -> list[str]:
    """Paths from a list, one a line (or NUL-separated, as ``find -print0`` writes); blank lines skipped."""
    raw = stream.read()
    text = raw.decode("utf-8", errors="surrogateescape")
    lines = text.split("\x00") if "\x00" in text else text.splitlines()
    return [line.rstrip("\r") for line in lines if line.strip()]


def iter_inputs(arguments: Sequence[str], *, url: str | None = None, stdin: BinaryIO | None = None,
                from_list: bool = False, records: bool = False) -> Iterator[Input]:
    """Expand command-line arguments into inputs, in the order given (directories, globs and archives
    sorted inside). With ``from_list``, each argument is a file (``-``: standard input) of paths. With
    ``records``, a directory gives its record files (:data:`RECORD_SUFFIXES`) too."""
    suffixes = PAGE_SUFFIXES | RECORD_SUFFIXES if records else PAGE_SUFFIXES
    for argument in arguments:
        if from_list:
            try:
                if argument == STDIN_NAME:
                    paths = read_list(stdin or sys.stdin.buffer)
                else:
                    with Path(argument).open("rb") as handle:
                        paths = read_list(handle)
            except OSError as exc:
                yield Input(argument, error=f"cannot read the list: {exc.strerror or exc}")
                continue
            yield from iter_inputs(paths, url=url, records=records)
        elif argument == STDIN_NAME:
            item = _read_stdin(stdin or sys.stdin.buffer)
            yield replace(item, url=url)
        elif is_url(argument):
            yield Input(argument, argument)
        else:
            yield from _expand_path(os.fspath(argument), url, suffixes)

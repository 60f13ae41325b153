"""Writers: JSON, JSON Lines and CSV (one flat table, or linked tables in a directory), written atomically."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, Protocol

from pydantic import BaseModel

from allris_parse.models import RECORD_TYPES, Record

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@contextlib.contextmanager
def atomic_writer(path: Path) -> Iterator[IO[str]]:
    """A text file that appears at ``path`` only when complete; on error nothing is left behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp_name).replace(path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


# --- JSON -------------------------------------------------------------------------------------


class SupportsJson(Protocol):
    """A record, or a record already serialised (:class:`JsonRecord`)."""

    def model_dump_json(self) -> str: ...


class JsonRecord:
    """A record already serialised (by :mod:`allris_parse.pipeline`, here or in a worker process): written
    as it is, never parsed again."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def model_dump_json(self) -> str:
        """The record's JSON text, as :meth:`pydantic.BaseModel.model_dump_json` would give it."""
        return self.text


#: Characters of output gathered into one ``write()`` call: standard output may be unbuffered
#: (``PYTHONUNBUFFERED``, ``python -u``), where every ``write()`` is a system call.
WRITE_BATCH_CHARS = 1 << 20


class _Batched:
    """Text gathered into few large writes; :meth:`flush` writes what is left."""

    __slots__ = ("out", "parts", "size")

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.parts: list[str] = []
        self.size = 0

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text)
        if self.size >= WRITE_BATCH_CHARS:
            self.flush()

    def flush(self) -> None:
        if self.parts:
            text = "".join(self.parts)
            self.parts.clear()
            self.size = 0
            self.out.write(text)


def write_jsonl(records: Iterable[SupportsJson], out: IO[str]) -> int:
    """One record per line, streamed (in writes of about :data:`WRITE_BATCH_CHARS`); returns how many
    were written. Records already received are written also when the iterator raises (an interrupt)."""
    count = 0
    batched = _Batched(out)
    try:
        for record in records:
            batched.add(record.model_dump_json() + "\n")
            count += 1
    finally:
        batched.flush()
    return count


def write_json(records: Iterable[SupportsJson], out: IO[str]) -> int:
    """A JSON array of records, streamed element by element; returns how many were written."""
    count = 0
    batched = _Batched(out)
    batched.add("[")
    try:
        for record in records:
            batched.add((",\n  " if count else "\n  ") + record.model_dump_json())
            count += 1
        batched.add("\n]\n" if count else "]\n")
    finally:
        batched.flush()
    return count


# --- CSV --------------------------------------------------------------------------------------


def record_key(record: Record) -> str:
    """The key that joins a record's rows across linked tables: a prefix of the page's SHA-256."""
    return record.source.sha256[:16]


def safe_cell(value: str) -> str:
    """Neutralise spreadsheet formula injection: a cell starting with = + - @ gets a leading quote."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return " | ".join(_scalar(v) for v in value)
    return str(value)


def _flatten(model: BaseModel, prefix: str = "") -> dict[str, Any]:
    """Scalar fields of a model, nested models as prefixed columns, lists of models as counts."""
    row: dict[str, Any] = {}
    for name in type(model).model_fields:
        value = getattr(model, name)
        column = f"{prefix}{name}"
        if isinstance(value, BaseModel):
            row.update(_flatten(value, f"{column}_"))
        elif isinstance(value, list) and value and isinstance(value[0], BaseModel):
            row[f"{column}_count"] = len(value)
        else:
            row[column] = value
    return row


def _columns(model_type: type[BaseModel], prefix: str = "") -> list[str]:
    """Column names of :func:`_flatten` for a model type, known before any record is seen."""
    columns: list[str] = []
    for name, info in model_type.model_fields.items():
        nested = _model_in(info.annotation)
        column = f"{prefix}{name}"
        if nested is not None and not _is_list(info.annotation):
            columns += _columns(nested, f"{column}_")
        elif nested is not None:
            columns.append(f"{column}_count")
        else:
            columns.append(column)
    return columns


def _is_list(annotation: Any) -> bool:
    return getattr(annotation, "__origin__", None) is list


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The BaseModel class inside ``X``, ``X | None`` or ``list[X]``, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def child_tables(record: Record) -> dict[str, list[BaseModel]]:
    """The record's lists of sub-records (consultations, sections, ...), by field name."""
    return {name: value for name in type(record).model_fields
            if isinstance(value := getattr(record, name), list) and value and isinstance(value[0], BaseModel)}


def _child_types(record_type: type[BaseModel]) -> dict[str, type[BaseModel]]:
    """The model of each list-of-models field of a record type, by field name."""
    return {name: item_type for name, info in record_type.model_fields.items()
            if _is_list(info.annotation) and (item_type := _model_in(info.annotation)) is not None}


def _kind(record_type: type[Record]) -> str:
    return str(record_type.model_fields["kind"].default)


def _linked_table_names() -> dict[tuple[str, str], str]:
    """The CSV table of each (record kind, list field): the field's name (``sections``), unless another
    kind's records table has that name or another kind's list of that name holds other items; then the
    kind comes first (``meeting_agenda_items`` beside ``agenda_items`` of agenda-item records)."""
    record_tables = {f"{_kind(t)}s" for t in RECORD_TYPES}
    item_types: dict[str, set[type[BaseModel]]] = {}
    for record_type in RECORD_TYPES:
        for field_name, item_type in _child_types(record_type).items():
            item_types.setdefault(field_name, set()).add(item_type)
    return {
        (_kind(t), field_name): field_name
        if field_name not in record_tables and len(item_types[field_name]) == 1 else f"{_kind(t)}_{field_name}"
        for t in RECORD_TYPES for field_name in _child_types(t)
    }


LINKED_TABLE_NAMES = _linked_table_names()


class CsvTables:
    """CSV output: one table of records, and with a directory, linked tables of their sub-records."""

    def __init__(self, *, safe: bool = True) -> None:
        self.safe = safe

    def _row(self, values: dict[str, Any], columns: list[str]) -> list[str]:
        cells = [_scalar(values.get(c)) for c in columns]
        return [safe_cell(c) for c in cells] if self.safe else cells

    def write_flat(self, records: Iterable[Record], out: IO[str]) -> int:
        """One row per record; the columns are those of the record kinds met, in a stable order.

        Rows wait in a temporary file (memory stays flat) until the kinds, and so the header, are known.
        """
        kinds_seen: set[str] = set()
        count = 0
        with tempfile.TemporaryFile("w+", encoding="utf-8") as pending:
            for record in records:
                kinds_seen.add(record.kind)
                row = {"record_key": record_key(record), **_flatten(record)}
                pending.write(json.dumps(row, default=str, ensure_ascii=False))
                pending.write("\n")
                count += 1
            columns = ["record_key"]
            for record_type in RECORD_TYPES:
                if _kind(record_type) in kinds_seen:
                    columns += [c for c in _columns(record_type) if c not in columns]
            writer = csv.writer(out)
            writer.writerow(columns)
            pending.seek(0)
            for line in pending:
                writer.writerow(self._row(json.loads(line), columns))
        return count

    def write_directory(self, records: Iterable[Record], directory: Path) -> int:
        """``<kind>s.csv`` per record kind plus its linked tables (``consultations.csv``, ...), rows joined
        by ``record_key``. Each table streams into a temporary file that replaces the target only when the
        run completes.
        """
        tables: dict[str, tuple[Any, list[str]]] = {}
        count = 0
        with contextlib.ExitStack() as stack:

            def table(name: str, columns: list[str]) -> tuple[Any, list[str]]:
                if name not in tables:
                    writer = csv.writer(stack.enter_context(atomic_writer(directory / f"{name}.csv")))
                    writer.writerow(columns)
                    tables[name] = (writer, columns)
                return tables[name]

            for record in records:
                key = record_key(record)
                if f"{record.kind}s" not in tables:
                    # every linked table of the kind, also empty ones: none from an earlier run stays stale
                    for field_name, item_type in _child_types(type(record)).items():
                        table(LINKED_TABLE_NAMES[record.kind, field_name],
                              ["record_key", "record_kind", "position", *_columns(item_type)])
                writer, columns = table(f"{record.kind}s", ["record_key", *_columns(type(record))])
                writer.writerow(self._row({"record_key": key, **_flatten(record)}, columns))
                for field_name, items in child_tables(record).items():
                    writer, columns = tables[LINKED_TABLE_NAMES[record.kind, field_name]]
                    for position, item in enumerate(items):
                        values = {"record_key": key, "record_kind": record.kind, "position": position,
                                  **_flatten(item)}
                        writer.writerow(self._row(values, columns))
                count += 1
        return count


# --- one file per record (--split) -------------------------------------------------------------------

#: The journal of a split directory: which input wrote which file (JSON Lines, one line per file written,
#: rewritten compacted at the end of each run). ``--resume`` and stable file names across runs read it.
SPLIT_INDEX = ".allris-parse-split.jsonl"
#: The longest file-name stem ``--split`` writes (without the collision suffix and ``.json``).
MAX_STEM = 100
_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_COLLISION = re.compile(r"__\d+$")


def safe_name_part(value: str) -> str:
    """``value`` as a portable file-name part: ASCII letters, digits, ``.``, ``_`` and ``-`` only, every
    other run (``/``, ``\\``, spaces, ``:``) one ``-``; never empty of meaning, never ``.`` or ``..``."""
    ascii_text = unicodedata.normalize("NFKD", value.translate(_GERMAN)).encode("ascii", "ignore").decode()
    return _UNSAFE.sub("-", ascii_text).strip("-._")[:MAX_STEM]


def split_stem(record: Record) -> str:
    """The file-name stem of a record under ``--split``: its kind and its reference or id
    (``paper_DrS-2021-241-1``, ``meeting_4711``); records without either get a prefix of their page's
    SHA-256 (``meeting_calendar_3f2a...``)."""
    ident: object = getattr(record, "reference", None) or getattr(record, f"{record.kind}_id", None)
    part = safe_name_part(str(ident)) if ident is not None else ""
    return f"{record.kind}_{part or record.source.sha256[:16]}"[:MAX_STEM]


def write_atomically(path: Path, text: str) -> None:
    """Write a small text file that appears whole or not at all (temporary file, then rename)."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        Path(tmp_name).replace(path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


class SplitWriter:
    """``--split DIR``: one JSON file per record, named by :func:`split_stem`, each written atomically.

    File names are chosen in input order (so they never depend on ``--jobs``): a name taken in this run,
    or by a file another input (or nobody we know) wrote, gets ``__2``, ``__3``, ...; an input converted
    again in a later run rewrites its own file. The index (:data:`SPLIT_INDEX`) remembers which input wrote
    which file, for that and for ``--resume``.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.index = directory / SPLIT_INDEX
        self.files: dict[str, str] = {}  # input name -> file name
        if self.index.exists():
            with self.index.open(encoding="utf-8", errors="replace") as handle:
                for line in handle:
                    try:
                        entry = json.loads(line)
                        self.files[str(entry["input"])] = str(entry["file"])
                    except (ValueError, KeyError, TypeError):
                        continue  # a line torn by a killed run: that file is simply not known
        self.owners = {file.casefold(): name for name, file in self.files.items()}
        self.claimed: set[str] = set()
        self.written = 0
        self._journal: IO[str] | None = None

    def is_current(self, name: str, mtime: float | None) -> bool:
        """True where the input's file exists and is newer than the input (``mtime``: the input's, or its
        archive's, modification time; None for standard input and URLs, never current)."""
        file = self.files.get(name)
        if file is None or mtime is None:
            return False
        try:
            return (self.directory / file).stat().st_mtime > mtime
        except OSError:
            return False

    def _taken(self, file: str, name: str) -> bool:
        key = file.casefold()  # case-blind: the same file on Windows and macOS
        if key in self.claimed:
            return True
        owner = self.owners.get(key)
        if owner is not None:
            return owner != name
        return (self.directory / file).exists()

    def _choose(self, name: str, stem: str) -> str:
        previous = self.files.get(name)
        if previous is not None and _COLLISION.sub("", previous.removesuffix(".json")) == stem \
                and previous.casefold() not in self.claimed:
            return previous
        number = 1
        file = f"{stem}.json"
        while self._taken(file, name):
            number += 1
            file = f"{stem}__{number}.json"
        if previous is not None and previous != file and self.owners.get(previous.casefold()) == name:
            (self.directory / previous).unlink(missing_ok=True)  # this input's record has a new name now
            self.owners.pop(previous.casefold(), None)
        return file

    def write(self, name: str, stem: str, text: str) -> str:
        """Write one record's JSON ``text`` for input ``name``; returns the file name."""
        file = self._choose(name, stem)
        write_atomically(self.directory / file, text if text.endswith("\n") else text + "\n")
        self.claimed.add(file.casefold())
        self.files[name] = file
        self.owners[file.casefold()] = name
        if self._journal is None:
            self._journal = self.index.open("a", encoding="utf-8")
        self._journal.write(json.dumps({"input": name, "file": file}, ensure_ascii=False) + "\n")
        self._journal.flush()
        self.written += 1
        return file

    def close(self) -> None:
        """Close the journal and rewrite the index compacted (atomically); files gone are forgotten."""
        if self._journal is not None:
            self._journal.close()
            self._journal = None
        entries = [json.dumps({"input": name, "file": file}, ensure_ascii=False)
                   for name, file in self.files.items() if (self.directory / file).exists()]
        write_atomically(self.index, "".join(line + "\n" for line in entries))

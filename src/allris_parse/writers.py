"""Writers: JSON, JSON Lines and CSV (one flat table, or linked tables in a directory), written atomically."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

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


def write_jsonl(records: Iterable[Record], out: IO[str]) -> int:
    """One record per line, streamed; returns how many were written."""
    count = 0
    for record in records:
        out.write(record.model_dump_json())
        out.write("\n")
        count += 1
    return count


def write_json(records: Iterable[Record], out: IO[str]) -> int:
    """A JSON array of records, streamed element by element; returns how many were written."""
    count = 0
    out.write("[")
    for record in records:
        out.write(",\n  " if count else "\n  ")
        out.write(record.model_dump_json())
        count += 1
    out.write("\n]\n" if count else "]\n")
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

"""Run the engine over many inputs with one error policy: a failed input never stops the batch."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from allris_parse.api import parse_page
from allris_parse.errors import AllrisParseError
from allris_parse.models import Record
from allris_parse.sources import STDIN_NAME, Input


@dataclass(frozen=True)
class Outcome:
    """What became of one input: a record, or the reason it has none."""

    name: str
    record: Record | None = None
    error: str | None = None
    error_type: str | None = None

    @property
    def ok(self) -> bool:
        """True where the input gave a record."""
        return self.record is not None


def convert_one(item: Input) -> Outcome:
    """Read and parse one input; every failure becomes an :class:`Outcome` with a reason."""
    try:
        data = item.read()
        path = None if item.name == STDIN_NAME else item.name
        return Outcome(item.name, record=parse_page(data, path=path, url=item.url))
    except AllrisParseError as exc:
        return Outcome(item.name, error=str(exc), error_type=type(exc).__name__)
    except OSError as exc:
        return Outcome(item.name, error=f"cannot read: {exc.strerror or exc}", error_type="OSError")
    except RecursionError:
        return Outcome(item.name, error="document nested too deeply to parse", error_type="InputError")
    except Exception as exc:  # noqa: BLE001 - a parser bug on one page must not end a batch of thousands
        return Outcome(item.name, error=f"internal error ({type(exc).__name__}: {exc}); please report it",
                       error_type="InternalError")


def convert(inputs: Iterable[Input]) -> Iterator[Outcome]:
    """Convert inputs one after another, in order."""
    for item in inputs:
        yield convert_one(item)

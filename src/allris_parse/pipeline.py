"""Run the engine over many inputs with one error policy: a failed input never stops the batch.

:func:`convert` works in this process (``jobs=1``, or a handful of inputs) or in a pool of worker
processes. Either way the outcomes come back in input order, so the output never depends on ``jobs``.
Workers get chunks of inputs and send back each record already serialised as JSON (a str pickles about
five times cheaper than a Pydantic model; measured), so the parent only writes. At most a few chunks per
worker are in flight (and at most :data:`MAX_IN_FLIGHT_BYTES` of archive members read ahead), so memory
stays flat however large the batch.
"""

from __future__ import annotations

import functools
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from typing import TYPE_CHECKING, Literal, NamedTuple, TypeVar

from allris_parse.api import parse_page
from allris_parse.errors import AllrisParseError
from allris_parse.models import Record
from allris_parse.sources import STDIN_NAME, Input, load_members

if TYPE_CHECKING:
    from concurrent.futures import Future
    from multiprocessing.context import BaseContext

#: Fewer inputs than this are converted in this process: starting workers would cost more than it saves.
POOL_MIN_INPUTS = 8
#: Inputs per task sent to a worker, at most (fewer for small batches and towards the end of a batch, so
#: every worker gets some and they finish together).
MAX_CHUNK = 128
#: A task holds at most 1/(jobs * GUIDED_SHARE) of the inputs not yet sent.
GUIDED_SHARE = 4
#: Tasks in flight per worker: enough to keep workers busy while the parent writes, few enough to keep
#: memory flat.
CHUNKS_PER_WORKER = 3
#: Bytes of archive members read ahead of the workers, at most (a task is always sent, however large).
MAX_IN_FLIGHT_BYTES = 256 * 1024 * 1024

#: What :func:`convert` hands back of each record: its model, or its JSON text.
Want = Literal["json", "record"]
T = TypeVar("T")


class Outcome(NamedTuple):
    """What became of one input: a record (as a model and/or as JSON text), or the reason it has none.

    A named tuple: immutable like a frozen dataclass, but made in a fraction of the time (a frozen
    dataclass sets each of its nine fields through ``object.__setattr__``: ~2 us, twice per page)."""

    name: str
    record: Record | None = None
    json: str | None = None
    error: str | None = None
    error_type: str | None = None
    kind: str | None = None
    flavour: str | None = None
    warnings: int = 0
    split_stem: str | None = None

    @property
    def ok(self) -> bool:
        """True where the input gave a record."""
        return self.record is not None or self.json is not None


def default_jobs() -> int:
    """The number of CPU cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


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


def _finish(outcome: Outcome, want: Want, split: bool = True) -> Outcome:
    """The outcome as the caller wants it: the record's JSON text (cheap to send between processes), or
    the model (for CSV); with the facts the summary needs, and the ``--split`` file name where ``split``."""
    record = outcome.record
    if record is None:
        return outcome
    try:
        text = record.model_dump_json() if want == "json" else None
        stem = _split_stem(record) if split else None
    except Exception as exc:  # noqa: BLE001 - a record that cannot be written is that input's failure
        return Outcome(outcome.name, error=f"internal error ({type(exc).__name__}: {exc}); please report it",
                       error_type="InternalError")
    return Outcome(outcome.name, record if want == "record" else None, text, None, None, record.kind,
                   record.source.flavour, len(record.warnings), stem)


def _split_stem(record: Record) -> str:
    from allris_parse.writers import split_stem

    return split_stem(record)


def convert_chunk(items: list[Input], want: Want, split: bool = True) -> list[Outcome]:
    """Convert a chunk of inputs."""
    return [_finish(convert_one(item), want, split) for item in items]


def _convert_packed(items: list[Input], want: Want, split: bool) -> list[tuple[object, ...]]:
    """:func:`convert_chunk` in a worker process: each outcome as a plain tuple of its fields (a tuple
    pickles with no Python call per object; a named tuple is rebuilt through its class's ``__new__``)."""
    return [tuple(o) for o in convert_chunk(items, want, split)]


def _worker_init() -> None:
    """Workers leave Ctrl-C to the parent, which stops the batch in order; SIGTERM ends them at once.
    On Linux a worker also dies with its parent, should the parent be killed outright."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform == "linux":
        try:
            import ctypes

            ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass


def _context() -> BaseContext:
    """Fork where it is safe (Linux, no other threads: workers start at once, nothing re-imported);
    otherwise the platform's safe default."""
    import multiprocessing
    import threading

    methods = multiprocessing.get_all_start_methods()
    if sys.platform == "linux" and "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _chunks(items: Iterable[Input], total: int, jobs: int) -> Iterator[tuple[list[Input], int]]:
    """Inputs in chunks, with their byte count: large while much is left (fewer tasks, less pool
    overhead), smaller towards the end (guided: ``remaining / (jobs * 4)``) so that the workers finish
    together; fewer where archive members' bytes add up."""
    chunk: list[Input] = []
    nbytes = 0
    remaining = total
    size = _chunk_size(remaining, jobs)
    for item in items:
        chunk.append(item)
        nbytes += len(item.data) if item.data is not None else 0
        if len(chunk) >= size or nbytes >= MAX_IN_FLIGHT_BYTES // 8:
            yield chunk, nbytes
            remaining -= len(chunk)
            size = _chunk_size(remaining, jobs)
            chunk, nbytes = [], 0
    if chunk:
        yield chunk, nbytes


def _chunk_size(remaining: int, jobs: int) -> int:
    return max(1, min(MAX_CHUNK, remaining // (jobs * GUIDED_SHARE)))


def run_in_pool(task: Callable[[list[Input]], list[T]], items: Iterable[Input], jobs: int, total: int
                ) -> Iterator[T]:
    """What ``task`` gives for chunks of ``items`` (see :func:`_chunks`), run in ``jobs`` worker processes,
    in input order. ``task`` must pickle: a module-level function or a ``functools.partial`` of one."""
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=_context(), initializer=_worker_init)
    pending: deque[tuple[Future[list[T]], int]] = deque()
    in_flight = 0
    try:
        for chunk, nbytes in _chunks(items, total, jobs):
            pending.append((pool.submit(task, chunk), nbytes))
            in_flight += nbytes
            while len(pending) >= jobs * CHUNKS_PER_WORKER or in_flight > MAX_IN_FLIGHT_BYTES:
                future, done_bytes = pending.popleft()
                in_flight -= done_bytes
                yield from future.result()
        while pending:
            future, _ = pending.popleft()
            yield from future.result()
    finally:  # interrupted or done: drop what has not started, let running chunks end, reap the workers
        pool.shutdown(wait=True, cancel_futures=True)


def convert(inputs: Iterable[Input], *, jobs: int = 1, want: Want = "record", total: int | None = None,
            split: bool = True) -> Generator[Outcome, None, None]:
    """Convert inputs, in order, in this process or in ``jobs`` worker processes.

    ``want="record"`` keeps each record as its model (``Outcome.record``), ``want="json"`` sends its JSON
    text instead (``Outcome.json``).
    ``total`` (the number of inputs, where known) sizes the chunks.
    ``split=False`` skips the ``--split`` file name (``Outcome.split_stem`` stays None).
    """
    items = load_members(inputs)
    if total is None and isinstance(inputs, list | tuple):
        total = len(inputs)
    if jobs <= 1 or total is None or total < POOL_MIN_INPUTS:
        for item in items:
            yield _finish(convert_one(item), want, split)
        return
    for fields in run_in_pool(functools.partial(_convert_packed, want=want, split=split), items, jobs, total):
        yield Outcome(*fields)  # type: ignore[arg-type]

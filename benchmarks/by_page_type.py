"""Where the CPU goes, by input format and page type: bare lxml parse, load (decode, parse, detect, strip
noise), and extraction (the rest of parse_page + model_dump_json), best of several runs per page.

    .venv/bin/python benchmarks/by_page_type.py [PATH ...] [--repeat 7]

A measurement to steer optimisation; the acceptance figure is benchmarks/throughput.py's paired ratio.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import lxml.html

from allris_parse import parse_page
from allris_parse.document import load
from allris_parse.errors import AllrisParseError
from throughput import DEFAULT_PATHS, find_pages


def best_ms(work: Callable[[], object], repeat: int) -> float:
    """The fastest of ``repeat`` runs, in CPU milliseconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        work()
        best = min(best, time.process_time() - start)
    return best * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("paths", nargs="*", type=Path, help="files or directories (default: the shared corpus)")
    parser.add_argument("--repeat", type=int, default=7, help="runs per page (default 7)")
    args = parser.parse_args()
    totals: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0, 0.0, 0.0, 0.0])
    for page in find_pages(args.paths or list(DEFAULT_PATHS)):
        data, name = page.read_bytes(), str(page)
        try:
            doc = load(data, path=name)
            full = best_ms(lambda: parse_page(data, path=name).model_dump_json(), args.repeat)  # noqa: B023
        except AllrisParseError:
            continue
        row = totals[doc.format, doc.page_type or "?"]
        row[0] += 1
        row[1] += best_ms(lambda: lxml.html.fromstring(data), args.repeat)  # noqa: B023
        row[2] += best_ms(lambda: load(data, path=name), args.repeat)  # noqa: B023
        row[3] += full
    print(f"{'format/type':<16} {'pages':>5} {'bare ms':>8} {'load ms':>8} {'extract ms':>10} {'full ms':>8}")
    for (fmt, page_type), (count, bare, loaded, full) in sorted(totals.items(), key=lambda kv: -kv[1][3]):
        label = f"{fmt}/{page_type}"
        print(f"{label:<16} {int(count):>5} {bare:>8.2f} {loaded:>8.2f} {full - loaded:>10.2f} {full:>8.2f}")
    bare_sum = sum(r[1] for r in totals.values())
    full_sum = sum(r[3] for r in totals.values())
    print(f"total: bare {bare_sum:.1f} ms, full {full_sum:.1f} ms, ratio bare/full {bare_sum / full_sum:.3f}")


if __name__ == "__main__":
    main()

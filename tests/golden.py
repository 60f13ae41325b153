"""Golden fixtures: ``tests/fixtures/<page_type>/<case>/`` holds ``input.html`` or ``input.txt``,
an optional ``meta.json`` ({"url": ...}) and ``expected.json``, the whole record as JSON.

Regenerate after a reviewed change with ``python tests/golden.py [CASE_DIR ...]``; the diff of
``expected.json`` is the review.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"


def cases() -> list[Path]:
    """Every golden case folder, sorted."""
    return sorted(p.parent for p in FIXTURES.glob("*/*/expected.json"))


def input_of(case: Path) -> Path:
    """The case's input page."""
    found = sorted(case.glob("input.*"))
    if len(found) != 1:
        raise FileNotFoundError(f"{case}: expected exactly one input.* file, found {len(found)}")
    return found[0]


def record_of(case: Path) -> dict[str, Any]:
    """Parse the case's input as the library does, with the source path relative to the case."""
    from allris_parse import parse_page

    page = input_of(case)
    meta_file = case / "meta.json"
    meta = json.loads(meta_file.read_text(encoding="utf-8")) if meta_file.exists() else {}
    record = parse_page(page.read_bytes(), path=page.name, url=meta.get("url"))
    return record.model_dump(mode="json")


def update(targets: list[Path]) -> None:
    """Write ``expected.json`` of each target case from the current parser."""
    for case in targets:
        out = case / "expected.json"
        out.write_text(json.dumps(record_of(case), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {out}")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent.parent / "src"))
    args = [Path(a).resolve() for a in sys.argv[1:]]
    update(args or cases())

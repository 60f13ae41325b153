"""Every golden fixture parses to exactly its expected record; a failure names the differing field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from golden import cases, record_of


def _diff(expected: Any, actual: Any, path: str = "") -> list[str]:
    if isinstance(expected, dict) and isinstance(actual, dict):
        out: list[str] = []
        for key in sorted(set(expected) | set(actual)):
            out += _diff(expected.get(key), actual.get(key), f"{path}.{key}" if path else key)
        return out
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        return [d for i, (e, a) in enumerate(zip(expected, actual, strict=True)) for d in _diff(e, a, f"{path}.{i}")]
    return [] if expected == actual else [f"{path}: expected {expected!r:.200}, got {actual!r:.200}"]


@pytest.mark.parametrize("case", cases(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_golden(case: Path) -> None:
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    differences = _diff(expected, record_of(case))
    assert not differences, "\n".join(differences)

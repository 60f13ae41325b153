"""Meta-tests: every registered page type has golden fixtures that detect as that type, and every
record kind the registry can produce is a declared record type."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from allris_parse.models import RECORD_TYPES
from allris_parse.pages import EXTRACTORS
from golden import FIXTURES, cases


@pytest.mark.parametrize("page_type", sorted(EXTRACTORS))
def test_every_registered_page_type_has_golden_fixtures(page_type: str) -> None:
    folder = FIXTURES / page_type
    assert folder.is_dir() and any(folder.glob("*/expected.json")), f"no golden fixture for {page_type}"


@pytest.mark.parametrize("case", cases(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_each_fixture_is_detected_as_its_folder_page_type(case: Path) -> None:
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    assert expected["page_type"] == case.parent.name


def test_fixture_folders_are_registered_page_types() -> None:
    folders = {p.name for p in FIXTURES.iterdir() if p.is_dir()}
    assert folders <= set(EXTRACTORS), f"fixtures for unregistered page types: {folders - set(EXTRACTORS)}"


def test_record_kinds_are_unique_and_declared() -> None:
    kinds = [t.model_fields["kind"].default for t in RECORD_TYPES]
    assert len(kinds) == len(set(kinds))
    assert all(isinstance(k, str) and k for k in kinds)

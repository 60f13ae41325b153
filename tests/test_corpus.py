"""Over the real pages in ../shared/corpus (skipped where absent): no crash, the right record, no noise.

The expected page type of each page comes from the corpus MANIFEST (or its file name). A page type with
an extractor in ``pages.EXTRACTORS`` must give a record of that type; any other must be refused with
``UnsupportedPageError``. So the test follows the registry as page types are added.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from allris_parse import labels, pages, parse_page
from allris_parse.errors import AllrisParseError, UnsupportedPageError
from allris_parse.models import Paper, Record

CORPUS = Path(__file__).parent.parent.parent / "shared" / "corpus"
_CODE = re.compile(r"(?<![a-z0-9])(" + "|".join(labels.PAGE_TYPE_CODES) + r")(?![0-9])")


def _manifest_types() -> dict[str, str | None]:
    """Page type by corpus-relative path; html rows say it in column 5, text rows in column 4."""
    manifest = CORPUS / "MANIFEST.tsv"
    if not manifest.exists():
        return {}
    types: dict[str, str | None] = {}
    for line in manifest.read_text(encoding="utf-8").splitlines()[1:]:
        cells = line.split("\t")
        if len(cells) < 5:
            continue
        column = cells[4] if cells[0].startswith("html/") else cells[3]
        match = _CODE.search(column) or _CODE.search(Path(cells[0]).name)
        types[cells[0]] = match.group(1) if match else None
    return types


MANIFEST = _manifest_types()


def _pages() -> list[str]:
    if not CORPUS.is_dir():
        return []
    return sorted(str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*")
                  if p.is_file() and p.parent != CORPUS and not p.name.startswith("."))


PAGES = _pages()


def expected_type(page: str) -> str | None:
    if page in MANIFEST:
        return MANIFEST[page]
    match = _CODE.search(Path(page).name)
    return match.group(1) if match else None


@cache
def outcome(page: str) -> Record | AllrisParseError:
    """The page's record or the library error it raised (any other exception propagates)."""
    path = CORPUS / page
    try:
        return parse_page(path.read_bytes(), path=str(path))
    except AllrisParseError as exc:
        return exc


def _strings(value: Any, where: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{where}.{key}" if where else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{where}.{index}")


pytestmark = pytest.mark.usefixtures("shared")
parametrize_pages = pytest.mark.parametrize("page", PAGES or ["(no corpus)"])


@parametrize_pages
def test_page_parses_without_a_crash(page: str) -> None:
    result = outcome(page)  # an exception other than AllrisParseError fails the test here
    assert isinstance(result, Record | AllrisParseError)
    if isinstance(result, AllrisParseError):
        assert str(result), "a library error carries a message"


@parametrize_pages
def test_page_gives_the_record_of_its_type_or_a_clear_refusal(page: str) -> None:
    expected = expected_type(page)
    result = outcome(page)
    if expected in pages.EXTRACTORS:
        assert isinstance(result, Record), f"{page}: {result}"
        assert result.page_type == expected
        if expected == "vo020":
            assert isinstance(result, Paper)
            assert result.kind == "paper"
    elif expected is not None:
        assert isinstance(result, UnsupportedPageError), f"{page}: {result!r}"
        assert result.page_type == expected
    else:  # not an ALLRIS page type the manifest names: a library error, never a wrong record
        assert isinstance(result, AllrisParseError), f"{page} gave a {type(result).__name__}"


@parametrize_pages
def test_record_has_no_interface_noise(page: str) -> None:
    result = outcome(page)
    if not isinstance(result, Record):
        pytest.skip(f"no record: {result}")
    found = []
    for where, value in _strings(result.model_dump(mode="json", exclude={"source", "warnings"})):
        if value.strip() in labels.NOISE_LINES or labels.is_noise_line(value):
            found.append(f"{where} = {value!r}")
            continue
        found += [f"{where} has line {line!r}" for line in value.splitlines()
                  if line.strip() and (line.strip() in labels.NOISE_LINES or labels.is_noise_line(line))]
    assert not found, "\n".join(found)


@parametrize_pages
def test_record_source_is_filled(page: str) -> None:
    result = outcome(page)
    if not isinstance(result, Record):
        pytest.skip(f"no record: {result}")
    assert result.source.path == str(CORPUS / page)
    assert result.source.format == ("html" if page.startswith("html/") else "text")
    assert len(result.source.sha256) == 64


def test_every_vo020_page_of_the_manifest_is_in_the_corpus() -> None:
    vo020 = [page for page, page_type in MANIFEST.items() if page_type == "vo020"]
    assert vo020, "the manifest names vo020 pages"
    missing = [page for page in vo020 if page not in PAGES]
    assert not missing

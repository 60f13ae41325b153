"""Bad input of every kind: a record with warnings or a clear error naming the input, in bounded time.

Each bad input is built here (nothing large is stored in the repository): empty and binary files, pages cut
at random offsets, a 50 MB page, 100,000 nested tags, NUL and control characters, wrong declared charsets,
a .zip with path-traversal member names and a zip bomb. Then the command line runs over a directory of all
of them: the good pages are converted, each bad input is named, the exit code is 1. A property-based test
mutates the fixture pages and checks that ``parse_page`` only ever raises ``AllrisParseError``.

Time limits are guards against hangs (generous ``signal.alarm`` or subprocess timeouts), not assertions of
speed: the benchmarks measure speed.
"""

from __future__ import annotations

import json
import random
import signal
import struct
import subprocess
import sys
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

import pytest
from hypothesis import HealthCheck, configuration, given, settings
from hypothesis import strategies as st

from allris_parse import parse_page
from allris_parse.errors import AllrisParseError, InputError
from allris_parse.models import Paper, Record
from allris_parse.pipeline import convert
from allris_parse.sources import MAX_MEMBER_BYTES, iter_inputs

# No example database (settings below) and no other hypothesis files in the checkout either (it caches the
# constants it finds in the code under test in its home directory, ./.hypothesis by default).
configuration.set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "allris-parse-hypothesis")

FIXTURES = Path(__file__).parent / "fixtures"
#: A classic Drucksache in windows-1252 bytes, as real classic pages are.
CLASSIC = FIXTURES / "vo020" / "classic-full-cp1252" / "input.html"
PAGES = sorted(p for p in FIXTURES.glob("*/*/input.*") if p.suffix in {".html", ".txt"})
HTML_PAGES = [p for p in PAGES if p.suffix == ".html"]
SECTION_TEXT = b"Am Lindenplatz fehlen"


class HangError(Exception):
    """Raised by the alarm: the input took longer than the generous bound."""


@contextmanager
def bounded(seconds: int) -> Iterator[None]:
    """Fail (instead of hanging the suite) when the block runs longer than ``seconds``."""

    def expire(signum: int, frame: FrameType | None) -> None:
        raise HangError(f"no result within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def outcome(data: bytes, path: str = "vo020.html", seconds: int = 20) -> Record | AllrisParseError:
    """The record of ``data``, or the library's error; anything else fails the test."""
    with bounded(seconds):
        try:
            return parse_page(data, path=path)
        except AllrisParseError as exc:
            return exc


def fields(record: Record) -> dict[str, object]:
    """A record's content without its source block and warnings (what a bad input may change)."""
    return record.model_dump(exclude={"source", "warnings"})


@pytest.fixture(scope="module")
def good() -> Paper:
    record = parse_page(CLASSIC.read_bytes(), path=str(CLASSIC))
    assert isinstance(record, Paper)
    assert record.title and record.consultations and len(record.sections) == 3 and not record.warnings
    return record


# --- inputs ----------------------------------------------------------------------------------------------


def png_bytes() -> bytes:
    """A real 1x1 PNG image."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
            + chunk(b"IEND", b""))


def pdf_bytes() -> bytes:
    """A small one-page PDF (with the binary comment line real PDF writers add)."""
    return (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
            b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
            b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>\nendobj\n"
            b"trailer\n<< /Root 1 0 R >>\n%%EOF\n")


def truncations(data: bytes, count: int, seed: int) -> list[int]:
    """``count`` cut offsets, reproducible: random ones plus the very start and the last byte."""
    rng = random.Random(seed)
    return sorted({1, len(data) - 1, *(rng.randrange(1, len(data)) for _ in range(count))})


def nested(depth: int, tag: bytes = b"div", *, closed: bool = True) -> bytes:
    """The classic page with ``depth`` nested ``tag`` elements around the first section's text."""
    page = CLASSIC.read_bytes()
    opening = (b"<" + tag + b">") * depth
    closing = (b"</" + tag + b">") * depth if closed else b""
    assert page.count(SECTION_TEXT) == 1
    return page.replace(SECTION_TEXT, opening + SECTION_TEXT + closing)


def with_declared(charset: str, page: bytes | None = None) -> bytes:
    """The classic page (or ``page``) declaring ``charset`` in its XML prolog and its meta element."""
    page = CLASSIC.read_bytes() if page is None else page
    out = page.replace(b'encoding="iso-8859-1"', b'encoding="' + charset.encode() + b'"')
    out = out.replace(b"charset=iso-8859-1", b"charset=" + charset.encode())
    assert out != page
    return out


#: Bytes of the 50 MB page: the classic page with a Sachverhalt of 60,000 paragraphs and one 12 MB
#: paragraph (longer than libxml2's default 10 MB limit for one text node), then the rest of the page.
BIG_PARAGRAPHS = 60_000
BIG_NODE = 12 * 1024 * 1024


@pytest.fixture(scope="module")
def big_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    page = CLASSIC.read_bytes()
    start = page.index(SECTION_TEXT)
    path = tmp_path_factory.mktemp("big") / "vo020_big.html"
    paragraph = b"<p>" + b"Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod. " * 9 + b"</p>\n"
    with path.open("wb") as out:
        out.write(page[:start])
        for _ in range(BIG_PARAGRAPHS):
            out.write(paragraph)
        out.write(b"<p>")
        for _ in range(BIG_NODE // (1024 * 1024)):
            out.write(b"Textwurst " * (1024 * 1024 // 10) + b"1234")
        out.write(b"</p>\n")
        out.write(page[start:])
    assert path.stat().st_size > 50 * 1000 * 1000
    return path


def zip_with_traversal(path: Path, good: bytes) -> Path:
    """A .zip whose members climb out (``../``), are absolute, or are fine."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("../../escaped/vo020_evil.html", good)
        archive.writestr("/etc/vo020_absolute.html", good)
        archive.writestr("2021/..\\..\\vo020_backslash.html", good)
        archive.writestr("2021/vo020_fine.html", good)
    return path


def zip_bomb(path: Path, good: bytes) -> Path:
    """A .zip with one member that inflates to 4x the member cap (~250 KB on disk), written in 1 MiB
    steps so that the test never holds it; then a good page, which must still be converted."""
    block = b"<p>" + b" " * (1024 * 1024 - 3)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("bomb/vo020_bomb.html", "w", force_zip64=True) as member:
            for _ in range(4 * MAX_MEMBER_BYTES // len(block)):
                member.write(block)
        archive.writestr("page/vo020_after_bomb.html", good)
    assert path.stat().st_size < 4 * 1024 * 1024
    return path


# --- each bad input ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b" \r\n\t ", b"\xef\xbb\xbf", b"\xef\xbb\xbf\n", b"\xff\xfe \x00\n\x00"],
                         ids=["empty", "whitespace", "bom", "bom-newline", "utf16-spaces"])
def test_empty_files_are_an_input_error(data: bytes) -> None:
    result = outcome(data)
    assert isinstance(result, InputError)
    assert str(result) == "empty input"


@pytest.mark.parametrize(("data", "what"), [
    (png_bytes(), "a PNG image"),
    (pdf_bytes(), "a PDF document"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)), "a JPEG image"),
    (zlib.compress(b"x") + bytes(64), None),  # no magic, but binary all the same
    (random.Random(4).randbytes(8192), None),
], ids=["png", "pdf", "jpeg", "zlib", "random"])
def test_binary_files_are_an_input_error(data: bytes, what: str | None) -> None:
    result = outcome(data)
    assert isinstance(result, InputError)
    assert str(result).startswith("binary input")
    if what:
        assert what in str(result)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}")
def test_pages_cut_at_random_offsets(page: Path) -> None:
    data = page.read_bytes()
    full = parse_page(data, path=str(page))
    records = 0
    with bounded(60):
        for cut in truncations(data, 12, seed=len(data)):
            result = outcome(data[:cut], path=str(page))
            if isinstance(result, Record):
                records += 1
                if cut > len(data) * 0.9 and page.suffix == ".html":  # the page type is told near the top
                    assert result.kind == full.kind
            else:
                assert str(result)  # a message, not an empty error
    assert records  # most cuts still give a record of what is there


def test_cut_classic_page_keeps_what_came_before(good: Paper) -> None:
    data = CLASSIC.read_bytes()
    result = outcome(data[: data.index(SECTION_TEXT) + 5])
    assert isinstance(result, Paper)
    assert result.title == good.title and result.consultations == good.consultations
    assert result.sections[0].text.startswith("Sachverhalt:\nAm Li")


def test_50_mb_page_is_read_whole(big_page: Path, good: Paper) -> None:
    result = outcome(big_page.read_bytes(), path=big_page.name, seconds=120)
    assert isinstance(result, Paper)
    assert not result.warnings
    assert result.title == good.title and result.consultations == good.consultations
    assert result.attachments == good.attachments and result.documents == good.documents
    text = result.sections[0].text
    assert text.count("Lorem ipsum") == BIG_PARAGRAPHS * 9
    # the 12 MB paragraph is kept whole (libxml2 stops at 10 MB without huge_tree), and so is all after it
    assert text.count("Textwurst") == BIG_NODE // (1024 * 1024) * (1024 * 1024 // 10)
    assert text.endswith(good.sections[0].text.split("\n", 1)[1])
    assert result.sections[1:] == good.sections[1:]


@pytest.mark.parametrize(("tag", "closed"), [(b"div", True), (b"span", False), (b"table", False), (b"b", True)])
def test_100000_nested_tags_give_a_record_with_a_warning(tag: bytes, closed: bool, good: Paper) -> None:
    result = outcome(nested(100_000, tag, closed=closed))
    assert isinstance(result, Paper)
    assert result.title == good.title and result.consultations == good.consultations
    assert len(result.warnings) == 1
    assert "nested deeper than 2048 levels" in result.warnings[0]
    assert "the rest of the page is missing" in result.warnings[0]


def test_deep_but_bounded_nesting_is_read_whole(good: Paper) -> None:
    # libxml2 stops at 256 levels by default; with huge_tree it reads 2048
    result = outcome(nested(1500, b"span"))  # inline: the text reads as before
    assert isinstance(result, Paper)
    assert not result.warnings
    assert result.sections == good.sections
    assert result.attachments == good.attachments


@pytest.mark.parametrize("where", ["section", "head", "several"])
def test_nul_bytes_in_a_good_page_are_dropped_with_a_warning(where: str, good: Paper) -> None:
    data = CLASSIC.read_bytes()
    if where == "section":
        data = data.replace(SECTION_TEXT, b"Am Linden\x00platz fehlen")
    elif where == "head":
        data = data.replace(b"<title>", b"<title>\x00", 1)
    else:
        data = data.replace(b"Betreff:", b"Bet\x00reff:").replace(SECTION_TEXT, b"\x00" + SECTION_TEXT + b"\x00")
    result = outcome(data)
    assert isinstance(result, Paper)
    assert fields(result) == fields(good)
    count = 3 if where == "several" else 1
    assert result.warnings == [f"{count} NUL byte{'s' if count > 1 else ''} removed"]


def test_many_nul_bytes_are_binary() -> None:
    # UTF-16 without a byte-order mark: every other byte is NUL
    result = outcome(CLASSIC.read_bytes().decode("cp1252").encode("utf-16-le"))
    assert isinstance(result, InputError)
    assert "NUL bytes" in str(result)


@pytest.mark.parametrize("control", [b"\x01", b"\x1b", b"&#1;", b"&#xb;", b"&#xFFFE;"])
def test_control_characters_become_spaces_with_a_warning(control: bytes, good: Paper) -> None:
    # inside a paragraph whose text the extractor lays out again: lxml reads the character but will not
    # store it back, so the page is read again with control characters as spaces
    data = CLASSIC.read_bytes().replace(b"Sitzgelegenheiten f", b"Sitzgelegenheiten" + control + b"f")
    data = data.replace(b"<span style=\"font-family:Calibri\">Am Lindenplatz",
                        b"<p>Vor" + control + b"wort</p><span style=\"font-family:Calibri\">Am Lindenplatz")
    result = outcome(data)
    assert isinstance(result, Paper)
    assert result.title == good.title and result.consultations == good.consultations
    assert result.warnings and "read as spaces" in result.warnings[0]
    assert "Vor wort" in result.sections[0].text


@pytest.mark.parametrize("charset", ["utf-16", "utf-32", "cp037", "utf-7", "undefined", "unicode_escape",
                                     "x-no-such-charset"])
def test_wrong_declared_charset_is_read_by_the_bytes(charset: str, good: Paper) -> None:
    result = outcome(with_declared(charset))
    assert isinstance(result, Paper)
    assert fields(result) == fields(good)
    assert result.source.encoding == "windows-1252"
    if charset != "x-no-such-charset":
        assert any("does not fit the bytes" in w for w in result.warnings)


def test_utf8_bytes_declared_latin1_and_latin1_bytes_declared_utf8(good: Paper) -> None:
    utf8 = CLASSIC.read_bytes().decode("cp1252").encode("utf-8")
    as_utf8 = outcome(utf8)
    assert isinstance(as_utf8, Paper)
    assert fields(as_utf8) == fields(good) and as_utf8.source.encoding == "utf-8"
    declared_utf8 = outcome(with_declared("utf-8"))
    assert isinstance(declared_utf8, Paper)
    assert fields(declared_utf8) == fields(good)
    assert declared_utf8.warnings == ["declared UTF-8 but the bytes are windows-1252"]


def test_wrong_charset_warning_reaches_every_page_type() -> None:
    # a roster page (its extractor builds the record itself) still carries what decoding found
    page = FIXTURES / "au020" / "classic-roster" / "input.html"
    result = outcome(with_declared("utf-8", page.read_bytes()), path=str(page))
    assert isinstance(result, Record)
    assert result.kind == "organization"
    assert "declared UTF-8 but the bytes are windows-1252" in result.warnings


def test_absurd_colspan_does_not_allocate() -> None:
    page = FIXTURES / "au020" / "classic-roster" / "input.html"
    data = page.read_bytes()
    assert b"<th" in data
    result = outcome(data.replace(b"<th", b"<th colspan=\"99999999999\"", 1), path=str(page))
    assert isinstance(result, Record)


def test_zip_path_traversal_members_are_refused(tmp_path: Path, good: Paper) -> None:
    archive = zip_with_traversal(tmp_path / "export.zip", CLASSIC.read_bytes())
    with bounded(60):
        outcomes = list(convert(iter_inputs([str(archive)])))
    by_name = {o.name.split("!", 1)[1]: o for o in outcomes}
    assert set(by_name) == {"../../escaped/vo020_evil.html", "/etc/vo020_absolute.html",
                            "2021/..\\..\\vo020_backslash.html", "2021/vo020_fine.html"}
    fine = by_name.pop("2021/vo020_fine.html")
    assert isinstance(fine.record, Paper) and fine.record.title == good.title
    assert fine.record.source.path == f"{archive}!2021/vo020_fine.html"
    for name, refused in by_name.items():
        assert refused.record is None, name
        assert refused.error and "unsafe archive member name refused" in refused.error
    assert not list(tmp_path.parent.rglob("vo020_evil.html"))  # nothing was unpacked anywhere


def test_zip_bomb_is_capped_and_the_archive_goes_on(tmp_path: Path, good: Paper) -> None:
    archive = zip_bomb(tmp_path / "bomb.zip", CLASSIC.read_bytes())
    with bounded(120):
        outcomes = list(convert(iter_inputs([str(archive)])))
    assert [o.name for o in outcomes] == [f"{archive}!bomb/vo020_bomb.html", f"{archive}!page/vo020_after_bomb.html"]
    bomb, after = outcomes
    assert bomb.record is None and bomb.error and "archive member too large" in bomb.error
    assert f"{MAX_MEMBER_BYTES:,}" in bomb.error
    assert isinstance(after.record, Paper) and after.record.title == good.title


def test_str_input_with_lone_surrogates() -> None:
    result = outcome("<html><body><div id='allriscontainer' class='vo020'>Betreff \ud800</div></body></html>")
    assert isinstance(result, Record | AllrisParseError)


# --- the command line over all of them -------------------------------------------------------------------


def test_batch_over_every_bad_input_goes_on(tmp_path: Path, big_page: Path) -> None:
    pages = tmp_path / "export"
    pages.mkdir()
    good = CLASSIC.read_bytes()
    bad = {
        "empty.html": b"",
        "whitespace.html": b"  \n\n",
        "image.html": png_bytes(),  # a download saved under a page's name
        "document.html": pdf_bytes(),
        "utf16-without-bom.html": good.decode("cp1252").encode("utf-16-le"),
    }
    readable = {
        "good.html": good,
        "truncated.html": good[: len(good) // 2],
        "nested.html": nested(100_000),
        "nul.html": good.replace(SECTION_TEXT, b"Am Linden\x00platz fehlen"),
        "control.html": good.replace(b"<span style=\"font-family:Calibri\">Am Lindenplatz",
                                     b"<p>Vor\x01wort</p><span style=\"font-family:Calibri\">Am Lindenplatz"),
        "declared-utf16.html": with_declared("utf-16"),
    }
    for name, data in {**bad, **readable}.items():
        (pages / name).write_bytes(data)
    (pages / "big.html").symlink_to(big_page)
    zip_with_traversal(pages / "traversal.zip", good)
    zip_bomb(pages / "bomb.zip", good)
    errors = tmp_path / "errors.jsonl"
    cli = Path(sys.executable).with_name("allris-parse")
    result = subprocess.run([str(cli), "parse", str(pages), "--format", "jsonl", "--jobs", "2", "--quiet",
                             "--errors", str(errors)], capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 1, result.stderr
    records = {Path(r["source"]["path"]).name: r for r in map(json.loads, result.stdout.splitlines())}
    expected = {*readable, "big.html", "vo020_fine.html", "vo020_after_bomb.html"}
    assert set(records) == expected
    assert all(r["kind"] == "paper" for r in records.values())
    assert records["good.html"]["warnings"] == []
    for name in ("nested.html", "nul.html", "control.html", "declared-utf16.html"):
        assert records[name]["warnings"], name
    failed = {json.loads(line)["path"]: json.loads(line) for line in errors.read_text().splitlines()}
    names = {p.split("!", 1)[1] if "!" in p else Path(p).name for p in failed}
    assert names == {*bad, "../../escaped/vo020_evil.html", "/etc/vo020_absolute.html",
                     "2021/..\\..\\vo020_backslash.html", "bomb/vo020_bomb.html"}
    assert all(f["error_type"] == "InputError" for f in failed.values()), failed
    for path, failure in failed.items():  # each one named on stderr with its reason
        assert f"allris-parse: {path}: {failure['message']}" in result.stderr


# --- property: only the library's own error type ----------------------------------------------------------

_TAGS = [b"<table>", b"</table>", b"<tr>", b"<td>", b"</td>", b"<div>", b"</div>", b"<p>", b"</p>", b"<br>",
         b"<a name='allrisSV'>", b"<form action='do027.asp'>", b"<input type='hidden' name='DOLFDNR' value='\x1e1'>",
         b"<td class='kb1'>Betreff:</td>", b"<td colspan='99999999999'>", b"<th colspan='0'>", b"&#1;", b"&#0;",
         b"&#xFFFF;", b"&#99999999;", b"<![CDATA[", b"<!--", b"<script>", b"<?xml version='1.0' encoding='utf-16'?>",
         b"<meta charset='undefined'>", b"<html><body>", b"\x00", b"\xef\xbb\xbf", b"31.02.2026", b"1.234,56 EUR",
         b"<ajax-response><component><![CDATA[", b"Wicket.Ajax.baseUrl=\"vo020\"", b"<img src='x.gif' alt='X'>"]
_CONTROLS = [*range(1, 9), 11, 12, *range(14, 32)]
_CODECS = ["utf-8", "cp1252", "latin-1", "utf-16", "cp037", "koi8-r"]


@st.composite
def mutated_pages(draw: st.DrawFn) -> tuple[str, bytes]:
    """A fixture page after a few byte flips, cuts, insertions of bytes or tags, deletions, re-encodings."""
    page = draw(st.sampled_from(PAGES + HTML_PAGES))  # HTML twice as often: more ways to go wrong
    data = bytearray(page.read_bytes())
    for _ in range(draw(st.integers(1, 5))):
        size = max(len(data), 1)
        at = draw(st.integers(0, size - 1))
        if draw(st.booleans()):  # half the time where text starts, after a tag: where extractors read
            at = data.find(b">", at) + 1 or at
        operation = draw(st.sampled_from(["flip", "cut", "bytes", "tag", "delete", "encoding", "repeat",
                                                      "control", "control"]))
        if operation == "flip" and data:
            data[min(at, len(data) - 1)] ^= draw(st.integers(1, 255))  # "after a tag" may be the end
        elif operation == "cut":
            del data[at:]
        elif operation == "bytes":
            data[at:at] = draw(st.binary(min_size=1, max_size=32))
        elif operation == "tag":
            data[at:at] = draw(st.sampled_from(_TAGS)) * draw(st.sampled_from([1, 2, 300]))
        elif operation == "delete":
            del data[at:at + draw(st.integers(1, 4000))]
        elif operation == "encoding":
            text = bytes(data).decode(draw(st.sampled_from(["utf-8", "cp1252"])), "replace")
            data = bytearray(text.encode(draw(st.sampled_from(_CODECS)), "replace"))
        elif operation == "control":  # a control character, as such or as a character reference, in text
            at = data.find(b">", at) + 1 or at
            data[at:at] = draw(st.sampled_from([bytes([c]) for c in _CONTROLS] + [b"&#%d;" % c for c in _CONTROLS]))
        elif operation == "repeat":
            data[at:at] = data[draw(st.integers(0, size - 1)):][:2000]
    return str(page), bytes(data)


@settings(max_examples=200, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated_pages(), st.booleans())
def test_mutated_pages_raise_only_allris_parse_errors(case: tuple[str, bytes], with_path: bool) -> None:
    path, data = case
    try:
        record = parse_page(data, path=path if with_path else None)
    except AllrisParseError as exc:
        assert str(exc)
    else:
        record.model_dump_json()  # a record that is returned can also be written


@pytest.mark.parametrize("page", ["vo020/classic-full-cp1252", "au020/classic-roster", "si010/classic-month-view"])
def test_ids_of_thousands_of_digits_are_an_input_error_or_ignored(page: str) -> None:
    path = FIXTURES / page / "input.html"
    data = path.read_bytes()
    digits = b"9" * 5000  # Python's int() refuses more than 4,300 digits
    for name in (b"DOLFDNR", b"SILFDNR", b"TOLFDNR", b"KPLFDNR", b"VOLFDNR"):
        data = data.replace(b'name="' + name + b'" value="', b'name="' + name + b'" value="' + digits)
        data = data.replace(name + b"=", name + b"=" + digits)
    result = outcome(data, path=str(path))
    if isinstance(result, AllrisParseError):
        assert isinstance(result, InputError) and "too long to read" in str(result)


@pytest.mark.parametrize(("value", "expected"), [(b"55001\xb9", None), (b"\x1e55001", 55001), (b"\xb2", None)],
                         ids=["superscript-one", "separator-control", "superscript-two"])
def test_form_ids_that_look_like_digits(value: bytes, expected: int | None, good: Paper) -> None:
    # str.isdigit() is true for '¹' and strip() drops '\x1e', but int() takes neither: ids are read with
    # isdecimal() from the stripped value
    data = CLASSIC.read_bytes().replace(b'name="DOLFDNR" value="55001"', b'name="DOLFDNR" value="' + value + b'"')
    result = outcome(data)
    assert isinstance(result, Paper)
    assert result.documents[0].document_id == expected
    assert result.documents[1:] == good.documents[1:]


def test_element_id_with_a_quote() -> None:
    # the responsive extractor looks for a section's anchor by the block's id; a quote in it once made an
    # invalid ElementPath expression (SyntaxError)
    page = FIXTURES / "vo020" / "responsive-basic" / "input.html"
    data = page.read_bytes().replace(b'<div id="allrisBV"', b"<div id=\"allris'BV\"", 1)
    result = outcome(data, path=str(page))
    assert isinstance(result, Paper)

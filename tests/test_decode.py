"""Bytes to text: the bytes decide, declarations only break ties; bad input is an InputError."""

from __future__ import annotations

import codecs

import pytest

from allris_parse.decode import decode
from allris_parse.errors import InputError

XML_LATIN1 = b'<?xml version="1.0" encoding="iso-8859-1"?>\n'
META_LATIN1 = b'<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">\n'
META_UTF8 = b'<meta charset="utf-8">\n'
TEXT = "Straße „Grünfläche“ – 1.250 € für Trägerin"


def test_windows_1252_bytes_declared_iso_8859_1() -> None:
    # € „ “ – are 0x80 0x84 0x93 0x96: undefined in iso-8859-1, so the page really is windows-1252
    data = XML_LATIN1 + b"<p>\x80 \x84Haus\x93 \x96 \xe4\xf6\xfc\xdf</p>"
    decoded = decode(data)
    assert decoded.encoding == "windows-1252"
    assert "€ „Haus“ – äöüß" in decoded.text
    assert decoded.warnings == []


def test_windows_1252_is_also_read_without_declaration() -> None:
    decoded = decode(TEXT.encode("cp1252"))
    assert decoded.text == TEXT
    assert decoded.encoding == "windows-1252"


def test_utf8_bytes_declared_iso_8859_1_are_utf8() -> None:
    decoded = decode(META_LATIN1 + TEXT.encode("utf-8"))
    assert decoded.encoding == "utf-8"
    assert decoded.text.endswith(TEXT)
    assert "Ã" not in decoded.text


def test_utf8_bom_is_dropped() -> None:
    decoded = decode(codecs.BOM_UTF8 + TEXT.encode("utf-8"))
    assert decoded.text == TEXT
    assert decoded.encoding == "utf-8"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_bom(codec: str) -> None:
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    decoded = decode(bom + TEXT.encode(codec))
    assert decoded.text == TEXT
    assert decoded.encoding == codec


def test_declared_utf8_but_windows_1252_bytes() -> None:
    decoded = decode(META_UTF8 + TEXT.encode("cp1252"))
    assert decoded.text.endswith(TEXT)
    assert decoded.encoding == "windows-1252"
    assert any("declared UTF-8" in w for w in decoded.warnings)


@pytest.mark.parametrize("head", [b"", META_LATIN1, META_UTF8], ids=["undeclared", "declared-latin1", "declared-utf8"])
def test_mixed_utf8_with_stray_windows_1252_byte(head: bytes) -> None:
    # a UTF-8 page (even one that declares latin-1) with one stray 0x96 dash: no mojibake anywhere
    data = head + TEXT.encode("utf-8") + b" \x96 Ende"
    decoded = decode(data)
    assert decoded.text.endswith(TEXT + " – Ende")
    assert decoded.encoding == "utf-8"
    assert decoded.warnings, "a repaired byte must be reported"


def test_undefined_windows_1252_byte_does_not_fail() -> None:
    # 0x81 has no windows-1252 character: it is kept as its latin-1 code point, the rest is intact
    decoded = decode(XML_LATIN1 + b"<p>Gr\xfcn\x81fl\xe4che \x80</p>")
    assert "Grün\x81fläche €" in decoded.text


@pytest.mark.parametrize("data", [
    b"", b"   \r\n\t  \n", codecs.BOM_UTF8, codecs.BOM_UTF8 + b" \n", codecs.BOM_UTF16_LE + " \n".encode("utf-16-le"),
    b"\xa0\xa0\r\n",  # only no-break spaces (windows-1252)
], ids=["empty", "whitespace", "bom-only", "bom-whitespace", "utf16-whitespace", "nbsp-only"])
def test_empty_input(data: bytes) -> None:
    with pytest.raises(InputError, match="empty"):
        decode(data)


@pytest.mark.parametrize(("data", "what"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), "PNG"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "PDF"),
    (b"GIF89a" + bytes(32), "GIF"),
    (b"PK\x03\x04" + bytes(32), "ZIP"),
])
def test_binary_magic_is_named(data: bytes, what: str) -> None:
    with pytest.raises(InputError, match=f"binary input: looks like an? .*{what}"):
        decode(data)


def test_nul_bytes_are_binary() -> None:
    with pytest.raises(InputError, match="NUL bytes"):
        decode(b"<html><body>Betreff\x00\x00\x00</body></html>")


def test_control_characters_are_binary() -> None:
    with pytest.raises(InputError, match="control characters"):
        decode(bytes(range(1, 9)) * 40)


def test_input_error_is_the_library_base_error() -> None:
    from allris_parse import AllrisParseError

    with pytest.raises(AllrisParseError):
        decode(b"")

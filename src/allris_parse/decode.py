"""Bytes to text: BOMs, declared charsets checked against the bytes, windows-1252 fallback.

ALLRIS classic pages declare iso-8859-1 and hold windows-1252 bytes, some declare it and hold
UTF-8, and embedded Word documents declare charsets of their own. The bytes decide: valid
UTF-8 is UTF-8, whatever the label says; otherwise the declared single-byte charset (read as
windows-1252, its superset in practice) applies.
"""

from __future__ import annotations

import codecs
import functools
import re
from dataclasses import dataclass, field
from warnings import catch_warnings, simplefilter

from allris_parse.errors import InputError

_BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"PK\x03\x04", "a ZIP archive (or Office document)"),
    (b"\x1f\x8b", "a gzip file"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
)
_MAGICS = tuple(magic for magic, _ in _BINARY_MAGIC)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_BOM_STARTS = tuple(bom for bom, _ in _BOMS)
#: Searched in the head in lower case (bytes.lower() folds ASCII letters only, as a case-blind bytes pattern
#: would): the case-sensitive search costs less than half.
_DECLARED = re.compile(rb"""(?:charset|encoding)\s*=\s*["']?\s*([a-z0-9_.:-]+)""")
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13))
#: Every other byte: what deleting these leaves is the control bytes (faster than deleting those).
_NOT_CONTROL_BYTES = bytes(b for b in range(0x100) if b not in _CONTROL_BYTES)
_SINGLE_BYTE = {"iso8859-1", "cp1252", "ascii"}  # codec names after codecs.lookup()
_HIGH_BYTES = bytes(range(0x80, 0x100))
#: Every printable ASCII character and the line breaks: a declared charset that does not read these as
#: themselves (UTF-16, UTF-7, EBCDIC, ``unicode_escape``, ``undefined``) cannot be an HTML page's charset.
_ASCII_PROBE = bytes(range(0x20, 0x7F)) + b"\t\n\r"
#: A page with more NUL bytes than this share of its first 4 KiB is binary; fewer are dropped (with a warning).
_MAX_NUL_SHARE = 0.01
#: The bytes where windows-1252 and latin-1 differ; without them a latin-1 decode (a copy in C) reads the
#: same text as the windows-1252 codec (a table lookup per byte, ~50 µs on a 32 KB page).
_C1_BYTES = bytes(range(0x80, 0xA0))
#: Every other byte: deleting these leaves the C1 bytes only (empty where there are none), ~1.9x faster
#: than deleting the C1 bytes and comparing lengths (less is written).
_NOT_C1_BYTES = bytes(b for b in range(0x100) if b not in _C1_BYTES)


def _cp1252_or_latin1(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: read each undecodable byte as windows-1252, or latin-1 where undefined."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    byte = exc.object[exc.start : exc.start + 1]
    try:
        char = byte.decode("cp1252")
    except UnicodeDecodeError:
        char = byte.decode("latin-1")
    return char, exc.start + 1


codecs.register_error("allris-cp1252", _cp1252_or_latin1)


@dataclass(frozen=True)
class Decoded:
    """Text of an input and how it was read."""

    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)
    #: A codec ("utf-8" or "latin-1") whose strict decoding of the input bytes is exactly ``text``, so a
    #: parser may read the bytes themselves instead of ``text`` encoded again; None where no codec is.
    codec: str | None = None


def _declared_charset(head: bytes) -> str | None:
    lowered = head.lower()
    if b"charset" not in lowered and b"encoding" not in lowered:
        return None  # the regex costs ~20 µs on 2 KB where it finds nothing (text renderings)
    match = _DECLARED.search(lowered)
    if not match:
        return None
    name = match.group(1).decode("ascii", "replace").lower()
    try:
        return codecs.lookup(name).name
    except LookupError:
        return name


def _check_not_binary(data: bytes) -> None:
    if data.startswith(_MAGICS):  # one call for all of them; which one only for the message
        for magic, what in _BINARY_MAGIC:
            if data.startswith(magic):
                raise InputError(f"binary input: looks like {what}, not an HTML or text page")
    head = data[:4096]
    if b"\x00" in head and head.count(b"\x00") > len(head) * _MAX_NUL_SHARE:
        raise InputError("binary input: NUL bytes in the first 4 KiB")
    controls = len(head.translate(None, _NOT_CONTROL_BYTES))
    if controls > len(head) // 20:
        raise InputError("binary input: too many control characters for a text or HTML page")


def decode(data: bytes) -> Decoded:
    """Decode the bytes of one page; raises :class:`InputError` for empty or binary input."""
    decoded = _decode(data)
    # A few stray NULs in a page (more are binary) go: libxml2 would make each a U+FFFD. The bytes are
    # searched first (memchr, ~2 µs on 32 KB; the text search costs ~40 µs where the text is not latin-1).
    if b"\x00" in data and "\x00" in decoded.text:
        count = decoded.text.count("\x00")
        decoded = Decoded(decoded.text.replace("\x00", ""), decoded.encoding,
                          [*decoded.warnings, f"{count} NUL byte{'s' if count > 1 else ''} removed"])
    # also a bare BOM, UTF-16 spaces, or only no-break spaces; isspace() stops at the first other character
    # where strip() copies the whole text
    if not decoded.text or decoded.text.isspace():
        raise InputError("empty input")
    return decoded


@functools.lru_cache(maxsize=64)
def _ascii_compatible(codec: str) -> bool:
    """True for a text codec that reads ASCII as ASCII (what an HTML page's declared charset must do)."""
    with catch_warnings():  # unicode_escape warns about the probe's backslash: a failure here
        simplefilter("error")
        try:
            return _ASCII_PROBE.decode(codec) == _ASCII_PROBE.decode("ascii")
        except (LookupError, UnicodeError, ValueError, TypeError, Warning):  # no such codec, not text, fails
            return False


def _decode(data: bytes) -> Decoded:
    if not data or data.isspace():
        raise InputError("empty input")
    if data.startswith(_BOM_STARTS):  # one call for all of them; which one only where there is one
        for bom, name in _BOMS:
            if data.startswith(bom):
                return Decoded(data[len(bom):].decode(name, "allris-cp1252" if name == "utf-8" else "replace"), name)
    _check_not_binary(data)
    try:
        return Decoded(data.decode("utf-8"), "utf-8", codec="utf-8")
    except UnicodeDecodeError:
        pass
    # The declared charset only matters where the bytes are not UTF-8 (a UTF-8 page never reads it).
    declared = _declared_charset(data[:2048])
    warnings: list[str] = []
    if declared and declared not in _SINGLE_BYTE and declared != "utf-8":
        try:
            if _ascii_compatible(declared):
                return Decoded(data.decode(declared), declared)
        except (LookupError, UnicodeError, ValueError):
            pass
        warnings.append(f"declared charset {declared!r} does not fit the bytes; read as windows-1252")
        return Decoded(data.decode("cp1252", "allris-cp1252"), "windows-1252", warnings)
    # UTF-8 read as windows-1252 shows as "Ã¤", "Â " or "â€ž": only then is the costly byte count worth it.
    text: str | None = None
    codec: str | None = None
    if not data.translate(None, _NOT_C1_BYTES):
        text, codec = data.decode("latin-1"), "latin-1"
        mojibake = "Ã" in text or "Â" in text  # no "€" without a C1 byte
    else:
        # Those characters come from exactly the bytes C3, C2 and E2 80, searched with memchr on the bytes
        # before the text is made (in the text of such a page, two bytes a character, each search took
        # ~17 us); the slow two-byte search (~40 us on 30 KB) only where an 80 byte is at all.
        mojibake = b"\xc3" in data or b"\xc2" in data or (b"\x80" in data and b"\xe2\x80" in data)
    if mojibake and _mostly_utf8(data):
        warnings.append("mostly UTF-8 but some bytes are not; read those as windows-1252")
        return Decoded(data.decode("utf-8", "allris-cp1252"), "utf-8", warnings)
    if text is None:
        text = data.decode("cp1252", "allris-cp1252")
    if declared == "utf-8":
        warnings.append("declared UTF-8 but the bytes are windows-1252")
    return Decoded(text, "windows-1252", warnings, codec)


def _mostly_utf8(data: bytes) -> bool:
    """True when most non-ASCII bytes form valid UTF-8 sequences (a UTF-8 page with stray bytes)."""
    high = len(data) - len(data.translate(None, _HIGH_BYTES))
    stray = data.decode("utf-8", "replace").count("\ufffd")  # about one per byte outside a valid sequence
    return high > stray and stray <= high * 0.2

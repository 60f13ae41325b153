"""Parse an input once and tell what it is: input format, ALLRIS flavour and page type."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

import lxml.html
from lxml import etree
from lxml.etree import ParserError

from allris_parse import labels
from allris_parse.clean import strip_html_noise
from allris_parse.decode import decode
from allris_parse.errors import InputError
from allris_parse.fields import elements, strings
from allris_parse.models import Flavour, Format, Source


def _html_parser(encoding: str) -> lxml.html.HTMLParser:
    # huge_tree: a text node may be longer than libxml2's default 10 MB (a 50 MB page of one paragraph is
    # read whole, not cut off there) and elements may nest 2048 deep instead of 256; deeper nesting still
    # stops the parser, which load() reports as a warning (see _MAX_DEPTH).
    parser = lxml.html.HTMLParser(encoding=encoding, remove_comments=True, remove_pis=True, huge_tree=True)
    # Every element is an HtmlElement: lxml.html's default lookup picks a class per tag in Python for each
    # element proxy, which was the largest single cost of extraction (forms-specific classes are not used).
    parser.set_element_class_lookup(etree.ElementDefaultClassLookup(element=lxml.html.HtmlElement))
    return parser


_PARSER = _html_parser("utf-8")
#: Parsers that read the input bytes as they are, where the decoder says one strict codec gives the text
#: (no second UTF-8 encoding of the whole text, ~25 µs on a 32 KB page).
_PARSERS = {"utf-8": _PARSER, "latin-1": _html_parser("iso-8859-1")}
#: Characters lxml will not store as element text although its HTML parser puts them in the tree: C0
#: controls other than tab and line breaks, the non-characters U+FFFE/U+FFFF, lone surrogates.
NOT_XML_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
#: How deep libxml2 nests elements with huge_tree; deeper ones stop the parse (a fatal resource-limit error).
_MAX_DEPTH = 2048
_LOOKS_LIKE_HTML = re.compile(r"<(?:!doctype|html|head|body|div|table|\?xml|meta|p|span|form)\b", re.IGNORECASE)
_TEXT_NODES = etree.XPath("//text()")
_GENERATOR = etree.XPath("/html/head/meta[@name='description']/@content")
_PAGE_MARKERS = tuple((page_type, etree.XPath(xpath), etree.XPath(guard) if isinstance(guard, str) else guard)
                      for page_type, xpath, guard in labels.HTML_PAGE_MARKERS)
_TYPE_IN_ADDRESS = re.compile(r"(?<![a-z0-9])(" + "|".join(labels.PAGE_TYPE_CODES) + r")(?:_[a-z])?(?![a-z0-9])",
                              re.IGNORECASE)


#: Labels a line of a classic text rendering starts with, after the line break before it: searching the joined
#: head for each (in C) costs about a third of one MULTILINE regex search.
_CLASSIC_TEXT_LABELS = ("Betreff:", "Status:", "Gremium:", "TOP:")
_CLASSIC_TEXT_LABELS_IN_TEXT = tuple("\n" + label for label in _CLASSIC_TEXT_LABELS)
_WICKET_BASE_URL = re.compile(r"Wicket\.Ajax\.baseUrl=\"([a-z0-9_]+)")
_AJAX_RESPONSE = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?<ajax-response\b", re.IGNORECASE)
_AJAX_COMPONENT = re.compile(r"<component\b[^>]*>\s*<!\[CDATA\[(.*?)\]\]>\s*</component>", re.DOTALL | re.IGNORECASE)


@dataclass
class Document:
    """One decoded, parsed input with what detection found out about it."""

    text: str
    format: Format
    sha256: str
    encoding: str
    path: str | None = None
    url: str | None = None
    root: lxml.html.HtmlElement | None = None
    lines: list[str] = field(default_factory=list)
    flavour: Flavour = "unknown"
    page_type: str | None = None
    warnings: list[str] = field(default_factory=list)

    def source(self) -> Source:
        """The ``source`` block of the record made from this document."""
        return Source(path=self.path, url=self.url, format=self.format, flavour=self.flavour,
                      encoding=self.encoding, sha256=self.sha256)

    @property
    def html(self) -> lxml.html.HtmlElement:
        """The parsed tree; only extractors of HTML pages ask for it."""
        if self.root is None:
            raise TypeError("this document is a text rendering, not HTML")
        return self.root


def load(data: bytes, *, path: str | None = None, url: str | None = None, clean_controls: bool = False) -> Document:
    """Decode and parse ``data`` once, then detect format, flavour and page type.

    ``clean_controls``: make each control character in the tree's text a space (see :func:`refused_text`).
    """
    decoded = decode(data)
    doc = Document(text=decoded.text, format="text", sha256=hashlib.sha256(data).hexdigest(),
                   encoding=decoded.encoding, path=path, url=url, warnings=list(decoded.warnings))
    if _LOOKS_LIKE_HTML.search(decoded.text, 0, 4096):  # endpos: no copy of the head
        doc.format = "html"
        markup = _unwrap_ajax_response(decoded.text)
        if markup is None and decoded.codec is not None:
            source, parser = data, _PARSERS[decoded.codec]
        else:
            source, parser = (markup or decoded.text).encode("utf-8"), _PARSER
        try:
            root = etree.fromstring(source, parser)
        except (ParserError, etree.XMLSyntaxError, ValueError) as exc:
            raise InputError(f"HTML that cannot be parsed: {exc}") from exc
        except MemoryError as exc:  # the tree of an absurd input does not fit; this page only
            raise InputError("HTML too large to parse: out of memory") from exc
        if not isinstance(root, lxml.html.HtmlElement):
            raise InputError("HTML that cannot be parsed: no document element")
        doc.warnings += _parser_stopped(parser)
        if clean_controls:
            doc.warnings += _clean_controls(root)
        doc.root = root
        _detect_html(doc)
        if markup is not None:
            doc.flavour = "allris4"
        strip_html_noise(doc.root)
    else:
        doc.lines = decoded.text.splitlines()
        _detect_text(doc)
    return doc


def refused_text(exc: ValueError) -> bool:
    """True where lxml refused to store text taken from the page itself as an element's text or tail (a
    control character, as such or as a reference like ``&#1;``, which its HTML parser keeps): the page
    can be read again with ``clean_controls``. Searching every page for them would cost more than the
    rare page that has them."""
    return "XML compatible" in str(exc)


def _clean_controls(root: lxml.html.HtmlElement) -> list[str]:
    """Each character lxml will not store as text (see ``NOT_XML_TEXT``) made a space; a warning.
    All text nodes of the document: a broken page may hold elements beside the root element."""
    count = 0
    found = _TEXT_NODES(root)
    for node in found if isinstance(found, list) else []:
        if isinstance(node, etree._ElementUnicodeResult) and NOT_XML_TEXT.search(node):
            parent = node.getparent()
            if parent is None:
                continue
            count += len(NOT_XML_TEXT.findall(node))
            if node.is_tail:
                parent.tail = NOT_XML_TEXT.sub(" ", parent.tail or "")
            else:
                parent.text = NOT_XML_TEXT.sub(" ", parent.text or "")
    return [f"{count} control character{'s' if count != 1 else ''} in the text read as spaces"] if count else []


def _parser_stopped(parser: lxml.html.HTMLParser) -> list[str]:
    """A warning where libxml2 stopped before the end of the input (a fatal error such as nesting deeper
    than its limit): the record then holds only what came before. Its error log of the last run holds a
    few entries on real pages; reading it costs well under 1% of the parse."""
    for entry in parser.error_log:
        if entry.level == etree.ErrorLevels.FATAL:
            if "depth" in entry.message.lower():
                what = f"elements nested deeper than {_MAX_DEPTH} levels"
            else:
                what = entry.message.strip().rstrip(".")
            return [f"the HTML parser stopped at line {entry.line} ({what}): the rest of the page is missing"]
    return []


def _unwrap_ajax_response(text: str) -> str | None:
    """The HTML of a Wicket ``<ajax-response>`` (ALLRIS 4 loads e.g. the si010 table this way): the
    CDATA of its ``<component>`` parts, in order, as one body; None for any other input."""
    if not _AJAX_RESPONSE.search(text[:512]):
        return None
    parts = [part.replace("]]]]><![CDATA[>", "]]>") for part in _AJAX_COMPONENT.findall(text)]
    return "<html><body>" + "\n".join(parts) + "</body></html>"


def _type_from_address(doc: Document) -> str | None:
    for address in (doc.url, doc.path):
        if address:
            match = _TYPE_IN_ADDRESS.search(address.rsplit("/", 1)[-1]) or _TYPE_IN_ADDRESS.search(address)
            if match:
                return match.group(1).lower()
    return None


def _first_token(value: str | None) -> str | None:
    if not value:
        return None
    token = value.split()[0].lower() if value.split() else ""
    code = token.split("_")[0]
    return code if code in labels.PAGE_TYPE_CODES else None


def _detect_html(doc: Document) -> None:
    root = doc.html
    region: lxml.html.HtmlElement | None = None
    container = _by_id(root, labels.CLASSIC_CONTAINER_ID)
    if container is not None and container.tag == "div":
        doc.flavour = "classic"
        doc.page_type = _first_token(container.get("class"))
    else:
        generator = " ".join(strings(_GENERATOR, root))
        allris = _by_id(root, "allris")
        is_allris4 = "Version 4" in generator or doc.text.find("Wicket", 0, 20000) >= 0  # no copy of the head
        if allris is not None and not is_allris4 and _first_token(allris.get("class")):
            doc.flavour = "responsive"
            doc.page_type = _first_token(allris.get("class"))
        elif is_allris4 or allris is not None:
            doc.flavour = "allris4"
            base = _WICKET_BASE_URL.search(doc.text)
            doc.page_type = _first_token(base.group(1)) if base else None
        else:
            region = _by_id(root, "rismain_raw")
            region = region if region is not None else _by_id(root, "rismain")
            if region is not None:
                doc.flavour = "classic"
    if doc.page_type is None:
        doc.page_type = (_type_from_markers(region if region is not None else root, doc.text)
                         or _type_from_address(doc))


def _by_id(root: lxml.html.HtmlElement, element_id: str) -> lxml.html.HtmlElement | None:
    """The element with this id, through the parser's id index (no walk over the tree). An XPath compiled
    per id (the few fixed ids detection asks for) runs in ~60% of the time of one with a variable."""
    xpath = _ID_XPATHS.get(element_id)
    if xpath is None:
        if "'" in element_id:
            found = elements(_BY_ID, root, name=element_id)
            return found[0] if found else None
        xpath = _ID_XPATHS[element_id] = etree.XPath(f"id('{element_id}')")
    found = elements(xpath, root)
    return found[0] if found else None


_BY_ID = etree.XPath("id($name)")
_ID_XPATHS: dict[str, etree.XPath] = {}


def _type_from_markers(region: lxml.html.HtmlElement, text: str) -> str | None:
    for page_type, xpath, guard in _PAGE_MARKERS:
        if isinstance(guard, tuple):
            if not all(hint in text for hint in guard):  # each search of the text costs ~20 µs on 36 KB
                continue
        elif not guard(region):  # no walk over the tree for an anchor the page does not hold
            continue
        if xpath(region):
            return page_type
    return None


def _detect_text(doc: Document) -> None:
    # the stripped lines that are not empty, among the first 80 (map/filter iterate in C)
    head = list(filter(None, map(str.strip, doc.lines[:80])))
    title = next(filter(labels.TEXT_PAGE_TITLES.__contains__, head), None)
    if title is not None:
        doc.page_type = labels.TEXT_PAGE_TITLES[title]
    if doc.page_type is None:
        doc.page_type = _type_from_address(doc)
    if doc.page_type is None:
        for page_type, pattern in labels.TEXT_PAGE_MARKERS:
            if any(map(pattern.search, head)):
                doc.page_type = page_type
                break
    doc.flavour = _text_flavour(head)


def _text_flavour(head: list[str]) -> Flavour:
    joined = "\n".join(head)
    if ("Beratungsfolge:" in joined or joined.startswith(_CLASSIC_TEXT_LABELS)
            or any(label in joined for label in _CLASSIC_TEXT_LABELS_IN_TEXT)):
        return "classic"
    if "Reduzieren" in head or "Grunddaten" in head:
        return "allris4"
    return "unknown"
